package process

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// listLand drafts the collective's 10-year lease listing of the entrusted land.
func listLand(e *env, id uuid.UUID) {
	e.t.Helper()
	e.do(listing.CreateListing{ListingID: id, Details: listing.Details{
		Title: "王家庄苹果园土地经营权流转", Seller: collective,
		Asset: listing.AssetFacts{AssetIDs: []uuid.UUID{assetID}, Type: kernel.AssetLandManagementRight, OwningCollective: collective,
			Area: 2000, RightsEnd: rightsEnd},
		ListedPrice: kernel.Yuan(100_000), StartingPrice: kernel.Yuan(100_000), Increment: kernel.Yuan(1_000),
		TermMonths: 120, Settings: listing.DefaultSettings(),
	}})
}

// sellLand auctions the land's ten-year lease; the farmer outbids buyer C and pays.
func sellLand(e *env) {
	e.t.Helper()
	listLand(e, firstSale)
	l := auction(e, firstSale, resolution, []bidder{{buyerC, false}, {farmer, false}},
		[]kernel.Money{kernel.Yuan(100_000), kernel.Yuan(105_000)})
	e.do(listing.ConfirmPayment{ListingID: firstSale, Amount: l.Award.BalanceDue})
}

var resolution = listing.Resolution{Body: "villager representatives", VotesFor: 20, Total: 30, Date: t0}

func TestAwardManager(t *testing.T) {
	e := newEnv(t)
	e.startManagers()
	registerLand(e)
	sellLand(e)
	paid := e.event("listing-"+firstSale.String(), "listing.PaymentConfirmed.v1")
	e.eventually("the contract is drafted", func() bool {
		return get(e, e.app.Transfers, createdBy(paid, "contract")).Status == transfer.StatusDrafted
	})
	if n := e.redeliver(paid); n != 0 {
		t.Errorf("payment redelivered while the draft awaits signature: %d events written", n)
	}
	c := sign(e, firstSale, "寒亭流转(2026)第 18 号")

	t.Run("the paid award drafts the contract with the listing's terms", func(t *testing.T) {
		local := paid.Recorded.In(kernel.Shanghai)
		start := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, kernel.Shanghai)
		want := transfer.Terms{Transferor: collective, Transferee: farmer, Form: transfer.FormLease, Use: transfer.UseCropping,
			Start: start.UTC(), End: start.AddDate(10, 0, 0).UTC(), Frequency: transfer.OneOff}
		got := c.Terms
		if got.Transferor != want.Transferor || got.Transferee != want.Transferee || got.Form != want.Form || got.Use != want.Use ||
			!got.Start.Equal(want.Start) || !got.End.Equal(want.End) || got.Frequency != want.Frequency || got.RentPerMuYear != 0 {
			t.Fatalf("terms %+v, want %+v", got, want)
		}
		if got.Resolution == nil || got.Resolution.Body != transfer.VillagerRepresentatives || got.Resolution.VotesFor != 20 {
			t.Errorf("resolution %+v, want the representatives' 20 of 30", got.Resolution)
		}
		if c.ListingID != firstSale || c.Outstanding() != 0 {
			t.Errorf("contract of listing %s owes %s; want listing %s, nothing owed (the price was paid on the exchange)", c.ListingID, c.Outstanding(), firstSale)
		}
	})
	t.Run("the signed contract moves the right for its term", func(t *testing.T) {
		r, _ := get(e, e.app.Assets, assetID).CurrentRight()
		if r.Holder != farmer || r.ContractID != c.ID || !r.End.Equal(c.Terms.End) {
			t.Fatalf("current right %+v, want the farmer's under %s until %s", r, c.ID, c.Terms.End)
		}
	})
	t.Run("redelivered events write nothing", func(t *testing.T) {
		signed := e.event("transfer-"+c.ID.String(), "transfer.ContractSigned.v2")
		if n := e.redeliver(signed); n != 0 {
			t.Errorf("signature redelivered: %d events written", n)
		}
	})
	t.Run("termination ends the right and returns it to the household", func(t *testing.T) {
		e.do(transfer.Terminate{ContractID: c.ID, By: farmer, Reason: transfer.ReasonMutualAgreement,
			Document: transfer.Document{Reference: "解除协议 17", Signed: e.clock.Now()}})
		e.eventually("the right returns", func() bool { return get(e, e.app.Assets, assetID).Holder() == household })
		ended := e.event("asset-"+assetID.String(), "registry.ManagementRightEnded.v1")
		if ended.Metadata.Actor != Actor {
			t.Errorf("right ended by %q, want %q", ended.Metadata.Actor, Actor)
		}
		terminated := e.event("transfer-"+c.ID.String(), "transfer.ContractTerminated.v1")
		if n := e.redeliver(terminated); n != 0 {
			t.Errorf("termination redelivered: %d events written", n)
		}
	})
}

// register files a notice of a mortgage of the household's own right for lender.
func register(e *env, id uuid.UUID, lender uuid.UUID, end time.Time) {
	e.t.Helper()
	e.do(collateral.RegisterCollateral{RegistrationID: id, By: lender, Number: "DJ-" + id.String()[:8], Grantor: household, SecuredParty: lender,
		Collateral: collateral.Collateral{Kind: collateral.KindMortgage, Asset: assetID}, SecuredAmount: kernel.Yuan(30_000),
		Start: e.clock.Now(), End: end, Contractor: household})
}

