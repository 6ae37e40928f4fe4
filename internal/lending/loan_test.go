package lending_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
	"github.com/nongjiao/nongjiao/internal/lending"
)

var (
	loanID    = uuid.MustParse("10000000-0000-0000-0000-000000000001")
	productID = uuid.MustParse("10000000-0000-0000-0000-000000000002")
	bank      = uuid.MustParse("10000000-0000-0000-0000-000000000003")
	otherBank = uuid.MustParse("10000000-0000-0000-0000-000000000004")
	borrower  = uuid.MustParse("10000000-0000-0000-0000-000000000005")
	appraiser = uuid.MustParse("10000000-0000-0000-0000-000000000006")
	assetID   = uuid.MustParse("10000000-0000-0000-0000-000000000007")
	regID     = uuid.MustParse("10000000-0000-0000-0000-000000000008")

	// t0 is 10:00 on 15 January 2026 in Shanghai.
	t0 = time.Date(2026, 1, 15, 2, 0, 0, 0, time.UTC)
)

func registry() *kernel.Registry {
	r := kernel.NewRegistry()
	lending.RegisterEvents(r)
	return r
}

var (
	greenFood = lending.Tier{Credential: "GREEN_FOOD", CreditLine: kernel.Yuan(500000), MaxTermMonths: 36, AnnualRateBP: 1000}
	noCred    = lending.Tier{Credential: "NONE", CreditLine: kernel.Yuan(30000), MaxTermMonths: 12, AnnualRateBP: 1200}
	terms     = lending.DefaultTerms(greenFood, noCred)
	product   = lending.ProductSnapshot{ProductID: productID, Bank: bank, Name: "quality loan", Active: true, Terms: terms}
	// The borrower holds the land management right by a transfer contract, has
	// paid its rent and has the contractor's consent to mortgage it.
	collateral = lending.Collateral{
		AssetID: assetID, AssetType: kernel.AssetLandManagementRight, RightsEndDate: date(2030, 12, 31),
		BorrowerIsTransferee: true, RentPaidAsAgreed: true, ContractorConsent: true,
	}
)

// A 36,500-yuan, three-month, interest-only loan at 10 %: 1,000 fen of interest a day.
const amount = kernel.Money(3650000)

func application() lending.ApplyForLoan {
	return lending.ApplyForLoan{
		LoanID: loanID, Borrower: borrower, Bank: bank, Product: product, Credential: "GREEN_FOOD",
		Amount: amount, TermMonths: 3, Method: lending.InterestOnly, Collateral: collateral,
	}
}

func appliedWith(f func(*lending.LoanApplied)) lending.LoanApplied {
	e := lending.LoanApplied{
		LoanID: loanID, Borrower: borrower, Bank: bank, Product: product, Credential: "GREEN_FOOD", Tier: greenFood,
		Amount: amount, TermMonths: 3, Method: lending.InterestOnly, Collateral: collateral, At: t0,
	}
	if f != nil {
		f(&e)
	}
	return e
}

var (
	applied    = appliedWith(nil)
	valued     = lending.CollateralValued{LoanID: loanID, Value: kernel.Yuan(80000), Appraiser: appraiser, At: t0}
	approved   = lending.LoanApproved{LoanID: loanID, Amount: amount, TermMonths: 3, AnnualRateBP: 1000, MaxByLTV: kernel.Yuan(40000), MaturesOn: date(2026, 4, 15), At: t0}
	registered = lending.LoanCollateralRegistered{LoanID: loanID, RegistrationID: regID, At: t0}
	schedule   = []lending.Instalment{
		{No: 1, DueDate: date(2026, 2, 15), Days: 31, Principal: 0, Interest: 31000},
		{No: 2, DueDate: date(2026, 3, 15), Days: 28, Principal: 0, Interest: 28000},
		{No: 3, DueDate: date(2026, 4, 15), Days: 31, Principal: amount, Interest: 31000},
	}
	disbursed = lending.LoanDisbursed{LoanID: loanID, Amount: amount, DisbursedOn: date(2026, 1, 15), Method: lending.InterestOnly, Schedule: schedule, At: t0}
	// The first instalment falls overdue at the end of 15 February in Shanghai.
	overdueAt = time.Date(2026, 2, 15, 16, 0, 0, 0, time.UTC)
	overdue   = lending.LoanOverdue{LoanID: loanID, Instalment: 1, DueDate: date(2026, 2, 15), AmountDue: 31000, At: overdueAt}
	// 90 days later it may be declared in default; by then every instalment is due.
	defaultAt = overdueAt.AddDate(0, 0, 90)
	defaulted = lending.LoanDefaulted{
		LoanID: loanID, Borrower: borrower, Bank: bank, AssetID: assetID, AssetType: kernel.AssetLandManagementRight,
		RegistrationID: regID, PrincipalOutstanding: amount, InterestOutstanding: 90000, At: defaultAt,
	}
)

