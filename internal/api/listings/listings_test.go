package listings_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/api/listings"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel/listingview"
	"github.com/nongjiao/nongjiao/internal/registry"
)

func area() apitest.Area {
	return apitest.Area{Register: listings.Register, Projections: listingview.Projections}
}

// exchange is the exchange's data for one test: a harness, a collective with
// registered assets and tokens for every party.
type exchange struct {
	*apitest.Harness
	coll, other       uuid.UUID
	collTok, otherTok string
	exTok             string
}

func newExchange(t *testing.T) *exchange {
	t.Helper()
	h := apitest.New(t, area())
	x := &exchange{Harness: h, coll: uuid.New(), other: uuid.New()}
	x.collTok = h.Token(auth.RoleCollective, x.coll)
	x.otherTok = h.Token(auth.RoleCollective, x.other)
	x.exTok = h.Token(auth.RoleExchange, uuid.New())
	return x
}

// asset registers a wasteland use right (四荒) of owner through the registry
// handler; the assets API is another area.
func (x *exchange) asset(owner uuid.UUID, village string) uuid.UUID {
	return x.assetHeld(owner, owner, village)
}

// assetHeld registers a wasteland use right of owner whose management right
// holder holds.
func (x *exchange) assetHeld(owner, holder uuid.UUID, village string) uuid.UUID {
	x.T.Helper()
	id := uuid.New()
	_, err := x.App.Assets.Handle(context.Background(), registry.RegisterAsset{
		AssetID: id, By: owner, Type: kernel.AssetWastelandUseRight,
		Location: registry.Location{Province: "山东省", County: "寿光市", Township: "田柳镇", Village: village},
		Area:     12000, CertificateNo: "鲁(2026)寿光市不动产权第" + id.String()[:6] + "号",
		RightsEnd: apitest.Start.AddDate(30, 0, 0), Title: village + "荒山", Holder: holder,
		Source: registry.Source{Reference: "证书", Date: apitest.Start.AddDate(-1, 0, 0)},
	}, app.Meta{CommandID: uuid.New(), Actor: "test:setup"})
	if err != nil {
		x.T.Fatal(err)
	}
	return id
}

const createListing = `mutation($input: CreateListingInput!) { createListing(input: $input) { listingId position duplicate } }`

// list drafts a listing of asset as the collective and returns its id.
func (x *exchange) list(asset uuid.UUID, title, price string) string {
	x.T.Helper()
	d := x.MustDo(x.collTok, createListing, map[string]any{"input": map[string]any{
		"assetIds": []string{asset.String()}, "title": title, "description": "四至清楚，水电到田",
		"listedPrice": price, "increment": "1000.00", "reservePrice": "90000.00", "termMonths": 60,
	}})
	return d["createListing"].(map[string]any)["listingId"].(string)
}

func (x *exchange) do(token, mutation string, input map[string]any) apitest.Response {
	x.T.Helper()
	typ := strings.ToUpper(mutation[:1]) + mutation[1:] + "Input"
	return x.Do(token, fmt.Sprintf("mutation($input: %s!) { %s(input: $input) { listingId position } }", typ, mutation),
		map[string]any{"input": input})
}

func (x *exchange) must(token, mutation string, input map[string]any) {
	x.T.Helper()
	if r := x.do(token, mutation, input); len(r.Errors) > 0 {
		x.T.Fatalf("%s: %+v", mutation, r.Errors)
	}
}

func (x *exchange) refuse(token, mutation string, input map[string]any, code string) {
	x.T.Helper()
	if r := x.do(token, mutation, input); r.Code() != code {
		x.T.Fatalf("%s: errors %+v, want %s", mutation, r.Errors, code)
	}
}

var (
	announcementEnds = time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC) // midnight after the 7th working day, Shanghai
	biddingOpens     = time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)  // Monday 10:00 Shanghai
)

// announce submits id with a 20/30 resolution and approves it.
func (x *exchange) announce(id string) {
	x.T.Helper()
	x.must(x.collTok, "submitListing", map[string]any{"listingId": id,
		"resolution": map[string]any{"body": "村民代表会议", "votesFor": 20, "total": 30, "date": "2026-11-20T02:00:00Z"}})
	x.must(x.exTok, "reviewListing", map[string]any{"listingId": id, "approve": true,
		"announcementEnds": announcementEnds.Format(time.RFC3339), "biddingOpensAt": biddingOpens.Format(time.RFC3339)})
}

// advanceTo moves the clock to t, running the scheduler.
func (x *exchange) advanceTo(t time.Time) {
	x.T.Helper()
	x.Advance(t.Sub(x.Clock.Now()))
}

func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v
}

const boardQuery = `query($id: ID!) { listing(id: $id) {
	status highestBid bidCount leadingBidderNumber leadingBidderId auctionClosesAt closingAt
	bidders { number bidderId isMember depositStatus qualified }
	bids(first: 10) { totalCount edges { node { seq bidderNumber bidderId amount } } }
	award { bidderNumber bidderId price via balanceDue }
} }`

