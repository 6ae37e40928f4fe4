package collateral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// The boundaries of rules 8, 20, 21 and 31 in the registry: a notice's term
// ending at the instant of filing or of an amendment, and a nanosecond
// later; who a notice names; what it may secure; amounts of nothing.
func TestNoticeBoundaries(t *testing.T) {
	withCmd := func(f func(*collateral.RegisterCollateral)) collateral.RegisterCollateral {
		c := registerCmd()
		f(&c)
		return c
	}
	justAfter := t0.Add(time.Nanosecond)
	amend := func(f func(*collateral.AmendCollateral)) collateral.AmendCollateral {
		c := collateral.AmendCollateral{RegistrationID: reg1, By: bank1, Reason: "loan restructured"}
		f(&c)
		return c
	}
	sharePledge := collateral.CollateralRegistered{RegistrationID: reg1, Number: "DJ-2026-000123", Grantor: contractor, SecuredParty: bank1,
		Collateral:    collateral.Collateral{Kind: collateral.KindSharePledge, Asset: coopID, Member: contractor, Shares: 40},
		SecuredAmount: kernel.Yuan(500_000), Start: start, End: end, At: t0}
	secure := collateral.SecureLoan{RegistrationID: reg1, LoanID: loan1, Bank: bank1, Borrower: transferee, Asset: asset, Amount: kernel.Yuan(100_000), Waiting: true}
	run(t, t0, []decidertest.Case[collateral.Command]{
		{Name: "rule 20: a notice ending at the instant it is filed is refused", When: withCmd(func(c *collateral.RegisterCollateral) { c.End = t0 }), WantCode: kernel.CodeInvalid},
		{Name: "rule 20: a notice ending a nanosecond after it is filed is registered", When: withCmd(func(c *collateral.RegisterCollateral) { c.End = justAfter }),
			Then: []kernel.Event{func() kernel.Event { e := registered().(collateral.CollateralRegistered); e.End = justAfter; return e }()}},
		{Name: "rule 20: a notice ending at its start is refused", When: withCmd(func(c *collateral.RegisterCollateral) { c.Start, c.End = justAfter, justAfter }), WantCode: kernel.CodeInvalid},
		{Name: "rule 20: a notice names its registration", When: withCmd(func(c *collateral.RegisterCollateral) { c.RegistrationID = uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "rule 20: a notice names its secured party", When: withCmd(func(c *collateral.RegisterCollateral) { c.SecuredParty, c.By = uuid.Nil, uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "rule 20: the grantor does not secure itself", When: withCmd(func(c *collateral.RegisterCollateral) { c.Grantor = bank1 }), WantCode: kernel.CodeInvalid},
		{Name: "rule 20: a notice names its collateral", When: withCmd(func(c *collateral.RegisterCollateral) { c.Collateral.Asset = uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "rule 20: a mortgage does not name shares", When: withCmd(func(c *collateral.RegisterCollateral) { c.Collateral.Shares = 1 }), WantCode: kernel.CodeInvalid},
		{Name: "rule 20: a share pledge names the member", When: withCmd(func(c *collateral.RegisterCollateral) {
			c.Collateral = collateral.Collateral{Kind: collateral.KindSharePledge, Asset: coopID, Shares: 40}
		}), WantCode: kernel.CodeInvalid},
	})
	run(t, t1, []decidertest.Case[collateral.Command]{
		{Name: "rule 21: an amendment ending the notice at its instant is refused", Given: []kernel.Event{registered()},
			When: amend(func(c *collateral.AmendCollateral) { c.End = t1 }), WantCode: kernel.CodeInvalid},
		{Name: "rule 21: an amendment ending it a nanosecond later is recorded", Given: []kernel.Event{registered()},
			When: amend(func(c *collateral.AmendCollateral) { c.End = t1.Add(time.Nanosecond) }),
			Then: []kernel.Event{collateral.CollateralAmended{RegistrationID: reg1, By: bank1, Grantor: transferee, SecuredParty: bank1,
				SecuredAmount: kernel.Yuan(500_000), End: t1.Add(time.Nanosecond), Consent: consent, Reason: "loan restructured", At: t1}}},
		{Name: "rule 21: a negative secured amount is refused", Given: []kernel.Event{registered()},
			When: amend(func(c *collateral.AmendCollateral) { c.SecuredAmount, c.SecuredParty = -1, bank2 }), WantCode: kernel.CodeInvalid},
		{Name: "rule 31: releasing a loan needs a reason", Given: []kernel.Event{registered()},
			When: collateral.ReleaseLoan{RegistrationID: reg1, LoanID: loan1}, WantCode: kernel.CodeInvalid},
		{Name: "rule 21: the grantor is not made the secured party", Given: []kernel.Event{registered()},
			When: amend(func(c *collateral.AmendCollateral) { c.SecuredParty = transferee }), WantCode: kernel.CodeInvalid},
		{Name: "rule 31: a share pledge's grantor stays the member", Given: []kernel.Event{sharePledge},
			When: amend(func(c *collateral.AmendCollateral) { c.Grantor = stranger }), WantCode: kernel.CodeInvalid},
		{Name: "rule 31: a notice secures a loan of some amount", Given: []kernel.Event{registered()},
			When: func() collateral.SecureLoan { c := secure; c.Amount = 0; return c }(), WantCode: kernel.CodeInvalid},
		{Name: "rule 31: a notice secures a named loan", Given: []kernel.Event{registered()},
			When: func() collateral.SecureLoan { c := secure; c.LoanID = uuid.Nil; return c }(), WantCode: kernel.CodeInvalid},
	})
}

// Rule 8's distribution refuses negative money, and the search by number
// finds the first registration as well as any other.
func TestDistributionAndSearchEdges(t *testing.T) {
	if _, err := collateral.Distribute(-1, contractor, nil); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Errorf("negative proceeds: %v", err)
	}
	if _, err := collateral.Distribute(0, contractor, []collateral.Claim{{Registration: reg1, SecuredParty: bank1, Amount: -1}}); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Errorf("a negative claim: %v", err)
	}
	if got, err := collateral.Distribute(0, contractor, []collateral.Claim{{Registration: reg1, SecuredParty: bank1, Amount: 0}}); err != nil || len(got) != 1 || got[0].Amount != 0 {
		t.Errorf("nothing to pay a claim of nothing: %v, %v", got, err)
	}
	regs := []collateral.State{collateral.Decider.Fold([]kernel.Event{registered()})}
	if got, ok := collateral.ByNumber(regs, "DJ-2026-000123"); !ok || got.ID != reg1 {
		t.Errorf("the first registration by number: %v, %v", got.ID, ok)
	}
}