func history(events ...kernel.Event) []kernel.Event { return events }

func TestApplyForLoan(t *testing.T) {
	withApp := func(f func(*lending.ApplyForLoan)) lending.ApplyForLoan {
		c := application()
		f(&c)
		return c
	}
	decidertest.Run(t, lending.Decider, registry(), t0, []decidertest.Case[lending.Command]{
		{Name: "the tier of the borrower's credential applies (rule 23)", When: application(), Then: history(applied)},
		{Name: "a borrower without credentials gets the lower tier", When: withApp(func(c *lending.ApplyForLoan) {
			c.Credential, c.Amount, c.TermMonths = "NONE", kernel.Yuan(30000), 12
		}), Then: history(appliedWith(func(e *lending.LoanApplied) {
			e.Credential, e.Tier, e.Amount, e.TermMonths = "NONE", noCred, kernel.Yuan(30000), 12
		}))},
		{Name: "the rights end date is kept as a calendar date", When: withApp(func(c *lending.ApplyForLoan) {
			c.Collateral.RightsEndDate = time.Date(2030, 12, 31, 15, 0, 0, 0, time.UTC) // 23:00 in Shanghai
		}), Then: history(applied)},
		{Name: "credential without a tier is refused", When: withApp(func(c *lending.ApplyForLoan) { c.Credential = "ORGANIC" }), WantCode: lending.CodeNoTierForCredential},
		{Name: "amount above the tier's credit line is refused (rule 23)", When: withApp(func(c *lending.ApplyForLoan) {
			c.Credential, c.Amount, c.TermMonths = "NONE", kernel.Yuan(30000)+1, 12
		}), WantCode: lending.CodeCreditLineExceeded},
		{Name: "term above the tier's maximum is refused (rule 23)", When: withApp(func(c *lending.ApplyForLoan) {
			c.Credential, c.Amount, c.TermMonths = "NONE", kernel.Yuan(1000), 13
		}), WantCode: lending.CodeTermExceedsProduct},
		{Name: "a withdrawn product is refused", When: withApp(func(c *lending.ApplyForLoan) { c.Product.Active = false }), WantCode: lending.CodeProductWithdrawn},
		{Name: "another bank's product is refused", When: withApp(func(c *lending.ApplyForLoan) { c.Product.Bank = otherBank }), WantCode: kernel.CodeInvalid},
		{Name: "collective land ownership cannot be collateral", When: withApp(func(c *lending.ApplyForLoan) {
			c.Collateral.AssetType = kernel.AssetCollectiveLandOwner
		}), WantCode: kernel.CodeInvalid},
		{Name: "the right's end date is required", When: withApp(func(c *lending.ApplyForLoan) { c.Collateral.RightsEndDate = time.Time{} }), WantCode: kernel.CodeInvalid},
		{Name: "zero amount is refused", When: withApp(func(c *lending.ApplyForLoan) { c.Amount = 0 }), WantCode: kernel.CodeInvalid},
		{Name: "unknown method is refused", When: withApp(func(c *lending.ApplyForLoan) { c.Method = "BALLOON" }), WantCode: kernel.CodeInvalid},
		{Name: "applying twice is refused", Given: history(applied), When: application(), WantCode: kernel.CodeInvalidState},
		{Name: "rule 18: a loan secured by shares may run the cooperative's 12 months", When: withApp(func(c *lending.ApplyForLoan) {
			c.Collateral, c.TermMonths = shares, 12
		}), Then: history(appliedWith(func(e *lending.LoanApplied) { e.Collateral, e.TermMonths = shares, 12 }))},
		{Name: "rule 18: a loan secured by shares for 13 months is refused", When: withApp(func(c *lending.ApplyForLoan) {
			c.Collateral, c.TermMonths = shares, 13
		}), WantCode: lending.CodePledgedLoanTermExceeded},
		{Name: "rule 18: a loan secured by shares needs the cooperative's pledged-loan term", When: withApp(func(c *lending.ApplyForLoan) {
			c.Collateral, c.TermMonths = shares, 12
			c.Collateral.MaxTermMonths = 0
		}), WantCode: kernel.CodeInvalid},
	})
}