func TestRestrictionManager(t *testing.T) {
	e := newEnv(t)
	e.startManagers()
	registerLand(e)
	discharged, expiring := uuid.New(), uuid.New()
	register(e, discharged, bank, rightsEnd)
	register(e, expiring, bank, t0.AddDate(1, 0, 0))
	e.eventually("both notices restrict the asset", func() bool {
		a := get(e, e.app.Assets, assetID)
		return restricted(a, discharged) && restricted(a, expiring)
	})
	added := e.event("collateral-"+discharged.String(), "collateral.CollateralRegistered.v1")
	if n := e.redeliver(added); n != 0 {
		t.Errorf("registration redelivered: %d events written", n)
	}
	for _, r := range get(e, e.app.Assets, assetID).Restrictions {
		if r.Kind != registry.RestrictionMortgage || r.SecuredParty != bank || r.Amount != kernel.Yuan(30_000) || !r.End.IsZero() {
			t.Errorf("restriction %+v, want the bank's open-ended mortgage of 30,000.00", r)
		}
	}

	e.do(collateral.DischargeCollateral{RegistrationID: discharged, By: bank, Reason: "paid"})
	e.eventually("the discharged notice is lifted", func() bool { return !restricted(get(e, e.app.Assets, assetID), discharged) })
	e.runDueAt(t0.AddDate(1, 0, 0))
	e.eventually("the expired notice is lifted", func() bool { return !restricted(get(e, e.app.Assets, assetID), expiring) })
	if get(e, e.app.Collateral, expiring).Status != collateral.StatusExpired {
		t.Fatal("the scheduler did not expire the notice")
	}
	lifted := e.event("collateral-"+discharged.String(), "collateral.CollateralDischarged.v1")
	if n := e.redeliver(lifted); n != 0 {
		t.Errorf("discharge redelivered: %d events written", n)
	}
}

// defineProduct defines the bank's mortgage loan product for new farmers.
func defineProduct(e *env) {
	e.t.Helper()
	e.do(lending.DefineLoanProduct{ProductID: productID, By: bank, Name: "经营权抵押贷",
		Terms: lending.DefaultTerms(lending.Tier{Credential: "NEW_FARMER", CreditLine: kernel.Yuan(100_000), MaxTermMonths: 36, AnnualRateBP: 435})})
}

// applyAndApprove takes the household's 20,000.00 loan against its own right to approval.
func applyAndApprove(e *env, id uuid.UUID) {
	e.t.Helper()
	e.do(lending.ApplyForLoan{LoanID: id, Borrower: household, Bank: bank, Product: get(e, e.app.Products, productID).Snapshot(),
		Credential: "NEW_FARMER", Amount: kernel.Yuan(20_000), TermMonths: 12, Method: lending.EqualPrincipal,
		Collateral: lending.Collateral{AssetID: assetID, AssetType: kernel.AssetLandManagementRight, RightsEndDate: lending.CivilDate(rightsEnd)}})
	e.do(lending.ValueCollateral{LoanID: id, By: bank, Value: kernel.Yuan(100_000), Appraiser: appraiser})
	e.do(lending.ApproveLoan{LoanID: id, By: bank, Amount: kernel.Yuan(20_000)})
}

func TestLoanManager(t *testing.T) {
	e := newEnv(t)
	e.startManagers()
	registerLand(e)
	defineProduct(e)
	registeredFirst, approvedFirst, otherLender := uuid.New(), uuid.New(), uuid.New()

	register(e, registeredFirst, bank, rightsEnd)
	applyAndApprove(e, registeredFirst)
	applyAndApprove(e, approvedFirst)
	register(e, approvedFirst, bank, rightsEnd)
	applyAndApprove(e, otherLender)
	register(e, otherLender, appraiser, rightsEnd) // another lender's notice: not the loan's
	for _, id := range []uuid.UUID{registeredFirst, approvedFirst} {
		e.eventually("the loan records its notice", func() bool {
			l := get(e, e.app.Loans, id)
			return l.Status == lending.StatusCollateralRegistered && l.RegistrationID == id
		})
	}
	t.Run("another lender's notice is not the loan's", func(t *testing.T) {
		// Hand both events to the managers directly, so the check does not race them.
		e.redeliver(e.event("loan-"+otherLender.String(), "lending.LoanApproved.v1"))
		e.redeliver(e.event("collateral-"+otherLender.String(), "collateral.CollateralRegistered.v1"))
		if s := get(e, e.app.Loans, otherLender).Status; s != lending.StatusApproved {
			t.Fatalf("loan is %s, want still APPROVED", s)
		}
	})
	t.Run("redelivered events write nothing", func(t *testing.T) {
		if n := e.redeliver(e.event("loan-"+registeredFirst.String(), "lending.LoanApproved.v1")); n != 0 {
			t.Errorf("approval redelivered: %d events written", n)
		}
		if n := e.redeliver(e.event("collateral-"+approvedFirst.String(), "collateral.CollateralRegistered.v1")); n != 0 {
			t.Errorf("registration redelivered: %d events written", n)
		}
	})
	t.Run("repaying the loan discharges its notice and lifts the mortgage", func(t *testing.T) {
		e.do(lending.DisburseLoan{LoanID: approvedFirst, By: bank})
		e.do(lending.RepayLoan{LoanID: approvedFirst, Amount: get(e, e.app.Loans, approvedFirst).TotalOwed()})
		e.eventually("the notice is discharged", func() bool {
			return get(e, e.app.Collateral, approvedFirst).Status == collateral.StatusDischarged
		})
		e.eventually("the mortgage is lifted", func() bool { return !restricted(get(e, e.app.Assets, assetID), approvedFirst) })
		repaid := e.event("loan-"+approvedFirst.String(), "lending.LoanRepaid.v1")
		if n := e.redeliver(repaid); n != 0 {
			t.Errorf("repayment redelivered: %d events written", n)
		}
		if get(e, e.app.Collateral, registeredFirst).Status != collateral.StatusRegistered {
			t.Error("another loan's notice was discharged")
		}
	})
}

