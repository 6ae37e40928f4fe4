package demo

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// quiet drops the scheduler's warnings: a failed scheduled command shows up
// as a wrong state below, with a clearer message.
var quiet = slog.New(slog.DiscardHandler)

// seeded seeds a fresh memstore at now and returns the store and the App that wrote it.
func seeded(t *testing.T, now time.Time) (eventstore.Store, *app.App, int) {
	t.Helper()
	store := memstore.New(kernel.NewManualClock(now))
	t.Cleanup(func() { store.Close() })
	a, n, err := seed(context.Background(), store, now, quiet)
	if err != nil {
		t.Fatalf("seed at %s: %v", now.Format(time.RFC3339), err)
	}
	return store, a, n
}

// state returns the aggregate id's current state in h.
func state[S any, C kernel.Command](t *testing.T, h *app.Handler[S, C], id uuid.UUID) S {
	t.Helper()
	var out S
	if err := h.Inspect(context.Background(), id, func(s S, _ uint64) { out = s }); err != nil {
		t.Fatal(err)
	}
	return out
}

var demoNow = time.Date(2026, 11, 25, 4, 40, 0, 0, time.UTC) // a Wednesday, 12:40 in Shanghai

func TestSeedLeavesEveryListingInItsPromisedState(t *testing.T) {
	_, a, _ := seeded(t, demoNow)
	for _, c := range []struct {
		name    string
		id      uuid.UUID
		want    listing.Status
		bidders int
	}{
		{"draft", ListingDraft, listing.StatusDraft, 0},
		{"submitted", ListingSubmitted, listing.StatusSubmitted, 0},
		{"announced", ListingAnnounced, listing.StatusAnnounced, 2},
		{"live", ListingLive, listing.StatusAuctionOpen, 3},
		{"awarded", ListingAwarded, listing.StatusCertified, 3},
	} {
		l := state(t, a.Listings, c.id)
		if l.Status != c.want || len(l.Bidders) != c.bidders {
			t.Errorf("%s listing: status %s with %d bidders, want %s with %d", c.name, l.Status, len(l.Bidders), c.want, c.bidders)
		}
	}
	if l := state(t, a.Listings, ListingAnnounced); !l.AnnouncementEnds.After(demoNow) {
		t.Errorf("the announced listing's registration closed at %s, before now", l.AnnouncementEnds)
	}
}

// The story keeps its promises whatever holidays its 60 days cross: seeded at
// every day of 2026 and into 2027, the working-day calendar built in moves
// its deadlines, never its outcome.
func TestSeedKeepsItsPromisesAcrossTheOfficialHolidays(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 420 times")
	}
	want := map[uuid.UUID]listing.Status{ListingDraft: listing.StatusDraft, ListingSubmitted: listing.StatusSubmitted,
		ListingAnnounced: listing.StatusAnnounced, ListingLive: listing.StatusAuctionOpen, ListingAwarded: listing.StatusCertified}
	for now := time.Date(2026, 1, 1, 4, 40, 0, 0, time.UTC); now.Before(time.Date(2027, 2, 25, 0, 0, 0, 0, time.UTC)); now = now.AddDate(0, 0, 1) {
		_, a, _ := seeded(t, now)
		for id, status := range want {
			if got := state(t, a.Listings, id).Status; got != status {
				t.Fatalf("seeded at %s: listing %s is %s, want %s", now.Format(time.DateOnly), id, got, status)
			}
		}
	}
}

func TestTheLiveAuctionIsOpenAtNowAndTakesABid(t *testing.T) {
	_, a, _ := seeded(t, demoNow)
	l := state(t, a.Listings, ListingLive)
	if l.Status != listing.StatusAuctionOpen || l.OpensAt.After(demoNow) || !l.ClosesAt.After(demoNow) {
		t.Fatalf("live auction: %s, open %s – %s; want open around %s", l.Status, l.OpensAt, l.ClosesAt, demoNow)
	}
	if l.BidCount != 3 || l.Leader.BidderID != Fenghe {
		t.Fatalf("live auction: %d bids led by %s, want 3 led by Fenghe", l.BidCount, l.Leader.BidderID)
	}
	next := l.Leader.Amount + l.Details.Increment
	res, err := a.Listings.Handle(context.Background(), listing.PlaceBid{ListingID: ListingLive, BidderID: Lvyuan, Amount: next},
		app.Meta{CommandID: uuid.New(), Actor: actor("bidder", Lvyuan)})
	if err != nil {
		t.Fatalf("a bid of %s at now: %v", next, err)
	}
	if placed, ok := res.Events[0].(listing.BidPlaced); !ok || placed.Amount != next || !placed.At.Equal(demoNow) {
		t.Fatalf("the bid at now wrote %#v", res.Events)
	}
}