// shares is a member's cooperative shares as collateral: the cooperative
// allows loans of 12 months against pledged shares (rule 18).
var shares = lending.Collateral{AssetID: assetID, AssetType: kernel.AssetCollectiveShares, RightsEndDate: date(2029, 1, 15), MaxTermMonths: 12}

func TestValueAndApprove(t *testing.T) {
	approve := func(a kernel.Money) lending.ApproveLoan {
		return lending.ApproveLoan{LoanID: loanID, By: bank, Amount: a}
	}
	// The right ends exactly three months after the application date: the loan
	// may mature on that day but not later.
	shortRight := appliedWith(func(e *lending.LoanApplied) { e.Collateral.RightsEndDate = date(2026, 4, 15) })
	decidertest.Run(t, lending.Decider, registry(), t0, []decidertest.Case[lending.Command]{
		{Name: "the bank records the appraisal", Given: history(applied),
			When: lending.ValueCollateral{LoanID: loanID, By: bank, Value: kernel.Yuan(80000), Appraiser: appraiser}, Then: history(valued)},
		{Name: "a revaluation replaces the value", Given: history(applied, valued),
			When: lending.ValueCollateral{LoanID: loanID, By: bank, Value: kernel.Yuan(70000), Appraiser: appraiser},
			Then: history(lending.CollateralValued{LoanID: loanID, Value: kernel.Yuan(70000), Appraiser: appraiser, At: t0})},
		{Name: "another bank may not value the loan", Given: history(applied),
			When: lending.ValueCollateral{LoanID: loanID, By: otherBank, Value: kernel.Yuan(80000), Appraiser: appraiser}, WantCode: kernel.CodeForbidden},
		{Name: "valuing an unknown loan is refused",
			When: lending.ValueCollateral{LoanID: loanID, By: bank, Value: kernel.Yuan(80000), Appraiser: appraiser}, WantCode: kernel.CodeNotFound},
		{Name: "approval before valuation is refused", Given: history(applied), When: approve(amount), WantCode: lending.CodeNotValued},
		{Name: "approval within loan-to-value (rule 22)", Given: history(applied, valued), When: approve(amount), Then: history(approved)},
		{Name: "approval exactly at loan-to-value × appraised value", Given: history(applied, valued,
			lending.CollateralValued{LoanID: loanID, Value: 2 * amount, Appraiser: appraiser, At: t0}),
			When: approve(amount), Then: history(lending.LoanApproved{LoanID: loanID, Amount: amount, TermMonths: 3, AnnualRateBP: 1000, MaxByLTV: amount, MaturesOn: date(2026, 4, 15), At: t0})},
		{Name: "one fen above loan-to-value is refused (rule 22)", Given: history(applied,
			lending.CollateralValued{LoanID: loanID, Value: 2*amount - 1, Appraiser: appraiser, At: t0}),
			When: approve(amount), WantCode: lending.CodeLTVExceeded},
		{Name: "more than requested is refused", Given: history(applied, valued), When: approve(amount + 1), WantCode: kernel.CodeInvalid},
		{Name: "a loan maturing on the right's end date is approved (rule 9)", Given: history(shortRight, valued), When: approve(amount),
			Then: history(approved)},
		{Name: "a loan maturing after the right ends is refused (rule 9)", Given: history(shortRight, valued), When: approve(amount),
			Now: t0.AddDate(0, 0, 1), WantCode: lending.CodeTermExceedsRight},
		{Name: "a transferee that has not paid its rent is refused (rule 9)", Given: history(appliedWith(func(e *lending.LoanApplied) {
			e.Collateral.RentPaidAsAgreed = false
		}), valued), When: approve(amount), WantCode: lending.CodeRentNotPaid},
		{Name: "the rent rule does not apply to a contracting household", Given: history(appliedWith(func(e *lending.LoanApplied) {
			e.Collateral.BorrowerIsTransferee, e.Collateral.RentPaidAsAgreed, e.Collateral.ContractorConsent = false, false, false
		}), valued), When: approve(amount), Then: history(approved)},
		{Name: "a transferee without the contractor's consent is refused (rule 7)", Given: history(appliedWith(func(e *lending.LoanApplied) {
			e.Collateral.ContractorConsent = false
		}), valued), When: approve(amount), WantCode: lending.CodeConsentRequired},
		{Name: "another bank may not approve", Given: history(applied, valued), When: lending.ApproveLoan{LoanID: loanID, By: otherBank, Amount: amount}, WantCode: kernel.CodeForbidden},
		{Name: "approving twice is refused", Given: history(applied, valued, approved), When: approve(amount), WantCode: kernel.CodeInvalidState},
		{Name: "the bank rejects an application", Given: history(applied, valued), When: lending.RejectLoan{LoanID: loanID, By: bank, Reason: "income unproven"},
			Then: history(lending.LoanRejected{LoanID: loanID, Reason: "income unproven", At: t0})},
		{Name: "an approved loan cannot be rejected", Given: history(applied, valued, approved), When: lending.RejectLoan{LoanID: loanID, By: bank}, WantCode: kernel.CodeInvalidState},
		{Name: "a rejected loan cannot be approved", Given: history(applied, valued, lending.LoanRejected{LoanID: loanID, At: t0}), When: approve(amount), WantCode: kernel.CodeInvalidState},
	})
}