// Rule 31: a notice filed for one loan secures no second loan; an all-sums
// notice secures two, stays while either is outstanding and is discharged
// when the last is repaid.
func TestANoticeSecuresOneLoanUnlessAllSums(t *testing.T) {
	e := newEnv(t)
	e.startManagers()
	e.refuseNothing()
	registerLand(e)
	defineProduct(e)
	first, second, allSums := uuid.New(), uuid.New(), uuid.New()
	applyAndApprove(e, first)
	register(e, first, bank, rightsEnd)
	e.eventually("the first loan records its notice", func() bool { return get(e, e.app.Loans, first).RegistrationID == first })
	applyAndApprove(e, second)
	link := func(reg, loan uuid.UUID) error {
		meta := app.Meta{CommandID: uuid.New(), Actor: "test"}
		cmd, err := e.app.SecureLoan(e.ctx, reg, loan, meta)
		if err == nil {
			_, err = e.app.Loans.Handle(e.ctx, lending.Command(cmd), meta)
		}
		return err
	}
	if err := link(first, second); kernel.ErrorCode(err) != collateral.CodeSecuresAnotherLoan {
		t.Fatalf("a second loan on the first loan's notice: %v, want %s", err, collateral.CodeSecuresAnotherLoan)
	}
	if l := get(e, e.app.Loans, second); l.Status != lending.StatusApproved {
		t.Fatalf("the refused link left the second loan %s", l.Status)
	}

	e.do(collateral.RegisterCollateral{RegistrationID: allSums, By: bank, Number: "DJ-ALLSUMS", Grantor: household, SecuredParty: bank,
		Collateral: collateral.Collateral{Kind: collateral.KindMortgage, Asset: assetID}, SecuredAmount: kernel.Yuan(40_000),
		Start: e.clock.Now(), End: rightsEnd, AllSums: true})
	third := uuid.New()
	applyAndApprove(e, third)
	for _, loan := range []uuid.UUID{second, third} {
		if err := link(allSums, loan); err != nil {
			t.Fatalf("linking loan %s to the all-sums notice: %v", loan, err)
		}
		e.do(lending.DisburseLoan{LoanID: loan, By: bank})
	}
	e.do(lending.RepayLoan{LoanID: second, Amount: get(e, e.app.Loans, second).TotalOwed()})
	e.eventually("the repaid loan is released", func() bool { return get(e, e.app.Collateral, allSums).Outstanding() == kernel.Yuan(20_000) })
	if r := get(e, e.app.Collateral, allSums); r.Status != collateral.StatusRegistered || !restricted(get(e, e.app.Assets, assetID), allSums) {
		t.Fatalf("with a loan outstanding the all-sums notice is %s", r.Status)
	}
	e.do(lending.RepayLoan{LoanID: third, Amount: get(e, e.app.Loans, third).TotalOwed()})
	e.eventually("the all-sums notice is discharged with its last loan", func() bool {
		return get(e, e.app.Collateral, allSums).Status == collateral.StatusDischarged
	})
	if n := e.redeliver(e.event("loan-"+third.String(), "lending.LoanRepaid.v1")); n != 0 {
		t.Errorf("repayment redelivered: %d events written", n)
	}
}

// Approval and registration are two triggers of the loan's workflow. Handed
// to it after both are stored, in either order, the first links the loan
// (the notice records the loan, then the loan the notice) and records that
// it did; the second, and any redelivery, sends nothing.
func TestTheLoanWorkflowLinksOnceWhicheverTriggerComesFirst(t *testing.T) {
	e := newEnv(t)
	e.refuseNothing()
	registerLand(e)
	defineProduct(e)
	registeredFirst, approvedFirst := uuid.New(), uuid.New()
	register(e, registeredFirst, bank, rightsEnd)
	applyAndApprove(e, registeredFirst)
	applyAndApprove(e, approvedFirst)
	register(e, approvedFirst, bank, rightsEnd)

	approval := func(id uuid.UUID) eventstore.RecordedEvent {
		return e.event("loan-"+id.String(), "lending.LoanApproved.v1")
	}
	registration := func(id uuid.UUID) eventstore.RecordedEvent {
		return e.event("collateral-"+id.String(), "collateral.CollateralRegistered.v1")
	}
	for id, order := range map[uuid.UUID][]eventstore.RecordedEvent{ // both already stored
		registeredFirst: {approval(registeredFirst), registration(registeredFirst)},
		approvedFirst:   {registration(approvedFirst), approval(approvedFirst)},
	} {
		first, second := order[0], order[1]
		linked := []string{"loan-" + id.String(), "collateral-" + id.String()} // the notice's restriction on the asset is another workflow's
		if n := e.redeliverTo(first, linked...); n != 2 {
			t.Errorf("%s: %s wrote %d events, want the link on the notice and on the loan", id, first.Type, n)
		}
		if r := get(e, e.app.Collateral, id); len(r.Loans) != 1 || r.Loans[0].LoanID != id {
			t.Errorf("%s: the notice secures %v, want the loan", id, r.Loans)
		}
		if l := get(e, e.app.Loans, id); l.Status != lending.StatusCollateralRegistered || l.RegistrationID != id {
			t.Errorf("%s: loan is %s with registration %s, want its notice recorded", id, l.Status, l.RegistrationID)
		}
		for _, rec := range []eventstore.RecordedEvent{second, first} {
			if n := e.redeliverTo(rec, linked...); n != 0 {
				t.Errorf("%s: %s delivered after the link wrote %d events", id, rec.Type, n)
			}
		}
	}
}