func TestAuctionThroughToArchive(t *testing.T) {
	x := newExchange(t)
	alice, bob, carol := uuid.New(), uuid.New(), uuid.New()
	aliceTok, bobTok, carolTok := x.Token(auth.RoleBidder, alice), x.Token(auth.RoleBidder, bob), x.Token(auth.RoleBidder, carol)
	id := x.list(x.asset(x.coll, "王家庄"), "王家庄苹果园土地经营权流转", "100000.00")

	t.Run("rule 4: a collective's listing needs its members' resolution of two thirds", func(t *testing.T) {
		x.refuse(x.collTok, "submitListing", map[string]any{"listingId": id}, "RESOLUTION_REQUIRED")
		x.refuse(x.collTok, "submitListing", map[string]any{"listingId": id,
			"resolution": map[string]any{"body": "村民代表会议", "votesFor": 19, "total": 30, "date": "2026-11-20T02:00:00Z"}},
			"RESOLUTION_INSUFFICIENT")
		x.refuse(x.otherTok, "submitListing", map[string]any{"listingId": id,
			"resolution": map[string]any{"body": "村民代表会议", "votesFor": 30, "total": 30, "date": "2026-11-20T02:00:00Z"}},
			"FORBIDDEN")
	})
	x.announce(id)

	for _, tok := range []string{aliceTok, bobTok, carolTok} {
		r := x.MustDo(tok, `mutation($id: ID!) { registerBidder(input: {listingId: $id}) { bidderNumber depositDue position } }`, map[string]any{"id": id})
		if get(r, "registerBidder", "depositDue") != "30000.00" {
			t.Fatalf("registerBidder = %v", r)
		}
	}
	x.refuse(x.exTok, "confirmDeposit", map[string]any{"listingId": id, "bidderId": alice.String(), "amount": "29999.99"}, "DEPOSIT_TOO_LOW")
	for _, b := range []uuid.UUID{alice, bob, carol} {
		x.must(x.exTok, "confirmDeposit", map[string]any{"listingId": id, "bidderId": b.String(), "amount": "30000.00"})
	}
	for _, b := range []uuid.UUID{alice, bob} {
		x.must(x.exTok, "qualifyBidder", map[string]any{"listingId": id, "bidderId": b.String(), "qualified": true})
	}
	x.must(x.exTok, "qualifyBidder", map[string]any{"listingId": id, "bidderId": carol.String(), "qualified": false, "reason": "材料不全"})

	x.advanceTo(announcementEnds) // the scheduler closes registration: two qualified, an auction
	board := x.MustDo("", boardQuery, map[string]any{"id": id})
	if s := get(board, "listing", "status"); s != "AUCTION_SCHEDULED" {
		t.Fatalf("status after registration = %v", s)
	}
	x.refuse(aliceTok, "placeBid", map[string]any{"listingId": id, "amount": "100000.00"}, "LISTING_NOT_OPEN")
	x.advanceTo(biddingOpens)

	anon := x.subscribe("", id)
	aliceFeed := x.subscribe(aliceTok, id)

	t.Run("rule 11: bids start at the starting price, on the increment grid, above the leader", func(t *testing.T) {
		x.must(aliceTok, "placeBid", map[string]any{"listingId": id, "amount": "100000.00"})
		x.refuse(bobTok, "placeBid", map[string]any{"listingId": id, "amount": "100500.00"}, "BID_NOT_ON_INCREMENT")
		x.refuse(bobTok, "placeBid", map[string]any{"listingId": id, "amount": "100000.00"}, "BID_BELOW_MINIMUM")
		x.refuse(carolTok, "placeBid", map[string]any{"listingId": id, "amount": "105000.00"}, "BIDDER_NOT_QUALIFIED")
		x.refuse(x.Token(auth.RoleBidder, uuid.New()), "placeBid", map[string]any{"listingId": id, "amount": "105000.00"}, "BIDDER_NOT_REGISTERED")
		x.must(bobTok, "placeBid", map[string]any{"listingId": id, "amount": "101000.00"})
	})

	var newClose string
	t.Run("rule 12: a bid in the last minutes extends the auction", func(t *testing.T) {
		x.advanceTo(biddingOpens.Add(33 * time.Minute)) // 2 minutes before the 10:35 close
		r := x.MustDo(aliceTok, `mutation($id: ID!) { placeBid(input: {listingId: $id, amount: "102000.00"}) { seq auctionClosesAt position } }`,
			map[string]any{"id": id})
		newClose, _ = get(r, "placeBid", "auctionClosesAt").(string)
		if want := biddingOpens.Add(38 * time.Minute).Format(time.RFC3339); newClose != want || get(r, "placeBid", "seq") != 3.0 {
			t.Fatalf("placeBid = %v, want the close moved to %s", r, want)
		}
	})

	t.Run("rule 14: bidder identities are masked except to the exchange and the bidder itself", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			token string
			sees  []string // bidder ids visible, by bidder number 1..3
		}{
			{"anonymous", "", []string{"", "", ""}},
			{"the seller", x.collTok, []string{"", "", ""}},
			{"alice", aliceTok, []string{alice.String(), "", ""}},
			{"bob", bobTok, []string{"", bob.String(), ""}},
			{"the exchange", x.exTok, []string{alice.String(), bob.String(), carol.String()}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				l := get(x.MustDo(tc.token, boardQuery, map[string]any{"id": id}), "listing")
				for i, b := range get(l, "bidders").([]any) {
					if got, _ := get(b, "bidderId").(string); got != tc.sees[i] {
						t.Fatalf("bidder %d id = %q, want %q", i+1, got, tc.sees[i])
					}
				}
				for _, e := range get(l, "bids", "edges").([]any) {
					n := int(get(e, "node", "bidderNumber").(float64))
					if got, _ := get(e, "node", "bidderId").(string); got != tc.sees[n-1] {
						t.Fatalf("bid by %d shows id %q, want %q", n, got, tc.sees[n-1])
					}
				}
				if got, _ := get(l, "leadingBidderId").(string); got != tc.sees[0] {
					t.Fatalf("leading bidder id = %q, want %q", got, tc.sees[0])
				}
			})
		}
		l := get(x.MustDo("", boardQuery, map[string]any{"id": id}), "listing")
		if get(l, "highestBid") != "102000.00" || get(l, "bidCount") != 3.0 || get(l, "auctionClosesAt") != newClose ||
			get(l, "closingAt") != newClose || get(l, "bids", "totalCount") != 3.0 || get(l, "bids", "edges", 0, "node", "seq") != 3.0 {
			t.Fatalf("board = %v", l)
		}
	})

	t.Run("the bid history pages newest first with cursors", func(t *testing.T) {
		const q = `query($id: ID!, $after: String) { listing(id: $id) { bids(first: 2, after: $after) {
			pageInfo { hasNextPage endCursor } edges { node { seq amount } } } } }`
		first := get(x.MustDo("", q, map[string]any{"id": id}), "listing", "bids")
		rest := get(x.MustDo("", q, map[string]any{"id": id, "after": get(first, "pageInfo", "endCursor")}), "listing", "bids")
		var seqs []float64
		for _, page := range []any{first, rest} {
			for _, e := range get(page, "edges").([]any) {
				seqs = append(seqs, get(e, "node", "seq").(float64))
			}
		}
		if !slices.Equal(seqs, []float64{3, 2, 1}) || get(first, "pageInfo", "hasNextPage") != true || get(rest, "pageInfo", "hasNextPage") != false {
			t.Fatalf("pages %v then %v", first, rest)
		}
	})

	x.advanceTo(biddingOpens.Add(38 * time.Minute)) // the scheduler closes the auction: alice wins, no members
	x.refuse(bobTok, "placeBid", map[string]any{"listingId": id, "amount": "110000.00"}, "AUCTION_CLOSED")

	t.Run("the live feed shows bids, the extension, the close and the award, masked per subscriber", func(t *testing.T) {
		want := []string{"BID", "BID", "BID", "EXTENDED", "CLOSED", "AWARDED"}
		for _, f := range []struct {
			name string
			feed *feed
			sees map[float64]string // bidder number → id shown
		}{
			{"anonymous", anon, map[float64]string{}},
			{"alice", aliceFeed, map[float64]string{1: alice.String()}},
		} {
			var kinds []string
			for len(kinds) < len(want) {
				e := f.feed.next(t)
				kinds = append(kinds, e["kind"].(string))
				if n, ok := e["bidderNumber"].(float64); ok {
					if got, _ := e["bidderId"].(string); got != f.sees[n] {
						t.Fatalf("%s sees bidder %v as %q in %v", f.name, n, got, e)
					}
				}
				switch e["kind"] {
				case "EXTENDED":
					if e["closesAt"] != newClose {
						t.Fatalf("%s: extension = %v", f.name, e)
					}
				case "AWARDED":
					if e["amount"] != "102000.00" || e["bidderNumber"] != 1.0 || e["via"] != "AUCTION" {
						t.Fatalf("%s: award = %v", f.name, e)
					}
				}
			}
			if !slices.Equal(kinds, want) {
				t.Fatalf("%s: feed %v, want %v", f.name, kinds, want)
			}
		}
	})

	t.Run("rule 13: payment, contract, certificate, archive; the trade follows", func(t *testing.T) {
		x.refuse(x.exTok, "confirmPayment", map[string]any{"listingId": id, "amount": "102000.00"}, "INVALID_INPUT")
		x.must(x.exTok, "confirmPayment", map[string]any{"listingId": id, "amount": "72000.00"})
		x.must(x.exTok, "refundDeposit", map[string]any{"listingId": id, "bidderId": bob.String()})
		x.must(x.exTok, "signListingContract", map[string]any{"listingId": id, "contractId": uuid.NewString()})
		x.must(x.exTok, "issueCertificate", map[string]any{"listingId": id, "number": "鉴证-2026-0001"})
		x.must(x.exTok, "archiveListing", map[string]any{"listingId": id})
		const trades = `query($f: TradeFilter) { trades(filter: $f, first: 5) { totalCount edges { node {
			listingId status price buyerNumber buyerId balanceDue certificateNumber } } } }`
		r := x.MustDo(aliceTok, trades, map[string]any{"f": map[string]any{"buyerId": alice.String()}})
		node := get(r, "trades", "edges", 0, "node")
		if get(r, "trades", "totalCount") != 1.0 || get(node, "listingId") != id || get(node, "status") != "ARCHIVED" ||
			get(node, "price") != "102000.00" || get(node, "buyerId") != alice.String() || get(node, "certificateNumber") != "鉴证-2026-0001" {
			t.Fatalf("alice's trades = %v", r)
		}
		if r := x.MustDo("", trades, nil); get(r, "trades", "edges", 0, "node", "buyerId") != nil ||
			get(r, "trades", "edges", 0, "node", "buyerNumber") != 1.0 {
			t.Fatalf("the public trade list shows %v", r)
		}
		if r := x.Do(bobTok, trades, map[string]any{"f": map[string]any{"buyerId": alice.String()}}); r.Code() != "FORBIDDEN" {
			t.Fatalf("bob searching alice's trades: %+v", r.Errors)
		}
		l := get(x.MustDo(x.exTok, boardQuery, map[string]any{"id": id}), "listing")
		if get(l, "status") != "ARCHIVED" || get(l, "award", "bidderId") != alice.String() || get(l, "award", "balanceDue") != "72000.00" {
			t.Fatalf("archived listing = %v", l)
		}
		deposits := map[string]string{}
		for _, b := range get(l, "bidders").([]any) {
			deposits[get(b, "bidderId").(string)] = get(b, "depositStatus").(string)
		}
		if deposits[alice.String()] != "APPLIED" || deposits[bob.String()] != "REFUNDED" || deposits[carol.String()] != "RELEASED" {
			t.Fatalf("deposits = %v", deposits)
		}
	})
}