func TestRegisterAndDisburse(t *testing.T) {
	disburse := lending.DisburseLoan{LoanID: loanID, By: bank}
	shortRight := appliedWith(func(e *lending.LoanApplied) { e.Collateral.RightsEndDate = date(2026, 4, 20) })
	sharesLoan := appliedWith(func(e *lending.LoanApplied) { e.Collateral = shares })
	decidertest.Run(t, lending.Decider, registry(), t0, []decidertest.Case[lending.Command]{
		{Name: "the registry's registration is recorded", Given: history(applied, valued, approved),
			When: lending.RecordCollateralRegistered{LoanID: loanID, RegistrationID: regID}, Then: history(registered)},
		{Name: "registration before approval is refused", Given: history(applied, valued),
			When: lending.RecordCollateralRegistered{LoanID: loanID, RegistrationID: regID}, WantCode: kernel.CodeInvalidState},
		{Name: "registration needs its id", Given: history(applied, valued, approved),
			When: lending.RecordCollateralRegistered{LoanID: loanID}, WantCode: kernel.CodeInvalid},
		{Name: "disbursement before the collateral is registered is refused (rule 22)", Given: history(applied, valued, approved),
			When: disburse, WantCode: lending.CodeCollateralNotRegistered},
		{Name: "disbursement fixes the schedule from the disbursement date", Given: history(applied, valued, approved, registered),
			When: disburse, Then: history(disbursed)},
		{Name: "a late disbursement that would outrun the right is refused (rule 9)", Given: history(shortRight, valued, approved, registered),
			When: disburse, Now: time.Date(2026, 2, 1, 2, 0, 0, 0, time.UTC), WantCode: lending.CodeTermExceedsRight},
		{Name: "another bank may not disburse", Given: history(applied, valued, approved, registered),
			When: lending.DisburseLoan{LoanID: loanID, By: otherBank}, WantCode: kernel.CodeForbidden},
		{Name: "disbursing twice is refused", Given: history(applied, valued, approved, registered, disbursed),
			When: disburse, WantCode: kernel.CodeInvalidState},
		{Name: "rule 18: a shares loan whose pledge the cooperative did not record is not disbursed",
			Given: history(sharesLoan, valued, approved, registered), When: disburse, WantCode: lending.CodePledgeNotRecorded},
		{Name: "rule 18: a shares loan is disbursed once the cooperative recorded the pledge",
			Given: history(sharesLoan, valued, approved, registered),
			When:  lending.DisburseLoan{LoanID: loanID, By: bank, SharesPledged: true}, Then: history(disbursed)},
	})
}

var live = history(applied, valued, approved, registered, disbursed)

