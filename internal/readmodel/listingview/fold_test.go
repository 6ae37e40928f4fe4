package listingview

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
)

// everyEvent returns events of every type Apply handles, and two it
// ignores, over five listings: a ladder auction taken through payment,
// contract, certificate and archive; a sealed rented lease suspended and
// resumed, negotiated, its quotes opened, awarded through a priority window,
// forfeited, relisted to a second round that registers the same bidders
// again, released, refunded and paid; a draft revised, submitted, rejected,
// suspended and withdrawn; an auction suspended, resumed and closed; and one never
// created, whose events change nothing.
func everyEvent() []kernel.Event {
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	seller, coll := uuid.New(), uuid.New()
	b1, b2, b3 := uuid.New(), uuid.New(), uuid.New()
	details := func(title string, m listing.Method, basis listing.PriceBasis) listing.Details {
		return listing.Details{Title: title, Description: "Irrigated 水浇地", Seller: seller, Basis: basis, Method: m, Revisable: m == listing.MethodSealed,
			Asset: listing.AssetFacts{AssetIDs: []uuid.UUID{uuid.New(), uuid.New()}, Type: kernel.AssetLandManagementRight, OwningCollective: coll,
				Region: listing.Region{Province: "山东省", County: "寿光市", Township: "稻田镇", Village: "王家庄"}, Area: 1234},
			ListedPrice: kernel.Yuan(100_000), StartingPrice: kernel.Yuan(90_000), Increment: kernel.Yuan(100), TermMonths: 60,
			Deposit: kernel.Yuan(5_000)}
	}
	ladder, sealed, draft, paused, ghost := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
	res := listing.Resolution{Body: "村民代表会议", VotesFor: 20, Total: 30, Date: t0}
	contract := uuid.New()
	return []kernel.Event{
		// The ladder auction.
		listing.ListingCreated{ListingID: ladder, Details: details("苹果园", listing.MethodLadder, listing.BasisTotal), At: at(0)},
		listing.ReservePriceSet{ListingID: ladder, ReservePrice: kernel.Yuan(95_000), At: at(0)}, // ignored
		listing.ListingSubmitted{ListingID: ladder, Resolution: res, At: at(1)},
		listing.ListingApproved{ListingID: ladder, AnnouncementEnds: at(100), BiddingOpensAt: at(101), At: at(2)},
		listing.BidderRegistered{ListingID: ladder, BidderID: b1, BidderNumber: 1, IsMember: true, DepositDue: kernel.Yuan(5_000), At: at(3)},
		listing.BidderRegistered{ListingID: ladder, BidderID: b2, BidderNumber: 2, DepositDue: kernel.Yuan(5_000), At: at(3)},
		listing.BidderRegistered{ListingID: ladder, BidderID: b3, BidderNumber: 3, DepositDue: kernel.Yuan(5_000), At: at(3)},
		listing.DepositConfirmed{ListingID: ladder, BidderID: b1, Amount: kernel.Yuan(5_000), At: at(4)},
		listing.DepositConfirmed{ListingID: ladder, BidderID: b2, Amount: kernel.Yuan(5_000), At: at(4)},
		listing.BidderQualified{ListingID: ladder, BidderID: b1, At: at(5)},
		listing.BidderQualified{ListingID: ladder, BidderID: b2, At: at(5)},
		listing.BidderDisqualified{ListingID: ladder, BidderID: b3, Reason: "no deposit", At: at(5)},
		listing.RegistrationClosed{ListingID: ladder, Qualified: 2, Outcome: listing.OutcomeAuction, At: at(100)},
		listing.AuctionScheduled{ListingID: ladder, OpensAt: at(101), FreeBiddingEnds: at(102), ClosesAt: at(103), At: at(100)},
		listing.BiddingOpened{ListingID: ladder, At: at(101)},
		listing.BidPlaced{ListingID: ladder, BidderID: b1, BidderNumber: 1, Amount: kernel.Yuan(90_000), Seq: 1, At: at(101)},
		listing.BidPlaced{ListingID: ladder, BidderID: b2, BidderNumber: 2, Amount: kernel.Yuan(90_100), Seq: 2, At: at(102)},
		listing.AuctionExtended{ListingID: ladder, PreviousClose: at(103), NewClose: at(104), At: at(102)},
		listing.AuctionClosed{ListingID: ladder, Bids: 2, Sold: true, WinnerID: b2, WinnerNumber: 2, Price: kernel.Yuan(90_100), At: at(104)},
		listing.MemberPriorityExercised{ListingID: ladder, BidderID: b1, BidderNumber: 1, Price: kernel.Yuan(90_100), At: at(105)}, // ignored
		listing.AwardConfirmed{ListingID: ladder, BidderID: b2, BidderNumber: 2, Price: kernel.Yuan(90_100), Via: listing.ViaAuction,
			DepositApplied: kernel.Yuan(5_000), BalanceDue: kernel.Yuan(85_100), PaymentDue: at(200), At: at(105)},
		listing.DepositsReleased{ListingID: ladder, Deposits: []listing.ReleasedDeposit{{BidderID: b1, BidderNumber: 1, Amount: kernel.Yuan(5_000)}}, Due: at(110), At: at(105)},
		listing.DepositRefunded{ListingID: ladder, BidderID: b1, Amount: kernel.Yuan(5_000), At: at(106)},
		listing.PaymentConfirmed{ListingID: ladder, BidderID: b2, Amount: kernel.Yuan(85_100), At: at(150)},
		listing.ContractSigned{ListingID: ladder, ContractID: contract, BuyerID: b2, Price: kernel.Yuan(90_100), At: at(160)},
		listing.CertificateIssued{ListingID: ladder, Number: "鲁(2026)寿光市第0001号", At: at(170)},
		listing.ListingArchived{ListingID: ladder, At: at(180)},

		// The sealed lease.
		listing.ListingCreated{ListingID: sealed, Details: details("鱼塘", listing.MethodSealed, listing.BasisAnnualRent), At: at(0)},
		listing.ListingSubmitted{ListingID: sealed, Resolution: res, At: at(1)},
		listing.ListingApproved{ListingID: sealed, AnnouncementEnds: at(100), BiddingOpensAt: at(101), At: at(2)},
		listing.ListingSuspended{ListingID: sealed, Reason: "complaint", At: at(3)},
		listing.ListingResumed{ListingID: sealed, AnnouncementEnds: at(120), At: at(4)}, // BiddingOpensAt kept
		listing.BidderRegistered{ListingID: sealed, BidderID: b1, BidderNumber: 1, IsMember: true, DepositDue: kernel.Yuan(5_000), At: at(5)},
		listing.BidderRegistered{ListingID: sealed, BidderID: b2, BidderNumber: 2, DepositDue: kernel.Yuan(5_000), At: at(5)},
		listing.DepositConfirmed{ListingID: sealed, BidderID: b1, Amount: kernel.Yuan(5_000), At: at(6)},
		listing.DepositConfirmed{ListingID: sealed, BidderID: b2, Amount: kernel.Yuan(5_000), At: at(6)},
		listing.RegistrationClosed{ListingID: sealed, Qualified: 1, Outcome: listing.OutcomeNegotiation, NegotiatingBidder: b1, NegotiationEnds: at(130), At: at(120)},
		listing.QuoteSubmitted{ListingID: sealed, BidderID: b1, BidderNumber: 1, Amount: kernel.Yuan(9_000), Seq: 1, At: at(121)},
		listing.QuoteSubmitted{ListingID: sealed, BidderID: b2, BidderNumber: 2, Amount: kernel.Yuan(9_500), Seq: 2, At: at(122)},
		listing.QuotesOpened{ListingID: sealed, Quotes: []listing.OpenedQuote{
			{BidderID: b2, BidderNumber: 2, Amount: kernel.Yuan(9_500), SubmittedAt: at(122), Seq: 2},
			{BidderID: b1, BidderNumber: 1, Amount: kernel.Yuan(9_000), SubmittedAt: at(121), Seq: 1}}, At: at(125)},
		listing.QuotesOpened{ListingID: sealed, At: at(125)}, // none: only the round's quotes were opened
		listing.PriorityWindowOpened{ListingID: sealed, Price: kernel.Yuan(9_500), Ends: at(128), At: at(125)},
		listing.AwardConfirmed{ListingID: sealed, BidderID: b1, BidderNumber: 1, Price: kernel.Yuan(9_500), Via: listing.ViaMemberPriority,
			DepositApplied: kernel.Yuan(5_000), BalanceDue: kernel.Yuan(4_500), PaymentDue: at(140), At: at(128)},
		listing.DepositForfeited{ListingID: sealed, BidderID: b1, BidderNumber: 1, Amount: kernel.Yuan(5_000), To: listing.ForfeitSeller, At: at(141)},
		listing.DepositsReleased{ListingID: sealed, Deposits: []listing.ReleasedDeposit{{BidderID: b2, BidderNumber: 2, Amount: kernel.Yuan(5_000)}}, Due: at(150), At: at(141)},
		listing.ListingUnsold{ListingID: sealed, Reason: "unpaid", At: at(141)},
		listing.ListingRelisted{ListingID: sealed, Round: 2, At: at(142)},
		listing.ListingSubmitted{ListingID: sealed, Resolution: res, At: at(143)},
		listing.ListingApproved{ListingID: sealed, AnnouncementEnds: at(200), BiddingOpensAt: at(201), At: at(144)},
		listing.BidderRegistered{ListingID: sealed, BidderID: b2, BidderNumber: 1, DepositDue: kernel.Yuan(5_000), At: at(145)},
		listing.DepositConfirmed{ListingID: sealed, BidderID: b2, Amount: kernel.Yuan(5_000), At: at(146)},
		listing.BidderQualified{ListingID: sealed, BidderID: b2, At: at(146)},
		listing.PriorityWindowOpened{ListingID: sealed, Right: listing.RightSittingLessee, Price: kernel.Yuan(9_000), Ends: at(210), At: at(205)},
		listing.AwardConfirmed{ListingID: sealed, BidderID: b2, BidderNumber: 1, Price: kernel.Yuan(9_000), Via: listing.ViaNegotiation,
			DepositApplied: kernel.Yuan(5_000), BalanceDue: kernel.Yuan(4_000), PaymentDue: at(240), At: at(206)},
		// Releases b2's deposit of round 2, then refunds it in both rounds, where it is released.
		listing.DepositsReleased{ListingID: sealed, Deposits: []listing.ReleasedDeposit{{BidderID: b2, BidderNumber: 1, Amount: kernel.Yuan(5_000)}}, Due: at(215), At: at(207)},
		listing.DepositRefunded{ListingID: sealed, BidderID: b2, Amount: kernel.Yuan(5_000), At: at(208)},
		listing.PaymentConfirmed{ListingID: sealed, BidderID: b2, Amount: kernel.Yuan(4_000), At: at(220)},
		listing.ListingEnded{ListingID: sealed, Reason: "sold", At: at(230)},

		// The draft.
		listing.ListingCreated{ListingID: draft, Details: details("草稿", listing.MethodLadder, listing.BasisRentPerMuYear), At: at(0)},
		listing.ListingRevised{ListingID: draft, Details: details("修改后的草稿 Orchard", listing.MethodSealed, listing.BasisTotal), At: at(1)},
		listing.ListingSubmitted{ListingID: draft, Resolution: res, At: at(2)},
		listing.ListingRejected{ListingID: draft, Reason: "votes", At: at(3)},
		listing.ListingSuspended{ListingID: draft, Reason: "review", At: at(4)},
		listing.ListingWithdrawn{ListingID: draft, By: seller, Reason: "sold privately", At: at(5)}, // prev_status stays REJECTED

		// The paused auction, resumed with a new free-bidding end only, then closed.
		listing.ListingCreated{ListingID: paused, Details: details("暂停的拍卖", listing.MethodLadder, listing.BasisTotal), At: at(0)},
		listing.ListingApproved{ListingID: paused, AnnouncementEnds: at(100), BiddingOpensAt: at(101), At: at(2)},
		listing.AuctionScheduled{ListingID: paused, OpensAt: at(101), FreeBiddingEnds: at(102), ClosesAt: at(103), At: at(100)},
		listing.ListingSuspended{ListingID: paused, Reason: "complaint", At: at(101)},
		listing.ListingResumed{ListingID: paused, FreeBiddingEnds: at(110), At: at(105)},
		listing.AuctionClosed{ListingID: paused, Bids: 0, Sold: true, WinnerID: b3, WinnerNumber: 3, Price: kernel.Yuan(1), At: at(120)}, // its winner stays

		// A listing never created: Apply's updates change nothing.
		listing.ListingSubmitted{ListingID: ghost, Resolution: res, At: at(1)},
		listing.DepositConfirmed{ListingID: ghost, BidderID: b1, Amount: kernel.Yuan(5_000), At: at(4)},
		listing.AuctionExtended{ListingID: ghost, PreviousClose: at(103), NewClose: at(104), At: at(102)},
		listing.AwardConfirmed{ListingID: ghost, BidderID: b2, BidderNumber: 2, Price: kernel.Yuan(90_100), Via: listing.ViaAuction,
			DepositApplied: kernel.Yuan(5_000), BalanceDue: kernel.Yuan(85_100), PaymentDue: at(200), At: at(105)},
		listing.PaymentConfirmed{ListingID: ghost, BidderID: b2, Amount: kernel.Yuan(85_100), At: at(150)},
		listing.ListingRelisted{ListingID: ghost, Round: 2, At: at(142)},
	}
}