func TestOnlyWhatARetryCannotChangeIsARefusal(t *testing.T) {
	for _, c := range []struct {
		err     error
		refused bool
	}{
		{kernel.Errorf(kernel.CodeInvalidState, "loan is REPAID"), true},
		{fmt.Errorf("decide: %w", kernel.Errorf(lending.CodeOverpayment, "too much")), true},
		{kernel.Errorf(kernel.CodeConflict, "being changed by others"), false},
		{kernel.Errorf(kernel.CodeInternal, "boom"), false},
		{fmt.Errorf("append: %w", errors.New("disk full")), false},
	} {
		if got := refused(c.err); got != c.refused {
			t.Errorf("refused(%v) = %v, want %v", c.err, got, c.refused)
		}
	}
}

func TestDisposalPaysByRank(t *testing.T) {
	e := newEnv(t)
	e.startManagers() // no fund: a loss would be claimed by the bank itself
	registerLand(e)
	defineProduct(e)
	applyAndApprove(e, loanID)
	register(e, loanID, bank, rightsEnd)
	junior := uuid.New()
	e.clock.Advance(time.Hour)
	register(e, junior, appraiser, rightsEnd) // a later notice of another lender, for 30,000.00
	e.eventually("the loan records its notice", func() bool {
		return get(e, e.app.Loans, loanID).Status == lending.StatusCollateralRegistered
	})
	// The restrictions reach the register through a manager: the disposal
	// listing states those in force when it is drafted.
	e.eventually("the asset carries both notices", func() bool {
		a := get(e, e.app.Assets, assetID)
		return restricted(a, loanID) && restricted(a, junior)
	})
	e.do(lending.DisburseLoan{LoanID: loanID, By: bank})
	defaulted := defaultLoan(e, loanID)
	owed := defaulted.ClaimPrincipal + defaulted.ClaimInterest

	disposal := createdBy(e.event("loan-"+loanID.String(), "lending.LoanDefaulted.v1"), "disposal-listing")
	e.eventually("the disposal listing is drafted", func() bool { return get(e, e.app.Listings, disposal).Status == listing.StatusDraft })
	d := get(e, e.app.Listings, disposal).Details
	if len(d.Asset.Encumbrances) != 2 || d.Increment != kernel.Yuan(1_000) {
		t.Fatalf("disposal listing %+v, want both notices as encumbrances and a 1,000.00 step (1 %% of 100,000.00)", d)
	}
	d.ListedPrice, d.StartingPrice = kernel.Yuan(40_000), kernel.Yuan(40_000)
	e.do(listing.ReviseListing{ListingID: disposal, Details: d})
	l := auction(e, disposal, listing.Resolution{}, []bidder{{buyerC, false}, {buyerD, false}},
		[]kernel.Money{kernel.Yuan(40_000), kernel.Yuan(45_000)})
	// The first read of the asset's history for the sale's proceeds fails:
	// the workflows retry the payment, they do not acknowledge it unpaid.
	e.reads.failNextWholeRead(registry.Decider.Category)
	e.do(listing.ConfirmPayment{ListingID: disposal, Amount: l.Award.BalanceDue})

	e.eventually("both notices are discharged", func() bool {
		return get(e, e.app.Collateral, loanID).Status == collateral.StatusDischarged &&
			get(e, e.app.Collateral, junior).Status == collateral.StatusDischarged
	})
	loan := get(e, e.app.Loans, loanID)
	if loan.Status != lending.StatusRecovered || loan.Recoveries != owed {
		t.Fatalf("senior loan %s with %s recovered, want RECOVERED with its whole claim %s", loan.Status, loan.Recoveries, owed)
	}
	e.eventually("the asset is free", func() bool { return !get(e, e.app.Assets, assetID).Encumbered(e.clock.Now()) })
	if d := get(e, e.app.Collateral, junior); d.Status != collateral.StatusDischarged {
		t.Fatalf("junior notice is %s", d.Status)
	}
	if e.reads.armed() {
		t.Fatal("the asset's history was never read, so no read failed")
	}
	sign(e, disposal, "寒亭流转(2026)第 60 号")
}

// lendToHousehold lends the household 20,000.00 against its own right,
// under the bank's notice.
func lendToHousehold(e *env) {
	e.t.Helper()
	registerLand(e)
	defineProduct(e)
	applyAndApprove(e, loanID)
	register(e, loanID, bank, rightsEnd)
	e.eventually("the loan records its notice", func() bool {
		return get(e, e.app.Loans, loanID).Status == lending.StatusCollateralRegistered
	})
	e.eventually("the asset carries the mortgage", func() bool { return restricted(get(e, e.app.Assets, assetID), loanID) })
	e.do(lending.DisburseLoan{LoanID: loanID, By: bank})
}

