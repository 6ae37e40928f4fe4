package process

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// Parties and ids of the stories.
var (
	collective = uuid.MustParse("00000000-0000-0000-0000-00000000c001")
	household  = uuid.MustParse("00000000-0000-0000-0000-00000000b001")
	member     = uuid.MustParse("00000000-0000-0000-0000-00000000b002") // a member of the collective, bidding
	farmer     = uuid.MustParse("00000000-0000-0000-0000-00000000f001") // an outsider: wins the first auction, borrows
	buyerC     = uuid.MustParse("00000000-0000-0000-0000-00000000f002")
	buyerD     = uuid.MustParse("00000000-0000-0000-0000-00000000f003") // wins the disposal auction
	bank       = uuid.MustParse("00000000-0000-0000-0000-00000000e001")
	appraiser  = uuid.MustParse("00000000-0000-0000-0000-00000000e002")
	operator   = uuid.MustParse("00000000-0000-0000-0000-00000000e003") // the exchange, operating the fund
	fundID     = uuid.MustParse("00000000-0000-0000-0000-0000000fd001")
	assetID    = uuid.MustParse("00000000-0000-0000-0000-00000000a001")
	firstSale  = uuid.MustParse("00000000-0000-0000-0000-00000000d001")
	productID  = uuid.MustParse("00000000-0000-0000-0000-00000000d002")
	loanID     = uuid.MustParse("00000000-0000-0000-0000-00000000d003")
	mortgageOK = uuid.MustParse("00000000-0000-0000-0000-00000000d004") // the contractor's consent to mortgage
	resaleOK   = uuid.MustParse("00000000-0000-0000-0000-00000000d005") // … and to re-transfer
	rightsEnd  = time.Date(2058, 1, 1, 0, 0, 0, 0, kernel.Shanghai).UTC()
)

// registerLand registers 20 mu of the household's contracted land and its
// entrustment to the collective for leasing.
func registerLand(e *env) {
	e.t.Helper()
	e.do(registry.RegisterAsset{AssetID: assetID, By: collective, Type: kernel.AssetLandManagementRight,
		Location: registry.Location{Province: "山东省", County: "寒亭区", Township: "固堤街道", Village: "王家庄"},
		Area:     2000, CertificateNo: "鲁(2026)寒亭区农村土地经营权第 0001 号", RightsEnd: rightsEnd,
		Title: "王家庄苹果园", Contractor: household, Holder: household,
		Source: registry.Source{Reference: "承包合同 WJZ-017", Date: t0}})
	e.do(registry.EntrustPlot{AssetID: assetID, By: household, Entrustee: collective, Collective: collective,
		Scope: []registry.Form{registry.FormLease}, Start: t0, End: rightsEnd,
		Source: registry.Source{Reference: "委托书 WJZ-017-W", Date: t0}})
}

// bidder is a bidder of an auction and its bids, in order.
type bidder struct {
	id       uuid.UUID
	isMember bool
}

// auction takes listing id from submission to a confirmed award: the exchange
// approves, bidders register, pay and are qualified, the scheduler runs the
// auction and bids are placed in turn (bids[i] by bidders[i % len]). It
// returns the listing once it awaits payment.
func auction(e *env, id uuid.UUID, res listing.Resolution, bidders []bidder, bids []kernel.Money) listing.State {
	e.t.Helper()
	e.do(listing.SubmitListing{ListingID: id, Resolution: res})
	now := e.clock.Now()
	ends := kernel.Calendar{}.AddWorkingDays(now, 7)
	e.do(listing.ReviewListing{ListingID: id, Approve: true, AnnouncementEnds: ends, BiddingOpensAt: ends.Add(10 * time.Hour)})
	for _, b := range bidders {
		e.do(listing.RegisterBidder{ListingID: id, BidderID: b.id, IsMember: b.isMember})
		due, _ := get(e, e.app.Listings, id).Bidder(b.id)
		e.do(listing.ConfirmDeposit{ListingID: id, BidderID: b.id, Amount: due.DepositDue})
		e.do(listing.QualifyBidder{ListingID: id, BidderID: b.id, Qualified: true})
	}
	e.runDueAt(ends)
	l := get(e, e.app.Listings, id)
	if l.Status != listing.StatusAuctionScheduled {
		e.t.Fatalf("after registration closed the listing is %s", l.Status)
	}
	e.runDueAt(l.OpensAt)
	for i, amount := range bids {
		e.clock.Advance(time.Minute)
		e.do(listing.PlaceBid{ListingID: id, BidderID: bidders[i%len(bidders)].id, Amount: amount})
	}
	e.runDueAt(get(e, e.app.Listings, id).ClosesAt)
	if l = get(e, e.app.Listings, id); l.Status == listing.StatusPriorityWindow {
		e.runDueAt(l.PriorityEnds)
		l = get(e, e.app.Listings, id)
	}
	if l.Status != listing.StatusAwaitingPayment {
		e.t.Fatalf("after the auction the listing is %s", l.Status)
	}
	return l
}

