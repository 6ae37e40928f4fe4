package lending_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
	"github.com/nongjiao/nongjiao/internal/lending"
)

// The boundaries of rules 18, 22 and 23 one unit either side: the shortest
// terms, the interest an instalment falling overdue exactly at default adds to
// the claim, and amounts of nothing.
func TestLoanBoundaries(t *testing.T) {
	withApp := func(f func(*lending.ApplyForLoan)) lending.ApplyForLoan {
		c := application()
		f(&c)
		return c
	}
	shares := lending.Collateral{AssetID: assetID, AssetType: kernel.AssetCollectiveShares, RightsEndDate: date(2029, 1, 15), MaxTermMonths: 1}
	// Default 59 days after the first instalment fell overdue is the instant
	// the last instalment falls overdue: its interest is claimed too.
	early := appliedWith(func(e *lending.LoanApplied) { e.Product.Terms.DefaultAfterDaysOverdue = 59 })
	lastOverdue := time.Date(2026, 4, 15, 16, 0, 0, 0, time.UTC)
	earlyDefault := defaulted
	earlyDefault.At = lastOverdue
	decidertest.Run(t, lending.Decider, registry(), t0, []decidertest.Case[lending.Command]{
		{Name: "a one-month term is the shortest", When: withApp(func(c *lending.ApplyForLoan) { c.TermMonths = 1 }),
			Then: history(appliedWith(func(e *lending.LoanApplied) { e.TermMonths = 1 }))},
		{Name: "a term of no months is refused", When: withApp(func(c *lending.ApplyForLoan) { c.TermMonths = 0 }), WantCode: kernel.CodeInvalid},
		{Name: "a shares loan may run exactly the cooperative's one month (rule 18)",
			When: withApp(func(c *lending.ApplyForLoan) { c.TermMonths, c.Collateral = 1, shares }),
			Then: history(appliedWith(func(e *lending.LoanApplied) { e.TermMonths, e.Collateral = 1, shares }))},
		{Name: "an application needs its borrower", When: withApp(func(c *lending.ApplyForLoan) { c.Borrower = uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "a valuation of nothing is refused", Given: history(applied),
			When: lending.ValueCollateral{LoanID: loanID, By: bank, Value: 0, Appraiser: appraiser}, WantCode: kernel.CodeInvalid},
		{Name: "approving nothing is refused", Given: history(applied, valued),
			When: lending.ApproveLoan{LoanID: loanID, By: bank, Amount: 0}, WantCode: kernel.CodeInvalid},
		{Name: "a recovery of nothing is refused", Given: history(applied, valued, approved, registered, disbursed, overdue, defaulted),
			When: lending.RecordRecovery{LoanID: loanID, Source: lending.RecoveryDisposal, Amount: 0}, WantCode: kernel.CodeInvalid},
		{Name: "an instalment falling overdue at the instant of default adds its interest to the claim (rule 22)",
			Given: history(early, valued, approved, registered, disbursed, overdue), When: lending.DeclareDefault{LoanID: loanID},
			Now: lastOverdue, Then: history(earlyDefault)},
		{Name: "a nanosecond earlier the loan is not yet in default",
			Given: history(early, valued, approved, registered, disbursed, overdue), When: lending.DeclareDefault{LoanID: loanID},
			Now: lastOverdue.Add(-time.Nanosecond), WantCode: lending.CodeNotYetDue},
	})
}

// The limits of a product's terms and of a schedule, each at its edge and
// one unit past it (rule 23).
func TestProductAndScheduleLimits(t *testing.T) {
	tier := func(f func(*lending.Tier)) lending.Terms {
		tr := lending.Tier{Credential: "X", CreditLine: kernel.Yuan(1000), MaxTermMonths: 12, AnnualRateBP: 500}
		f(&tr)
		return lending.Terms{LTVBP: 5000, DefaultAfterDaysOverdue: 90, Tiers: []lending.Tier{tr}}
	}
	withTerms := func(f func(*lending.Terms)) lending.Terms {
		tt := tier(func(*lending.Tier) {})
		f(&tt)
		return tt
	}
	for name, c := range map[string]struct {
		terms lending.Terms
		ok    bool
	}{
		"a loan-to-value of one basis point":      {withTerms(func(t *lending.Terms) { t.LTVBP = 1 }), true},
		"a loan-to-value of nothing":              {withTerms(func(t *lending.Terms) { t.LTVBP = 0 }), false},
		"a loan-to-value of the whole value":      {withTerms(func(t *lending.Terms) { t.LTVBP = 10000 }), true},
		"default one day overdue":                 {withTerms(func(t *lending.Terms) { t.DefaultAfterDaysOverdue = 1 }), true},
		"default on the day it falls overdue":     {withTerms(func(t *lending.Terms) { t.DefaultAfterDaysOverdue = 0 }), false},
		"a credit line of a fen":                  {tier(func(t *lending.Tier) { t.CreditLine = 1 }), true},
		"a credit line of nothing":                {tier(func(t *lending.Tier) { t.CreditLine = 0 }), false},
		"a credit line of a trillion yuan":        {tier(func(t *lending.Tier) { t.CreditLine = kernel.Yuan(1_000_000_000_000) }), true},
		"a credit line a fen above a trillion":    {tier(func(t *lending.Tier) { t.CreditLine = kernel.Yuan(1_000_000_000_000) + 1 }), false},
		"a maximum term of one month":             {tier(func(t *lending.Tier) { t.MaxTermMonths = 1 }), true},
		"a maximum term of no months":             {tier(func(t *lending.Tier) { t.MaxTermMonths = 0 }), false},
		"a maximum term of 30 years":              {tier(func(t *lending.Tier) { t.MaxTermMonths = 360 }), true},
		"a maximum term a month above 30 years":   {tier(func(t *lending.Tier) { t.MaxTermMonths = 361 }), false},
		"no interest":                             {tier(func(t *lending.Tier) { t.AnnualRateBP = 0 }), true},
		"a negative rate":                         {tier(func(t *lending.Tier) { t.AnnualRateBP = -1 }), false},
		"a rate of 100 % a year":                  {tier(func(t *lending.Tier) { t.AnnualRateBP = 10000 }), true},
		"a rate a basis point above 100 % a year": {tier(func(t *lending.Tier) { t.AnnualRateBP = 10001 }), false},
	} {
		_, err := lending.DecideProduct(lending.ProductState{}, lending.DefineLoanProduct{ProductID: productID, By: bank, Name: "p", Terms: c.terms}, t0)
		if (err == nil) != c.ok || (err != nil && kernel.ErrorCode(err) != kernel.CodeInvalid) {
			t.Errorf("%s: %v, want accepted %v", name, err, c.ok)
		}
	}
	if _, err := lending.DecideProduct(lending.ProductState{}, lending.DefineLoanProduct{ProductID: productID, By: bank, Terms: terms}, t0); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Errorf("a product without a name: %v", err)
	}

	start := date(2026, 1, 15)
	for name, c := range map[string]struct {
		principal kernel.Money
		rate      int
		ok        bool
	}{
		"a trillion yuan":                  {kernel.Yuan(1_000_000_000_000), 500, true},
		"a fen above a trillion yuan":      {kernel.Yuan(1_000_000_000_000) + 1, 500, false},
		"100 % a year":                     {kernel.Yuan(1000), 10000, true},
		"a basis point above 100 % a year": {kernel.Yuan(1000), 10001, false},
	} {
		_, err := lending.BuildSchedule(c.principal, c.rate, 12, start, lending.InterestOnly)
		if (err == nil) != c.ok {
			t.Errorf("a schedule of %s: %v, want accepted %v", name, err, c.ok)
		}
	}
	if _, err := lending.BuildSchedule(kernel.Yuan(1000), 500, 360, start, lending.EqualPrincipal); err != nil {
		t.Errorf("a 30-year schedule: %v", err)
	}
}