// disposalOfDefault starts the managers with the fund (fundEnv), lends to
// the household, lets the loan default and returns the disposal listing the
// manager drafts.
func disposalOfDefault(t *testing.T) (*env, uuid.UUID) {
	t.Helper()
	e := fundEnv(t)
	lendToHousehold(e)
	defaultLoan(e, loanID)
	disposal := createdBy(e.event("loan-"+loanID.String(), "lending.LoanDefaulted.v1"), "disposal-listing")
	e.eventually("the disposal listing is drafted", func() bool { return get(e, e.app.Listings, disposal).Status == listing.StatusDraft })
	return e, disposal
}

// TestAForfeitedDisposalDepositIsRecovered: the winner of a disposal auction
// does not pay; its deposit is paid by rank to the defaulted loan as a
// recovery, not kept for the seller, and the notice stays for the next round.
func TestAForfeitedDisposalDepositIsRecovered(t *testing.T) {
	e, disposal := disposalOfDefault(t)
	d := get(e, e.app.Listings, disposal).Details
	d.ListedPrice, d.StartingPrice = kernel.Yuan(40_000)+1, kernel.Yuan(40_000)+1
	e.do(listing.ReviseListing{ListingID: disposal, Details: d})
	l := auction(e, disposal, listing.Resolution{}, []bidder{{buyerC, false}, {buyerD, false}},
		[]kernel.Money{kernel.Yuan(40_000) + 1, kernel.Yuan(41_000) + 1})
	owed := get(e, e.app.Loans, loanID).ClaimPrincipal
	e.runDueAt(l.Award.PaymentDue) // buyer D does not pay: its 12,000.01 deposit (30 %, rounded up) is forfeited
	if s := get(e, e.app.Listings, disposal).Status; s != listing.StatusUnsold {
		t.Fatalf("after the missed payment the listing is %s", s)
	}
	e.eventually("the deposit is recorded on the loan", func() bool { return get(e, e.app.Loans, loanID).Recoveries > 0 })
	loan := get(e, e.app.Loans, loanID)
	if loan.Recoveries != kernel.Yuan(12_000)+1 || loan.PrincipalRecovered != kernel.Yuan(12_000)+1 || loan.ClaimPrincipal != owed-kernel.Yuan(12_000)-1 {
		t.Fatalf("loan after the forfeit: %s recovered (%s principal), %s still claimed; want the 12,000.01 deposit against %s",
			loan.Recoveries, loan.PrincipalRecovered, loan.ClaimPrincipal, owed)
	}
	if r := get(e, e.app.Collateral, loanID); r.Status != collateral.StatusRegistered {
		t.Fatalf("after the forfeit the notice is %s, want it in force for the next round", r.Status)
	}
	if _, filed := get(e, e.app.Funds, fundID).OpenClaim(loanID); filed {
		t.Fatal("a fund claim was filed while the collateral is still to be sold")
	}
	forfeited := e.event("listing-"+disposal.String(), "listing.DepositForfeited.v2")
	if n := e.redeliver(forfeited); n != 0 {
		t.Errorf("forfeit redelivered: %d events written", n)
	}
}

// A disposal listing that gives a forfeited deposit to the seller (the bank)
// starts no recovery: the loans record nothing and the notices stay.
func TestADisposalDepositForfeitedToTheSellerIsNoRecovery(t *testing.T) {
	e, disposal := disposalOfDefault(t)
	d := get(e, e.app.Listings, disposal).Details
	d.ForfeitTo = listing.ForfeitSeller
	e.do(listing.ReviseListing{ListingID: disposal, Details: d})
	l := auction(e, disposal, listing.Resolution{}, []bidder{{buyerC, false}, {buyerD, false}}, []kernel.Money{d.StartingPrice, d.StartingPrice + d.Increment})
	e.runDueAt(l.Award.PaymentDue)
	if s := get(e, e.app.Listings, disposal).Status; s != listing.StatusUnsold {
		t.Fatalf("after the missed payment the listing is %s", s)
	}
	e.settle()
	if loan := get(e, e.app.Loans, loanID); loan.Recoveries != 0 {
		t.Fatalf("a deposit forfeited to the seller was recorded on the loan: %s", loan.Recoveries)
	}
	if r := get(e, e.app.Collateral, loanID); r.Status != collateral.StatusRegistered {
		t.Fatalf("after the forfeit the notice is %s, want it in force", r.Status)
	}
}

