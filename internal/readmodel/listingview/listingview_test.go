package listingview

import (
	"context"
	"fmt"
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

// t0 is a Wednesday, 08:00 UTC (16:00 Shanghai).
var t0 = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

// reserve is distinctive, so a leak into any column is easy to find.
const reserve = kernel.Money(10_512_377)

// world drives listings through the real decider and projects their events.
type world struct {
	t      *testing.T
	db     *readmodel.DB
	store  eventstore.Store
	reg    *kernel.Registry
	proj   *readmodel.Projector
	states map[uuid.UUID]listing.State
}

func newWorld(t *testing.T, db *readmodel.DB) *world {
	t.Helper()
	reg := kernel.NewRegistry()
	listing.RegisterEvents(reg)
	p, err := readmodel.NewProjector(context.Background(), db, reg, Projections()...)
	if err != nil {
		t.Fatal(err)
	}
	return &world{t: t, db: db, store: memstore.New(kernel.SystemClock{}), reg: reg, proj: p, states: map[uuid.UUID]listing.State{}}
}

// do decides cmd at time at, stores the events and projects them.
func (w *world) do(cmd listing.Command, at time.Time) []kernel.Event {
	w.t.Helper()
	id := cmd.AggregateID()
	evs, err := listing.Decide(w.states[id], cmd, at)
	if err != nil {
		w.t.Fatalf("%T: %v", cmd, err)
	}
	data := make([]eventstore.EventData, len(evs))
	for i, e := range evs {
		typ, b, err := w.reg.Encode(e)
		if err != nil {
			w.t.Fatal(err)
		}
		data[i] = eventstore.EventData{ID: uuid.New(), Type: typ, Data: b}
		w.states[id] = listing.Evolve(w.states[id], e)
	}
	ctx := context.Background()
	from := w.proj.Position()
	if _, err := w.store.Append(ctx, kernel.StreamName("listing", id), eventstore.Any, data...); err != nil {
		w.t.Fatal(err)
	}
	recs, err := w.store.ReadAll(ctx, from, 1<<16)
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.proj.Apply(ctx, recs...); err != nil {
		w.t.Fatal(err)
	}
	return evs
}

type terms struct {
	title, description, county, village string
	typ                                 kernel.AssetType
	price                               kernel.Money
}

func (w *world) create(id uuid.UUID, seller uuid.UUID, tm terms, at time.Time) {
	w.t.Helper()
	if tm.typ == "" {
		tm.typ = kernel.AssetLandManagementRight
	}
	if tm.price == 0 {
		tm.price = kernel.Yuan(100_000)
	}
	w.do(listing.CreateListing{ListingID: id, ReservePrice: reserve, Details: listing.Details{
		Title: tm.title, Description: tm.description, Seller: seller,
		Asset: listing.AssetFacts{
			AssetIDs: []uuid.UUID{uuid.New()}, Type: tm.typ, OwningCollective: seller,
			Region: listing.Region{Province: "山东", County: tm.county, Township: "田柳镇", Village: tm.village},
			Area:   12000,
		},
		ListedPrice: tm.price, StartingPrice: tm.price, Increment: kernel.Yuan(1000), TermMonths: 60,
		Settings: listing.DefaultSettings(),
	}}, at)
}

// announce submits and approves id at t0 with bidding opening two days after
// the announcement ends; it returns the announcement's end.
func (w *world) announce(id uuid.UUID, at time.Time) time.Time {
	w.t.Helper()
	w.do(listing.SubmitListing{ListingID: id, Resolution: listing.Resolution{Body: "村民代表会议", VotesFor: 20, Total: 30, Date: at}}, at)
	ends := kernel.Calendar{}.AddWorkingDays(at, 7).Truncate(time.Second).Add(time.Second) // midnight: the read model keeps microseconds
	w.do(listing.ReviewListing{ListingID: id, Approve: true, AnnouncementEnds: ends, BiddingOpensAt: ends.Add(48 * time.Hour)}, at)
	return ends
}

func (w *world) listing(id uuid.UUID) Listing {
	w.t.Helper()
	l, ok, err := ListingByID(context.Background(), w.db, id)
	if err != nil || !ok {
		w.t.Fatalf("listing %s: ok=%v err=%v", id, ok, err)
	}
	return l
}

// bidders returns the bidders of the listing's current round.
func (w *world) bidders(id uuid.UUID) []Bidder {
	w.t.Helper()
	bs, err := BiddersOf(context.Background(), w.db, []Listing{w.listing(id)})
	if err != nil {
		w.t.Fatal(err)
	}
	return bs[id]
}

func runSuite(t *testing.T, open func(t *testing.T) *readmodel.DB) {
	t.Run("an auction is projected from draft to archive, bids newest first, the trade following the listing", func(t *testing.T) {
		testAuctionLifecycle(t, newWorld(t, open(t)))
	})
	t.Run("the reserve price is in no column of any table", func(t *testing.T) {
		w := newWorld(t, open(t))
		testAuctionLifecycle(t, w)
		testSealedQuotes(t, w)
		assertNoValue(t, w.db, int64(reserve))
	})
	t.Run("sealed quotes reach no table before the opening, then are published in rank order", func(t *testing.T) {
		testSealedQuotes(t, newWorld(t, open(t)))
	})
	t.Run("search filters by status, type, region, price, closing time and Chinese text", func(t *testing.T) {
		testSearch(t, newWorld(t, open(t)))
	})
	t.Run("keyset pages visit every listing once in each order", func(t *testing.T) {
		testPaging(t, newWorld(t, open(t)))
	})
	t.Run("a relisted listing starts a new round with no bidders or bids and its refunds still recorded", func(t *testing.T) {
		testRelist(t, newWorld(t, open(t)))
	})
	t.Run("a round's bids are read from the listing's stream, up to the bid its row counts", func(t *testing.T) {
		testBidHistory(t, newWorld(t, open(t)))
	})
	t.Run("a cached query goes stale with a change to what it read, and only then", func(t *testing.T) {
		testCacheKeys(t, newWorld(t, open(t)))
	})
}

func testAuctionLifecycle(t *testing.T, w *world) {
	ctx := context.Background()
	id, coll := uuid.New(), uuid.New()
	alice, bob := uuid.New(), uuid.New()
	w.create(id, coll, terms{title: "王家庄苹果园土地经营权流转", county: "寿光市", village: "王家庄"}, t0)
	if l := w.listing(id); l.Status != listing.StatusDraft || !l.ClosingAt.IsZero() || l.Round != 1 {
		t.Fatalf("draft = %+v", l)
	}
	ends := w.announce(id, t0)
	for _, b := range []uuid.UUID{alice, bob} {
		w.do(listing.RegisterBidder{ListingID: id, BidderID: b, IsMember: b == bob}, t0.Add(time.Hour))
		w.do(listing.ConfirmDeposit{ListingID: id, BidderID: b, Amount: kernel.Yuan(30_000)}, t0.Add(2*time.Hour))
		w.do(listing.QualifyBidder{ListingID: id, BidderID: b, Qualified: true}, t0.Add(3*time.Hour))
	}
	l := w.listing(id)
	if l.Status != listing.StatusAnnounced || !l.AnnouncementEnds.Equal(ends) || !l.ClosingAt.Equal(ends) || l.BidderCount != 2 {
		t.Fatalf("announced = %+v", l)
	}
	bidders := w.bidders(id)
	if len(bidders) != 2 || bidders[0].ID != alice || bidders[1].Number != 2 || !bidders[1].IsMember ||
		bidders[0].DepositStatus != listing.DepositStateHeld || !bidders[0].Qualified {
		t.Fatalf("bidders = %+v", bidders)
	}

	w.do(listing.CloseRegistration{ListingID: id}, ends)
	l = w.listing(id)
	if l.Status != listing.StatusAuctionScheduled || !l.ClosingAt.Equal(l.AuctionClosesAt) || l.OpensAt.IsZero() {
		t.Fatalf("scheduled = %+v", l)
	}
	opens, firstClose := l.OpensAt, l.AuctionClosesAt
	w.do(listing.PlaceBid{ListingID: id, BidderID: alice, Amount: kernel.Yuan(100_000)}, opens.Add(time.Minute))
	w.do(listing.PlaceBid{ListingID: id, BidderID: bob, Amount: kernel.Yuan(101_000)}, opens.Add(2*time.Minute))
	late := firstClose.Add(-time.Minute) // in the timed round: extends
	w.do(listing.PlaceBid{ListingID: id, BidderID: alice, Amount: kernel.Yuan(106_000)}, late)
	l = w.listing(id)
	wantClose := late.Add(5 * time.Minute)
	if l.Status != listing.StatusAuctionOpen || l.BidCount != 3 || l.HighestBid != kernel.Yuan(106_000) ||
		l.Leader != (BidderRef{ID: alice, Number: 1}) || !l.AuctionClosesAt.Equal(wantClose) || !l.ClosingAt.Equal(wantClose) {
		t.Fatalf("open = %+v", l)
	}
	first, err := Bids(ctx, w.store, w.reg, &l, readmodel.Page{First: 2})
	if err != nil {
		t.Fatal(err)
	}
	if bids := first.Rows; len(bids) != 2 || !first.HasNext || bids[0].Seq != 3 || bids[1].Seq != 2 || bids[1].Bidder != (BidderRef{ID: bob, Number: 2}) {
		t.Fatalf("first page of bids = %+v", first)
	}
	if rest, _ := Bids(ctx, w.store, w.reg, &l, readmodel.Page{First: 2, After: first.Rows[1].Cursor()}); len(rest.Rows) != 1 || rest.HasNext ||
		rest.Rows[0].Seq != 1 || rest.Rows[0].Amount != kernel.Yuan(100_000) {
		t.Fatalf("second page of bids = %+v", rest)
	}

	// Alice is an outsider and Bob a qualified member: the priority window opens; Bob matches.
	w.do(listing.CloseAuction{ListingID: id}, wantClose)
	if l = w.listing(id); l.Status != listing.StatusPriorityWindow || l.Award.Buyer.ID != alice || l.Award.Price != kernel.Yuan(106_000) {
		t.Fatalf("priority window = %+v", l)
	}
	w.do(listing.ExerciseMemberPriority{ListingID: id, BidderID: bob}, wantClose.Add(time.Hour))
	l = w.listing(id)
	if l.Status != listing.StatusAwaitingPayment || l.Award.Buyer != (BidderRef{ID: bob, Number: 2}) ||
		l.Award.Via != listing.ViaMemberPriority || l.Award.BalanceDue != kernel.Yuan(76_000) {
		t.Fatalf("awarded = %+v", l)
	}
	res, err := Trades(ctx, w.db, TradeFilter{Buyer: bob}, readmodel.Page{First: 10})
	if err != nil {
		t.Fatal(err)
	}
	trades := res.Rows
	if len(trades) != 1 || trades[0].Status != TradeAwaitingPayment || trades[0].Price != kernel.Yuan(106_000) ||
		trades[0].Title != "王家庄苹果园土地经营权流转" || trades[0].Region.Village != "王家庄" {
		t.Fatalf("trades = %+v", trades)
	}
	if bs := w.bidders(id); bs[0].DepositStatus != listing.DepositStateReleased || bs[0].RefundDue.IsZero() {
		t.Fatalf("the loser's deposit = %+v", bs[0])
	}
	w.do(listing.RefundDeposit{ListingID: id, BidderID: alice}, wantClose.Add(2*time.Hour))
	w.do(listing.ConfirmPayment{ListingID: id, Amount: kernel.Yuan(76_000)}, wantClose.Add(3*time.Hour))
	contract := uuid.New()
	w.do(listing.SignContract{ListingID: id, ContractID: contract}, wantClose.Add(4*time.Hour))
	w.do(listing.IssueCertificate{ListingID: id, Number: "鉴证-2026-001"}, wantClose.Add(5*time.Hour))
	w.do(listing.Archive{ListingID: id}, wantClose.Add(6*time.Hour))
	l = w.listing(id)
	if l.Status != listing.StatusArchived || l.ContractID != contract || l.CertificateNo != "鉴证-2026-001" {
		t.Fatalf("archived = %+v", l)
	}
	res, _ = Trades(ctx, w.db, TradeFilter{Statuses: []TradeStatus{TradeArchived}}, readmodel.Page{First: 10})
	trades = res.Rows
	if len(trades) != 1 || trades[0].ContractID != contract || trades[0].CertificateNo != "鉴证-2026-001" || trades[0].PaidAt.IsZero() {
		t.Fatalf("archived trades = %+v", trades)
	}
	bs := w.bidders(id)
	if bs[0].DepositStatus != DepositRefunded || bs[1].DepositStatus != listing.DepositStateApplied {
		t.Fatalf("deposits after settlement = %+v", bs)
	}
}

// assertNoValue fails if any column of the area's tables holds v.
// assertNoValue fails unless every table of the projection has rows (but the
// tables named in emptyOK) and no column of any row holds v.
func assertNoValue(t *testing.T, db *readmodel.DB, v int64, emptyOK ...string) {
	t.Helper()
	for _, table := range (listingProjection{}).Tables() {
		rows, err := db.Query("SELECT * FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		n := 0
		for rows.Next() {
			n++
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, x := range vals {
				if s := fmt.Sprint(x); strings.Contains(s, fmt.Sprint(v)) {
					t.Errorf("%s.%s holds %d: %v", table, cols[i], v, x)
				}
			}
		}
		rows.Close()
		if n == 0 && !slices.Contains(emptyOK, table) {
			t.Fatalf("%s is empty: the check proves nothing", table)
		}
	}
}

func testSearch(t *testing.T, w *world) {
	ctx := context.Background()
	coll := uuid.New()
	apple, pear, shed, draft := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	w.create(apple, coll, terms{title: "王家庄苹果园土地经营权流转", description: "Irrigated orchard", county: "寿光市", village: "王家庄",
		price: kernel.Yuan(100_000)}, t0)
	w.create(pear, coll, terms{title: "李家村梨园流转", description: "紧邻苹果园的梨园", county: "寿光市", village: "李家村",
		price: kernel.Yuan(50_000)}, t0.Add(time.Second))
	w.create(shed, coll, terms{title: "Greenhouse 100% steel_frame", county: "青州市", village: "东关",
		typ: kernel.AssetFarmFacility, price: kernel.Yuan(20_000)}, t0.Add(2*time.Second))
	w.create(draft, coll, terms{title: "未提交的草稿", county: "寿光市", village: "王家庄"}, t0.Add(3*time.Second))
	appleEnds := w.announce(apple, t0.Add(time.Minute))
	w.announce(pear, t0.Add(48*time.Hour))
	w.announce(shed, t0.Add(96*time.Hour))

	for _, tc := range []struct {
		name string
		f    Filter
		want []uuid.UUID // in the default order, newest first
	}{
		{"no filter", Filter{}, []uuid.UUID{draft, shed, pear, apple}},
		{"Chinese text in the title", Filter{Text: "苹果园"}, []uuid.UUID{pear, apple}},
		{"Chinese text, one listing", Filter{Text: "王家庄苹果"}, []uuid.UUID{apple}},
		{"text is case-insensitive", Filter{Text: "IRRIGATED"}, []uuid.UUID{apple}},
		{"LIKE wildcards match literally", Filter{Text: "100%"}, []uuid.UUID{shed}},
		{"an underscore matches only itself", Filter{Text: "e_l"}, nil}, // "steel" would match a wildcard
		{"status", Filter{Statuses: []listing.Status{listing.StatusDraft}}, []uuid.UUID{draft}},
		{"asset type", Filter{AssetTypes: []kernel.AssetType{kernel.AssetFarmFacility}}, []uuid.UUID{shed}},
		{"county", Filter{County: "寿光市"}, []uuid.UUID{draft, pear, apple}},
		{"county and village", Filter{County: "寿光市", Village: "王家庄"}, []uuid.UUID{draft, apple}},
		{"price range inclusive", Filter{MinPrice: kernel.Yuan(20_000), MaxPrice: kernel.Yuan(50_000)}, []uuid.UUID{shed, pear}},
		{"closing range", Filter{ClosingFrom: appleEnds, ClosingUntil: appleEnds.Add(24 * time.Hour)}, []uuid.UUID{apple}},
		{"combined", Filter{Statuses: []listing.Status{listing.StatusAnnounced}, County: "寿光市", Text: "园"}, []uuid.UUID{pear, apple}},
		{"seller", Filter{Seller: uuid.New()}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Listings(ctx, w.db, tc.f, SortCreatedDesc, readmodel.Page{First: 10})
			if err != nil {
				t.Fatal(err)
			}
			if ids := idsOf(got.Rows); !slices.Equal(ids, tc.want) {
				t.Fatalf("got %v, want %v", ids, tc.want)
			}
			if n, err := CountListings(ctx, w.db, tc.f); err != nil || n != len(tc.want) {
				t.Fatalf("count = %d, %v; want %d", n, err, len(tc.want))
			}
		})
	}
}

func idsOf(ls []Listing) []uuid.UUID {
	var out []uuid.UUID
	for _, l := range ls {
		out = append(out, l.ID)
	}
	return out
}

func testPaging(t *testing.T, w *world) {
	ctx := context.Background()
	coll := uuid.New()
	// 9 listings, prices with ties, creation times with ties, some announced at different times.
	for i := range 9 {
		id := uuid.New()
		w.create(id, coll, terms{title: fmt.Sprintf("地块 %d", i), county: "寿光市", price: kernel.Yuan(int64(1000 * (1 + i%3)))},
			t0.Add(time.Duration(i/2)*time.Second))
		if i%2 == 0 {
			w.announce(id, t0.Add(time.Duration(i)*24*time.Hour))
		}
	}
	for _, s := range []Sort{SortCreatedDesc, SortCreatedAsc, SortClosingAsc, SortClosingDesc, SortPriceAsc, SortPriceDesc} {
		t.Run(fmt.Sprint(s), func(t *testing.T) {
			res, err := Listings(ctx, w.db, Filter{}, s, readmodel.Page{First: 100})
			all := res.Rows
			if err != nil || len(all) != 9 {
				t.Fatalf("all = %d, %v", len(all), err)
			}
			for i := 1; i < len(all); i++ {
				a, b := all[i-1], all[i]
				if before(s, a, b) == s.keyset().Desc || a.ID == b.ID {
					t.Fatalf("not in order at %d: %v then %v", i, s.Cursor(a), s.Cursor(b))
				}
			}
			var paged []Listing
			var after readmodel.Cursor
			for range 10 {
				page, err := Listings(ctx, w.db, Filter{}, s, readmodel.Page{First: 2, After: after})
				if err != nil {
					t.Fatal(err)
				}
				if len(page.Rows) == 0 {
					break
				}
				paged = append(paged, page.Rows...)
				after = s.Cursor(page.Rows[len(page.Rows)-1])
			}
			if !slices.Equal(idsOf(paged), idsOf(all)) {
				t.Fatalf("pages %v, want %v", idsOf(paged), idsOf(all))
			}
		})
	}
}

// before reports whether a sorts before b ascending in s's column, then id.
func before(s Sort, a, b Listing) bool {
	va, vb := s.value(a), s.value(b)
	return va < vb || (va == vb && strings.Compare(a.ID.String(), b.ID.String()) < 0)
}

func testRelist(t *testing.T, w *world) {
	ctx := context.Background()
	id, coll, alice := uuid.New(), uuid.New(), uuid.New()
	w.create(id, coll, terms{title: "流拍的鱼塘", county: "寿光市"}, t0)
	ends := w.announce(id, t0)
	w.do(listing.RegisterBidder{ListingID: id, BidderID: alice}, t0.Add(time.Hour))
	w.do(listing.ConfirmDeposit{ListingID: id, BidderID: alice, Amount: kernel.Yuan(30_000)}, t0.Add(2*time.Hour))
	// Not qualified: no qualified bidder at the close, unsold, deposit released.
	w.do(listing.CloseRegistration{ListingID: id}, ends)
	if l := w.listing(id); l.Status != listing.StatusUnsold || l.UnsoldReason == "" {
		t.Fatalf("unsold = %+v", l)
	}
	w.do(listing.Relist{ListingID: id}, ends.Add(time.Hour))
	l := w.listing(id)
	if l.Status != listing.StatusDraft || l.Round != 2 || l.BidderCount != 0 || !l.ClosingAt.IsZero() || !l.AnnouncementEnds.IsZero() {
		t.Fatalf("relisted = %+v", l)
	}
	if bs := w.bidders(id); len(bs) != 0 {
		t.Fatalf("round 2 bidders = %+v", bs)
	}
	w.do(listing.RefundDeposit{ListingID: id, BidderID: alice}, ends.Add(2*time.Hour))
	var status string
	err := w.db.QueryRowContext(ctx, `SELECT deposit_status FROM listing_bidders WHERE listing_id = $1 AND round = 1 AND bidder_id = $2`,
		id, alice).Scan(&status)
	if err != nil || status != string(DepositRefunded) {
		t.Fatalf("round 1 deposit = %q, %v", status, err)
	}
}

func TestProjectionSQLite(t *testing.T) {
	runSuite(t, func(t *testing.T) *readmodel.DB { return rmtest.SQLite(t) })
}

func TestProjectionPostgres(t *testing.T) {
	runSuite(t, func(t *testing.T) *readmodel.DB { return rmtest.Postgres(t) })
}

// testSealedQuotes drives a sealed-quote listing to its opening (rule 27).
func testSealedQuotes(t *testing.T, w *world) {
	id, coll := uuid.New(), uuid.New()
	alice, bob := uuid.New(), uuid.New()
	w.create(id, coll, terms{title: "东洼村鱼塘一次性报价", county: "寿光市", village: "东洼"}, t0)
	d := w.states[id].Details
	d.Method, d.Revisable = listing.MethodSealed, true
	w.do(listing.ReviseListing{ListingID: id, Details: d, ReservePrice: reserve}, t0)
	ends := w.announce(id, t0)
	w.qualify(id, t0, alice, bob)
	w.do(listing.CloseRegistration{ListingID: id}, ends)
	l := w.listing(id)
	opens := l.OpensAt
	// Distinctive amounts, so that one in any column is easy to find.
	quotes := []kernel.Money{12_345_678, 12_987_654, 12_876_543}
	w.do(listing.SubmitQuote{ListingID: id, BidderID: alice, Amount: quotes[0]}, opens.Add(time.Minute))
	w.do(listing.SubmitQuote{ListingID: id, BidderID: bob, Amount: quotes[1]}, opens.Add(2*time.Minute))
	w.do(listing.SubmitQuote{ListingID: id, BidderID: alice, Amount: quotes[2]}, opens.Add(3*time.Minute)) // a revision
	for _, q := range quotes {
		assertNoValue(t, w.db, int64(q), "listing_quotes", "listing_trades")
	}
	if l = w.listing(id); l.Sale.QuoteCount != 3 || l.Sale.Method != listing.MethodSealed || !l.Sale.Revisable || l.HighestBid != 0 || l.Leader.Number != 0 {
		t.Fatalf("sealed listing before the opening = %+v", l)
	}
	if qs, err := Quotes(context.Background(), w.db, id, 1); err != nil || len(qs) != 0 {
		t.Fatalf("quotes before the opening: %v, %v", qs, err)
	}
	w.do(listing.CloseAuction{ListingID: id}, l.AuctionClosesAt)
	qs, err := Quotes(context.Background(), w.db, id, 1)
	if err != nil || len(qs) != 2 || qs[0].Bidder != (BidderRef{ID: bob, Number: 2}) || qs[0].Amount != quotes[1] || qs[0].Rank != 1 ||
		qs[1].Amount != quotes[2] || !qs[1].SubmittedAt.Equal(opens.Add(3*time.Minute)) {
		t.Fatalf("opened quotes = %+v, %v", qs, err)
	}
	if l = w.listing(id); l.HighestBid != quotes[1] || l.Leader.ID != bob || l.Award.Price != quotes[1] {
		t.Fatalf("sealed listing after the opening = %+v", l)
	}
}