func TestRepayLoan(t *testing.T) {
	repay := func(a kernel.Money) lending.RepayLoan { return lending.RepayLoan{LoanID: loanID, Amount: a} }
	received := func(a, outstanding kernel.Money, at time.Time, allocs ...lending.Allocation) lending.LoanRepaymentReceived {
		return lending.LoanRepaymentReceived{LoanID: loanID, Amount: a, Allocations: allocs, PrincipalOutstanding: outstanding, At: at}
	}
	repaid := lending.LoanRepaid{LoanID: loanID, Borrower: borrower, Bank: bank, AssetID: assetID, RegistrationID: regID, At: t0}
	late := time.Date(2026, 2, 20, 2, 0, 0, 0, time.UTC)
	decidertest.Run(t, lending.Decider, registry(), t0, []decidertest.Case[lending.Command]{
		{Name: "a part payment goes to the first instalment's interest", Given: live, When: repay(20000),
			Then: history(received(20000, amount, t0, lending.Allocation{Instalment: 1, Interest: 20000}))},
		{Name: "a payment beyond the due instalment pays the next one early", Given: live, When: repay(40000),
			Then: history(received(40000, amount, t0, lending.Allocation{Instalment: 1, Interest: 31000}, lending.Allocation{Instalment: 2, Interest: 9000}))},
		{Name: "interest before principal within an instalment", Given: history(append(live,
			received(59000, amount, t0, lending.Allocation{Instalment: 1, Interest: 31000}, lending.Allocation{Instalment: 2, Interest: 28000}))...),
			When: repay(31000 + 100), Then: history(received(31100, amount-100, t0, lending.Allocation{Instalment: 3, Interest: 31000, Principal: 100}))},
		{Name: "paying everything repays the loan (rule 22)", Given: live, When: repay(amount + 90000),
			Then: history(received(amount+90000, 0, t0,
				lending.Allocation{Instalment: 1, Interest: 31000}, lending.Allocation{Instalment: 2, Interest: 28000},
				lending.Allocation{Instalment: 3, Interest: 31000, Principal: amount}), repaid)},
		{Name: "overpayment is refused", Given: live, When: repay(amount + 90000 + 1), WantCode: lending.CodeOverpayment},
		{Name: "a zero payment is refused", Given: live, When: repay(0), WantCode: kernel.CodeInvalid},
		{Name: "repayment before disbursement is refused", Given: history(applied, valued, approved, registered), When: repay(100), WantCode: kernel.CodeInvalidState},
		{Name: "a repaid loan takes no more payments", Given: history(append(live,
			received(amount+90000, 0, t0, lending.Allocation{Instalment: 1, Interest: 31000}, lending.Allocation{Instalment: 2, Interest: 28000},
				lending.Allocation{Instalment: 3, Interest: 31000, Principal: amount}), repaid)...),
			When: repay(1), WantCode: kernel.CodeInvalidState},
		{Name: "paying the overdue instalment cures the overdue", Given: history(append(live, overdue)...), When: repay(31000), Now: late,
			Then: history(received(31000, amount, late, lending.Allocation{Instalment: 1, Interest: 31000}), lending.LoanOverdueCured{LoanID: loanID, At: late})},
		{Name: "a part payment leaves the loan overdue", Given: history(append(live, overdue)...), When: repay(30999), Now: late,
			Then: history(received(30999, amount, late, lending.Allocation{Instalment: 1, Interest: 30999}))},
	})
}