// disposalRound announces the disposal listing for a round in which the
// bidders named register and qualify, and runs it to its end unsold: no
// bidder, one (a negotiation that agrees no price) or more (an auction with no bid).
func disposalRound(e *env, id uuid.UUID, bidders ...uuid.UUID) {
	e.t.Helper()
	e.do(listing.SubmitListing{ListingID: id})
	ends := kernel.Calendar{}.AddWorkingDays(e.clock.Now(), 7)
	e.do(listing.ReviewListing{ListingID: id, Approve: true, AnnouncementEnds: ends, BiddingOpensAt: ends.Add(time.Hour)})
	for _, b := range bidders {
		e.do(listing.RegisterBidder{ListingID: id, BidderID: b})
		due, _ := get(e, e.app.Listings, id).Bidder(b)
		e.do(listing.ConfirmDeposit{ListingID: id, BidderID: b, Amount: due.DepositDue})
		e.do(listing.QualifyBidder{ListingID: id, BidderID: b, Qualified: true})
	}
	for i := 0; get(e, e.app.Listings, id).Status != listing.StatusUnsold; i++ {
		_, at, ok := get(e, e.app.Listings, id).NextDue()
		if !ok || i > 3 {
			e.t.Fatalf("the disposal listing is %s and does not end unsold", get(e, e.app.Listings, id).Status)
		}
		e.runDueAt(at)
	}
}

// buyCollateral sends the fund's purchase of loan's collateral with the facts
// the application layer gathers, and returns the refusal, if any.
func buyCollateral(e *env, loan uuid.UUID, price kernel.Money) error {
	e.t.Helper()
	facts, unsold, err := e.app.Facts().CollateralPurchase(e.ctx, loan)
	if err != nil {
		e.t.Fatal(err)
	}
	_, err = e.try(fund.BuyCollateral{FundID: fundID, PurchaseID: uuid.New(), By: operator, Loan: facts, Unsold: unsold, Price: price})
	return err
}

// TestFundBuysOnlyAfterTheListingAndThenNegotiationFailed (rule 24): the fund
// may not buy the collateral of a repaying loan, nor of a defaulted one before
// its disposal listing failed, nor after the listing alone failed; once a
// later round's negotiation failed too it buys, the price is paid by rank,
// the listing ends, the notice is discharged and the right moves to the fund.
func TestFundBuysOnlyAfterTheListingAndThenNegotiationFailed(t *testing.T) {
	e, disposal := disposalOfDefault(t)
	if err := buyCollateral(e, loanID, kernel.Yuan(15_000)); kernel.ErrorCode(err) != fund.CodeDisposalOrder {
		t.Fatalf("a purchase before any round: %v, want %s", err, fund.CodeDisposalOrder)
	}
	disposalRound(e, disposal) // no bidder registers
	if err := buyCollateral(e, loanID, kernel.Yuan(15_000)); kernel.ErrorCode(err) != fund.CodeDisposalOrder {
		t.Fatalf("a purchase after the listing alone failed: %v, want %s", err, fund.CodeDisposalOrder)
	}
	e.do(listing.Relist{ListingID: disposal})
	disposalRound(e, disposal, buyerC) // buyer C alone: a negotiated transfer, no price agreed
	if got := get(e, e.app.Listings, disposal).NoSale; len(got) != 2 || got[1] != listing.OutcomeNegotiation {
		t.Fatalf("rounds without a sale %v, want the listing and then a negotiation", got)
	}
	// The bank relists once more: while that round is under way the fund
	// waits; the bank withdraws it, and the fund buys.
	e.do(listing.Relist{ListingID: disposal})
	if err := buyCollateral(e, loanID, kernel.Yuan(15_000)); kernel.ErrorCode(err) != fund.CodeDisposalOrder {
		t.Fatalf("a purchase while a round is under way: %v, want %s", err, fund.CodeDisposalOrder)
	}
	e.do(listing.WithdrawListing{ListingID: disposal, By: bank, Reason: "the fund takes the collateral"})
	if err := buyCollateral(e, loanID, kernel.Yuan(15_000)); err != nil {
		t.Fatal(err)
	}

	e.eventually("the claim is filed", func() bool { _, ok := get(e, e.app.Funds, fundID).OpenClaim(loanID); return ok })
	claim, _ := get(e, e.app.Funds, fundID).OpenClaim(loanID)
	if claim.PrincipalRecovered != kernel.Yuan(15_000) || claim.NetLoss != kernel.Yuan(5_000) || claim.Payable != kernel.Yuan(1_000) {
		t.Fatalf("claim %+v, want 15,000.00 recovered, a 5,000.00 net loss and 1,000.00 payable", claim)
	}
	e.eventually("the notice is discharged", func() bool {
		return get(e, e.app.Collateral, loanID).Status == collateral.StatusDischarged
	})
	e.eventually("the right moves to the fund", func() bool { return get(e, e.app.Assets, assetID).Holder() == fundID })
	if err := buyCollateral(e, loanID, kernel.Yuan(15_000)); kernel.ErrorCode(err) != fund.CodeCollateralReleased {
		t.Fatalf("buying the same collateral again: %v, want %s", err, fund.CodeCollateralReleased)
	}
	bought := e.event("fund-"+fundID.String(), "fund.CollateralBought.v1")
	if n := e.redeliver(bought); n != 0 {
		t.Errorf("purchase redelivered: %d events written", n)
	}
}

// TestTheFundDoesNotBuyARepayingLoansCollateral: a loan repaying normally has
// no disposal; the fund's purchase is refused and the borrower keeps the right
// under the bank's notice.
func TestTheFundDoesNotBuyARepayingLoansCollateral(t *testing.T) {
	e := fundEnv(t)
	lendToHousehold(e)
	if err := buyCollateral(e, loanID, kernel.Yuan(15_000)); kernel.ErrorCode(err) != fund.CodeLoanNotDefaulted {
		t.Fatalf("buying a repaying loan's collateral: %v, want %s", err, fund.CodeLoanNotDefaulted)
	}
	if r := get(e, e.app.Collateral, loanID); r.Status != collateral.StatusRegistered || get(e, e.app.Assets, assetID).Holder() != household {
		t.Fatalf("after the refused purchase the notice is %s and the holder %s", r.Status, get(e, e.app.Assets, assetID).Holder())
	}
}