func TestMemberPriorityNegotiationAndSuspension(t *testing.T) {
	x := newExchange(t)
	alice, carol, dave := uuid.New(), uuid.New(), uuid.New()
	aliceTok, carolTok, daveTok := x.Token(auth.RoleBidder, alice), x.Token(auth.RoleBidder, carol), x.Token(auth.RoleBidder, dave)
	coopID := uuid.New()
	ctx, meta := context.Background(), func() app.Meta { return app.Meta{CommandID: uuid.New(), Actor: "test:setup"} }
	if _, err := x.App.Coops.Handle(ctx, coop.FoundCooperative{CoopID: coopID, Collective: x.coll, Name: "王家庄股份经济合作社",
		Settings: coop.DefaultSettings()}, meta()); err != nil {
		t.Fatal(err)
	}
	if _, err := x.App.Coops.Handle(ctx, coop.AdmitMember{CoopID: coopID, Member: carol, Household: uuid.New()}, meta()); err != nil {
		t.Fatal(err)
	}
	priority := x.list(x.asset(x.coll, "王家庄"), "王家庄果园", "100000.00")
	negotiated := x.list(x.asset(x.coll, "李家村"), "李家村鱼塘", "50000.00")
	suspended := x.list(x.asset(x.coll, "东村"), "东村林地", "80000.00")
	for _, id := range []string{priority, negotiated, suspended} {
		x.announce(id)
	}
	register := func(tok, id string, coopID any) apitest.Response {
		return x.Do(tok, `mutation($id: ID!, $coop: ID) { registerBidder(input: {listingId: $id, cooperativeId: $coop}) { bidderNumber position } }`,
			map[string]any{"id": id, "coop": coopID})
	}
	qualify := func(id string, b uuid.UUID) {
		x.must(x.exTok, "confirmDeposit", map[string]any{"listingId": id, "bidderId": b.String(), "amount": "30000.00"})
		x.must(x.exTok, "qualifyBidder", map[string]any{"listingId": id, "bidderId": b.String(), "qualified": true})
	}

	t.Run("rule 3: membership comes from the owning collective's cooperative register", func(t *testing.T) {
		if r := register(daveTok, priority, coopID.String()); r.Code() != "NOT_A_MEMBER" {
			t.Fatalf("dave, no member, registering as one: %+v", r.Errors)
		}
		if r := register(aliceTok, priority, nil); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		if r := register(carolTok, priority, coopID.String()); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		l := get(x.MustDo(x.exTok, boardQuery, map[string]any{"id": priority}), "listing", "bidders")
		if get(l, 0, "isMember") != false || get(l, 1, "isMember") != true {
			t.Fatalf("bidders = %v", l)
		}
	})
	qualify(priority, alice)
	qualify(priority, carol)
	if r := register(aliceTok, negotiated, nil); len(r.Errors) > 0 {
		t.Fatal(r.Errors)
	}
	qualify(negotiated, alice)

	t.Run("a page of listings shows each listing's own bidders", func(t *testing.T) {
		r := x.MustDo(x.exTok, `{ listings(first: 10) { edges { node { id bidders { number bidderId } } } } }`, nil)
		got := map[string][]string{}
		for _, e := range get(r, "listings", "edges").([]any) {
			var ids []string
			for _, b := range get(e, "node", "bidders").([]any) {
				ids = append(ids, get(b, "bidderId").(string))
			}
			got[get(e, "node", "id").(string)] = ids
		}
		if !slices.Equal(got[priority], []string{alice.String(), carol.String()}) || !slices.Equal(got[negotiated], []string{alice.String()}) ||
			len(got[suspended]) != 0 || len(got) != 3 {
			t.Fatalf("bidders by listing = %v", got)
		}
	})
	t.Run("rule 10: a suspended listing takes no registrations; resumed, it does; the seller withdraws", func(t *testing.T) {
		x.must(x.exTok, "suspendListing", map[string]any{"listingId": suspended, "reason": "异议：四至不清"})
		if r := register(aliceTok, suspended, nil); r.Code() != "INVALID_STATE" {
			t.Fatalf("registering while suspended: %+v", r.Errors)
		}
		x.must(x.exTok, "resumeListing", map[string]any{"listingId": suspended})
		if r := register(aliceTok, suspended, nil); len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		x.must(x.collTok, "withdrawListing", map[string]any{"listingId": suspended, "reason": "村民会议撤回"})
		if s := get(x.MustDo("", boardQuery, map[string]any{"id": suspended}), "listing", "status"); s != "WITHDRAWN" {
			t.Fatalf("status = %v", s)
		}
	})

	x.advanceTo(announcementEnds) // priority: two qualified → auction; negotiated: one → negotiation
	t.Run("rule 10: the only qualified bidder buys at the listed price or more", func(t *testing.T) {
		x.refuse(x.exTok, "agreeNegotiatedPrice", map[string]any{"listingId": negotiated, "bidderId": alice.String(), "price": "49999.00"},
			"PRICE_BELOW_LISTED")
		x.must(x.exTok, "agreeNegotiatedPrice", map[string]any{"listingId": negotiated, "bidderId": alice.String(), "price": "50000.00"})
		l := get(x.MustDo(aliceTok, boardQuery, map[string]any{"id": negotiated}), "listing")
		if get(l, "status") != "AWAITING_PAYMENT" || get(l, "award", "via") != "NEGOTIATION" || get(l, "award", "bidderId") != alice.String() {
			t.Fatalf("negotiated = %v", l)
		}
	})

	x.advanceTo(biddingOpens)
	x.must(aliceTok, "placeBid", map[string]any{"listingId": priority, "amount": "100000.00"})
	x.advanceTo(biddingOpens.Add(35 * time.Minute)) // closes: the outsider alice wins provisionally
	t.Run("rule 3: a qualified member matches the winning price in the window", func(t *testing.T) {
		if s := get(x.MustDo("", boardQuery, map[string]any{"id": priority}), "listing", "status"); s != "PRIORITY_WINDOW" {
			t.Fatalf("status = %v", s)
		}
		x.refuse(aliceTok, "exerciseMemberPriority", map[string]any{"listingId": priority}, "NOT_A_MEMBER")
		x.refuse(daveTok, "exerciseMemberPriority", map[string]any{"listingId": priority}, "BIDDER_NOT_REGISTERED")
		x.must(carolTok, "exerciseMemberPriority", map[string]any{"listingId": priority})
		l := get(x.MustDo("", boardQuery, map[string]any{"id": priority}), "listing")
		if get(l, "status") != "AWAITING_PAYMENT" || get(l, "award", "via") != "MEMBER_PRIORITY" ||
			get(l, "award", "bidderNumber") != 2.0 || get(l, "award", "price") != "100000.00" || get(l, "award", "bidderId") != nil {
			t.Fatalf("after priority = %v", l)
		}
	})

	t.Run("rule 13: an unpaid buyer forfeits the deposit; the seller relists", func(t *testing.T) {
		x.Advance(10 * 24 * time.Hour) // past both payment deadlines
		r := x.MustDo(x.exTok, `{ trades(filter: {status: [FORFEITED]}) { totalCount edges { node { listingId via } } } }`, nil)
		if get(r, "trades", "totalCount") != 2.0 {
			t.Fatalf("forfeited trades = %v", r)
		}
		x.must(x.collTok, "relistListing", map[string]any{"listingId": negotiated})
		q := `query($id: ID!) { listing(id: $id) { status round award { price } registrationClosesAt } }`
		l := get(x.MustDo(x.collTok, q, map[string]any{"id": negotiated}), "listing")
		if get(l, "status") != "DRAFT" || get(l, "round") != 2.0 || get(l, "award") != nil || get(l, "registrationClosesAt") != nil {
			t.Fatalf("relisted = %v", l)
		}
		// The new round's terms are the seller's until they are announced.
		if l := x.MustDo("", q, map[string]any{"id": negotiated})["listing"]; l != nil {
			t.Fatalf("the public sees the relisted draft: %v", l)
		}
	})
}