func TestOverdueAndDefault(t *testing.T) {
	// A product whose loans may default one day after an instalment falls overdue.
	quick := appliedWith(func(e *lending.LoanApplied) { e.Product.Terms.DefaultAfterDaysOverdue = 1 })
	quickDefault := overdueAt.AddDate(0, 0, 1)
	decidertest.Run(t, lending.Decider, registry(), t0, []decidertest.Case[lending.Command]{
		{Name: "an instalment is not overdue during its due date", Given: live, When: lending.MarkOverdue{LoanID: loanID},
			Now: overdueAt.Add(-time.Nanosecond), WantCode: lending.CodeNotYetDue},
		{Name: "an unpaid instalment is overdue after its due date (rule 22)", Given: live, When: lending.MarkOverdue{LoanID: loanID},
			Now: overdueAt, Then: history(overdue)},
		{Name: "marking an overdue loan overdue again is refused", Given: history(append(live, overdue)...), When: lending.MarkOverdue{LoanID: loanID},
			Now: overdueAt, WantCode: kernel.CodeInvalidState},
		{Name: "default before the configured days overdue is refused", Given: history(append(live, overdue)...), When: lending.DeclareDefault{LoanID: loanID},
			Now: defaultAt.Add(-time.Nanosecond), WantCode: lending.CodeNotYetDue},
		{Name: "default after the configured days overdue (rule 22)", Given: history(append(live, overdue)...), When: lending.DeclareDefault{LoanID: loanID},
			Now: defaultAt, Then: history(defaulted)},
		{Name: "only interest already due is claimed", Given: history(quick, valued, approved, registered, disbursed, overdue),
			When: lending.DeclareDefault{LoanID: loanID}, Now: quickDefault, Then: history(lending.LoanDefaulted{
				LoanID: loanID, Borrower: borrower, Bank: bank, AssetID: assetID, AssetType: kernel.AssetLandManagementRight,
				RegistrationID: regID, PrincipalOutstanding: amount, InterestOutstanding: 31000, At: quickDefault,
			})},
		{Name: "a loan on schedule cannot default", Given: live, When: lending.DeclareDefault{LoanID: loanID}, Now: defaultAt, WantCode: kernel.CodeInvalidState},
	})
}

var defaultedLoan = history(append(live, overdue, defaulted)...)

func TestRecoveryAndWriteOff(t *testing.T) {
	recovery := func(src lending.RecoverySource, a kernel.Money) lending.RecordRecovery {
		return lending.RecordRecovery{LoanID: loanID, Source: src, Amount: a}
	}
	sold := lending.LoanRecoveryRecorded{LoanID: loanID, Source: lending.RecoveryDisposal, Amount: 3000000, Principal: 3000000,
		PrincipalOutstanding: amount - 3000000, InterestOutstanding: 90000, At: t0}
	decidertest.Run(t, lending.Decider, registry(), t0, []decidertest.Case[lending.Command]{
		{Name: "disposal proceeds go to principal first", Given: defaultedLoan, When: recovery(lending.RecoveryDisposal, 3000000), Then: history(sold)},
		{Name: "a recovery beyond the principal goes to interest", Given: history(append(defaultedLoan, sold)...),
			When: recovery(lending.RecoveryFund, 700000), Then: history(lending.LoanRecoveryRecorded{LoanID: loanID, Source: lending.RecoveryFund,
				Amount: 700000, Principal: 650000, Interest: 50000, PrincipalOutstanding: 0, InterestOutstanding: 40000, At: t0})},
		{Name: "recovering the whole claim closes the loan as recovered (rule 22)", Given: history(append(defaultedLoan, sold)...),
			When: recovery(lending.RecoveryBorrower, 740000), Then: history(lending.LoanRecoveryRecorded{LoanID: loanID, Source: lending.RecoveryBorrower,
				Amount: 740000, Principal: 650000, Interest: 90000, At: t0}, lending.LoanRecovered{LoanID: loanID, At: t0})},
		{Name: "a recovery above the claim is refused", Given: history(append(defaultedLoan, sold)...),
			When: recovery(lending.RecoveryBorrower, 740001), WantCode: lending.CodeOverpayment},
		{Name: "an unknown source is refused", Given: defaultedLoan, When: recovery("LOTTERY", 1), WantCode: kernel.CodeInvalid},
		{Name: "recovery on a loan not in default is refused", Given: live, When: recovery(lending.RecoveryDisposal, 1), WantCode: kernel.CodeInvalidState},
		{Name: "the bank writes off what is left (rule 22)", Given: history(append(defaultedLoan, sold)...), When: lending.WriteOff{LoanID: loanID, By: bank},
			Then: history(lending.LoanWrittenOff{LoanID: loanID, Principal: 650000, Interest: 90000, At: t0})},
		{Name: "another bank may not write off", Given: defaultedLoan, When: lending.WriteOff{LoanID: loanID, By: otherBank}, WantCode: kernel.CodeForbidden},
		{Name: "a loan on schedule cannot be written off", Given: live, When: lending.WriteOff{LoanID: loanID, By: bank}, WantCode: kernel.CodeInvalidState},
	})
}