// sign signs the contract drafted for the listing's paid award and waits
// until the listing and the register follow.
func sign(e *env, listingID uuid.UUID, ref string) transfer.State {
	e.t.Helper()
	paid := e.event("listing-"+listingID.String(), "listing.PaymentConfirmed.v1")
	contractID := createdBy(paid, "contract")
	e.eventually("the contract is drafted", func() bool { return get(e, e.app.Transfers, contractID).Status == transfer.StatusDrafted })
	e.do(transfer.SignContract{ContractID: contractID, Document: transfer.Document{Reference: ref, Signed: e.clock.Now()}})
	c := get(e, e.app.Transfers, contractID)
	e.eventually("the listing records the contract", func() bool {
		return get(e, e.app.Listings, listingID).ContractID == contractID
	})
	e.eventually("the register records the transfer", func() bool {
		return get(e, e.app.Assets, assetID).Holder() == c.Terms.Transferee
	})
	return c
}

// defaultLoan lets the scheduler mark the unpaid loan overdue, then in default.
func defaultLoan(e *env, id uuid.UUID) lending.State {
	e.t.Helper()
	for i := 0; get(e, e.app.Loans, id).Status != lending.StatusDefaulted; i++ {
		_, at, ok := get(e, e.app.Loans, id).NextDue()
		if !ok || i > 2 {
			e.t.Fatalf("the loan is %s and does not default", get(e, e.app.Loans, id).Status)
		}
		e.runDueAt(at)
	}
	return get(e, e.app.Loans, id)
}

// fundEnv is an env whose managers file claims with the established fund and
// whose test fails on any refusal of theirs.
func fundEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	e.refuseNothing()
	e.startManagers(WithFund(fundID))
	e.do(fund.EstablishFund{FundID: fundID, By: operator, Name: "潍坊市农村产权运作基金", Settings: fund.DefaultSettings()})
	return e
}

// farmerDefaults is the first half of the default stories: the collective
// lists the entrusted land, a member and the farmer (an outsider) bid, the
// farmer wins and signs the lease, mortgages the right with the contractor's
// written consent (and its consent to re-transfer) and borrows 50,000.00 for
// a year, repays nothing and defaults. It returns the lease and the loan at default.
func farmerDefaults(e *env) (transfer.State, lending.State) {
	e.t.Helper()
	t := e.t
	// The collective lists the entrusted land with its members' resolution; a
	// member and an outsider bid; the outsider wins and the member lets the
	// priority window pass.
	registerLand(e)
	e.do(listing.CreateListing{ListingID: firstSale, Details: listing.Details{
		Title: "王家庄苹果园土地经营权流转", Description: "20 亩苹果园，流转 10 年", Seller: collective,
		Asset: listing.AssetFacts{AssetIDs: []uuid.UUID{assetID}, Type: kernel.AssetLandManagementRight, OwningCollective: collective,
			Region: listing.Region{Province: "山东省", County: "寒亭区", Township: "固堤街道", Village: "王家庄"}, Area: 2000, RightsEnd: rightsEnd},
		ListedPrice: kernel.Yuan(100_000), StartingPrice: kernel.Yuan(100_000), Increment: kernel.Yuan(1_000),
		TermMonths: 120, Settings: listing.DefaultSettings(),
	}})
	l := auction(e, firstSale, listing.Resolution{Body: "villagers' assembly", VotesFor: 20, Total: 30, Date: t0},
		[]bidder{{member, true}, {farmer, false}},
		[]kernel.Money{kernel.Yuan(100_000), kernel.Yuan(101_000), kernel.Yuan(102_000), kernel.Yuan(103_000)})
	if l.Award.BidderID != farmer || l.Award.Price != kernel.Yuan(103_000) || l.Award.Via != listing.ViaAuction ||
		l.Award.BalanceDue != kernel.Yuan(73_000) {
		t.Fatalf("award %+v, want the farmer at 103,000.00 by auction, owing 73,000.00 after its deposit", l.Award)
	}
	e.event("listing-"+firstSale.String(), "listing.PriorityWindowOpened.v2") // the member could have matched
	// The winner pays the balance (the 30,000.00 deposit counts) and signs.
	e.do(listing.ConfirmPayment{ListingID: firstSale, Amount: l.Award.BalanceDue})
	lease := sign(e, firstSale, "寒亭流转(2026)第 17 号")
	if lease.Terms.Transferor != collective || lease.Terms.Resolution == nil || lease.Terms.Plots[0].Entrustment == nil {
		t.Fatalf("the contract is not the collective's entrusted lease with the resolution: %+v", lease.Terms)
	}
	if got := get(e, e.app.Listings, firstSale).Status; got != listing.StatusContractSigned {
		t.Fatalf("first listing is %s, want CONTRACT_SIGNED", got)
	}

	// With the contractor's written consent the farmer mortgages the right to
	// the bank and borrows 50,000.00 for a year.
	for id, purpose := range map[uuid.UUID]registry.ConsentPurpose{mortgageOK: registry.ConsentMortgage, resaleOK: registry.ConsentReTransfer} {
		e.do(registry.RecordConsent{AssetID: assetID, By: collective, ConsentID: id, Contractor: household, Grantee: farmer,
			Purpose: purpose, Source: registry.Source{Reference: "同意书 " + string(purpose), Date: e.clock.Now()}})
	}
	defineProduct(e)
	principal := kernel.Yuan(50_000)
	e.do(lending.ApplyForLoan{LoanID: loanID, Borrower: farmer, Bank: bank, Product: get(e, e.app.Products, productID).Snapshot(),
		Credential: "NEW_FARMER", Amount: principal, TermMonths: 12, Method: lending.EqualPrincipal,
		Collateral: lending.Collateral{AssetID: assetID, AssetType: kernel.AssetLandManagementRight, RightsEndDate: lending.CivilDate(lease.Terms.End),
			BorrowerIsTransferee: true, RentPaidAsAgreed: !lease.InArrears(), ContractorConsent: true}})
	e.do(lending.ValueCollateral{LoanID: loanID, By: bank, Value: kernel.Yuan(120_000), Appraiser: appraiser})
	e.do(lending.ApproveLoan{LoanID: loanID, By: bank, Amount: principal})
	e.do(collateral.RegisterCollateral{RegistrationID: loanID, By: bank, Number: "DJ-2026-000123", Grantor: farmer, SecuredParty: bank,
		Collateral: collateral.Collateral{Kind: collateral.KindMortgage, Asset: assetID}, SecuredAmount: kernel.Yuan(60_000),
		Start: e.clock.Now(), End: lease.Terms.End, Contractor: household,
		Consent: &collateral.Consent{ConsentID: mortgageOK, Contractor: household, Grantee: farmer, Reference: "同意书 MORTGAGE"}})
	e.eventually("the loan records its registration", func() bool {
		return get(e, e.app.Loans, loanID).Status == lending.StatusCollateralRegistered
	})
	e.eventually("the asset carries the mortgage", func() bool { return restricted(get(e, e.app.Assets, assetID), loanID) })
	e.do(lending.DisburseLoan{LoanID: loanID, By: bank})

	// Nothing is repaid: the scheduler marks the loan overdue, then in default.
	return lease, defaultLoan(e, loanID)
}