func TestListingRefusals(t *testing.T) {
	x := newExchange(t)
	mine, theirs := x.asset(x.coll, "东村"), x.asset(x.other, "西村")
	input := func(asset uuid.UUID) map[string]any {
		return map[string]any{"assetIds": []string{asset.String()}, "title": "荒山承包", "listedPrice": "50000.00",
			"increment": "500.00", "termMonths": 24}
	}
	t.Run("a collective lists only its own assets", func(t *testing.T) {
		x.refuse(x.collTok, "createListing", input(theirs), "FORBIDDEN")
	})
	t.Run("a bank lists only its collateral, as a disposal", func(t *testing.T) {
		x.refuse(x.Token(auth.RoleBank, uuid.New()), "createListing", input(mine), "FORBIDDEN")
	})
	t.Run("rule 5: a household's plot needs its entrustment to the collective", func(t *testing.T) {
		plot, household := uuid.New(), uuid.New()
		_, err := x.App.Assets.Handle(context.Background(), registry.RegisterAsset{
			AssetID: plot, By: x.coll, Type: kernel.AssetLandManagementRight,
			Location: registry.Location{Province: "山东省", County: "寿光市", Township: "田柳镇", Village: "东村"},
			Area:     300, CertificateNo: "承包经营权证 0001", RightsEnd: apitest.Start.AddDate(10, 0, 0), Title: "承包地",
			Contractor: household, Holder: household, Source: registry.Source{Reference: "承包合同", Date: apitest.Start.AddDate(-5, 0, 0)},
		}, app.Meta{CommandID: uuid.New(), Actor: "test:setup"})
		if err != nil {
			t.Fatal(err)
		}
		x.refuse(x.collTok, "createListing", input(plot), "NOT_ENTRUSTED")
	})
	t.Run("an unregistered asset is not found", func(t *testing.T) {
		x.refuse(x.collTok, "createListing", input(uuid.New()), "NOT_FOUND")
	})
	t.Run("rule 1: a term past the end of the right", func(t *testing.T) {
		in := input(mine)
		in["termMonths"] = 12 * 31
		x.refuse(x.collTok, "createListing", in, "TERM_EXCEEDS_CONTRACT")
	})
	t.Run("an encumbered asset needs the secured party's written consent", func(t *testing.T) {
		asset, bank := x.asset(x.coll, "南村"), uuid.New()
		_, err := x.App.Assets.Handle(context.Background(), registry.AddRestriction{AssetID: asset, Restriction: registry.Restriction{
			ID: uuid.New(), Kind: registry.RestrictionMortgage, Grantor: x.coll, SecuredParty: bank, Amount: kernel.Yuan(10_000),
			Start: apitest.Start.Add(-time.Hour), Source: registry.Source{Reference: "抵押登记", Date: apitest.Start.Add(-time.Hour)},
		}}, app.Meta{CommandID: uuid.New(), Actor: "test:setup"})
		if err != nil {
			t.Fatal(err)
		}
		x.refuse(x.collTok, "createListing", input(asset), "ASSET_ENCUMBERED")
	})
	t.Run("only the seller revises, submits, relists or ends", func(t *testing.T) {
		id := x.list(mine, "东村荒山", "50000.00")
		x.refuse(x.otherTok, "reviseListing", map[string]any{"listingId": id, "assetIds": []string{mine.String()}, "title": "x",
			"listedPrice": "1.00", "increment": "1.00", "termMonths": 1}, "FORBIDDEN")
		x.refuse(x.otherTok, "withdrawListing", map[string]any{"listingId": id}, "FORBIDDEN")
		x.refuse(x.otherTok, "relistListing", map[string]any{"listingId": id}, "FORBIDDEN")
		x.refuse(x.collTok, "relistListing", map[string]any{"listingId": id}, "INVALID_STATE")
		x.refuse(x.collTok, "submitListing", map[string]any{"listingId": uuid.NewString()}, "NOT_FOUND")
	})
	t.Run("a retried createListing with its idempotency key writes nothing new", func(t *testing.T) {
		in := input(mine)
		in["idempotencyKey"] = "k-1"
		first := x.MustDo(x.collTok, createListing, map[string]any{"input": in})
		again := x.MustDo(x.collTok, createListing, map[string]any{"input": in})
		if get(first, "createListing", "listingId") != get(again, "createListing", "listingId") ||
			get(again, "createListing", "duplicate") != true || get(first, "createListing", "position") != get(again, "createListing", "position") {
			t.Fatalf("first %v, retry %v", first, again)
		}
	})
}