func TestTheAwardedOrchardHasItsContractCertificateAndNewHolder(t *testing.T) {
	_, a, _ := seeded(t, demoNow)
	l := state(t, a.Listings, ListingAwarded)
	if l.ContractID != OrchardContract || l.CertificateNumber == "" || l.Award.BidderID != Fenghe || l.Award.Via != listing.ViaAuction {
		t.Fatalf("awarded listing: contract %s, certificate %q, buyer %s via %s", l.ContractID, l.CertificateNumber, l.Award.BidderID, l.Award.Via)
	}
	if len(l.Refunds) != 0 {
		t.Errorf("losers' deposits still to refund: %v", l.Refunds)
	}
	c := state(t, a.Transfers, OrchardContract)
	if c.Status != transfer.StatusInForce || c.ListingID != ListingAwarded || c.Terms.Transferee != Fenghe || c.Document.Reference == "" {
		t.Fatalf("contract: %s from %s to %s, document %q", c.Status, c.ListingID, c.Terms.Transferee, c.Document.Reference)
	}
	if c.FilingNo == "" || c.RegistrationNo == "" || c.InArrears() {
		t.Errorf("contract: filed %q, registered %q, in arrears %v", c.FilingNo, c.RegistrationNo, c.InArrears())
	}
	// The price paid through the exchange is the consideration for the term,
	// which starts at the Shanghai midnight after payment and runs ten years.
	start := c.Terms.Start.In(kernel.Shanghai)
	if c.Area != 9600 || c.Outstanding() != 0 || !start.After(l.PaidAt) || start.Hour() != 0 || !c.Terms.End.Equal(c.Terms.Start.AddDate(10, 0, 0)) {
		t.Errorf("contract: %s mu, %s outstanding, %s – %s after payment at %s", c.Area, c.Outstanding(), c.Terms.Start, c.Terms.End, l.PaidAt)
	}
	for _, plot := range c.Terms.Plots {
		if got := state(t, a.Assets, plot.AssetID).Holder(); got != Fenghe {
			t.Errorf("plot %s is held by %s, want Fenghe", plot.AssetID, got)
		}
	}
}

func TestTheCooperativesDividendSumsExactly(t *testing.T) {
	_, a, _ := seeded(t, demoNow)
	c := state(t, a.Coops, Coop)
	d, ok := c.Dividends[Dividend]
	if !ok {
		t.Fatal("no dividend declared")
	}
	var sum kernel.Money
	var shares int64
	for _, p := range d.Payouts {
		sum += p.Amount
		shares += p.Shares
	}
	if sum != d.Amount || shares != c.TotalShares() || len(d.Payouts) != len(households) {
		t.Errorf("dividend of %s: %d payouts sum to %s over %d shares; the register has %d holders and %d shares",
			d.Amount, len(d.Payouts), sum, shares, len(households), c.TotalShares())
	}
}

func TestTheLoanIsDisbursedAgainstARegisteredMortgage(t *testing.T) {
	_, a, _ := seeded(t, demoNow)
	loan := state(t, a.Loans, Loan)
	if loan.Status != lending.StatusRepaying || loan.RegistrationID != Mortgage || loan.DisbursedOn.IsZero() || len(loan.Schedule) != 36 {
		t.Fatalf("loan: %s, registration %s, disbursed %s, %d instalments", loan.Status, loan.RegistrationID, loan.DisbursedOn, len(loan.Schedule))
	}
	if first := loan.Schedule[0]; first.Unpaid() != 0 || !first.DueDate.After(demoNow) || loan.Schedule[1].PaidPrincipal != 0 {
		t.Errorf("loan: the first instalment, due %s, has %s unpaid; the second %s paid", first.DueDate, first.Unpaid(), loan.Schedule[1].PaidPrincipal)
	}
	reg := state(t, a.Collateral, Mortgage)
	if reg.Status != collateral.StatusRegistered || reg.Grantor != Fenghe || reg.SecuredParty != Bank || reg.Collateral.Asset != loan.Collateral.AssetID {
		t.Fatalf("mortgage: %s by %s for %s on %s", reg.Status, reg.Grantor, reg.SecuredParty, reg.Collateral.Asset)
	}
	if rs := state(t, a.Assets, loan.Collateral.AssetID).RestrictionsAt(demoNow); len(rs) != 1 || rs[0].ID != Mortgage {
		t.Errorf("the mortgaged plot's restrictions at now: %v", rs)
	}
	if f := state(t, a.Funds, Fund); f.Operator != Exchange || f.Capital != fund.DefaultSettings().InitialCapital {
		t.Errorf("fund: operator %s, capital %s", f.Operator, f.Capital)
	}
	if p := state(t, a.Products, LoanProduct); len(p.Snapshot().Terms.Tiers) != 3 {
		t.Errorf("loan product tiers: %v", p.Snapshot().Terms.Tiers)
	}
}