func TestNetPrincipalLossIgnoresTheFund(t *testing.T) {
	s := lending.Decider.Fold(history(append(defaultedLoan,
		lending.LoanRecoveryRecorded{LoanID: loanID, Source: lending.RecoveryDisposal, Amount: 3000000, Principal: 3000000,
			PrincipalOutstanding: 650000, InterestOutstanding: 90000, At: t0},
		lending.LoanRecoveryRecorded{LoanID: loanID, Source: lending.RecoveryFund, Amount: 130000, Principal: 130000,
			PrincipalOutstanding: 520000, InterestOutstanding: 90000, At: t0},
		lending.LoanRecoveryRecorded{LoanID: loanID, Source: lending.RecoveryBorrower, Amount: 20000, Principal: 20000,
			PrincipalOutstanding: 500000, InterestOutstanding: 90000, At: t0})...))
	if got := s.NetPrincipalLoss(); got != amount-3000000-20000 {
		t.Errorf("net principal loss %d, want %d", got, amount-3000000-20000)
	}
	if s.ClaimPrincipal != 500000 || s.Recoveries != 3150000 {
		t.Errorf("claim principal %d, recoveries %d", s.ClaimPrincipal, s.Recoveries)
	}
}

func TestNextDue(t *testing.T) {
	tests := []struct {
		name   string
		events []kernel.Event
		want   lending.Command
		at     time.Time
	}{
		{"nothing before disbursement", history(applied, valued, approved, registered), nil, time.Time{}},
		{"the first instalment's overdue check", live, lending.MarkOverdue{LoanID: loanID}, overdueAt},
		{"default after the configured days overdue", history(append(live, overdue)...), lending.DeclareDefault{LoanID: loanID}, defaultAt},
		{"nothing after default", defaultedLoan, nil, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cmd, at, ok := lending.Decider.Fold(tc.events).NextDue()
			if ok != (tc.want != nil) || cmd != tc.want || !at.Equal(tc.at) {
				t.Fatalf("NextDue() = %v, %s, %v; want %v, %s", cmd, at, ok, tc.want, tc.at)
			}
		})
	}
}

func TestStateAfterPayments(t *testing.T) {
	s := lending.Decider.Fold(live)
	events, err := lending.Decide(s, lending.RepayLoan{LoanID: loanID, Amount: 59000 + 31000 + 1000}, t0)
	if err != nil {
		t.Fatal(err)
	}
	before := s.Schedule[0]
	s = lending.Decider.Fold(append(live, events...))
	if got := s.PrincipalOutstanding(); got != amount-1000 {
		t.Errorf("principal outstanding %d, want %d", got, amount-1000)
	}
	if got := s.TotalOwed(); got != amount-1000 {
		t.Errorf("total owed %d, want %d", got, amount-1000)
	}
	if got := s.OldestUnpaid(); got != 2 {
		t.Errorf("oldest unpaid %d, want 2", got)
	}
	if before.PaidInterest != 0 {
		t.Error("folding a payment changed an earlier state's schedule")
	}
}

// TestRepaymentsAlwaysRepay pays random amounts until nothing is owed: every
// payment's allocations add up to it, and the loan ends repaid having received
// exactly the schedule's total.
func TestRepaymentsAlwaysRepay(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 200 {
		events := live
		s := lending.Decider.Fold(events)
		total := s.TotalOwed()
		var paid kernel.Money
		for s.Status != lending.StatusRepaid {
			pay := min(kernel.Money(1+rng.Int64N(int64(s.TotalOwed()))), kernel.Money(1+rng.Int64N(100000)))
			got, err := lending.Decide(s, lending.RepayLoan{LoanID: loanID, Amount: pay}, t0)
			if err != nil {
				t.Fatal(err)
			}
			var sum kernel.Money
			for _, a := range got[0].(lending.LoanRepaymentReceived).Allocations {
				sum += a.Interest + a.Principal
			}
			if sum != pay {
				t.Fatalf("allocations sum to %d, paid %d", sum, pay)
			}
			paid += pay
			for _, e := range got {
				s = lending.Evolve(s, e)
			}
		}
		if paid != total {
			t.Fatalf("repaid after %d, schedule total %d", paid, total)
		}
	}
}
