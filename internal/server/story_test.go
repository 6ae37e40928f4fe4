package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

const listingQuery = `query($id: ID!) { listing(id: $id) {
	status title bidCount highestBid auctionClosesAt
	bidders { number bidderId isMember qualified depositStatus }
	bids(first: 10) { edges { node { amount bidderNumber bidderId } } }
	award { price balanceDue bidderId bidderNumber via }
} }`

// TestExchangeStoryOverHTTP is the end-to-end story, through HTTP and
// WebSocket only. The exchange half: a collective registers land and lists it with its
// members' resolution, the exchange approves, three bidders register and pay
// deposits, two of them bid live while a subscription watches, a late bid
// extends the auction, it closes, a member's priority window passes, the
// winner pays and signs, and the transfer contract and the new holder of the
// right are visible. The finance half (financeStory) follows on. Time-driven
// steps are the scheduler's, on a manual clock.
func TestExchangeStoryOverHTTP(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC) // Monday 09:00 Shanghai
	x := startServer(t, t0)
	collective, household, exchange := uuid.New(), uuid.New(), uuid.New()
	alice, bob, member := uuid.New(), uuid.New(), uuid.New() // member belongs to the collective's cooperative
	tc, tx := x.token(auth.RoleCollective, collective), x.token(auth.RoleExchange, exchange)
	ta, tb, tm := x.token(auth.RoleBidder, alice), x.token(auth.RoleBidder, bob), x.token(auth.RoleBidder, member)
	day := func(d int) string { return t0.AddDate(0, 0, d).Format(time.RFC3339) }

	// The collective registers a household's contracted plot, records the
	// household's written entrustment (rule 5) and its cooperative's member.
	asset := x.mutate(tc, "registerAsset", map[string]any{
		"type": "LAND_MANAGEMENT_RIGHT", "title": "王家庄村东地块", "area": "120.00", "certificateNo": "鲁(2026)寿光市农村土地承包经营权第0001号",
		"rightsEnd": "2040-12-31T00:00:00Z", "contractorId": household.String(),
		"location": map[string]any{"province": "山东省", "county": "寿光市", "township": "孙家集街道", "village": "王家庄村"},
		"source":   map[string]any{"reference": "承包合同 2019-031"},
	}, "assetId")["assetId"].(string)
	x.mutate(tc, "entrustLand", map[string]any{
		"assetId": asset, "scope": []string{"LEASE"}, "start": day(0), "end": "2039-12-31T00:00:00Z",
		"document": map[string]any{"reference": "委托流转书 2026-11"},
	}, "")
	coop := x.mutate(tc, "foundCooperative", map[string]any{"name": "王家庄村股份经济合作社"}, "cooperativeId")["cooperativeId"].(string)
	x.mutate(tc, "admitMember", map[string]any{"cooperativeId": coop, "household": uuid.NewString(), "member": member.String()}, "")

	// It lists the plot; a resolution short of two thirds is refused and changes nothing.
	listing := x.mutate(tc, "createListing", map[string]any{
		"assetIds": []string{asset}, "title": "王家庄苹果园土地经营权流转", "description": "120亩水浇地，五年",
		"listedPrice": "100000.00", "increment": "1000.00", "reservePrice": "90000.00", "termMonths": 60,
	}, "listingId")["listingId"].(string)
	refused := x.do(tc, `mutation($in: SubmitListingInput!) { submitListing(input: $in) { position } }`, map[string]any{"in": map[string]any{
		"listingId": listing, "resolution": map[string]any{"body": "村民代表会议", "votesFor": 39, "total": 60, "date": day(-3)}}}, "")
	if len(refused.Errors) == 0 || refused.Errors[0].Extensions["code"] == nil {
		t.Fatalf("a resolution of 39/60 was accepted: %+v", refused)
	}
	x.mutate(tc, "submitListing", map[string]any{"listingId": listing,
		"resolution": map[string]any{"body": "村民代表会议", "votesFor": 40, "total": 60, "date": day(-3)}}, "")
	annEnds := kernel.Calendar{}.AddWorkingDays(t0, 7)
	approved := x.mutate(tx, "reviewListing", map[string]any{"listingId": listing, "approve": true,
		"announcementEnds": annEnds.Format(time.RFC3339Nano), "biddingOpensAt": annEnds.Add(10 * time.Hour).Format(time.RFC3339)}, "")
	board := x.query("", `query { listings(filter: {text: "苹果园", county: "寿光市"}, first: 5) { totalCount edges { node { id status } } } }`, nil, approved["position"].(string))
	if got := board["listings"].(map[string]any); got["totalCount"].(float64) != 1 {
		t.Fatalf("search for 苹果园 found %v", got)
	}

	// Three bidders register, pay deposits (30 % of the listed price) and are qualified.
	x.mutate(ta, "registerBidder", map[string]any{"listingId": listing}, "")
	x.mutate(tb, "registerBidder", map[string]any{"listingId": listing}, "")
	x.mutate(tm, "registerBidder", map[string]any{"listingId": listing, "cooperativeId": coop}, "")
	var last map[string]any
	for _, b := range []uuid.UUID{alice, bob, member} {
		x.mutate(tx, "confirmDeposit", map[string]any{"listingId": listing, "bidderId": b.String(), "amount": "30000.00"}, "")
		last = x.mutate(tx, "qualifyBidder", map[string]any{"listingId": listing, "bidderId": b.String(), "qualified": true}, "")
	}
	l := x.query("", listingQuery, map[string]any{"id": listing}, last["position"].(string))["listing"].(map[string]any)
	if l["status"] != "ANNOUNCED" || len(l["bidders"].([]any)) != 3 {
		t.Fatalf("listing after registration: %v", l)
	}
	for _, b := range l["bidders"].([]any) { // rule 14: the public sees numbers only
		if b.(map[string]any)["bidderId"] != nil {
			t.Fatalf("anonymous board shows a bidder id: %v", b)
		}
	}

	// The announcement runs its 7 working days; the scheduler closes
	// registration and bidding opens.
	x.clock.Set(annEnds.Add(time.Minute))
	status := func() string {
		return x.query("", `query($id: ID!) { listing(id: $id) { status } }`, map[string]any{"id": listing}, "")["listing"].(map[string]any)["status"].(string)
	}
	x.eventually("the auction to be scheduled", func() bool { return status() == "AUCTION_SCHEDULED" || status() == "AUCTION_OPEN" })
	opens := x.query("", `query($id: ID!) { listing(id: $id) { auctionOpensAt } }`, map[string]any{"id": listing}, "")["listing"].(map[string]any)["auctionOpensAt"].(string)
	opensAt, _ := time.Parse(time.RFC3339Nano, opens)
	x.clock.Set(opensAt.Add(time.Minute))
	x.eventually("bidding to open", func() bool { return status() == "AUCTION_OPEN" })

	feed := x.subscribe(tb, `subscription($id: ID!) { auctionFeed(listingId: $id) { kind amount bidderNumber bidderId closesAt previousClosesAt sold position } }`, map[string]any{"id": listing})
	feed.expect("SUBSCRIBED")

	bid := func(token string, amount string) map[string]any {
		return x.mutate(token, "placeBid", map[string]any{"listingId": listing, "amount": amount}, "auctionClosesAt")
	}
	bid(ta, "100000.00")
	bid(tb, "101000.00")
	low := x.do(ta, `mutation($in: PlaceBidInput!) { placeBid(input: $in) { position } }`, map[string]any{"in": map[string]any{"listingId": listing, "amount": "101500.00"}}, "")
	if len(low.Errors) == 0 || low.Errors[0].Extensions["code"] != "BID_NOT_ON_INCREMENT" && low.Errors[0].Extensions["code"] != "BID_BELOW_MINIMUM" {
		t.Fatalf("a bid off the increment: %+v", low)
	}
	for _, want := range []string{"100000.00", "101000.00"} {
		if ev := feed.expect("BID"); ev["amount"] != want {
			t.Fatalf("feed bid %v, want %s", ev, want)
		}
	}

	// A bid in the last minutes of the timed round extends the close (rule 12).
	closes := x.query(tx, `query($id: ID!) { listing(id: $id) { auctionClosesAt } }`, map[string]any{"id": listing}, "")["listing"].(map[string]any)["auctionClosesAt"].(string)
	closesAt, _ := time.Parse(time.RFC3339Nano, closes)
	x.clock.Set(closesAt.Add(-2 * time.Minute))
	late := bid(ta, "102000.00")
	if late["auctionClosesAt"] == nil {
		t.Fatalf("a bid two minutes before the close did not extend it: %v", late)
	}
	feed.expect("BID")
	ext := feed.expect("EXTENDED")
	newClose, _ := time.Parse(time.RFC3339Nano, ext["closesAt"].(string))
	if !newClose.After(closesAt) {
		t.Fatalf("extension moved the close from %s to %s", closesAt, newClose)
	}
	bid(tb, "103000.00")
	feed.expect("BID", "EXTENDED")

	// The close passes: bob (an outsider) wins, so the member's priority window opens (rule 3), then passes.
	x.clock.Set(newClose.Add(10 * time.Minute))
	closed := feed.expect("CLOSED", "EXTENDED")
	if closed["sold"] != true || closed["amount"] != "103000.00" {
		t.Fatalf("close %v", closed)
	}
	feed.expect("PRIORITY_WINDOW")
	x.clock.Set(kernel.Calendar{}.AddWorkingDays(newClose, 2))
	awarded := feed.expect("AWARDED")
	if awarded["bidderId"] != bob.String() { // bob watches his own feed: he sees his id
		t.Fatalf("awarded %v, want bob", awarded)
	}
	// The feed runs ahead of the read models: read the board as of the award.
	l = x.query(tx, listingQuery, map[string]any{"id": listing}, awarded["position"].(string))["listing"].(map[string]any)
	award := l["award"].(map[string]any)
	if l["status"] != "AWAITING_PAYMENT" || award["price"] != "103000.00" || award["balanceDue"] != "73000.00" || award["bidderId"] != bob.String() {
		t.Fatalf("after the priority window: %v", l)
	}

	// The winner pays the balance (the deposit counts); a workflow drafts the contract; the winner signs.
	paid := x.mutate(tx, "confirmPayment", map[string]any{"listingId": listing, "amount": "73000.00"}, "")
	var contract string
	x.eventually("the contract to be drafted", func() bool {
		cs := x.query(tb, `query($b: ID!) { transferContracts(filter: {transfereeId: $b}, first: 5) { edges { node { id status listingId } } } }`,
			map[string]any{"b": bob.String()}, paid["position"].(string))["transferContracts"].(map[string]any)["edges"].([]any)
		if len(cs) == 1 {
			contract = cs[0].(map[string]any)["node"].(map[string]any)["id"].(string)
		}
		return contract != ""
	})
	signed := x.mutate(tb, "signAwardedTransferContract", map[string]any{"contractId": contract,
		"document": map[string]any{"reference": "土地经营权流转合同 2026-0042", "date": x.clock.Now().Format(time.RFC3339)}}, "")
	x.eventually("the right to move to the winner", func() bool {
		a := x.query(tc, `query($id: ID!) { asset(id: $id) { holder { holderId contractId } } }`, map[string]any{"id": asset}, signed["position"].(string))
		h := a["asset"].(map[string]any)["holder"].(map[string]any)
		return h["holderId"] == bob.String() && h["contractId"] == contract
	})
	x.eventually("the listing to record the contract", func() bool { return status() == "CONTRACT_SIGNED" })
	cert := x.mutate(tx, "issueCertificate", map[string]any{"listingId": listing, "number": "WF-JZ-2026-0042"}, "")

	trades := x.query(tx, `query { trades(first: 5) { edges { node { listingId price buyerId status certificateNumber contractId } } } }`, nil, cert["position"].(string))
	tr := trades["trades"].(map[string]any)["edges"].([]any)
	if len(tr) != 1 {
		t.Fatalf("trades: %v", trades)
	}
	trade := tr[0].(map[string]any)["node"].(map[string]any)
	if trade["price"] != "103000.00" || trade["buyerId"] != bob.String() || trade["status"] != "CERTIFIED" || trade["contractId"] != contract || trade["certificateNumber"] != "WF-JZ-2026-0042" {
		t.Fatalf("trade %v", trade)
	}
	c := x.query(tb, `query($id: ID!) { transferContract(id: $id) { status transfereeId form plots { assetId } } }`, map[string]any{"id": contract}, "")["transferContract"].(map[string]any)
	if c["status"] != "IN_FORCE" || c["transfereeId"] != bob.String() || !strings.Contains(toJSON(c["plots"]), asset) {
		t.Fatalf("contract %v", c)
	}
	// The exchange sees every bidder; the public board does not.
	bids := x.query(tx, listingQuery, map[string]any{"id": listing}, "")["listing"].(map[string]any)["bids"].(map[string]any)["edges"].([]any)
	if len(bids) != 4 || bids[0].(map[string]any)["node"].(map[string]any)["bidderId"] != bob.String() {
		t.Fatalf("exchange's bid history %v", bids)
	}

	financeStory(t, x, story{asset: asset, collective: collective, exchange: exchange, borrower: bob, borrowerToken: tb})
}