func TestSeedWritesNothingIntoAStoreWithEvents(t *testing.T) {
	store, _, n := seeded(t, demoNow)
	all, err := store.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(all) {
		t.Fatalf("Seed reported %d events, the store holds %d", n, len(all))
	}
	again, err := Seed(context.Background(), store, demoNow.Add(time.Hour), quiet)
	if err != nil || again != 0 {
		t.Fatalf("second Seed: %d events, %v; want 0, nil", again, err)
	}
	if after, _ := store.ReadAll(context.Background(), all[len(all)-1].Position, 10); len(after) != 0 {
		t.Fatalf("second Seed wrote %d events", len(after))
	}
}

// TestEveryStreamReplaysToTheAppsState reads every stream back through a fresh
// App, decoding the stored JSON, and compares the state with the one the
// seeding App evolved from the events it decided.
func TestEveryStreamReplaysToTheAppsState(t *testing.T) {
	store, seeding, _ := seeded(t, demoNow)
	fresh := app.New(store, kernel.NewManualClock(demoNow), quiet, app.Options{})
	all, err := store.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	compare := map[string]func(uuid.UUID){
		seeding.Assets.Category():     func(id uuid.UUID) { same(t, seeding.Assets, fresh.Assets, id) },
		seeding.Packages.Category():   func(id uuid.UUID) { same(t, seeding.Packages, fresh.Packages, id) },
		seeding.Listings.Category():   func(id uuid.UUID) { same(t, seeding.Listings, fresh.Listings, id) },
		seeding.Transfers.Category():  func(id uuid.UUID) { same(t, seeding.Transfers, fresh.Transfers, id) },
		seeding.Coops.Category():      func(id uuid.UUID) { same(t, seeding.Coops, fresh.Coops, id) },
		seeding.Collateral.Category(): func(id uuid.UUID) { same(t, seeding.Collateral, fresh.Collateral, id) },
		seeding.Loans.Category():      func(id uuid.UUID) { same(t, seeding.Loans, fresh.Loans, id) },
		seeding.Products.Category():   func(id uuid.UUID) { same(t, seeding.Products, fresh.Products, id) },
		seeding.Funds.Category():      func(id uuid.UUID) { same(t, seeding.Funds, fresh.Funds, id) },
		seeding.Calendar.Category():   func(id uuid.UUID) { same(t, seeding.Calendar, fresh.Calendar, id) },
		seeding.Parties.Category():    func(id uuid.UUID) { same(t, seeding.Parties, fresh.Parties, id) },
		seeding.PartyKeys.Category():  func(id uuid.UUID) { same(t, seeding.PartyKeys, fresh.PartyKeys, id) },
	}
	seen := map[string]bool{}
	for _, rec := range all {
		if seen[rec.Stream] {
			continue
		}
		seen[rec.Stream] = true
		category, rest, _ := strings.Cut(rec.Stream, "-")
		id, err := uuid.Parse(rest)
		check, ok := compare[category]
		if err != nil || !ok {
			t.Errorf("stream %s belongs to no aggregate type", rec.Stream)
			continue
		}
		check(id)
	}
	// 8 parties and their identifiers' keys, 12 assets, the orchard package,
	// 5 listings, a contract, the cooperative, a collateral registration, a
	// loan, its product, the fund and the calendar.
	if len(seen) != 41 {
		t.Errorf("%d streams, want 41", len(seen))
	}
}

func same[S any, C kernel.Command](t *testing.T, seeding, fresh *app.Handler[S, C], id uuid.UUID) {
	t.Helper()
	if want, got := state(t, seeding, id), state(t, fresh, id); !reflect.DeepEqual(want, got) {
		t.Errorf("%s-%s replays to\n%+v\nbut the seeding app holds\n%+v", seeding.Category(), id, got, want)
	}
}

// TestSeedWorksOnEveryDayOfTheWeek seeds at a week of different times: the
// story's deadlines fall in working days, so each weekday shifts them.
func TestSeedWorksOnEveryDayOfTheWeek(t *testing.T) {
	for i := range 7 {
		now := demoNow.Add(time.Duration(i) * 27 * time.Hour) // every weekday, at a different hour each
		_, a, n := seeded(t, now)
		if l := state(t, a.Listings, ListingLive); l.Status != listing.StatusAuctionOpen || !l.ClosesAt.After(now) {
			t.Errorf("seeded at %s: the live auction is %s until %s", now.Format(time.RFC3339), l.Status, l.ClosesAt)
		}
		if n == 0 {
			t.Errorf("seeded at %s: no events", now.Format(time.RFC3339))
		}
	}
}