// TestStoryDefaultAndDisposal is the whole default story (rules 8, 22 and 24), in
// memory: the collective lists land, two bidders bid, the winner gets the
// right, mortgages it to a bank and borrows, the loan defaults, the right is
// sold again on the exchange, the bank and the fund are paid by the rules,
// and every aggregate's history replays to the state the App holds.
func TestStoryDefaultAndDisposal(t *testing.T) {
	e := fundEnv(t)
	lease, defaulted := farmerDefaults(e)
	principal := defaulted.DefaultedPrincipal
	if defaulted.ClaimPrincipal != principal || defaulted.ClaimInterest <= 0 {
		t.Fatalf("claim at default %s principal + %s interest, want all 50,000.00 of principal and some interest", defaulted.ClaimPrincipal, defaulted.ClaimInterest)
	}

	// A claim on the fund at default, before any disposal, is refused: the
	// loss the fund shares is what the disposal leaves.
	early, err := e.app.Facts().DefaultedLoan(e.ctx, loanID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.try(fund.FileFundClaim{FundID: fundID, ClaimID: uuid.New(), By: bank, Loan: early})
	if kernel.ErrorCode(err) != fund.CodeDisposalNotFinished || !early.CollateralInForce || early.PrincipalOutstanding != principal {
		t.Fatalf("a claim at default on %+v: %v, want %s", early, err, fund.CodeDisposalNotFinished)
	}

	// Enforcement: the bank's disposal listing is drafted at the appraised
	// value; the bank lowers the price to the market and submits it.
	disposal := createdBy(e.event("loan-"+loanID.String(), "lending.LoanDefaulted.v1"), "disposal-listing")
	e.eventually("the disposal listing is drafted", func() bool { return get(e, e.app.Listings, disposal).Status == listing.StatusDraft })
	d := get(e, e.app.Listings, disposal).Details
	if d.Seller != bank || d.DisposalOf != loanID || d.ListedPrice != kernel.Yuan(120_000) {
		t.Fatalf("disposal listing %+v, want the bank disposing of registration %s at 120,000.00", d, loanID)
	}
	d.ListedPrice, d.StartingPrice, d.Increment = kernel.Yuan(40_000), kernel.Yuan(40_000), kernel.Yuan(1_000)
	e.do(listing.ReviseListing{ListingID: disposal, Details: d})
	resale := auction(e, disposal, listing.Resolution{}, []bidder{{buyerC, false}, {buyerD, false}},
		[]kernel.Money{kernel.Yuan(40_000), kernel.Yuan(41_000)})
	if resale.Award.BidderID != buyerD || resale.Award.Price != kernel.Yuan(41_000) {
		t.Fatalf("disposal award %+v, want buyer D at 41,000.00", resale.Award)
	}
	e.do(listing.ConfirmPayment{ListingID: disposal, Amount: resale.Award.BalanceDue})

	// The proceeds go to the bank (the only notice, senior), the notice is
	// discharged and lifted, and the bank's claim on the fund is filed:
	// 20 % of the 9,000.00 principal the sale did not recover.
	e.eventually("the disposal is recorded on the loan", func() bool { return get(e, e.app.Loans, loanID).PrincipalRecovered > 0 })
	e.eventually("the claim is filed", func() bool { _, ok := get(e, e.app.Funds, fundID).OpenClaim(loanID); return ok })
	claim, _ := get(e, e.app.Funds, fundID).OpenClaim(loanID)
	if claim.NetLoss != kernel.Yuan(9_000) || claim.Payable != kernel.Yuan(1_800) || claim.Bank != bank {
		t.Fatalf("fund claim %+v, want 1,800.00 payable to the bank on a net loss of 9,000.00", claim)
	}
	e.do(fund.ApproveFundClaim{FundID: fundID, ClaimID: claim.ID, By: operator})
	e.do(fund.PayFundClaim{FundID: fundID, ClaimID: claim.ID, By: operator})
	e.eventually("the fund's payment is recorded on the loan", func() bool { return get(e, e.app.Loans, loanID).Recoveries == kernel.Yuan(42_800) })

	loan := get(e, e.app.Loans, loanID)
	if loan.PrincipalRecovered != kernel.Yuan(41_000) || loan.ClaimPrincipal != kernel.Yuan(7_200) ||
		loan.ClaimInterest != defaulted.ClaimInterest || loan.NetPrincipalLoss() != kernel.Yuan(9_000) {
		t.Fatalf("loan after disposal and fund: recovered %s, claim %s + %s, net loss %s; want 41,000.00, 7,200.00 + %s, 9,000.00",
			loan.PrincipalRecovered, loan.ClaimPrincipal, loan.ClaimInterest, loan.NetPrincipalLoss(), defaulted.ClaimInterest)
	}
	if f := get(e, e.app.Funds, fundID); f.Claims[claim.ID].Status != fund.ClaimPaid {
		t.Fatalf("the claim is %s, want paid", f.Claims[claim.ID].Status)
	}
	e.eventually("the mortgage is lifted", func() bool { return !get(e, e.app.Assets, assetID).Encumbered(e.clock.Now()) })
	if r := get(e, e.app.Collateral, loanID); r.Status != collateral.StatusDischarged {
		t.Fatalf("registration is %s, want discharged", r.Status)
	}

	// The buyer signs: the farmer's right passes to it on the register.
	resold := sign(e, disposal, "寒亭流转(2026)第 58 号")
	if resold.Terms.Transferor != farmer || resold.Terms.End.After(lease.Terms.End) {
		t.Fatalf("the disposal contract transfers from %s until %s, want the farmer's right, ending by %s",
			resold.Terms.Transferor, resold.Terms.End, lease.Terms.End)
	}

	// Every workflow trigger of the disposal, delivered again, writes nothing.
	for _, rec := range []eventstore.RecordedEvent{
		e.event("loan-"+loanID.String(), "lending.LoanDefaulted.v1"),
		e.event("listing-"+disposal.String(), "listing.PaymentConfirmed.v1"),
		e.event("fund-"+fundID.String(), "fund.FundClaimPaid.v1"),
	} {
		if n := e.redeliver(rec); n != 0 {
			t.Errorf("%s redelivered: %d events written", rec.Type, n)
		}
	}

	// The contract drafted for the first sale was caused by its payment and
	// carries its correlation.
	paid := e.event("listing-"+firstSale.String(), "listing.PaymentConfirmed.v1")
	drafted := e.event("transfer-"+lease.ID.String(), "transfer.ContractDrafted.v2")
	if drafted.Metadata.CausationID != paid.ID.String() || drafted.Metadata.CorrelationID != paid.Metadata.CorrelationID || drafted.Metadata.Actor != Actor {
		t.Errorf("drafted metadata %+v, want caused by %s with correlation %s", drafted.Metadata, paid.ID, paid.Metadata.CorrelationID)
	}
	e.replays()
	if strings.Contains(e.logs.String(), "level=WARN") || strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("the story logged warnings:\n%s", e.logs)
	}
}

