package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// sale is one listing's story over HTTP: a collective's entrusted plot,
// listed with extra terms, approved, with two qualified bidders.
type sale struct {
	x                *exchangeServer
	collective, a, b uuid.UUID
	tc, tx, ta, tb   string
	asset, listing   string
}

// listSale registers and entrusts a plot, runs each of before on it (e.g. a
// lease of it, which may move the clock), lists it with terms (merged over a 100,000.00 listing of 36
// months), approves it and registers, pays and qualifies two outsiders; it
// returns when bidding is open.
func listSale(t *testing.T, x *exchangeServer, terms map[string]any, deposit string, before ...func(*sale)) *sale {
	t.Helper()
	s := &sale{x: x, collective: uuid.New(), a: uuid.New(), b: uuid.New()}
	s.tc, s.tx = x.token(auth.RoleCollective, s.collective), x.token(auth.RoleExchange, uuid.New())
	s.ta, s.tb = x.token(auth.RoleBidder, s.a), x.token(auth.RoleBidder, s.b)
	now := x.clock.Now()
	s.asset = x.mutate(s.tc, "registerAsset", map[string]any{
		"type": "LAND_MANAGEMENT_RIGHT", "title": "海南橡胶园地块", "area": "374.60", "certificateNo": "琼(2026)儋州市农村土地承包经营权第0375号",
		"rightsEnd": "2045-12-31T00:00:00Z", "contractorId": uuid.NewString(),
		"location": map[string]any{"province": "海南省", "county": "儋州市", "township": "那大镇", "village": "石屋村"},
		"source":   map[string]any{"reference": "承包合同 2018-112"},
	}, "assetId")["assetId"].(string)
	x.mutate(s.tc, "entrustLand", map[string]any{"assetId": s.asset, "scope": []string{"LEASE"}, "start": now.Format(time.RFC3339),
		"end": "2044-12-31T00:00:00Z", "document": map[string]any{"reference": "委托流转书 2026-12"}}, "")
	for _, f := range before {
		f(s)
	}
	now = x.clock.Now()
	in := map[string]any{"assetIds": []string{s.asset}, "title": "石屋村374.6亩橡胶园出租", "listedPrice": "100000.00",
		"increment": "500.00", "termMonths": 36}
	for k, v := range terms {
		in[k] = v
	}
	s.listing = x.mutate(s.tc, "createListing", in, "listingId")["listingId"].(string)
	x.mutate(s.tc, "submitListing", map[string]any{"listingId": s.listing,
		"resolution": map[string]any{"body": "村民代表会议", "votesFor": 40, "total": 60, "date": now.AddDate(0, 0, -3).Format(time.RFC3339)}}, "")
	ends := kernel.Calendar{}.AddWorkingDays(now, 7)
	x.mutate(s.tx, "reviewListing", map[string]any{"listingId": s.listing, "approve": true,
		"announcementEnds": ends.Format(time.RFC3339Nano), "biddingOpensAt": ends.Add(10 * time.Hour).Format(time.RFC3339)}, "")
	for _, b := range []struct {
		id  uuid.UUID
		tok string
	}{{s.a, s.ta}, {s.b, s.tb}} {
		if due := x.mutate(b.tok, "registerBidder", map[string]any{"listingId": s.listing}, "depositDue")["depositDue"]; due != deposit {
			t.Fatalf("deposit due %v, want %s", due, deposit)
		}
		x.mutate(s.tx, "confirmDeposit", map[string]any{"listingId": s.listing, "bidderId": b.id.String(), "amount": deposit}, "")
		x.mutate(s.tx, "qualifyBidder", map[string]any{"listingId": s.listing, "bidderId": b.id.String(), "qualified": true}, "")
	}
	x.clock.Set(ends.Add(11 * time.Hour))
	x.eventually("bidding to open", func() bool { return s.status() == "AUCTION_OPEN" })
	return s
}

// status is the listing's status on the board, "" while the read models do
// not show the listing yet.
func (s *sale) status() string {
	status, _ := s.board("status")["status"].(string)
	return status
}