// foundCoop founds cooperative id, where the member holds 100 shares.
func foundCoop(e *env, id uuid.UUID) uuid.UUID {
	e.t.Helper()
	e.do(coop.FoundCooperative{CoopID: id, Collective: collective, Name: "王家庄股份经济合作社", Settings: coop.DefaultSettings()})
	e.do(coop.AdmitMember{CoopID: id, Member: member, Household: household})
	e.do(coop.AllocateShares{CoopID: id, Allocations: []coop.Allocation{{Member: member, Class: coop.ClassPopulation, Shares: 100}}})
	return id
}

// Parties and ids of the share-pledge stories.
var (
	coopID    = uuid.MustParse("00000000-0000-0000-0000-00000000c0f1")
	neighbour = uuid.MustParse("00000000-0000-0000-0000-00000000b003") // another member, with 500 shares
	newcomer  = uuid.MustParse("00000000-0000-0000-0000-00000000b004") // a member without shares
)

// pledgeSharesForLoan founds the cooperative (the member with 100 shares,
// the neighbour with 500, the newcomer with none) and takes the member's
// 5,000.00 one-year loan, secured by a pledge of 60 shares, to registration:
// the notice is filed and the pledge recorded on the register.
func pledgeSharesForLoan(e *env) {
	e.t.Helper()
	foundCoop(e, coopID)
	for _, m := range []uuid.UUID{neighbour, newcomer} {
		e.do(coop.AdmitMember{CoopID: coopID, Member: m, Household: uuid.NewSHA1(m, []byte("household"))})
	}
	e.do(coop.AllocateShares{CoopID: coopID, Allocations: []coop.Allocation{{Member: neighbour, Class: coop.ClassPopulation, Shares: 500}}})
	e.do(lending.DefineLoanProduct{ProductID: productID, By: bank, Name: "股权质押贷",
		Terms: lending.DefaultTerms(lending.Tier{Credential: "MEMBER", CreditLine: kernel.Yuan(10_000), MaxTermMonths: 12, AnnualRateBP: 435})})
	e.do(lending.ApplyForLoan{LoanID: loanID, Borrower: member, Bank: bank, Product: get(e, e.app.Products, productID).Snapshot(),
		Credential: "MEMBER", Amount: kernel.Yuan(5_000), TermMonths: 12, Method: lending.InterestOnly, Collateral: sharesOf(e, coopID, member)})
	e.do(lending.ValueCollateral{LoanID: loanID, By: bank, Value: kernel.Yuan(10_000), Appraiser: appraiser})
	e.do(lending.ApproveLoan{LoanID: loanID, By: bank, Amount: kernel.Yuan(5_000)})
	e.do(collateral.RegisterCollateral{RegistrationID: loanID, By: bank, Number: "ZY-2026-000007", Grantor: member, SecuredParty: bank,
		Collateral:    collateral.Collateral{Kind: collateral.KindSharePledge, Asset: coopID, Member: member, Shares: 60},
		SecuredAmount: kernel.Yuan(5_000), Start: e.clock.Now(), End: e.clock.Now().AddDate(3, 0, 0)})
	e.eventually("the shares are pledged", func() bool { _, ok := get(e, e.app.Coops, coopID).Pledges[loanID]; return ok })
	e.eventually("the loan records its notice", func() bool {
		return get(e, e.app.Loans, loanID).Status == lending.StatusCollateralRegistered
	})
}

func TestSharePledgeFollowsItsNotice(t *testing.T) {
	e := newEnv(t)
	e.startManagers()
	pledgeSharesForLoan(e)
	p := get(e, e.app.Coops, coopID).Pledges[loanID]
	if p.Holder != member || p.Pledgee != bank || p.Shares != 60 || p.RegistrationNumber != "ZY-2026-000007" {
		t.Fatalf("pledge %+v, want the member's 60 shares to the bank under ZY-2026-000007", p)
	}
	if n := e.redeliver(e.event("collateral-"+loanID.String(), "collateral.CollateralRegistered.v1")); n != 0 {
		t.Errorf("registration redelivered: %d events written", n)
	}
	e.do(lending.DisburseLoan{LoanID: loanID, By: bank})
	e.do(lending.RepayLoan{LoanID: loanID, Amount: get(e, e.app.Loans, loanID).TotalOwed()})
	e.eventually("the repaid loan's pledge is released", func() bool { _, ok := get(e, e.app.Coops, coopID).Pledges[loanID]; return !ok })
}

// sharesOf reads member's shares in cooperative id as a loan's collateral.
func sharesOf(e *env, id, member uuid.UUID) lending.Collateral {
	e.t.Helper()
	col, err := e.app.Facts().LoanCollateral(e.ctx, id, member)
	if err != nil {
		e.t.Fatal(err)
	}
	return col
}

