package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/server"
)

// creditWorld is the assembled server with the parties of the credit
// stories: a collective, the household whose land it was entrusted with, a
// farmer who leases it and borrows, the exchange and the fund's operator.
// Every step goes through GraphQL over HTTP unless its comment says why not.
type creditWorld struct {
	*exchangeServer
	collective, household, farmer, exchange, operator uuid.UUID
	tc, tx, tfarmer, tf                               string
	fund                                              string
}

// newCreditWorld starts a server on a manual clock (Monday 09:00 Shanghai)
// and establishes the operation fund.
func newCreditWorld(t *testing.T) *creditWorld {
	w := &creditWorld{exchangeServer: startServer(t, time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)),
		collective: uuid.New(), household: uuid.New(), farmer: uuid.New(), exchange: uuid.New(), operator: uuid.New()}
	w.issueTokens()
	w.fund = w.mutate(w.tf, "establishFund", map[string]any{"name": "潍坊市农村产权运作基金"}, "fundId")["fundId"].(string)
	return w
}

// issueTokens issues the parties' tokens, valid for a year from the clock's now.
func (w *creditWorld) issueTokens() {
	w.tc, w.tx = w.token(auth.RoleCollective, w.collective), w.token(auth.RoleExchange, w.exchange)
	w.tfarmer, w.tf = w.token(auth.RoleBidder, w.farmer), w.token(auth.RoleFund, w.operator)
}