// TestStoryRenewedLeaseSecuresALoanPastItsOldEnd: the farmer's ten-year lease
// is renewed for five more years two months before it ends; the register
// follows, so a one-year loan secured by the right is approved on the
// register's own end date (rule 9) and, on the old end date and the day
// after, the register still names the farmer, mortgage and all.
func TestStoryRenewedLeaseSecuresALoanPastItsOldEnd(t *testing.T) {
	e := newEnv(t)
	e.refuseNothing()
	e.startManagers()
	registerLand(e)
	sellLand(e)
	lease := sign(e, firstSale, "寒亭流转(2026)第 19 号")
	oldEnd, newEnd := lease.Terms.End, lease.Terms.End.AddDate(5, 0, 0)

	// Two months before the end the collective offers five more years; the farmer accepts in writing.
	e.runDueAt(oldEnd.AddDate(0, -2, 0))
	e.do(transfer.OfferRenewal{ContractID: lease.ID, By: collective, End: newEnd, Frequency: transfer.OneOff,
		RespondBy: oldEnd.AddDate(0, -1, 0)})
	e.do(transfer.AcceptRenewal{ContractID: lease.ID, By: farmer, Document: transfer.Document{Reference: "续签协议 19-1", Signed: e.clock.Now()}})
	e.eventually("the register follows the renewal", func() bool {
		r, ok := holding(get(e, e.app.Assets, assetID), lease.ID)
		return ok && r.End.Equal(newEnd)
	})
	renewed := e.event("transfer-"+lease.ID.String(), "transfer.ContractRenewed.v1")
	if n := e.redeliver(renewed); n != 0 {
		t.Errorf("renewal redelivered: %d events written", n)
	}

	// The right secures a one-year loan, maturing ten months after the old end:
	// the facts come from the register, as the credit API gathers them.
	e.do(registry.RecordConsent{AssetID: assetID, By: collective, ConsentID: mortgageOK, Contractor: household, Grantee: farmer,
		Purpose: registry.ConsentMortgage, Source: registry.Source{Reference: "同意书 MORTGAGE", Date: e.clock.Now()}})
	defineProduct(e)
	right, _ := get(e, e.app.Assets, assetID).CurrentRight()
	e.do(lending.ApplyForLoan{LoanID: loanID, Borrower: farmer, Bank: bank, Product: get(e, e.app.Products, productID).Snapshot(),
		Credential: "NEW_FARMER", Amount: kernel.Yuan(30_000), TermMonths: 12, Method: lending.EqualPrincipal,
		Collateral: lending.Collateral{AssetID: assetID, AssetType: kernel.AssetLandManagementRight, RightsEndDate: lending.CivilDate(right.End),
			BorrowerIsTransferee: true, RentPaidAsAgreed: !get(e, e.app.Transfers, lease.ID).InArrears(), ContractorConsent: true}})
	e.do(lending.ValueCollateral{LoanID: loanID, By: bank, Value: kernel.Yuan(80_000), Appraiser: appraiser})
	e.do(lending.ApproveLoan{LoanID: loanID, By: bank, Amount: kernel.Yuan(30_000)})
	e.do(collateral.RegisterCollateral{RegistrationID: loanID, By: bank, Number: "DJ-2036-000019", Grantor: farmer, SecuredParty: bank,
		Collateral: collateral.Collateral{Kind: collateral.KindMortgage, Asset: assetID}, SecuredAmount: kernel.Yuan(36_000),
		Start: e.clock.Now(), End: newEnd, Contractor: household,
		Consent: &collateral.Consent{ConsentID: mortgageOK, Contractor: household, Grantee: farmer, Reference: "同意书 MORTGAGE"}})
	e.eventually("the loan records its registration", func() bool {
		return get(e, e.app.Loans, loanID).Status == lending.StatusCollateralRegistered
	})
	e.eventually("the asset carries the mortgage", func() bool { return restricted(get(e, e.app.Assets, assetID), loanID) })
	e.do(lending.DisburseLoan{LoanID: loanID, By: bank})
	if matures := get(e, e.app.Loans, loanID).Schedule[11].DueDate; !matures.After(oldEnd) {
		t.Fatalf("the loan matures %s, want after the old end %s", matures, oldEnd)
	}

	// On the old end date and the day after, the farmer still holds the right under the lease, mortgaged.
	for _, day := range []time.Time{oldEnd, oldEnd.AddDate(0, 0, 1)} {
		e.runDueAt(day)
		a := get(e, e.app.Assets, assetID)
		if r, _ := a.CurrentRight(); r.Holder != farmer || r.ContractID != lease.ID || !restricted(a, loanID) {
			t.Fatalf("on %s the register names %s under %s (mortgaged %v), want the farmer under the renewed lease, mortgaged",
				day.In(kernel.Shanghai).Format(time.DateOnly), r.Holder, r.ContractID, restricted(a, loanID))
		}
		if s := get(e, e.app.Transfers, lease.ID).Status; s != transfer.StatusInForce {
			t.Fatalf("on %s the lease is %s", day.In(kernel.Shanghai).Format(time.DateOnly), s)
		}
	}
	e.replays()
}