func BenchmarkSeed(b *testing.B) {
	for b.Loop() {
		store := memstore.New(kernel.NewManualClock(demoNow))
		if _, err := Seed(context.Background(), store, demoNow, quiet); err != nil {
			b.Fatal(err)
		}
		store.Close()
	}
}

// failingStore refuses appends once it holds limit events.
type failingStore struct {
	*memstore.Store
	limit uint64
}

var errDiskFull = errors.New("disk full")

func (f failingStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if recs, _ := f.ReadAll(ctx, f.limit-1, 1); len(recs) > 0 {
		return eventstore.AppendResult{}, errDiskFull
	}
	return f.Store.Append(ctx, stream, expected, events...)
}

func TestSeedStopsAtTheFirstFailedStepAndSaysWhich(t *testing.T) {
	store := failingStore{memstore.New(kernel.NewManualClock(demoNow)), 40}
	n, err := Seed(context.Background(), store, demoNow, quiet)
	if !errors.Is(err, errDiskFull) || !strings.Contains(err.Error(), "demo step") {
		t.Fatalf("Seed on a store that fills up: %v", err)
	}
	if all, _ := store.ReadAll(context.Background(), 0, 1<<20); n != len(all) || n < 40 {
		t.Fatalf("Seed reported %d events; the store took %d", n, len(all))
	}
}

// TestSeedIntoTheEmbeddedStoreAndRestart is `make run` twice: the embedded
// file store (which, unlike the memstore, honours ctx on reads) is seeded,
// closed, reopened and left alone the second time.
func TestSeedIntoTheEmbeddedStoreAndRestart(t *testing.T) {
	dir := t.TempDir()
	open := func() *filestore.Store {
		store, err := filestore.Open(filestore.Options{Dir: dir, Clock: kernel.NewManualClock(demoNow)})
		if err != nil {
			t.Fatal(err)
		}
		return store
	}
	store := open()
	n, err := Seed(context.Background(), store, demoNow, quiet)
	if err != nil || n == 0 {
		t.Fatalf("first Seed: %d events, %v", n, err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	store = open()
	defer store.Close()
	if again, err := Seed(context.Background(), store, demoNow.Add(24*time.Hour), quiet); err != nil || again != 0 {
		t.Fatalf("Seed after a restart: %d events, %v", again, err)
	}
	if all, _ := store.ReadAll(context.Background(), 0, 1<<20); len(all) != n {
		t.Fatalf("the reopened store holds %d events; Seed wrote %d", len(all), n)
	}
}

// The exported walkthrough ids name the story's own household plot and member.
func TestWalkthroughIDsNameTheStorysPlotAndMember(t *testing.T) {
	if VegetablePlot != households[4].asset() || households[4].name != "王德明" {
		t.Errorf("VegetablePlot is %s, want %s's plot %s", VegetablePlot, households[4].name, households[4].asset())
	}
	if CoopMember != households[6].member() || households[6].plot != 0 {
		t.Errorf("CoopMember is %s, want the plotless member %s", CoopMember, households[6].member())
	}
}

// Every party a token is minted for in the demo's docs is registered as a
// kind that acts in the role the token takes.
func TestEveryDemoPartyMayActInItsRole(t *testing.T) {
	_, seeding, _ := seeded(t, demoNow)
	for _, p := range Parties() {
		s, err := seeding.Party(context.Background(), p.ID)
		if err != nil {
			t.Fatal(err)
		}
		role, err := auth.ParseRole(p.Role)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.CanAct(); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		} else if err := auth.MayAct(s.Kind, role); err != nil {
			t.Errorf("%s: %v", p.Name, err)
		}
	}
}

// TestEveryDemoEventDecodesAsEncodingJSONDecodesIt: the registry's decoder
// gives, for every event of the demo's history (every context's), the value
// encoding/json gives.
func TestEveryDemoEventDecodesAsEncodingJSONDecodesIt(t *testing.T) {
	store, seeding, _ := seeded(t, demoNow)
	all, err := store.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string]bool{}
	for _, rec := range all {
		got, err := seeding.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			t.Fatalf("%s at %d: %v", rec.Type, rec.Position, err)
		}
		want := reflect.New(reflect.TypeOf(got))
		if err := json.Unmarshal(rec.Data, want.Interface()); err != nil {
			t.Fatalf("encoding/json refuses %s at %d: %v", rec.Type, rec.Position, err)
		}
		if !reflect.DeepEqual(got, want.Elem().Interface()) {
			t.Errorf("%s at %d:\nDecode        %#v\nencoding/json %#v", rec.Type, rec.Position, got, want.Elem().Interface())
		}
		types[rec.Type] = true
	}
	t.Logf("%d events of %d types", len(all), len(types))
}