// TestFundSellsOnlyWhatItHolds: the fund's operator lists and submits, for
// the fund, a right the fund holds on the register; the fund is the seller.
// Another fund-role party, an asset the fund does not hold (or no longer
// holds at submission, though it may still withdraw), a listing without the
// fund or of an unknown fund, a collective listing the fund's right or acting
// on the fund's listing, and the fund's operator acting on a collective's
// listing are refused.
func TestFundSellsOnlyWhatItHolds(t *testing.T) {
	x := newExchange(t)
	fundID, operator := uuid.New(), uuid.New()
	opTok, strangerTok := x.Token(auth.RoleFund, operator), x.Token(auth.RoleFund, uuid.New())
	ctx, meta := context.Background(), func() app.Meta { return app.Meta{CommandID: uuid.New(), Actor: "test:setup"} }
	if _, err := x.App.Funds.Handle(ctx, fund.EstablishFund{FundID: fundID, By: operator, Name: "运作基金", Settings: fund.DefaultSettings()}, meta()); err != nil {
		t.Fatal(err)
	}
	held, mine := x.assetHeld(x.coll, fundID, "北村"), x.asset(x.coll, "东村")
	terms := func(asset uuid.UUID, fund any) map[string]any {
		in := map[string]any{"assetIds": []string{asset.String()}, "title": "基金收储地块转让", "listedPrice": "35000.00",
			"increment": "1000.00", "termMonths": 36}
		if fund != nil {
			in["fundId"] = fund
		}
		return in
	}
	x.refuse(strangerTok, "createListing", terms(held, fundID.String()), "FORBIDDEN")
	x.refuse(opTok, "createListing", terms(mine, fundID.String()), "NOT_RIGHT_HOLDER")
	x.refuse(opTok, "createListing", terms(held, nil), "INVALID_INPUT")
	x.refuse(opTok, "createListing", terms(held, uuid.NewString()), "NOT_FOUND")
	x.refuse(x.collTok, "createListing", terms(held, nil), "NOT_RIGHT_HOLDER")
	x.refuse(x.collTok, "createListing", terms(mine, fundID.String()), "FORBIDDEN")

	id := get(x.MustDo(opTok, createListing, map[string]any{"input": terms(held, fundID.String())}), "createListing", "listingId").(string)
	x.refuse(x.collTok, "submitListing", map[string]any{"listingId": id}, "FORBIDDEN")
	x.refuse(strangerTok, "submitListing", map[string]any{"listingId": id}, "FORBIDDEN")
	x.must(opTok, "submitListing", map[string]any{"listingId": id})
	if l := x.MustDo(opTok, `query($id: ID!) { listing(id: $id) { status sellerId } }`, map[string]any{"id": id}); get(l, "listing", "sellerId") != fundID.String() ||
		get(l, "listing", "status") != "SUBMITTED" {
		t.Fatalf("the fund's listing = %v, want SUBMITTED by the fund", l)
	}
	// The operator sees the fund's unannounced listing on the board when it
	// asks for the fund's listings; no one else does.
	mineQ := `query($f: ListingFilter) { listings(filter: $f, first: 5) { totalCount } }`
	for token, want := range map[string]float64{opTok: 1, strangerTok: 0, "": 0} {
		if got := get(x.MustDo(token, mineQ, map[string]any{"f": map[string]any{"sellerId": fundID.String()}}), "listings", "totalCount"); got != want {
			t.Errorf("the fund's listings to %q: %v, want %v", token, got, want)
		}
	}

	// A draft of a right that left the fund before submission is refused.
	again := get(x.MustDo(opTok, createListing, map[string]any{"input": terms(held, fundID.String())}), "createListing", "listingId").(string)
	if _, err := x.App.Assets.Handle(ctx, registry.TransferManagementRight{AssetID: held, ContractID: uuid.New(), Transferor: fundID, Transferee: uuid.New(),
		Form: registry.FormLease, Start: apitest.Start, End: apitest.Start.AddDate(3, 0, 0), Source: registry.Source{Reference: "合同", Date: apitest.Start}}, meta()); err != nil {
		t.Fatal(err)
	}
	x.refuse(opTok, "submitListing", map[string]any{"listingId": again}, "NOT_RIGHT_HOLDER")
	x.refuse(strangerTok, "withdrawListing", map[string]any{"listingId": again}, "FORBIDDEN")
	x.must(opTok, "withdrawListing", map[string]any{"listingId": again}) // giving up needs no holding

	// A fund-role party acts on no collective's listing.
	x.refuse(opTok, "submitListing", map[string]any{"listingId": x.list(mine, "东村荒山", "50000.00")}, "FORBIDDEN")
}