// board reads fields of the listing as the exchange, once the read models
// have reached position after (none: as they stand).
func (s *sale) board(fields string, after ...string) map[string]any {
	listing, _ := s.x.query(s.tx, `query($id: ID!) { listing(id: $id) { `+fields+` } }`, map[string]any{"id": s.listing}, strings.Join(after, ""))["listing"].(map[string]any)
	return listing
}

// contract waits for the contract drafted for the paid award and has the buyer sign it.
func (s *sale) contract(t *testing.T, buyer uuid.UUID, token string, after string) string {
	t.Helper()
	var id string
	s.x.eventually("the contract to be drafted", func() bool {
		cs := s.x.query(token, `query($b: ID!) { transferContracts(filter: {transfereeId: $b}, first: 5) { edges { node { id } } } }`,
			map[string]any{"b": buyer.String()}, after)["transferContracts"].(map[string]any)["edges"].([]any)
		if len(cs) == 1 {
			id = cs[0].(map[string]any)["node"].(map[string]any)["id"].(string)
		}
		return id != ""
	})
	s.x.mutate(token, "signAwardedTransferContract", map[string]any{"contractId": id,
		"document": map[string]any{"reference": "土地经营权出租合同 " + id[:8], "date": s.x.clock.Now().Format(time.RFC3339)}}, "")
	s.x.eventually("the listing to record the contract", func() bool { return s.status() == "CONTRACT_SIGNED" })
	return id
}

// TestAnnualRentLeaseOverHTTP: 374.6 mu let for 3 years at a yearly rent
// (rule 25): a fixed deposit, ladder bids per year, the award's first year
// paid through the exchange, then a lease whose schedule is that rent each
// year; the first instalment is already paid, the second is paid on the
// lease a year later.
func TestAnnualRentLeaseOverHTTP(t *testing.T) {
	x := startServer(t, time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC))
	s := listSale(t, x, map[string]any{"basis": "ANNUAL_RENT", "listedPrice": "161078.00", "deposit": "50000.00"}, "50000.00")
	if b := s.board("sale { basis rentFrequency fixedDeposit } listedTotal"); b["listedTotal"] != "483234.00" ||
		b["sale"].(map[string]any)["basis"] != "ANNUAL_RENT" || b["sale"].(map[string]any)["rentFrequency"] != "ANNUAL" {
		t.Fatalf("board %v, want 3 × 161,078.00 over the term", b)
	}
	x.mutate(s.ta, "placeBid", map[string]any{"listingId": s.listing, "amount": "161078.00"}, "")
	x.mutate(s.tb, "placeBid", map[string]any{"listingId": s.listing, "amount": "161578.00"}, "")
	x.clock.Advance(2 * time.Hour)
	x.eventually("the award", func() bool { return s.status() == "AWAITING_PAYMENT" })
	b := s.board("award { price balanceDue bidderId } awardTotal")
	if award := b["award"].(map[string]any); award["price"] != "161578.00" || award["balanceDue"] != "111578.00" || b["awardTotal"] != "484734.00" {
		t.Fatalf("award %v: the first year less the 50,000.00 deposit is due", b)
	}
	paid := x.mutate(s.tx, "confirmPayment", map[string]any{"listingId": s.listing, "amount": "111578.00"}, "")
	trades := x.query(s.tx, `query { trades(first: 5) { edges { node { price basis status } } } }`, nil, paid["position"].(string))
	if tr := trades["trades"].(map[string]any)["edges"].([]any); len(tr) != 1 || toJSON(tr[0]) != `{"node":{"basis":"ANNUAL_RENT","price":"161578.00","status":"PAID"}}` {
		t.Fatalf("trades %v", trades)
	}
	contract := s.contract(t, s.b, s.tb, paid["position"].(string))

	lease := func() map[string]any {
		return x.query(x.token(auth.RoleBidder, s.b), `query($id: ID!) { transferContract(id: $id) {
			status start end annualRent rentPerMuYear frequency prepaid instalments { no due amount paid } arrears } }`,
			map[string]any{"id": contract}, "")["transferContract"].(map[string]any)
	}
	c := lease()
	is := c["instalments"].([]any)
	if c["status"] != "IN_FORCE" || len(is) != 3 || c["annualRent"] != "161578.00" || c["rentPerMuYear"] != "0.00" ||
		c["frequency"] != "ANNUAL" || c["prepaid"] != "161578.00" {
		t.Fatalf("lease %v, want 3 yearly instalments", c)
	}
	for i, want := range [][2]string{{"161578.00", "161578.00"}, {"161578.00", "0.00"}, {"161578.00", "0.00"}} {
		in := is[i].(map[string]any)
		if in["amount"] != want[0] || in["paid"] != want[1] {
			t.Fatalf("instalment %d = %v, want %s paid %s", i+1, in, want[0], want[1])
		}
	}
	start, _ := time.Parse(time.RFC3339Nano, c["start"].(string))
	due2, _ := time.Parse(time.RFC3339Nano, is[1].(map[string]any)["due"].(string))
	if !due2.Equal(start.In(kernel.Shanghai).AddDate(1, 0, 0)) {
		t.Fatalf("the second instalment is due %s, a year after the start %s", due2, start)
	}
	// A year on, the second year's rent is due: in arrears until the lessee pays it on the lease.
	x.clock.Set(due2.Add(time.Hour))
	x.eventually("the second year's rent to fall due", func() bool { return lease()["arrears"] == "161578.00" })
	x.mutate(x.token(auth.RoleBidder, s.b), "payRent", map[string]any{"contractId": contract, "amount": "161578.00"}, "")
	x.eventually("the second instalment to be paid", func() bool {
		c := lease()
		return c["arrears"] == "0.00" && c["instalments"].([]any)[1].(map[string]any)["paid"] == "161578.00"
	})
}