// TestStoryFundBuysUnsoldCollateralAndSellsItLater (rules 8, 13 and 24), in
// memory: the farmer's loan defaults; at the disposal auction the winner does
// not pay and its deposit goes to the loan's recovery; the fund may not buy
// yet; the relisted right draws one bidder whose negotiation agrees no price;
// then the fund buys it, the price is paid by rank, the right moves to the
// fund on the register and the bank's claim is filed on what is left. Later
// the fund lists the right on the exchange, sells it, records the sale, and
// the right moves on to the buyer.
func TestStoryFundBuysUnsoldCollateralAndSellsItLater(t *testing.T) {
	e := fundEnv(t)
	lease, _ := farmerDefaults(e)

	// The disposal auction at 40,000.00: buyer D wins at 41,000.00 and does
	// not pay; its 12,000.00 deposit is the loan's first recovery.
	disposal := createdBy(e.event("loan-"+loanID.String(), "lending.LoanDefaulted.v1"), "disposal-listing")
	e.eventually("the disposal listing is drafted", func() bool { return get(e, e.app.Listings, disposal).Status == listing.StatusDraft })
	d := get(e, e.app.Listings, disposal).Details
	d.ListedPrice, d.StartingPrice, d.Increment = kernel.Yuan(40_000), kernel.Yuan(40_000), kernel.Yuan(1_000)
	e.do(listing.ReviseListing{ListingID: disposal, Details: d})
	won := auction(e, disposal, listing.Resolution{}, []bidder{{buyerC, false}, {buyerD, false}},
		[]kernel.Money{kernel.Yuan(40_000), kernel.Yuan(41_000)})
	e.runDueAt(won.Award.PaymentDue)
	e.eventually("the forfeited deposit is recovered", func() bool { return get(e, e.app.Loans, loanID).PrincipalRecovered == kernel.Yuan(12_000) })
	if err := buyCollateral(e, loanID, kernel.Yuan(30_000)); kernel.ErrorCode(err) != fund.CodeDisposalOrder {
		t.Fatalf("the fund buying after the listing alone failed: %v, want %s", err, fund.CodeDisposalOrder)
	}

	// Relisted, the right draws buyer C alone, who agrees no price; then the
	// fund buys it for 30,000.00.
	e.do(listing.Relist{ListingID: disposal})
	disposalRound(e, disposal, buyerC)
	if err := buyCollateral(e, loanID, kernel.Yuan(30_000)); err != nil {
		t.Fatal(err)
	}
	e.eventually("the right moves to the fund", func() bool { return get(e, e.app.Assets, assetID).Holder() == fundID })
	e.eventually("the disposal listing ends", func() bool { return get(e, e.app.Listings, disposal).Status == listing.StatusEnded })
	e.eventually("the claim is filed", func() bool { _, ok := get(e, e.app.Funds, fundID).OpenClaim(loanID); return ok })
	if r := get(e, e.app.Collateral, loanID); r.Status != collateral.StatusDischarged {
		t.Fatalf("after the purchase the notice is %s, want discharged", r.Status)
	}
	claim, _ := get(e, e.app.Funds, fundID).OpenClaim(loanID)
	if claim.PrincipalRecovered != kernel.Yuan(42_000) || claim.NetLoss != kernel.Yuan(8_000) || claim.Payable != kernel.Yuan(1_600) {
		t.Fatalf("claim %+v, want 1,600.00 on the 8,000.00 the deposit and the fund's price left", claim)
	}
	e.do(fund.ApproveFundClaim{FundID: fundID, ClaimID: claim.ID, By: operator})
	e.do(fund.PayFundClaim{FundID: fundID, ClaimID: claim.ID, By: operator})
	e.eventually("the fund's payment is recorded on the loan", func() bool {
		return get(e, e.app.Loans, loanID).Recoveries == kernel.Yuan(43_600)
	})

	// Later, with the contractor's consent to re-transfer, the fund lists the
	// right; buyer C wins at 37,000.00, pays and signs; the fund records the sale.
	e.clock.Advance(30 * 24 * time.Hour)
	e.do(registry.RecordConsent{AssetID: assetID, By: collective, ConsentID: uuid.New(), Contractor: household, Grantee: fundID,
		Purpose: registry.ConsentReTransfer, Source: registry.Source{Reference: "同意书 基金转让", Date: e.clock.Now()}})
	right, _ := get(e, e.app.Assets, assetID).CurrentRight()
	resale := uuid.MustParse("00000000-0000-0000-0000-00000000d006")
	e.do(listing.CreateListing{ListingID: resale, Details: listing.Details{
		Title: "王家庄苹果园土地经营权（基金收储）转让", Seller: fundID,
		Asset: listing.AssetFacts{AssetIDs: []uuid.UUID{assetID}, Type: kernel.AssetLandManagementRight, OwningCollective: collective,
			Region: listing.Region{Province: "山东省", County: "寒亭区", Township: "固堤街道", Village: "王家庄"}, Area: 2000, RightsEnd: right.End},
		ListedPrice: kernel.Yuan(35_000), StartingPrice: kernel.Yuan(35_000), Increment: kernel.Yuan(1_000),
		TermMonths: wholeMonths(e.clock.Now(), right.End), Settings: listing.DefaultSettings(),
	}})
	sold := auction(e, resale, listing.Resolution{}, []bidder{{buyerC, false}, {buyerD, false}},
		[]kernel.Money{kernel.Yuan(35_000), kernel.Yuan(36_000), kernel.Yuan(37_000)})
	if sold.Award.BidderID != buyerC || sold.Award.Price != kernel.Yuan(37_000) {
		t.Fatalf("the fund's listing awarded %+v, want buyer C at 37,000.00", sold.Award)
	}
	e.do(listing.ConfirmPayment{ListingID: resale, Amount: sold.Award.BalanceDue})
	e.eventually("the fund records the sale", func() bool {
		f := get(e, e.app.Funds, fundID)
		return len(f.Holdings) == 1 && f.Holdings[0].Sold
	})
	if f := get(e, e.app.Funds, fundID); f.Capital != fund.DefaultSettings().InitialCapital-kernel.Yuan(30_000)-kernel.Yuan(1_600)+kernel.Yuan(37_000) {
		t.Fatalf("fund capital %s after buying at 30,000.00, paying 1,600.00 and selling at 37,000.00", f.Capital)
	}
	contract := sign(e, resale, "寒亭流转(2026)第 88 号")
	if contract.Terms.Transferor != fundID || contract.Terms.End.After(lease.Terms.End) {
		t.Fatalf("the resale contract transfers from %s until %s, want the fund's right, ending by %s", contract.Terms.Transferor, contract.Terms.End, lease.Terms.End)
	}

	for _, rec := range []eventstore.RecordedEvent{
		e.event("fund-"+fundID.String(), "fund.CollateralBought.v1"),
		e.event("listing-"+resale.String(), "listing.PaymentConfirmed.v1"),
	} {
		if n := e.redeliver(rec); n != 0 {
			t.Errorf("%s redelivered: %d events written", rec.Type, n)
		}
	}
	e.replays()
}