// at formats an instant for the API.
func at(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// yuan formats money for the API.
func yuan(m kernel.Money) string { return fmt.Sprintf("%d.%02d", m/100, m%100) }

// money parses a Money the API returned.
func money(t *testing.T, v any) kernel.Money {
	t.Helper()
	s, _ := v.(string)
	var y, f int64
	if _, err := fmt.Sscanf(s, "%d.%02d", &y, &f); err != nil {
		t.Fatalf("money %v: %v", v, err)
	}
	return kernel.Money(y*100 + f)
}

func (w *creditWorld) now() string { return at(w.clock.Now()) }

// leasedLand registers 10 mu of the household's contracted land (its right
// runs to 2040), records the household's entrustment of it to the collective,
// and has the collective lease it to the farmer from an hour from now for the
// given years at 800.00 a mu a year, paid at frequency. It returns the asset
// and the contract once the register names the farmer.
func (w *creditWorld) leasedLand(years int, frequency string) (asset, contract string) {
	w.t.Helper()
	asset = w.mutate(w.tc, "registerAsset", map[string]any{
		"type": "LAND_MANAGEMENT_RIGHT", "title": "王家庄村南地块", "area": "10.00", "certificateNo": "鲁(2026)寒亭区农村土地承包经营权第" + uuid.NewString()[:8] + "号",
		"rightsEnd": "2040-12-31T00:00:00Z", "contractorId": w.household.String(),
		"location": map[string]any{"province": "山东省", "county": "寒亭区", "township": "固堤街道", "village": "王家庄村"},
		"source":   map[string]any{"reference": "承包合同 2019-017"},
	}, "assetId")["assetId"].(string)
	w.mutate(w.tc, "entrustLand", map[string]any{"assetId": asset, "scope": []string{"LEASE"}, "start": w.now(), "end": "2039-12-31T00:00:00Z",
		"document": map[string]any{"reference": "委托流转书 2026-17"}}, "")
	start := w.clock.Now().Add(time.Hour)
	contract = w.mutate(w.tc, "signTransferContract", map[string]any{
		"transfereeId": w.farmer.String(), "plots": []any{map[string]any{"assetId": asset}}, "form": "LEASE", "use": "CROPPING",
		"start": at(start), "end": at(start.AddDate(years, 0, 0)), "rentPerMuYear": "800.00", "frequency": frequency,
		"document": map[string]any{"reference": "土地经营权流转合同 2026-17", "date": w.now()},
	}, "contractId")["contractId"].(string)
	w.eventually("the register to name the farmer", func() bool { return w.holder(asset)["holderId"] == w.farmer.String() && w.contract(contract) != nil })
	return asset, contract
}

// notices are the public search's notices in force against asset, in rank order.
func (w *creditWorld) notices(asset string) []any {
	w.t.Helper()
	return w.query("", `query($a: ID!) { collateralRegistrations(assetId: $a) { securedPartyId status } }`, map[string]any{"a": asset}, "")["collateralRegistrations"].([]any)
}

// holder is the asset's current holding on the register.
func (w *creditWorld) holder(asset string) map[string]any {
	w.t.Helper()
	a, _ := w.query(w.tc, `query($id: ID!) { asset(id: $id) { holder { holderId contractId end } } }`, map[string]any{"id": asset}, "")["asset"].(map[string]any)
	h, _ := a["holder"].(map[string]any)
	return h // nil until the read model has the asset
}

// contract reads a transfer contract's rent position.
func (w *creditWorld) contract(id string) map[string]any {
	w.t.Helper()
	c, _ := w.query(w.tx, `query($id: ID!) { transferContract(id: $id) { status end outstanding arrears payments { payerId amount } } }`,
		map[string]any{"id": id}, "")["transferContract"].(map[string]any)
	return c // nil until the read model has the contract
}

// consent records the contractor's written consent (rule 7) that grantee mortgages or re-transfers the asset.
func (w *creditWorld) consent(asset string, grantee string, purposes ...string) {
	w.t.Helper()
	for _, p := range purposes {
		w.mutate(w.tc, "recordConsent", map[string]any{"assetId": asset, "granteeId": grantee, "purpose": p,
			"document": map[string]any{"reference": "承包户同意书 " + p, "date": w.now()}}, "")
	}
}

// lender is a bank with its token and a loan product for credential.
type lender struct {
	id      uuid.UUID
	token   string
	product string
}

// bank defines a bank's product: one tier for credential with a 100,000.00
// line and a 36-month term at 4.35 %, half the appraisal, default 30 days overdue.
func (w *creditWorld) bank(credential string) lender {
	w.t.Helper()
	b := lender{id: uuid.New()}
	b.token = w.token(auth.RoleBank, b.id)
	b.product = w.mutate(b.token, "defineLoanProduct", map[string]any{"name": "农村产权抵押贷", "ltvBP": 5000, "defaultAfterDaysOverdue": 30,
		"tiers": []any{map[string]any{"credential": credential, "creditLine": "100000.00", "maxTermMonths": 36, "annualRateBP": 435}}}, "productId")["productId"].(string)
	return b
}

// apply files borrower's application for a loan of amount for months
// against asset and has the bank value the collateral at 120,000.00; it
// returns the loan's id.
func (w *creditWorld) apply(b lender, borrowerToken, credential, asset string, amount kernel.Money, months int, method string) string {
	w.t.Helper()
	loan := w.mutate(borrowerToken, "applyForLoan", map[string]any{"productId": b.product, "assetId": asset, "credential": credential,
		"amount": yuan(amount), "termMonths": months, "method": method}, "loanId")["loanId"].(string)
	w.mutate(b.token, "valueCollateral", map[string]any{"loanId": loan, "value": "120000.00", "appraiserId": uuid.NewString()}, "")
	return loan
}

// approve has the bank approve the loan's whole request.
func (w *creditWorld) approve(b lender, loan string, amount kernel.Money) {
	w.t.Helper()
	w.mutate(b.token, "approveLoan", map[string]any{"loanId": loan, "amount": yuan(amount)}, "")
}

// mortgageLoan lends the farmer amount for a year against asset under the
// bank's mortgage notice for secured, ending at end, and disburses it.
func (w *creditWorld) mortgageLoan(b lender, asset string, amount, secured kernel.Money, end string) string {
	w.t.Helper()
	loan := w.apply(b, w.tfarmer, "NEW_FARMER", asset, amount, 12, "EQUAL_PRINCIPAL")
	w.approve(b, loan, amount)
	w.mutate(b.token, "registerCollateral", map[string]any{"loanId": loan, "assetId": asset, "kind": "MORTGAGE", "grantorId": w.farmer.String(),
		"securedAmount": yuan(secured), "start": w.now(), "end": end}, "registrationId")
	w.eventually("the loan to record its notice", func() bool { return w.loan(b, loan)["status"] == "COLLATERAL_REGISTERED" })
	w.mutate(b.token, "disburseLoan", map[string]any{"loanId": loan}, "")
	return loan
}

// payRent has the farmer pay everything the contract still owes.
func (w *creditWorld) payRent(contract string) {
	w.t.Helper()
	w.mutate(w.tfarmer, "payRent", map[string]any{"contractId": contract, "amount": w.contract(contract)["outstanding"]}, "")
}

// loan reads a loan as its bank sees it.
func (w *creditWorld) loan(b lender, id string) map[string]any {
	w.t.Helper()
	l, _ := w.query(b.token, `query($id: ID!) { loan(id: $id) { status principalOutstanding principalRecovered claimPrincipal claimInterest recovered } }`,
		map[string]any{"id": id}, "")["loan"].(map[string]any)
	return l // nil until the read model has the loan
}

// defaultLoans lets nothing be repaid: the scheduler marks the loans overdue, then in default.
func (w *creditWorld) defaultLoans(loans map[string]lender) {
	w.t.Helper()
	for _, want := range []string{"OVERDUE", "DEFAULTED"} {
		w.clock.Advance(40 * 24 * time.Hour)
		for id, b := range loans {
			w.eventually("the loan to be "+want, func() bool { return w.loan(b, id)["status"] == want })
		}
	}
}

// listingStatus is a listing's status on the public board.
func (w *creditWorld) listingStatus(id string) string {
	w.t.Helper()
	l, _ := w.query("", `query($id: ID!) { listing(id: $id) { status } }`, map[string]any{"id": id}, "")["listing"].(map[string]any)
	st, _ := l["status"].(string)
	return st // empty until the read model has the listing
}

// only waits until the connection query list, filtered by filter = party,
// holds exactly one node, and returns its id.
func (w *creditWorld) only(what, token, list, filter string, party uuid.UUID) string {
	w.t.Helper()
	var id string
	w.eventually(what, func() bool {
		q := `query($p: ID!) { ` + list + `(filter: {` + filter + `: $p}, first: 5) { edges { node { id } } } }`
		nodes := w.query(token, q, map[string]any{"p": party.String()}, "")[list].(map[string]any)["edges"].([]any)
		if len(nodes) == 1 {
			id = nodes[0].(map[string]any)["node"].(map[string]any)["id"].(string)
		}
		return id != ""
	})
	return id
}

// disposal waits for the disposal listing a workflow drafts for the
// bank's defaulted loan and prices it at price for months.
func (w *creditWorld) disposal(b lender, loan, asset string, price kernel.Money, months int) string {
	w.t.Helper()
	id := w.only("the disposal listing to be drafted", b.token, "listings", "sellerId", b.id)
	w.mutate(b.token, "reviseListing", map[string]any{"listingId": id, "assetIds": []string{asset}, "title": "王家庄村南地块经营权处置",
		"listedPrice": yuan(price), "increment": "1000.00", "termMonths": months, "disposalOf": loan}, "")
	return id
}

// bidder is a party bidding on the exchange.
type bidder struct {
	id    uuid.UUID
	token string
}

func (w *creditWorld) bidder() bidder {
	b := bidder{id: uuid.New()}
	b.token = w.token(auth.RoleBidder, b.id)
	return b
}

// announce has the seller submit the listing and the exchange approve it,
// registers the bidders, confirms their deposits (30 % of price) and
// qualifies them. It returns the end of the announcement (7 working days).
func (w *creditWorld) announce(sellerToken, listing string, price kernel.Money, bidders ...bidder) time.Time {
	w.t.Helper()
	w.mutate(sellerToken, "submitListing", map[string]any{"listingId": listing}, "")
	ends := kernel.Calendar{}.AddWorkingDays(w.clock.Now(), 7)
	w.mutate(w.tx, "reviewListing", map[string]any{"listingId": listing, "approve": true,
		"announcementEnds": at(ends), "biddingOpensAt": at(ends.Add(10 * time.Hour))}, "")
	for _, b := range bidders {
		w.mutate(b.token, "registerBidder", map[string]any{"listingId": listing}, "")
		w.mutate(w.tx, "confirmDeposit", map[string]any{"listingId": listing, "bidderId": b.id.String(), "amount": yuan((price*3 + 9) / 10)}, "")
		w.mutate(w.tx, "qualifyBidder", map[string]any{"listingId": listing, "bidderId": b.id.String(), "qualified": true}, "")
	}
	return ends
}

// auction runs the announced listing's auction: bids[i] by bidders[i % n],
// then the close; the last bidder wins and pays the balance. It returns the
// listing once paid.
func (w *creditWorld) auction(listing string, ends time.Time, bidders []bidder, bids ...kernel.Money) {
	w.t.Helper()
	w.clock.Set(ends.Add(11 * time.Hour))
	w.eventually("the auction to open", func() bool { return w.listingStatus(listing) == "AUCTION_OPEN" })
	for i, amount := range bids {
		w.mutate(bidders[i%len(bidders)].token, "placeBid", map[string]any{"listingId": listing, "amount": yuan(amount)}, "")
	}
	w.clock.Advance(2 * time.Hour)
	winner := bidders[(len(bids)-1)%len(bidders)]
	var balance string
	w.eventually("the award", func() bool {
		l := w.query(w.tx, `query($id: ID!) { listing(id: $id) { status award { balanceDue bidderId } } }`, map[string]any{"id": listing}, "")["listing"].(map[string]any)
		if l["status"] == "AWAITING_PAYMENT" && l["award"].(map[string]any)["bidderId"] == winner.id.String() {
			balance = l["award"].(map[string]any)["balanceDue"].(string)
		}
		return balance != ""
	})
	w.mutate(w.tx, "confirmPayment", map[string]any{"listingId": listing, "amount": balance}, "")
}

// signAward has the buyer sign the contract drafted for its paid award and
// waits until the register names it.
func (w *creditWorld) signAward(buyer bidder, asset string) {
	w.t.Helper()
	contract := w.only("the contract to be drafted", buyer.token, "transferContracts", "transfereeId", buyer.id)
	w.mutate(buyer.token, "signAwardedTransferContract", map[string]any{"contractId": contract,
		"document": map[string]any{"reference": "流转合同 " + contract[:8], "date": w.now()}}, "")
	w.eventually("the buyer to hold the right", func() bool { return w.holder(asset)["holderId"] == buyer.id.String() })
}

// claim files the bank's claim on the fund for loan, checks its net loss
// and payable, and has the fund approve and pay it.
func (w *creditWorld) claim(b lender, loan string, netLoss, payable kernel.Money) {
	w.t.Helper()
	filed := w.mutate(b.token, "fileFundClaim", map[string]any{"fundId": w.fund, "loanId": loan}, "claimId")
	id := filed["claimId"].(string)
	claims := w.query(b.token, `query($id: ID!) { fund(id: $id) { claims { id netLoss payable } } }`, map[string]any{"id": w.fund}, filed["position"].(string))["fund"].(map[string]any)["claims"].([]any)
	var got map[string]any
	for _, c := range claims {
		if c.(map[string]any)["id"] == id {
			got = c.(map[string]any)
		}
	}
	if got == nil || money(w.t, got["netLoss"]) != netLoss || money(w.t, got["payable"]) != payable {
		w.t.Fatalf("claim %v, want %s payable on a net loss of %s", got, payable, netLoss)
	}
	w.mutate(w.tf, "approveFundClaim", map[string]any{"fundId": w.fund, "claimId": id}, "")
	w.mutate(w.tf, "payFundClaim", map[string]any{"fundId": w.fund, "claimId": id}, "")
}

// replays settles the server, stops it, replays every stream of its store
// into fresh read models and fails on any table whose rows differ from those
// the live server projected.
func (w *creditWorld) replays() {
	w.t.Helper()
	settle(w.t, w.s)
	dir, clock := w.s.Config.DataDir, w.clock
	w.stop()
	before := dump(w.t, dir)
	s, err := server.Open(context.Background(), server.Config{DataDir: dir, Clock: clock, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := s.Replay(context.Background()); err != nil {
		w.t.Fatalf("replay: %v", err)
	}
	s.Close()
	if d := diff(before, dump(w.t, dir)); len(d) > 0 {
		w.t.Fatalf("replaying the store gave other read models:\n%s", strings.Join(d, "\n"))
	}
}

// TestStoryMortgageDefaultPaidByRankOverHTTP (rules 8, 22 and 24), over HTTP:
// the farmer leases land, pays the rent and, with the contractor's consent,
// borrows 30,000.00 from a senior bank and then 40,000.00 from a junior one,
// each under its own mortgage notice; nothing is repaid and both loans
// default. A claim on the fund while the notices are in force is refused. The
// senior bank's disposal listing sells the right at 51,000.00: the senior
// loan recovers its whole claim, the junior loan the rest, both notices are
// discharged, and the fund pays 20 % of the principal the junior bank lost.
func TestStoryMortgageDefaultPaidByRankOverHTTP(t *testing.T) {
	w := newCreditWorld(t)
	asset, lease := w.leasedLand(5, "ONE_OFF")
	w.payRent(lease)
	w.consent(asset, w.farmer.String(), "MORTGAGE", "RE_TRANSFER")
	end := w.contract(lease)["end"].(string)
	senior, junior := w.bank("NEW_FARMER"), w.bank("NEW_FARMER")
	first := w.mortgageLoan(senior, asset, kernel.Yuan(30_000), kernel.Yuan(36_000), end)
	w.clock.Advance(time.Hour)
	second := w.mortgageLoan(junior, asset, kernel.Yuan(40_000), kernel.Yuan(48_000), end)
	w.defaultLoans(map[string]lender{first: senior, second: junior})
	w.refused(junior.token, "fileFundClaim", map[string]any{"fundId": w.fund, "loanId": second}, "DISPOSAL_NOT_FINISHED")
	w.eventually("both notices to be in force", func() bool { return len(w.notices(asset)) == 2 })
	if n := w.notices(asset); n[0].(map[string]any)["securedPartyId"] != senior.id.String() {
		t.Fatalf("notices in force at default %v, want the senior bank's first of two", n)
	}
	a := w.loan(senior, first)
	seniorOwed := money(t, a["claimPrincipal"]) + money(t, a["claimInterest"])

	// The senior bank's disposal listing: two bidders, sold at 51,000.00.
	d := w.disposal(senior, first, asset, kernel.Yuan(50_000), 48)
	buyer, other := w.bidder(), w.bidder()
	ends := w.announce(senior.token, d, kernel.Yuan(50_000), other, buyer)
	w.auction(d, ends, []bidder{other, buyer}, kernel.Yuan(50_000), kernel.Yuan(51_000))

	// Paid by rank: the senior claim in full, the junior loan the rest.
	w.eventually("the senior loan to be recovered", func() bool { return w.loan(senior, first)["status"] == "RECOVERED" })
	w.eventually("the junior loan to record the rest", func() bool { return w.loan(junior, second)["recovered"] != "0.00" })
	if got := money(t, w.loan(senior, first)["recovered"]); got != seniorOwed {
		t.Fatalf("the senior loan recovered %s, want its whole claim %s", got, seniorOwed)
	}
	b := w.loan(junior, second)
	if got := money(t, b["recovered"]); got != kernel.Yuan(51_000)-seniorOwed {
		t.Fatalf("the junior loan recovered %s, want the %s the senior claim left of 51,000.00", got, kernel.Yuan(51_000)-seniorOwed)
	}
	w.eventually("both notices to be discharged", func() bool { return len(w.notices(asset)) == 0 })

	// The junior bank's claim on the fund: 20 % of the principal left, floored.
	netLoss := kernel.Yuan(40_000) - money(t, b["principalRecovered"])
	w.claim(junior, second, netLoss, netLoss/5)
	w.eventually("the fund's payment to be recorded on the junior loan", func() bool {
		return money(t, w.loan(junior, second)["recovered"]) == kernel.Yuan(51_000)-seniorOwed+netLoss/5
	})
	w.signAward(buyer, asset)
	w.replays()
}

// TestStoryFundBuysUnsoldCollateralOverHTTP (rules 10, 24), over HTTP: the
// farmer's 50,000.00 loan defaults; the disposal listing draws no bidder,
// after which the fund may not buy yet; relisted, it draws one bidder whose
// negotiation agrees no price; the fund buys the right for 30,000.00, the
// loan records it, the listing ends and the right moves to the fund on the
// register; the bank's claim is on the 20,000.00 left, and buying again is
// refused. A month later the fund's operator lists the right for the fund
// (another fund-role party may not, nor may the collective list it) and sells
// it on the exchange at 37,000.00; the fund records the sale, and the buyer
// holds the right.
func TestStoryFundBuysUnsoldCollateralOverHTTP(t *testing.T) {
	w := newCreditWorld(t)
	asset, lease := w.leasedLand(5, "ONE_OFF")
	w.payRent(lease)
	w.consent(asset, w.farmer.String(), "MORTGAGE", "RE_TRANSFER")
	b := w.bank("NEW_FARMER")
	loan := w.mortgageLoan(b, asset, kernel.Yuan(50_000), kernel.Yuan(60_000), w.contract(lease)["end"].(string))
	w.defaultLoans(map[string]lender{loan: b})
	d := w.disposal(b, loan, asset, kernel.Yuan(40_000), 48)

	// First round: nobody registers, the listing stage fails.
	ends := w.announce(b.token, d, kernel.Yuan(40_000))
	w.clock.Set(ends.Add(time.Minute))
	w.eventually("the listing to be unsold", func() bool { return w.listingStatus(d) == "UNSOLD" })
	buy := map[string]any{"fundId": w.fund, "loanId": loan, "price": "30000.00"}
	w.refused(w.tf, "buyCollateral", buy, "DISPOSAL_ORDER_NOT_FOLLOWED")

	// Second round: one bidder, a negotiation that agrees no price within its five working days.
	w.mutate(b.token, "relistListing", map[string]any{"listingId": d}, "")
	c := w.bidder()
	ends = w.announce(b.token, d, kernel.Yuan(40_000), c)
	w.clock.Set(ends.Add(time.Minute))
	w.eventually("the negotiation to open", func() bool { return w.listingStatus(d) == "NEGOTIATING" })
	w.clock.Set(kernel.Calendar{}.AddWorkingDays(ends, 6))
	w.eventually("the listing to be unsold again", func() bool { return w.listingStatus(d) == "UNSOLD" })

	// The fund buys: the price is paid by rank, the listing ends, the right moves to the fund.
	w.mutate(w.tf, "buyCollateral", buy, "")
	w.eventually("the right to move to the fund", func() bool { return w.holder(asset)["holderId"] == w.fund })
	w.eventually("the disposal listing to end", func() bool { return w.listingStatus(d) == "ENDED" })
	w.eventually("the loan to record the price", func() bool { return w.loan(b, loan)["principalRecovered"] == "30000.00" })
	w.claim(b, loan, kernel.Yuan(20_000), kernel.Yuan(4_000))
	w.refused(w.tf, "buyCollateral", buy, "COLLATERAL_RELEASED")

	// A month later, with the contractor's consent, the fund's operator lists
	// the right for the fund. Another fund-role party may not sell for the fund,
	// and the collective may not list the right the fund holds.
	w.clock.Advance(30 * 24 * time.Hour)
	w.consent(asset, w.fund, "RE_TRANSFER")
	resaleTerms := map[string]any{"assetIds": []string{asset}, "title": "王家庄村南地块经营权（基金收储）转让",
		"listedPrice": "35000.00", "increment": "1000.00", "termMonths": 36, "fundId": w.fund}
	w.refused(w.token(auth.RoleFund, uuid.New()), "createListing", resaleTerms, "FORBIDDEN")
	byCollective := maps.Clone(resaleTerms)
	delete(byCollective, "fundId")
	w.refused(w.tc, "createListing", byCollective, "NOT_RIGHT_HOLDER")
	resale := w.mutate(w.tf, "createListing", resaleTerms, "listingId")["listingId"].(string)
	e := w.bidder()
	ends = w.announce(w.tf, resale, kernel.Yuan(35_000), c, e)
	w.auction(resale, ends, []bidder{c, e}, kernel.Yuan(35_000), kernel.Yuan(36_000), kernel.Yuan(37_000))
	w.eventually("the fund to record the sale", func() bool {
		f := w.query(w.tf, `query($id: ID!) { fund(id: $id) { holdings { sold proceeds } } }`, map[string]any{"id": w.fund}, "")["fund"].(map[string]any)
		h := f["holdings"].([]any)
		return len(h) == 1 && h[0].(map[string]any)["sold"] == true && h[0].(map[string]any)["proceeds"] == "37000.00"
	})
	f := w.query(w.tf, `query($id: ID!) { fund(id: $id) { capital initialCapital } }`, map[string]any{"id": w.fund}, "")["fund"].(map[string]any)
	if got, want := money(t, f["capital"]), money(t, f["initialCapital"])-kernel.Yuan(30_000)-kernel.Yuan(4_000)+kernel.Yuan(37_000); got != want {
		t.Fatalf("fund capital %s, want %s after buying at 30,000.00, paying 4,000.00 and selling at 37,000.00", got, want)
	}
	w.signAward(c, asset)
	w.replays()
}

// TestStorySharePledgeDefaultsOverHTTP (rules 16, 18 and 24), over HTTP: a
// member borrows 5,000.00 for a year against a pledge of 60 of its 100
// shares; before default the bank may not sell them; after default a sale to
// the neighbour (past the 10 % cap) or to an outsider is refused, and the
// newcomer buys the 60 shares for 4,000.00, reaching the cap exactly; the
// loan records the price, the notice is discharged and the fund pays 20 % of
// the 1,000.00 left.
func TestStorySharePledgeDefaultsOverHTTP(t *testing.T) {
	w := newCreditWorld(t)
	member, neighbour, newcomer := w.bidder(), w.bidder(), w.bidder()
	coop := w.mutate(w.tc, "foundCooperative", map[string]any{"name": "王家庄村股份经济合作社"}, "cooperativeId")["cooperativeId"].(string)
	for _, m := range []bidder{member, neighbour, newcomer} {
		w.mutate(w.tc, "admitMember", map[string]any{"cooperativeId": coop, "household": uuid.NewString(), "member": m.id.String()}, "")
	}
	w.mutate(w.tc, "allocateShares", map[string]any{"cooperativeId": coop, "allocations": []any{
		map[string]any{"member": member.id.String(), "class": "POPULATION", "shares": 100},
		map[string]any{"member": neighbour.id.String(), "class": "POPULATION", "shares": 500},
	}}, "")
	b := w.bank("MEMBER")
	loan := w.apply(b, member.token, "MEMBER", coop, kernel.Yuan(5_000), 12, "INTEREST_ONLY_BULLET")
	w.approve(b, loan, kernel.Yuan(5_000))
	registered := w.mutate(b.token, "registerCollateral", map[string]any{"loanId": loan, "assetId": coop, "kind": "SHARE_PLEDGE",
		"grantorId": member.id.String(), "memberId": member.id.String(), "shares": 60, "securedAmount": "5000.00",
		"start": w.now(), "end": at(w.clock.Now().AddDate(3, 0, 0))}, "registrationId number")
	pledge, number := registered["registrationId"].(string), registered["number"]
	w.eventually("the loan to record its notice", func() bool { return w.loan(b, loan)["status"] == "COLLATERAL_REGISTERED" })
	w.eventually("the cooperative to record the pledge", func() bool {
		return w.query(b.token, `query($id: ID!) { cooperative(id: $id) { pledges(status: ACTIVE) { totalCount } } }`,
			map[string]any{"id": coop}, "")["cooperative"].(map[string]any)["pledges"].(map[string]any)["totalCount"] == 1.0
	})
	w.mutate(b.token, "disburseLoan", map[string]any{"loanId": loan}, "")
	enforce := func(buyer uuid.UUID) map[string]any {
		return map[string]any{"cooperativeId": coop, "pledgeId": pledge, "buyer": buyer.String(), "price": "4000.00"}
	}
	w.refused(b.token, "enforceSharePledge", enforce(newcomer.id), "LOAN_NOT_DEFAULTED")
	w.defaultLoans(map[string]lender{loan: b})
	w.refused(b.token, "enforceSharePledge", enforce(neighbour.id), "HOLDING_CAP_EXCEEDED")
	w.refused(b.token, "enforceSharePledge", enforce(w.farmer), "SHARE_TRANSFER_TO_NON_MEMBER")
	sold := w.mutate(b.token, "enforceSharePledge", enforce(newcomer.id), "")["position"].(string)

	shares := func(holder bidder) any {
		ms := w.query(w.tc, `query($id: ID!, $h: ID) { cooperative(id: $id) { members(holder: $h) { edges { node { totalShares } } } } }`,
			map[string]any{"id": coop, "h": holder.id.String()}, sold)["cooperative"].(map[string]any)["members"].(map[string]any)["edges"].([]any)
		return ms[0].(map[string]any)["node"].(map[string]any)["totalShares"]
	}
	if n, m := shares(newcomer), shares(member); n != 60.0 || m != 40.0 {
		t.Fatalf("after enforcement the newcomer holds %v and the member %v, want 60 and 40", n, m)
	}
	w.eventually("the loan to record the price", func() bool { return w.loan(b, loan)["principalRecovered"] == "4000.00" })
	w.eventually("the notice to be discharged", func() bool {
		n := w.query("", `query($n: String) { collateralRegistrations(registrationNumber: $n) { status } }`,
			map[string]any{"n": number}, "")["collateralRegistrations"].([]any)
		return len(n) == 1 && n[0].(map[string]any)["status"] == "DISCHARGED"
	})
	w.claim(b, loan, kernel.Yuan(1_000), kernel.Yuan(200))
	w.replays()
}

// TestStoryRenewedLeaseSecuresALoanOverHTTP (rules 1 and 9), over HTTP: two
// months before the farmer's two-year lease ends, a one-year loan against
// the right is refused (it would outlast the right); the collective offers
// five more years and the farmer accepts; the register follows, and a
// one-year loan is approved, registered and disbursed. On the old end date
// and the day after the register still names the farmer under the lease,
// mortgaged.
func TestStoryRenewedLeaseSecuresALoanOverHTTP(t *testing.T) {
	w := newCreditWorld(t)
	asset, lease := w.leasedLand(2, "ONE_OFF")
	w.payRent(lease)
	w.consent(asset, w.farmer.String(), "MORTGAGE")
	oldEnd, err := time.Parse(time.RFC3339Nano, w.contract(lease)["end"].(string))
	if err != nil {
		t.Fatal(err)
	}
	newEnd := oldEnd.AddDate(5, 0, 0)
	w.clock.Set(oldEnd.AddDate(0, -2, 0))
	w.issueTokens()
	b := w.bank("NEW_FARMER")
	early := w.apply(b, w.tfarmer, "NEW_FARMER", asset, kernel.Yuan(30_000), 12, "EQUAL_PRINCIPAL")
	w.refused(b.token, "approveLoan", map[string]any{"loanId": early, "amount": "30000.00"}, "TERM_EXCEEDS_RIGHT")

	w.mutate(w.tc, "offerRenewal", map[string]any{"contractId": lease, "end": at(newEnd), "rentPerMuYear": "800.00", "frequency": "ONE_OFF",
		"respondBy": at(oldEnd.AddDate(0, -1, 0))}, "")
	w.mutate(w.tfarmer, "acceptRenewal", map[string]any{"contractId": lease, "document": map[string]any{"reference": "续签协议 2026-17-1", "date": w.now()}}, "")
	w.eventually("the register to follow the renewal", func() bool { return w.holder(asset)["end"] == at(newEnd) })
	w.payRent(lease)
	loan := w.mortgageLoan(b, asset, kernel.Yuan(30_000), kernel.Yuan(36_000), at(newEnd))
	matures := w.query(b.token, `query($id: ID!) { loan(id: $id) { maturesOn } }`, map[string]any{"id": loan}, "")["loan"].(map[string]any)["maturesOn"].(string)
	if m, _ := time.Parse(time.RFC3339Nano, matures); !m.After(oldEnd) {
		t.Fatalf("the loan matures %s, want after the old end %s", matures, oldEnd)
	}

	for _, day := range []time.Time{oldEnd, oldEnd.AddDate(0, 0, 1)} {
		w.clock.Set(day)
		settle(t, w.s)
		h := w.holder(asset)
		enc := w.query(w.tc, `query($id: ID!) { asset(id: $id) { encumbered } }`, map[string]any{"id": asset}, "")["asset"].(map[string]any)["encumbered"]
		if h["holderId"] != w.farmer.String() || h["contractId"] != lease || enc != true || w.contract(lease)["status"] != "IN_FORCE" {
			t.Fatalf("on %s the register shows %v (encumbered %v) and the lease is %v; want the farmer under the lease, mortgaged",
				day.Format(time.DateOnly), h, enc, w.contract(lease)["status"])
		}
	}
	w.replays()
}

// TestStoryFundAdvancesRentOverHTTP (rules 9 and 24), over HTTP: the farmer
// leases 10 mu at 800.00 a mu a year and does not pay the first 8,000.00;
// once it is overdue the bank may not lend to the farmer (rent not paid); the
// fund may not advance a fen above the arrears, advances them, and the
// advance pays the lease's instalment: the arrears clear, the farmer owes the
// fund, and a new application is approved. The farmer repays the fund in two
// parts (a fen too many is refused) and the fund's capital is whole again.
func TestStoryFundAdvancesRentOverHTTP(t *testing.T) {
	w := newCreditWorld(t)
	asset, lease := w.leasedLand(5, "ANNUAL")
	w.consent(asset, w.farmer.String(), "MORTGAGE")
	w.clock.Advance(2 * time.Hour)
	w.eventually("the first instalment to fall overdue", func() bool {
		c := w.query(w.tx, `query($id: ID!) { transferContract(id: $id) { arrears instalments { overdue } } }`, map[string]any{"id": lease}, "")["transferContract"].(map[string]any)
		return c["arrears"] == "8000.00" && c["instalments"].([]any)[0].(map[string]any)["overdue"] == true
	})
	b := w.bank("NEW_FARMER")
	inArrears := w.apply(b, w.tfarmer, "NEW_FARMER", asset, kernel.Yuan(20_000), 12, "EQUAL_PRINCIPAL")
	w.refused(b.token, "approveLoan", map[string]any{"loanId": inArrears, "amount": "20000.00"}, "RENT_NOT_PAID")

	w.refused(w.tf, "advanceRent", map[string]any{"fundId": w.fund, "contractId": lease, "amount": "8000.01"}, "ADVANCE_EXCEEDS_ARREARS")
	advance := w.mutate(w.tf, "advanceRent", map[string]any{"fundId": w.fund, "contractId": lease, "amount": "8000.00"}, "advanceId")["advanceId"].(string)
	w.eventually("the advance to pay the instalment", func() bool { return w.contract(lease)["arrears"] == "0.00" })
	if p := w.contract(lease)["payments"].([]any); len(p) != 1 || p[0].(map[string]any)["payerId"] != w.fund || p[0].(map[string]any)["amount"] != "8000.00" {
		t.Fatalf("payments under the lease %v, want 8,000.00 by the fund", p)
	}
	advances := func() map[string]any {
		f := w.query(w.tf, `query($id: ID!) { fund(id: $id) { capital initialCapital advances { id farmerId transfereeId amount outstanding } } }`,
			map[string]any{"id": w.fund}, "")["fund"].(map[string]any)
		if a := f["advances"].([]any); len(a) == 1 {
			f["advance"] = a[0]
		}
		return f
	}
	f := advances()
	a, _ := f["advance"].(map[string]any)
	if a["id"] != advance || a["farmerId"] != w.collective.String() || a["transfereeId"] != w.farmer.String() || a["outstanding"] != "8000.00" {
		t.Fatalf("advance %v, want 8,000.00 paid to the collective (the transferor, for the household) and owed by the farmer", f["advances"])
	}
	// Rule 9 counts the instalment the fund paid as rent paid.
	loan := w.apply(b, w.tfarmer, "NEW_FARMER", asset, kernel.Yuan(20_000), 12, "EQUAL_PRINCIPAL")
	w.approve(b, loan, kernel.Yuan(20_000))

	repay := func(amount string) map[string]any {
		return map[string]any{"fundId": w.fund, "advanceId": advance, "amount": amount}
	}
	w.mutate(w.tf, "recordRentAdvanceRepayment", repay("3000.00"), "")
	w.refused(w.tf, "recordRentAdvanceRepayment", repay("5000.01"), "OVERPAYMENT")
	w.mutate(w.tf, "recordRentAdvanceRepayment", repay("5000.00"), "")
	w.eventually("the advance to be repaid", func() bool {
		f := advances()
		return f["advance"].(map[string]any)["outstanding"] == "0.00" && f["capital"] == f["initialCapital"]
	})
	w.replays()
}