// TestSealedQuoteSaleOverHTTP: a total-price lot sold by one-time sealed
// quotes (rule 27) from listing to certificate: the quotes stay sealed until
// the deadline, then the highest wins and all are published.
func TestSealedQuoteSaleOverHTTP(t *testing.T) {
	x := startServer(t, time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC))
	s := listSale(t, x, map[string]any{"method": "SEALED", "reservePrice": "105000.00"}, "30000.00")
	x.mutate(s.ta, "submitQuote", map[string]any{"listingId": s.listing, "amount": "118888.88"}, "")
	quoted := x.mutate(s.tb, "submitQuote", map[string]any{"listingId": s.listing, "amount": "117777.77"}, "")
	if b := s.board("quotes { amount } highestBid sale { quoteCount }", quoted["position"].(string)); len(b["quotes"].([]any)) != 0 || b["highestBid"] != nil ||
		b["sale"].(map[string]any)["quoteCount"] != 2.0 {
		t.Fatalf("the exchange read the sealed board %v", b)
	}
	closes, _ := time.Parse(time.RFC3339Nano, s.board("auctionClosesAt")["auctionClosesAt"].(string))
	x.clock.Set(closes.Add(time.Microsecond)) // the board keeps microseconds
	late := x.do(s.tb, `mutation($in: SubmitQuoteInput!) { submitQuote(input: $in) { position } }`,
		map[string]any{"in": map[string]any{"listingId": s.listing, "amount": "130000.00"}}, "")
	if len(late.Errors) == 0 || late.Errors[0].Extensions["code"] != "AUCTION_CLOSED" {
		t.Fatalf("a quote after the deadline: %+v", late)
	}
	x.eventually("the opening and award", func() bool { return s.status() == "AWAITING_PAYMENT" })
	b := s.board("quotes { rank bidderNumber amount } award { price balanceDue bidderId }")
	quotes, award := b["quotes"].([]any), b["award"].(map[string]any)
	if len(quotes) != 2 || quotes[0].(map[string]any)["amount"] != "118888.88" || quotes[1].(map[string]any)["bidderNumber"] != 2.0 ||
		award["bidderId"] != s.a.String() || award["balanceDue"] != "88888.88" {
		t.Fatalf("opened %v", b)
	}
	paid := x.mutate(s.tx, "confirmPayment", map[string]any{"listingId": s.listing, "amount": "88888.88"}, "")
	s.contract(t, s.a, s.ta, paid["position"].(string))
	x.mutate(s.tx, "issueCertificate", map[string]any{"listingId": s.listing, "number": "DZ-JZ-2026-0375"}, "")
	x.eventually("the certificate", func() bool { return s.status() == "CERTIFIED" })
}