func TestSearchAndPaging(t *testing.T) {
	x := newExchange(t)
	apple := x.list(x.asset(x.coll, "王家庄"), "王家庄苹果园土地经营权流转", "100000.00")
	pear := x.list(x.asset(x.coll, "李家村"), "李家村梨园流转", "60000.00")
	var hills []string
	for i := range 5 {
		hills = append(hills, x.list(x.asset(x.coll, "东村"), fmt.Sprintf("东村荒山 %d 号", i), fmt.Sprintf("%d.00", 20000+1000*i)))
	}
	x.announce(pear)
	const q = `query($f: ListingFilter, $s: ListingSort, $first: Int, $after: String) {
		listings(filter: $f, sort: $s, first: $first, after: $after) {
			totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title status listedPrice } } } }`
	ids := func(r map[string]any) []string {
		var out []string
		for _, e := range get(r, "listings", "edges").([]any) {
			out = append(out, get(e, "node", "id").(string))
		}
		return out
	}
	t.Run("Chinese text finds the listing", func(t *testing.T) {
		r := x.MustDo(x.collTok, q, map[string]any{"f": map[string]any{"text": "苹果园"}})
		if got := ids(r); !slices.Equal(got, []string{apple}) || get(r, "listings", "totalCount") != 1.0 {
			t.Fatalf("苹果园 finds %v", got)
		}
	})
	t.Run("only the seller and the exchange see listings before their announcement", func(t *testing.T) {
		bidderTok := x.Token(auth.RoleBidder, uuid.New())
		for _, c := range []struct {
			who, token string
			sees       float64
		}{{"the public", "", 1}, {"a bidder", bidderTok, 1}, {"another collective", x.otherTok, 1},
			{"the seller", x.collTok, 7}, {"the exchange", x.exTok, 7}} {
			if got := get(x.MustDo(c.token, q, nil), "listings", "totalCount"); got != c.sees {
				t.Errorf("%s sees %v listings, want %v", c.who, got, c.sees)
			}
			for _, id := range []string{apple, pear} {
				l := x.MustDo(c.token, `query($id: ID!) { listing(id: $id) { id } }`, map[string]any{"id": id})["listing"]
				if sees := l != nil; sees != (id == pear || c.sees == 7) {
					t.Errorf("%s sees listing %s: %v", c.who, id, sees)
				}
			}
		}
		// The feed of a draft is as absent as the feed of no listing.
		for _, token := range []string{"", x.otherTok} {
			if code := x.refusedFeed(token, apple); code != "NOT_FOUND" {
				t.Errorf("a draft's feed to %q: %s, want NOT_FOUND", token, code)
			}
		}
		x.subscribe(x.collTok, apple)
		x.subscribe("", pear)
	})
	t.Run("filters combine", func(t *testing.T) {
		r := x.MustDo("", q, map[string]any{"f": map[string]any{"status": []string{"ANNOUNCED"}, "county": "寿光市",
			"minPrice": "50000", "maxPrice": "60000.00"}})
		if got := ids(r); !slices.Equal(got, []string{pear}) {
			t.Fatalf("got %v", got)
		}
	})
	t.Run("the area bounds are inclusive to the hundredth of a mu", func(t *testing.T) {
		for _, c := range []struct {
			f    map[string]any
			want float64
		}{
			{map[string]any{"minArea": "120.00"}, 7}, {map[string]any{"minArea": "120.01"}, 0},
			{map[string]any{"maxArea": "120"}, 7}, {map[string]any{"maxArea": "119.99"}, 0},
		} {
			if got := get(x.MustDo(x.collTok, q, map[string]any{"f": c.f}), "listings", "totalCount"); got != c.want {
				t.Errorf("%v: %v listings, want %v (every asset is 120 mu)", c.f, got, c.want)
			}
		}
	})
	t.Run("pages by price follow on with cursors and never repeat", func(t *testing.T) {
		var seen []string
		after := any(nil)
		for page := 0; ; page++ {
			r := x.MustDo(x.collTok, q, map[string]any{"s": "PRICE_ASC", "first": 2, "after": after})
			seen = append(seen, ids(r)...)
			if get(r, "listings", "totalCount") != 7.0 {
				t.Fatalf("totalCount = %v", get(r, "listings", "totalCount"))
			}
			if get(r, "listings", "pageInfo", "hasNextPage") != true {
				break
			}
			after = get(r, "listings", "pageInfo", "endCursor")
			if page > 5 {
				t.Fatal("paging does not end")
			}
		}
		want := append(slices.Clone(hills), pear, apple)
		if !slices.Equal(seen, want) {
			t.Fatalf("pages %v, want %v", seen, want)
		}
	})
	t.Run("a cursor of another order is refused", func(t *testing.T) {
		r := x.MustDo("", q, map[string]any{"s": "PRICE_ASC", "first": 1})
		cur := get(r, "listings", "pageInfo", "endCursor")
		if r := x.Do("", q, map[string]any{"s": "CLOSING_AT_ASC", "first": 1, "after": cur}); r.Code() != "INVALID_INPUT" {
			t.Fatalf("errors = %+v", r.Errors)
		}
	})
	t.Run("no output type has a reserve price field", func(t *testing.T) {
		for name, typ := range x.Schema.TypeMap() {
			o, ok := typ.(*graphql.Object)
			if !ok {
				continue
			}
			for f := range o.Fields() {
				if strings.Contains(strings.ToLower(f), "reserve") {
					t.Fatalf("%s.%s", name, f)
				}
			}
		}
	})
}