// TestEveryEventIsCovered fails when everyEvent misses an event type Apply
// handles (listingOf names them all).
func TestEveryEventIsCovered(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range everyEvent() {
		seen[e.EventType()] = true
	}
	reg := kernel.NewRegistry()
	listing.RegisterEvents(reg)
	for _, typ := range reg.Types() {
		e, err := reg.Decode(typ, []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		if _, handled := listingOf(e); handled && !seen[typ] {
			t.Errorf("everyEvent has no %s", typ)
		}
	}
}

// applied returns the tables Apply builds from evs, one event a transaction,
// and its first error.
func applied(t *testing.T, db *readmodel.DB, evs []kernel.Event) (map[string][]string, error) {
	t.Helper()
	ctx := context.Background()
	if _, err := readmodel.NewProjector(ctx, db, kernel.NewRegistry(), Projections()...); err != nil {
		t.Fatal(err)
	}
	for i, e := range evs {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		err = listingProjection{}.Apply(ctx, tx, readmodel.Envelope{Event: e, Version: uint64(i + 1)})
		if err != nil {
			tx.Rollback() //nolint:errcheck // the test fails anyway
			return rmtest.Dump(t, db), err
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	return rmtest.Dump(t, db), nil
}

// foldedInto returns the tables a Fold builds from evs in one transaction, as
// a rebuild does (the tables created without their indexes, which follow
// the rows), and its first error.
func foldedInto(t *testing.T, db *readmodel.DB, evs []kernel.Event) (map[string][]string, error) {
	t.Helper()
	ctx := context.Background()
	if _, err := readmodel.NewProjector(ctx, db, kernel.NewRegistry()); err != nil { // the checkpoint table, as in applied
		t.Fatal(err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	for _, s := range (listingProjection{}).Schema(db.Dialect) {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	f := listingProjection{}.Fold(db.Dialect).(*fold)
	for i, e := range evs {
		if err := f.Add(ctx, tx, readmodel.Envelope{Event: e, Version: uint64(i + 1)}); err != nil {
			return nil, err
		}
		if f.rows > foldRows {
			t.Fatalf("after %T the fold holds %d rows, more than %d", e, f.rows, foldRows)
		}
	}
	if foldRows < 10 && len(f.written) == 0 {
		t.Fatalf("holding at most %d rows, the fold never wrote its rows before the end", foldRows)
	}
	if err := f.Flush(ctx, tx); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return rmtest.Dump(t, db), nil
}

// backends runs test on two new databases of each backend.
func backends(t *testing.T, test func(t *testing.T, open func(testing.TB) *readmodel.DB)) {
	t.Run("sqlite", func(t *testing.T) { test(t, rmtest.SQLite) })
	t.Run("postgres", func(t *testing.T) { test(t, rmtest.Postgres) })
}

// withFoldRows runs test with the fold holding at most n rows.
func withFoldRows(t *testing.T, n int) {
	was := foldRows
	foldRows = n
	t.Cleanup(func() { foldRows = was })
}

func TestFoldBuildsTheTablesApplyBuilds(t *testing.T) {
	evs := everyEvent()
	for _, held := range []int{1 << 20, 3} { // everything in memory; a few rows at a time, the rest applied as Apply does
		t.Run(fmt.Sprintf("holding %d rows", held), func(t *testing.T) {
			backends(t, func(t *testing.T, open func(testing.TB) *readmodel.DB) {
				withFoldRows(t, held)
				want, err := applied(t, open(t), evs)
				if err != nil {
					t.Fatal(err)
				}
				got, err := foldedInto(t, open(t), evs)
				if err != nil {
					t.Fatal(err)
				}
				if len(want["listing_trades"]) != 3 || len(want["listing_bidders"]) != 6 || len(want["listing_quotes"]) != 2 {
					t.Fatalf("the events did not build the rows they should: %v", want)
				}
				same(t, got, want)
			})
		})
	}
}

// same fails the test with every table whose rows differ.
func same(t *testing.T, got, want map[string][]string) {
	t.Helper()
	for _, table := range slices.Sorted(maps.Keys(want)) {
		if !reflect.DeepEqual(got[table], want[table]) {
			t.Errorf("%s:\n got %q\nwant %q", table, got[table], want[table])
		}
	}
	if len(got) != len(want) {
		t.Errorf("tables %v, want %v", slices.Sorted(maps.Keys(got)), slices.Sorted(maps.Keys(want)))
	}
}

func TestFoldFailsWhereApplyFails(t *testing.T) {
	id, bidder := uuid.New(), uuid.New()
	created := listing.ListingCreated{ListingID: id, Details: listing.Details{Title: "t"}, At: t0}
	registered := listing.BidderRegistered{ListingID: id, BidderID: bidder, BidderNumber: 1, At: t0}
	award := listing.AwardConfirmed{ListingID: id, BidderID: bidder, BidderNumber: 1, PaymentDue: t0, At: t0}
	for name, evs := range map[string][]kernel.Event{
		"created twice":                      {created, created},
		"created without a time":             {listing.ListingCreated{ListingID: id}},
		"a bidder of a listing never made":   {registered},
		"a bidder registered twice":          {created, registered, registered},
		"a round awarded twice":              {created, award, award},
		"an award without a payment date":    {created, listing.AwardConfirmed{ListingID: id, BidderID: bidder, At: t0}},
		"an update without a time":           {created, listing.BiddingOpened{ListingID: id}},
		"approved without an end":            {created, listing.ListingApproved{ListingID: id, At: t0}},
		"a bid without a time":               {created, listing.BidPlaced{ListingID: id, BidderID: bidder, Seq: 1}},
		"a quote opened without a time":      {created, listing.QuotesOpened{ListingID: id, Quotes: []listing.OpenedQuote{{BidderID: bidder}}, At: t0}},
		"a trade moved without a time":       {created, award, listing.DepositForfeited{ListingID: id, BidderID: bidder}},
		"an extension without a new closing": {created, listing.AuctionExtended{ListingID: id, At: t0}},
	} {
		t.Run(name, func(t *testing.T) {
			for _, held := range []int{1 << 20, 0} {
				withFoldRows(t, held)
				if _, err := applied(t, rmtest.SQLite(t), evs); err == nil {
					t.Fatal("Apply took the events")
				}
				if _, err := foldedInto(t, rmtest.SQLite(t), evs); err == nil {
					t.Fatalf("the fold holding %d rows took the events that Apply refuses", held)
				}
			}
		})
	}
}

// TestReplayBuildsTheTablesTheLiveProjectorBuilds projects the same stored
// events live, in batches of three with every batch delivered twice, and
// by a replay, and compares every table, checkpoints included.
func TestReplayBuildsTheTablesTheLiveProjectorBuilds(t *testing.T) {
	ctx := context.Background()
	reg := kernel.NewRegistry()
	listing.RegisterEvents(reg)
	store := memstore.New(kernel.SystemClock{})
	for _, e := range everyEvent() {
		typ, data, err := reg.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := listingOf(e)
		if c, ok := e.(listing.ListingCreated); ok {
			id = c.ListingID
		}
		if _, err := store.Append(ctx, kernel.StreamName(listing.Decider.Category, id), eventstore.Any, eventstore.EventData{ID: uuid.New(), Type: typ, Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	recs, err := store.ReadAll(ctx, 0, 1<<10)
	if err != nil {
		t.Fatal(err)
	}
	backends(t, func(t *testing.T, open func(testing.TB) *readmodel.DB) {
		liveDB, replayDB := open(t), open(t)
		live, err := readmodel.NewProjector(ctx, liveDB, reg, Projections()...)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(recs); i += 3 {
			batch := recs[i:min(i+3, len(recs))]
			for range 2 { // redelivered: the second is skipped
				if err := live.Apply(ctx, batch...); err != nil {
					t.Fatal(err)
				}
			}
		}
		replay, err := readmodel.NewProjector(ctx, replayDB, reg, Projections()...)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := replay.Replay(ctx, store, 7); err != nil || n != len(recs) {
			t.Fatalf("replayed %d events of %d: %v", n, len(recs), err)
		}
		same(t, rmtest.Dump(t, replayDB), rmtest.Dump(t, liveDB))
	})
}

// keyOrder records the rows a fold writes to some tables, each row as its
// key's values.
type keyOrder struct {
	readmodel.Tx                // nil: the fold under test only inserts
	keys         map[string]int // table → the columns of its key, first in its INSERT
	rows         map[string][][]any
}

func (k *keyOrder) ExecContext(_ context.Context, query string, args ...any) (sql.Result, error) {
	for table, n := range k.keys {
		if strings.HasPrefix(query, "INSERT INTO "+table+" ") {
			cols := strings.Count(query[:strings.Index(query, ")")], ",") + 1
			for r := 0; r < len(args); r += cols {
				k.rows[table] = append(k.rows[table], slices.Clone(args[r:r+n])) // the Inserter reuses args
			}
		}
	}
	return nil, nil
}

func TestFoldWritesEveryTableInKeyOrder(t *testing.T) {
	ctx := context.Background()
	at := func(h int) time.Time { return t0.Add(time.Duration(h) * time.Hour) }
	var evs []kernel.Event
	for range 20 { // listings made in an order their ids do not follow
		id := uuid.New()
		evs = append(evs, listing.ListingCreated{ListingID: id, Details: listing.Details{Title: "苹果园", Seller: uuid.New()}, At: at(0)})
		for n, b := range []string{"f", "0", "8"} { // bidders registered out of their ids' order
			bidder := uuid.MustParse(strings.Repeat(b, 8) + uuid.NewString()[8:])
			evs = append(evs, listing.BidderRegistered{ListingID: id, BidderID: bidder, BidderNumber: n + 1, At: at(1)},
				listing.BidPlaced{ListingID: id, BidderID: bidder, BidderNumber: n + 1, Amount: kernel.Yuan(int64(100 + n)), Seq: n + 1, At: at(2)})
		}
	}
	tx := &keyOrder{keys: map[string]int{"listing_listings": 1, "listing_bidders": 3}, rows: map[string][][]any{}}
	f := listingProjection{}.Fold(readmodel.SQLite)
	for _, e := range evs {
		if err := f.Add(ctx, tx, readmodel.Envelope{Event: e}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Flush(ctx, tx); err != nil {
		t.Fatal(err)
	}
	for table, want := range map[string]int{"listing_listings": 20, "listing_bidders": 60} {
		rows := tx.rows[table]
		if len(rows) != want {
			t.Fatalf("%s: %d rows written, want %d", table, len(rows), want)
		}
		for i := 1; i < len(rows); i++ {
			if compareKeys(rows[i-1], rows[i]) >= 0 {
				t.Errorf("%s: row %d %v written after %v", table, i, rows[i], rows[i-1])
			}
		}
	}
}

// compareKeys compares two keys of TEXT and INTEGER values as SQLite orders
// them.
func compareKeys(a, b []any) int {
	for i := range a {
		var c int
		switch x := a[i].(type) {
		case string:
			c = strings.Compare(x, b[i].(string))
		case int64:
			c = cmp.Compare(x, b[i].(int64))
		}
		if c != 0 {
			return c
		}
	}
	return 0
}