// story is what the exchange half hands the finance half.
type story struct {
	asset                          string
	collective, exchange, borrower uuid.UUID
	borrowerToken                  string
}

// financeStory: the winner mortgages the right it bought (with the
// contractor's consent) to a bank and borrows; the loan defaults; the bank's
// disposal listing sells the right again on the exchange; the proceeds go to
// the bank by rank, the notice is discharged, the fund pays its share of the
// net loss, and the buyer holds the right.
func financeStory(t *testing.T, x *exchangeServer, s story) {
	bank, fundOperator, buyer, other := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	tk, tf := x.token(auth.RoleBank, bank), x.token(auth.RoleFund, fundOperator)
	tc, tx := x.token(auth.RoleCollective, s.collective), x.token(auth.RoleExchange, s.exchange)
	tbuyer, tother := x.token(auth.RoleBidder, buyer), x.token(auth.RoleBidder, other)
	now := func() string { return x.clock.Now().Format(time.RFC3339Nano) }

	fund := x.mutate(tf, "establishFund", map[string]any{"name": "潍坊市农村产权运作基金"}, "fundId")["fundId"].(string)
	for _, purpose := range []string{"MORTGAGE", "RE_TRANSFER"} { // rule 7, recorded with the collective
		x.mutate(tc, "recordConsent", map[string]any{"assetId": s.asset, "granteeId": s.borrower.String(), "purpose": purpose,
			"document": map[string]any{"reference": "承包户同意书 " + purpose, "date": now()}}, "")
	}
	product := x.mutate(tk, "defineLoanProduct", map[string]any{"name": "经营权抵押贷", "ltvBP": 5000, "defaultAfterDaysOverdue": 30,
		"tiers": []any{map[string]any{"credential": "NEW_FARMER", "creditLine": "100000.00", "maxTermMonths": 36, "annualRateBP": 435}}}, "productId")["productId"].(string)
	loan := x.mutate(s.borrowerToken, "applyForLoan", map[string]any{"productId": product, "assetId": s.asset, "credential": "NEW_FARMER",
		"amount": "50000.00", "termMonths": 12, "method": "EQUAL_PRINCIPAL"}, "loanId")["loanId"].(string)
	x.mutate(tk, "valueCollateral", map[string]any{"loanId": loan, "value": "120000.00", "appraiserId": uuid.NewString()}, "")
	x.mutate(tk, "approveLoan", map[string]any{"loanId": loan, "amount": "50000.00"}, "")
	early := x.do(tk, `mutation($in: DisburseLoanInput!) { disburseLoan(input: $in) { position } }`, map[string]any{"in": map[string]any{"loanId": loan}}, "")
	if len(early.Errors) == 0 || early.Errors[0].Extensions["code"] != "COLLATERAL_NOT_REGISTERED" {
		t.Fatalf("disbursement before registration: %+v", early)
	}
	x.mutate(tk, "registerCollateral", map[string]any{"loanId": loan, "assetId": s.asset, "kind": "MORTGAGE", "grantorId": s.borrower.String(),
		"securedAmount": "60000.00", "start": now(), "end": "2031-12-01T00:00:00Z"}, "registrationId")
	loanStatus := func() map[string]any {
		return x.query(tk, `query($id: ID!) { loan(id: $id) { status principalRecovered claimPrincipal recovered } }`, map[string]any{"id": loan}, "")["loan"].(map[string]any)
	}
	x.eventually("the loan to record its registration", func() bool { return loanStatus()["status"] == "COLLATERAL_REGISTERED" })
	encumbered := func() bool {
		return x.query(tx, `query($id: ID!) { asset(id: $id) { encumbered } }`, map[string]any{"id": s.asset}, "")["asset"].(map[string]any)["encumbered"] == true
	}
	x.eventually("the asset to carry the mortgage", encumbered)
	notices := x.query("", `query($a: ID!) { collateralRegistrations(assetId: $a) { number securedPartyId } }`, map[string]any{"a": s.asset}, "")
	if n := notices["collateralRegistrations"].([]any); len(n) != 1 || n[0].(map[string]any)["securedPartyId"] != bank.String() {
		t.Fatalf("public notice search %v", notices)
	}
	x.mutate(tk, "disburseLoan", map[string]any{"loanId": loan}, "")

	// Nothing is repaid: the scheduler marks the loan overdue, then, 30 days later, in default.
	x.clock.Advance(40 * 24 * time.Hour)
	x.eventually("the loan to be overdue", func() bool { return loanStatus()["status"] == "OVERDUE" })
	x.clock.Advance(40 * 24 * time.Hour)
	x.eventually("the loan to default", func() bool { return loanStatus()["status"] == "DEFAULTED" })

	// Enforcement: a workflow drafts the bank's disposal listing; the bank prices it and submits it.
	var disposal string
	x.eventually("the disposal listing to be drafted", func() bool {
		ls := x.query(tk, `query($b: ID!) { listings(filter: {sellerId: $b}, first: 5) { edges { node { id status } } } }`,
			map[string]any{"b": bank.String()}, "")["listings"].(map[string]any)["edges"].([]any)
		if len(ls) == 1 {
			disposal = ls[0].(map[string]any)["node"].(map[string]any)["id"].(string)
		}
		return disposal != ""
	})
	x.mutate(tk, "reviseListing", map[string]any{"listingId": disposal, "assetIds": []string{s.asset}, "title": "王家庄苹果园经营权处置",
		"listedPrice": "40000.00", "increment": "1000.00", "termMonths": 48, "disposalOf": loan}, "")
	x.mutate(tk, "submitListing", map[string]any{"listingId": disposal}, "")
	annEnds := kernel.Calendar{}.AddWorkingDays(x.clock.Now(), 7)
	x.mutate(tx, "reviewListing", map[string]any{"listingId": disposal, "approve": true,
		"announcementEnds": annEnds.Format(time.RFC3339Nano), "biddingOpensAt": annEnds.Add(10 * time.Hour).Format(time.RFC3339)}, "")
	for _, b := range []struct {
		id    uuid.UUID
		token string
	}{{buyer, tbuyer}, {other, tother}} {
		x.mutate(b.token, "registerBidder", map[string]any{"listingId": disposal}, "")
		x.mutate(tx, "confirmDeposit", map[string]any{"listingId": disposal, "bidderId": b.id.String(), "amount": "12000.00"}, "")
		x.mutate(tx, "qualifyBidder", map[string]any{"listingId": disposal, "bidderId": b.id.String(), "qualified": true}, "")
	}
	x.clock.Set(annEnds.Add(11 * time.Hour))
	x.eventually("the disposal auction to open", func() bool {
		st := x.query("", `query($id: ID!) { listing(id: $id) { status } }`, map[string]any{"id": disposal}, "")["listing"].(map[string]any)["status"]
		return st == "AUCTION_OPEN"
	})
	x.mutate(tother, "placeBid", map[string]any{"listingId": disposal, "amount": "40000.00"}, "")
	x.mutate(tbuyer, "placeBid", map[string]any{"listingId": disposal, "amount": "41000.00"}, "")
	x.clock.Advance(2 * time.Hour)
	var balance string
	x.eventually("the disposal to be awarded", func() bool {
		l := x.query(tx, `query($id: ID!) { listing(id: $id) { status award { balanceDue bidderId } } }`, map[string]any{"id": disposal}, "")["listing"].(map[string]any)
		if l["status"] == "AWAITING_PAYMENT" && l["award"].(map[string]any)["bidderId"] == buyer.String() {
			balance = l["award"].(map[string]any)["balanceDue"].(string)
		}
		return balance != ""
	})
	x.mutate(tx, "confirmPayment", map[string]any{"listingId": disposal, "amount": balance}, "")

	// The proceeds go to the bank (its notice is the only one), the notice is discharged and lifted.
	x.eventually("the disposal to be recorded on the loan", func() bool { return loanStatus()["principalRecovered"] == "41000.00" })
	x.eventually("the mortgage to be lifted", func() bool { return !encumbered() })

	// The bank claims on the fund: 20 % of the 9,000.00 of principal the sale did not recover.
	filed := x.mutate(tk, "fileFundClaim", map[string]any{"fundId": fund, "loanId": loan}, "claimId")
	claim := filed["claimId"].(string)
	claims := x.query(tk, `query($id: ID!) { fund(id: $id) { claims { id netLoss payable status } } }`, map[string]any{"id": fund}, filed["position"].(string))["fund"].(map[string]any)["claims"].([]any)
	if c := claims[0].(map[string]any); len(claims) != 1 || c["netLoss"] != "9000.00" || c["payable"] != "1800.00" {
		t.Fatalf("fund claims %v, want 1,800.00 payable on a 9,000.00 net loss", claims)
	}
	x.mutate(tf, "approveFundClaim", map[string]any{"fundId": fund, "claimId": claim}, "")
	x.mutate(tf, "payFundClaim", map[string]any{"fundId": fund, "claimId": claim}, "")
	twice := x.do(tf, `mutation($in: PayFundClaimInput!) { payFundClaim(input: $in) { position } }`, map[string]any{"in": map[string]any{"fundId": fund, "claimId": claim}}, "")
	if len(twice.Errors) == 0 || twice.Errors[0].Extensions["code"] != "CLAIM_ALREADY_PAID" {
		t.Fatalf("paying a claim twice: %+v", twice)
	}
	x.eventually("the fund's payment to be recorded on the loan", func() bool { return loanStatus()["recovered"] == "42800.00" })
	if l := loanStatus(); l["claimPrincipal"] != "7200.00" {
		t.Fatalf("loan after disposal and fund: %v, want 7,200.00 of principal still claimed", l)
	}

	// A bank sees its own loans only.
	if r := x.do(x.token(auth.RoleBank, uuid.New()), `query($id: ID!) { loan(id: $id) { status } }`, map[string]any{"id": loan}, ""); len(r.Errors) == 0 && r.Data["loan"] != nil {
		t.Fatalf("another bank read the loan: %v", r.Data)
	}

	// The buyer signs the disposal contract: the borrower's right passes to it.
	var contract string
	x.eventually("the disposal contract to be drafted", func() bool {
		cs := x.query(tbuyer, `query($b: ID!) { transferContracts(filter: {transfereeId: $b}, first: 5) { edges { node { id } } } }`,
			map[string]any{"b": buyer.String()}, "")["transferContracts"].(map[string]any)["edges"].([]any)
		if len(cs) == 1 {
			contract = cs[0].(map[string]any)["node"].(map[string]any)["id"].(string)
		}
		return contract != ""
	})
	x.mutate(tbuyer, "signAwardedTransferContract", map[string]any{"contractId": contract,
		"document": map[string]any{"reference": "处置流转合同 2027-0007", "date": now()}}, "")
	x.eventually("the buyer to hold the right", func() bool {
		h := x.query(tc, `query($id: ID!) { asset(id: $id) { holder { holderId } } }`, map[string]any{"id": s.asset}, "")["asset"].(map[string]any)["holder"].(map[string]any)
		return h["holderId"] == buyer.String()
	})
}