func TestEveryMutationChecksTheCallersRole(t *testing.T) {
	x := newExchange(t)
	ex, bidder := []auth.Role{auth.RoleExchange}, []auth.Role{auth.RoleBidder}
	sellers := []auth.Role{auth.RoleCollective, auth.RoleBank, auth.RoleFund}
	x.CheckRoles(t, map[string][]auth.Role{
		"createListing": sellers, "reviseListing": sellers, "submitListing": sellers, "withdrawListing": sellers,
		"relistListing": sellers, "endListing": sellers,
		"reviewListing": ex, "suspendListing": ex, "resumeListing": ex, "confirmDeposit": ex, "qualifyBidder": ex,
		"agreeNegotiatedPrice": ex, "confirmPayment": ex, "refundDeposit": ex, "signListingContract": ex,
		"issueCertificate": ex, "archiveListing": ex,
		"registerBidder": bidder, "placeBid": bidder, "exerciseMemberPriority": bidder, "submitQuote": bidder, "exerciseLesseePriority": bidder,
	})
}

// feed is a subscription to auctionFeed.
type feed struct{ *apitest.Subscription }

// subscribe opens a WebSocket as token's holder and subscribes to the listing's feed.
func (x *exchange) subscribe(token, listingID string) *feed {
	x.T.Helper()
	f := &feed{x.Subscribe(token, `subscription($id: ID!) { auctionFeed(listingId: $id) {
			kind status position at seq bidderNumber bidderId amount closesAt previousClosesAt sold via reason } }`,
		map[string]any{"id": listingID})}
	// The first event is the snapshot, taken after the live subscription started.
	if e := f.next(x.T); e["kind"] != "SUBSCRIBED" {
		x.T.Fatalf("first feed event %v, want SUBSCRIBED", e)
	}
	return f
}

// refusedFeed subscribes to the listing's feed as token's holder and returns
// the code of the error that refuses it.
func (x *exchange) refusedFeed(token, listingID string) string {
	x.T.Helper()
	errs := x.Subscribe(token, `subscription($id: ID!) { auctionFeed(listingId: $id) { kind } }`,
		map[string]any{"id": listingID}).Refused()
	if len(errs) == 0 {
		x.T.Fatalf("the feed of %s is not refused", listingID)
	}
	code, _ := get(errs[0], "extensions", "code").(string)
	return code
}

// next returns the next auctionFeed event.
func (f *feed) next(t testing.TB) map[string]any {
	t.Helper()
	return get(f.Next(), "data", "auctionFeed").(map[string]any)
}