// Rule 18 across contexts: a loan secured by shares whose pledge the
// cooperative refused (the shares are already pledged to another bank) is
// not disbursed, although its notice is registered and recorded.
func TestASharesLoanIsDisbursedOnlyOnTheCooperativesPledge(t *testing.T) {
	e := newEnv(t)
	e.startManagers()
	coopID := foundCoop(e, uuid.MustParse("00000000-0000-0000-0000-00000000c0f2"))
	otherBank, earlier := uuid.New(), uuid.New()
	e.do(collateral.RegisterCollateral{RegistrationID: earlier, By: otherBank, Number: "ZY-2026-000001", Grantor: member, SecuredParty: otherBank,
		Collateral:    collateral.Collateral{Kind: collateral.KindSharePledge, Asset: coopID, Member: member, Shares: 100},
		SecuredAmount: kernel.Yuan(5_000), Start: e.clock.Now(), End: e.clock.Now().AddDate(3, 0, 0)})
	e.do(coop.PledgeShares{CoopID: coopID, PledgeID: earlier, Holder: member, Pledgee: otherBank, Shares: 100,
		RegistrationNumber: "ZY-2026-000001", LoanMaturity: e.clock.Now().AddDate(0, 6, 0)})

	e.do(lending.DefineLoanProduct{ProductID: productID, By: bank, Name: "股权质押贷",
		Terms: lending.DefaultTerms(lending.Tier{Credential: "MEMBER", CreditLine: kernel.Yuan(10_000), MaxTermMonths: 24, AnnualRateBP: 435})})
	apply := lending.ApplyForLoan{LoanID: loanID, Borrower: member, Bank: bank, Product: get(e, e.app.Products, productID).Snapshot(),
		Credential: "MEMBER", Amount: kernel.Yuan(5_000), TermMonths: 13, Method: lending.InterestOnly, Collateral: sharesOf(e, coopID, member)}
	if _, err := e.app.Loans.Handle(e.ctx, apply, app.Meta{CommandID: uuid.New(), Actor: "test"}); kernel.ErrorCode(err) != lending.CodePledgedLoanTermExceeded {
		t.Fatalf("a 13-month loan on shares: %v, want %s", err, lending.CodePledgedLoanTermExceeded)
	}
	apply.TermMonths = 12
	e.do(apply)
	e.do(lending.ValueCollateral{LoanID: loanID, By: bank, Value: kernel.Yuan(10_000), Appraiser: appraiser})
	e.do(lending.ApproveLoan{LoanID: loanID, By: bank, Amount: kernel.Yuan(5_000)})
	e.do(collateral.RegisterCollateral{RegistrationID: loanID, By: bank, Number: "ZY-2026-000002", Grantor: member, SecuredParty: bank,
		Collateral:    collateral.Collateral{Kind: collateral.KindSharePledge, Asset: coopID, Member: member, Shares: 60},
		SecuredAmount: kernel.Yuan(5_000), Start: e.clock.Now(), End: e.clock.Now().AddDate(3, 0, 0)})
	e.eventually("the loan records its notice", func() bool {
		return get(e, e.app.Loans, loanID).Status == lending.StatusCollateralRegistered
	})
	e.eventually("the cooperative refused the pledge", func() bool { return strings.Contains(e.logs.String(), coop.CodeSharesPledged) })
	disburse, err := e.app.Facts().Disbursal(e.ctx, lending.DisburseLoan{LoanID: loanID, By: bank})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Loans.Handle(e.ctx, disburse, app.Meta{CommandID: uuid.New(), Actor: "test"}); kernel.ErrorCode(err) != lending.CodePledgeNotRecorded {
		t.Fatalf("disbursing against a refused pledge: %v, want %s", err, lending.CodePledgeNotRecorded)
	}
}

func TestAddToTwiceIsRefused(t *testing.T) {
	e := newEnv(t)
	r, err := messaging.NewRouter(messaging.RouterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := AddTo(r, e.app, e.log); err != nil {
		t.Fatal(err)
	}
	n := len(r.Handlers())
	if err := AddTo(r, e.app, e.log); err == nil {
		t.Fatal("a second AddTo on the same router was accepted")
	}
	if len(r.Handlers()) != n {
		t.Fatalf("the refused AddTo left %d handlers, want %d", len(r.Handlers()), n)
	}
}

func TestARefusalIsLoggedAndTheEventAcked(t *testing.T) {
	e := newEnv(t)
	e.startManagers()
	registerLand(e)
	listLand(e, firstSale)
	l := auction(e, firstSale, resolution, []bidder{{buyerC, false}, {farmer, false}},
		[]kernel.Money{kernel.Yuan(100_000), kernel.Yuan(101_000)})
	// The household takes its plot back before the buyer pays: the collective
	// may no longer lease it, and the contract is refused.
	e.do(registry.RevokeEntrustment{AssetID: assetID, By: household, Source: registry.Source{Reference: "撤回委托书", Date: e.clock.Now()}})
	e.do(listing.ConfirmPayment{ListingID: firstSale, Amount: l.Award.BalanceDue})
	e.eventually("the refusal is logged", func() bool { return strings.Contains(e.logs.String(), transfer.CodeNotEntrusted) })
	paid := e.event("listing-"+firstSale.String(), "listing.PaymentConfirmed.v1")
	if n := e.redeliver(paid); n != 0 { // redeliver fails the test if the handler returns an error
		t.Errorf("refused draft redelivered: %d events written", n)
	}
	if c := get(e, e.app.Transfers, createdBy(paid, "contract")); c.Status != "" {
		t.Fatalf("contract is %s, want none", c.Status)
	}
}