// TestStoryFundAdvancesRentAndTheTransfereeRepays (rule 24), in memory: the
// household leases its land to the farmer at 800.00 a mu a year; the farmer
// does not pay the first year's 16,000.00, which falls overdue; the fund may
// not advance a fen more than the arrears, advances them, and the contract's
// instalment is paid by the fund: the household is paid and the arrears
// clear. The farmer now owes the fund, and repays it in two parts.
func TestStoryFundAdvancesRentAndTheTransfereeRepays(t *testing.T) {
	e := fundEnv(t)
	registerLand(e)
	lease := uuid.MustParse("00000000-0000-0000-0000-00000000d007")
	start := e.clock.Now().Add(time.Hour)
	e.do(transfer.SignDirect{ContractID: lease, Terms: transfer.Terms{
		Transferor: household, Transferee: farmer, Form: transfer.FormLease, Use: transfer.UseCropping,
		Plots: []transfer.Plot{{AssetID: assetID, Area: 2000, Collective: collective, Contractor: household, Holder: household, ContractEnd: rightsEnd}},
		Start: start, End: start.AddDate(5, 0, 0), RentPerMuYear: kernel.Yuan(800), Frequency: transfer.Annual,
	}, Document: transfer.Document{Reference: "王家庄流转合同 2026-3", Signed: e.clock.Now()}})
	e.eventually("the register records the lease", func() bool { return get(e, e.app.Assets, assetID).Holder() == farmer })
	_, due, _ := get(e, e.app.Transfers, lease).NextDue()
	e.runDueAt(due)
	if c := get(e, e.app.Transfers, lease); !c.InArrears() || c.Arrears(e.clock.Now()) != kernel.Yuan(16_000) {
		t.Fatalf("after the first due date the lease owes %s (in arrears %v), want 16,000.00 overdue", c.Arrears(e.clock.Now()), c.InArrears())
	}

	advance := func(amount kernel.Money) error {
		facts, err := e.app.Facts().RentContract(e.ctx, lease)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.try(fund.AdvanceRent{FundID: fundID, AdvanceID: uuid.NewSHA1(lease, []byte("advance")), By: operator, Contract: facts, Amount: amount})
		return err
	}
	if err := advance(kernel.Yuan(16_000) + 1); kernel.ErrorCode(err) != fund.CodeAdvanceExceedsRent {
		t.Fatalf("an advance a fen above the arrears: %v, want %s", err, fund.CodeAdvanceExceedsRent)
	}
	if err := advance(kernel.Yuan(16_000)); err != nil {
		t.Fatal(err)
	}
	e.eventually("the advance pays the lease's instalment", func() bool { return !get(e, e.app.Transfers, lease).InArrears() })
	paid := e.event("transfer-"+lease.String(), "transfer.RentPaid.v1")
	if p, err := e.app.Events.Decode(paid.Type, paid.Data); err != nil || p.(transfer.RentPaid).Payer != fundID || p.(transfer.RentPaid).Amount != kernel.Yuan(16_000) {
		t.Fatalf("rent paid %+v (%v), want 16,000.00 by the fund", p, err)
	}
	a := get(e, e.app.Funds, fundID).Advances[uuid.NewSHA1(lease, []byte("advance"))]
	if a.Farmer != household || a.Transferee != farmer || a.Outstanding != kernel.Yuan(16_000) {
		t.Fatalf("advance %+v, want 16,000.00 paid to the household and owed by the farmer", a)
	}
	if err := advance(1); kernel.ErrorCode(err) != fund.CodeAdvanceExceedsRent {
		t.Fatalf("a second advance once the arrears cleared: %v, want %s", err, fund.CodeAdvanceExceedsRent)
	}

	// The farmer repays the fund 6,000.00, then the 10,000.00 left.
	for _, part := range []kernel.Money{kernel.Yuan(6_000), kernel.Yuan(10_000)} {
		e.do(fund.RecordAdvanceRepayment{FundID: fundID, AdvanceID: a.ID, By: operator, Amount: part})
	}
	if f := get(e, e.app.Funds, fundID); f.Advances[a.ID].Outstanding != 0 || f.Capital != fund.DefaultSettings().InitialCapital {
		t.Fatalf("after the repayments the advance owes %s and the fund holds %s", f.Advances[a.ID].Outstanding, f.Capital)
	}
	if n := e.redeliver(e.event("fund-"+fundID.String(), "fund.RentAdvanced.v1")); n != 0 {
		t.Errorf("the advance redelivered: %d events written", n)
	}
	e.replays()
}

// TestStorySharePledgeDefaultsAndTheSharesGoToAMember (rules 8, 16, 18 and
// 24), in memory: the member's 5,000.00 loan is secured by a pledge of 60 of
// its 100 shares; before default the bank may not enforce it; the loan
// defaults; a sale to the neighbour would pass the per-holder cap and one to
// an outsider is refused; the newcomer buys the 60 shares for 4,000.00, which
// is paid to the bank's notice, the notice is discharged and the bank's claim
// is filed on the 1,000.00 left.
func TestStorySharePledgeDefaultsAndTheSharesGoToAMember(t *testing.T) {
	e := fundEnv(t)
	pledgeSharesForLoan(e)
	e.do(lending.DisburseLoan{LoanID: loanID, By: bank})
	enforce := func(buyer uuid.UUID) error {
		facts, err := e.app.Facts().DefaultedLoan(e.ctx, loanID)
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.try(coop.EnforcePledge{CoopID: coopID, PledgeID: loanID, By: bank, Buyer: buyer, Price: kernel.Yuan(4_000), LoanDefaulted: facts.Defaulted})
		return err
	}
	if err := enforce(newcomer); kernel.ErrorCode(err) != coop.CodeLoanNotDefaulted {
		t.Fatalf("enforcing before default: %v, want %s", err, coop.CodeLoanNotDefaulted)
	}
	defaultLoan(e, loanID)
	for buyer, want := range map[uuid.UUID]string{neighbour: coop.CodeHoldingCapExceeded, farmer: coop.CodeTransferToNonMember} {
		if err := enforce(buyer); kernel.ErrorCode(err) != want {
			t.Fatalf("selling the pledged shares to %s: %v, want %s", buyer, err, want)
		}
	}
	if err := enforce(newcomer); err != nil {
		t.Fatal(err)
	}
	c := get(e, e.app.Coops, coopID)
	if _, live := c.Pledges[loanID]; live || c.Holders[newcomer].Shares.Total() != 60 || c.Holders[member].Shares.Total() != 40 {
		t.Fatalf("after enforcement: pledge live %v, the newcomer holds %d and the member %d", live, c.Holders[newcomer].Shares.Total(), c.Holders[member].Shares.Total())
	}
	e.eventually("the claim is filed", func() bool { _, ok := get(e, e.app.Funds, fundID).OpenClaim(loanID); return ok })
	if l := get(e, e.app.Loans, loanID); l.PrincipalRecovered != kernel.Yuan(4_000) {
		t.Fatalf("the loan recovered %s of principal, want the 4,000.00 price", l.PrincipalRecovered)
	}
	if r := get(e, e.app.Collateral, loanID); r.Status != collateral.StatusDischarged {
		t.Fatalf("the pledge's notice is %s, want discharged", r.Status)
	}
	claim, _ := get(e, e.app.Funds, fundID).OpenClaim(loanID)
	if claim.NetLoss != kernel.Yuan(1_000) || claim.Payable != kernel.Yuan(200) {
		t.Fatalf("claim %+v, want 200.00 on the 1,000.00 left", claim)
	}
	if n := e.redeliver(e.event("coop-"+coopID.String(), "coop.PledgeEnforced.v1")); n != 0 {
		t.Errorf("the enforcement redelivered: %d events written", n)
	}
	e.replays()
}
