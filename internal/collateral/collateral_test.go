package collateral_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

var (
	t0         = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	start      = time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC) // 2 March in Shanghai
	end        = start.AddDate(3, 0, 0)
	reg1       = uuid.MustParse("10000000-0000-4000-8000-000000000001")
	reg2       = uuid.MustParse("10000000-0000-4000-8000-000000000002")
	reg3       = uuid.MustParse("10000000-0000-4000-8000-000000000003")
	bank1      = uuid.MustParse("ba000000-0000-4000-8000-000000000001")
	bank2      = uuid.MustParse("ba000000-0000-4000-8000-000000000002")
	contractor = uuid.MustParse("c0000000-0000-4000-8000-000000000001") // the contracting household
	transferee = uuid.MustParse("7e000000-0000-4000-8000-000000000001") // holds the management right by transfer
	stranger   = uuid.MustParse("5e000000-0000-4000-8000-000000000001")
	asset      = uuid.MustParse("a5000000-0000-4000-8000-000000000001")
	asset2     = uuid.MustParse("a5000000-0000-4000-8000-000000000002")
	coopID     = uuid.MustParse("c0000000-0000-4000-8000-0000000000c0")
	consentID  = uuid.MustParse("c5000000-0000-4000-8000-000000000001")
	loan1      = uuid.MustParse("10a00000-0000-4000-8000-000000000001")
	loan2      = uuid.MustParse("10a00000-0000-4000-8000-000000000002")
	loan3      = uuid.MustParse("10a00000-0000-4000-8000-000000000003")
)

func registry() *kernel.Registry {
	r := kernel.NewRegistry()
	collateral.RegisterEvents(r)
	return r
}

func run(t *testing.T, now time.Time, cases []decidertest.Case[collateral.Command]) {
	t.Helper()
	decidertest.Run(t, collateral.Decider, registry(), now, cases)
}

var consent = &collateral.Consent{ConsentID: consentID, Contractor: contractor, Grantee: transferee, Reference: "同意书 2026-017"}

func mortgage(a uuid.UUID) collateral.Collateral {
	return collateral.Collateral{Kind: collateral.KindMortgage, Asset: a}
}

// registerCmd: bank1 mortgages the transferee's management right, with consent.
func registerCmd() collateral.RegisterCollateral {
	return collateral.RegisterCollateral{RegistrationID: reg1, By: bank1, Number: "DJ-2026-000123", Grantor: transferee,
		SecuredParty: bank1, Collateral: mortgage(asset), SecuredAmount: kernel.Yuan(500_000), Start: start, End: end,
		Contractor: contractor, Consent: consent, Holding: collateral.Holding{Holder: transferee, Until: end}}
}

func registered() kernel.Event {
	return collateral.CollateralRegistered{RegistrationID: reg1, Number: "DJ-2026-000123", Grantor: transferee,
		SecuredParty: bank1, Collateral: mortgage(asset), SecuredAmount: kernel.Yuan(500_000), Start: start, End: end,
		Consent: consent, At: t0}
}

var t1 = t0.AddDate(0, 6, 0)

// Rules 7 and 20: a notice names grantor, secured party, collateral, amount and
// term; a transferee's mortgage needs the contractor's consent.
func TestRegister(t *testing.T) {
	withCmd := func(f func(*collateral.RegisterCollateral)) collateral.RegisterCollateral {
		c := registerCmd()
		f(&c)
		return c
	}
	byContractor := collateral.CollateralRegistered{RegistrationID: reg1, Number: "DJ-2026-000123", Grantor: contractor,
		SecuredParty: bank1, Collateral: mortgage(asset), SecuredAmount: kernel.Yuan(500_000), Start: start, End: end, At: t0}
	pledge := collateral.Collateral{Kind: collateral.KindSharePledge, Asset: coopID, Member: contractor, Shares: 40}
	holdsShares := collateral.Holding{Holder: contractor, Shares: 40} // exactly the shares pledged
	run(t, t0, []decidertest.Case[collateral.Command]{
		{Name: "a transferee's mortgage with the contractor's recorded consent is registered",
			When: registerCmd(), Then: []kernel.Event{registered()}},
		{Name: "rule 31: an all-sums notice is filed with its maximum secured amount",
			When: withCmd(func(c *collateral.RegisterCollateral) { c.AllSums = true }),
			Then: []kernel.Event{func() kernel.Event { e := registered().(collateral.CollateralRegistered); e.AllSums = true; return e }()}},
		{Name: "the contractor mortgages its own management right without consent",
			When: withCmd(func(c *collateral.RegisterCollateral) {
				c.Grantor, c.Consent, c.Holding.Holder = contractor, nil, contractor
			}),
			Then: []kernel.Event{byContractor}},
		{Name: "a transferee's mortgage without consent is refused",
			When:     withCmd(func(c *collateral.RegisterCollateral) { c.Consent = nil }),
			WantCode: collateral.CodeWithoutConsent},
		{Name: "consent given by someone other than the contractor is refused",
			When: withCmd(func(c *collateral.RegisterCollateral) {
				c.Consent = &collateral.Consent{ConsentID: consentID, Contractor: stranger, Grantee: transferee, Reference: "x"}
			}),
			WantCode: collateral.CodeWithoutConsent},
		{Name: "consent given to another transferee is refused",
			When: withCmd(func(c *collateral.RegisterCollateral) {
				c.Consent = &collateral.Consent{ConsentID: consentID, Contractor: contractor, Grantee: stranger, Reference: "x"}
			}),
			WantCode: collateral.CodeWithoutConsent},
		{Name: "consent without a document reference is refused",
			When: withCmd(func(c *collateral.RegisterCollateral) {
				c.Consent = &collateral.Consent{ConsentID: consentID, Contractor: contractor, Grantee: transferee}
			}),
			WantCode: collateral.CodeWithoutConsent},
		{Name: "an asset with no contracting household needs no consent",
			When: withCmd(func(c *collateral.RegisterCollateral) {
				c.Grantor, c.Contractor, c.Consent, c.Holding.Holder = contractor, uuid.Nil, nil, contractor
			}),
			Then: []kernel.Event{byContractor}},
		{Name: "a member's share pledge is registered",
			When: withCmd(func(c *collateral.RegisterCollateral) {
				c.Grantor, c.Collateral, c.Contractor, c.Consent, c.Holding = contractor, pledge, uuid.Nil, nil, holdsShares
			}),
			Then: []kernel.Event{collateral.CollateralRegistered{RegistrationID: reg1, Number: "DJ-2026-000123", Grantor: contractor,
				SecuredParty: bank1, Collateral: pledge, SecuredAmount: kernel.Yuan(500_000), Start: start, End: end, At: t0}}},
		{Name: "rule 31: a mortgage whose grantor does not hold the right is refused",
			When:     withCmd(func(c *collateral.RegisterCollateral) { c.Holding.Holder = contractor }),
			WantCode: collateral.CodeGrantorNotHolder},
		{Name: "rule 31: a mortgage of a right held until a nanosecond after filing is registered",
			When: withCmd(func(c *collateral.RegisterCollateral) { c.Holding.Until = t0.Add(time.Nanosecond) }),
			Then: []kernel.Event{registered()}},
		{Name: "rule 31: a mortgage of a right whose holding ends at filing is refused",
			When:     withCmd(func(c *collateral.RegisterCollateral) { c.Holding.Until = t0 }),
			WantCode: collateral.CodeGrantorNotHolder},
		{Name: "rule 31: a mortgage of a right whose holding ended the day before is refused",
			When:     withCmd(func(c *collateral.RegisterCollateral) { c.Holding.Until = t0.AddDate(0, 0, -1) }),
			WantCode: collateral.CodeGrantorNotHolder},
		{Name: "rule 31: a share pledge by someone not on the register is refused",
			When: withCmd(func(c *collateral.RegisterCollateral) {
				c.Grantor, c.Collateral, c.Contractor, c.Consent, c.Holding = contractor, pledge, uuid.Nil, nil, collateral.Holding{Shares: 40}
			}),
			WantCode: collateral.CodeGrantorNotHolder},
		{Name: "rule 31: a share pledge of one share more than the member holds is refused",
			When: withCmd(func(c *collateral.RegisterCollateral) {
				c.Grantor, c.Collateral, c.Contractor, c.Consent, c.Holding = contractor, pledge, uuid.Nil, nil, holdsShares
				c.Collateral.Shares = 41
			}),
			WantCode: collateral.CodeSharesNotHeld},
		{Name: "a share pledge of someone else's shares is refused",
			When: withCmd(func(c *collateral.RegisterCollateral) {
				c.Grantor, c.Collateral, c.Contractor, c.Consent = stranger, pledge, uuid.Nil, nil
			}),
			WantCode: kernel.CodeInvalid},
		{Name: "a share pledge without shares is refused",
			When: withCmd(func(c *collateral.RegisterCollateral) {
				c.Grantor, c.Collateral = contractor, collateral.Collateral{Kind: collateral.KindSharePledge, Asset: coopID, Member: contractor}
			}),
			WantCode: kernel.CodeInvalid},
		{Name: "an unknown kind is refused",
			When:     withCmd(func(c *collateral.RegisterCollateral) { c.Collateral.Kind = "LIEN" }),
			WantCode: kernel.CodeInvalid},
		{Name: "only the secured party registers",
			When:     withCmd(func(c *collateral.RegisterCollateral) { c.By = bank2 }),
			WantCode: kernel.CodeForbidden},
		{Name: "a registration without a number is refused",
			When:     withCmd(func(c *collateral.RegisterCollateral) { c.Number = "" }),
			WantCode: kernel.CodeInvalid},
		{Name: "a secured amount must be positive",
			When:     withCmd(func(c *collateral.RegisterCollateral) { c.SecuredAmount = 0 }),
			WantCode: kernel.CodeInvalid},
		{Name: "a term that has already ended is refused",
			When:     withCmd(func(c *collateral.RegisterCollateral) { c.End = t0 }),
			WantCode: kernel.CodeInvalid},
		{Name: "a registration is filed once", Given: []kernel.Event{registered()},
			When: registerCmd(), WantCode: kernel.CodeInvalidState},
	})
}

// Rule 31: a notice secures one loan of its secured party to its grantor over
// its collateral, unless it is an all-sums notice, which secures several up
// to its maximum together; the notice is discharged when no loan it secures
// is outstanding.
func TestSecuredLoans(t *testing.T) {
	allSums := func() kernel.Event { // an all-sums notice for at most 500,000.00
		e := registered().(collateral.CollateralRegistered)
		e.AllSums = true
		return e
	}
	secure := func(loan uuid.UUID, amount kernel.Money) collateral.SecureLoan {
		return collateral.SecureLoan{RegistrationID: reg1, LoanID: loan, Bank: bank1, Borrower: transferee, Asset: asset, Amount: amount, Waiting: true}
	}
	secured := func(loan uuid.UUID, amount kernel.Money) kernel.Event {
		return collateral.LoanSecured{RegistrationID: reg1, LoanID: loan, Amount: amount, At: t1}
	}
	release := func(loan uuid.UUID) collateral.ReleaseLoan {
		return collateral.ReleaseLoan{RegistrationID: reg1, LoanID: loan, Reason: "repaid"}
	}
	released := func(loan uuid.UUID) kernel.Event {
		return collateral.LoanReleased{RegistrationID: reg1, LoanID: loan, Reason: "repaid", At: t1}
	}
	discharged := collateral.CollateralDischarged{RegistrationID: reg1, By: bank1, Reason: "repaid", At: t1}
	with := func(c collateral.SecureLoan, f func(*collateral.SecureLoan)) collateral.SecureLoan { f(&c); return c }
	run(t, t1, []decidertest.Case[collateral.Command]{
		{Name: "a notice secures the grantor's loan from its secured party", Given: []kernel.Event{registered()},
			When: secure(loan1, kernel.Yuan(300_000)), Then: []kernel.Event{secured(loan1, kernel.Yuan(300_000))}},
		{Name: "rule 31: a second loan on a notice that is not all-sums is refused",
			Given:    []kernel.Event{registered(), secured(loan1, kernel.Yuan(300_000))},
			When:     secure(loan2, kernel.Yuan(100_000)),
			WantCode: collateral.CodeSecuresAnotherLoan},
		{Name: "rule 31: a second loan is refused even after the first was released",
			Given:    []kernel.Event{registered(), secured(loan1, kernel.Yuan(300_000)), released(loan1)},
			When:     secure(loan2, kernel.Yuan(100_000)),
			WantCode: collateral.CodeSecuresAnotherLoan},
		{Name: "rule 31: an all-sums notice secures a second loan up to its maximum exactly",
			Given: []kernel.Event{allSums(), secured(loan1, kernel.Yuan(300_000))},
			When:  secure(loan2, kernel.Yuan(200_000)), Then: []kernel.Event{secured(loan2, kernel.Yuan(200_000))}},
		{Name: "rule 31: an all-sums notice refuses a loan one fen above its maximum",
			Given:    []kernel.Event{allSums(), secured(loan1, kernel.Yuan(300_000))},
			When:     secure(loan2, kernel.Yuan(200_000)+1),
			WantCode: collateral.CodeMaximumExceeded},
		{Name: "rule 31: a repaid loan no longer counts against the maximum",
			Given: []kernel.Event{allSums(), secured(loan1, kernel.Yuan(300_000)), secured(loan2, kernel.Yuan(200_000)), released(loan1)},
			When:  secure(loan3, kernel.Yuan(300_000)), Then: []kernel.Event{secured(loan3, kernel.Yuan(300_000))}},
		{Name: "a loan is secured once", Given: []kernel.Event{allSums(), secured(loan1, kernel.Yuan(300_000))},
			When: secure(loan1, kernel.Yuan(100_000)), WantCode: kernel.CodeInvalidState},
		{Name: "a loan not waiting for its collateral is refused", Given: []kernel.Event{registered()},
			When: with(secure(loan1, 1), func(c *collateral.SecureLoan) { c.Waiting = false }), WantCode: kernel.CodeInvalidState},
		{Name: "another bank's loan is refused", Given: []kernel.Event{registered()},
			When: with(secure(loan1, 1), func(c *collateral.SecureLoan) { c.Bank = bank2 }), WantCode: kernel.CodeInvalid},
		{Name: "another borrower's loan is refused", Given: []kernel.Event{registered()},
			When: with(secure(loan1, 1), func(c *collateral.SecureLoan) { c.Borrower = stranger }), WantCode: kernel.CodeInvalid},
		{Name: "a loan over another asset is refused", Given: []kernel.Event{registered()},
			When: with(secure(loan1, 1), func(c *collateral.SecureLoan) { c.Asset = asset2 }), WantCode: kernel.CodeInvalid},
		{Name: "a discharged notice secures nothing",
			Given: []kernel.Event{registered(), discharged}, When: secure(loan1, 1), WantCode: collateral.CodeDischarged},
		{Name: "a notice past its end secures nothing", Now: end,
			Given: []kernel.Event{registered()}, When: secure(loan1, 1), WantCode: collateral.CodeExpired},
		{Name: "rule 31: repaying a notice's only loan discharges it",
			Given: []kernel.Event{registered(), secured(loan1, kernel.Yuan(300_000))},
			When:  release(loan1), Then: []kernel.Event{released(loan1), discharged}},
		{Name: "rule 31: an all-sums notice stays while a linked loan is outstanding",
			Given: []kernel.Event{allSums(), secured(loan1, kernel.Yuan(300_000)), secured(loan2, kernel.Yuan(200_000))},
			When:  release(loan1), Then: []kernel.Event{released(loan1)}},
		{Name: "rule 31: an all-sums notice is discharged when its last loan is repaid",
			Given: []kernel.Event{allSums(), secured(loan1, kernel.Yuan(300_000)), secured(loan2, kernel.Yuan(200_000)), released(loan1)},
			When:  release(loan2), Then: []kernel.Event{released(loan2), discharged}},
		{Name: "rule 31: an all-sums notice's maximum is lowered to exactly what its loans total",
			Given: []kernel.Event{allSums(), secured(loan1, kernel.Yuan(300_000))},
			When:  collateral.AmendCollateral{RegistrationID: reg1, By: bank1, SecuredAmount: kernel.Yuan(300_000), Reason: "limit cut"},
			Then: []kernel.Event{collateral.CollateralAmended{RegistrationID: reg1, By: bank1, Grantor: transferee, SecuredParty: bank1,
				SecuredAmount: kernel.Yuan(300_000), End: end, Consent: consent, Reason: "limit cut", At: t1}}},
		{Name: "rule 31: an all-sums notice's maximum is not lowered a fen below what its loans total",
			Given:    []kernel.Event{allSums(), secured(loan1, kernel.Yuan(300_000))},
			When:     collateral.AmendCollateral{RegistrationID: reg1, By: bank1, SecuredAmount: kernel.Yuan(300_000) - 1, Reason: "limit cut"},
			WantCode: collateral.CodeMaximumExceeded},
		{Name: "a loan the notice does not secure is not released",
			Given: []kernel.Event{allSums(), secured(loan1, kernel.Yuan(300_000)), released(loan1)},
			When:  release(loan1), WantCode: kernel.CodeNotFound},
		{Name: "a notice that records no loan is discharged when its loan is repaid",
			Given: []kernel.Event{registered()}, When: release(loan1), Then: []kernel.Event{discharged}},
	})
}

// Rule 21: amendments, continuation before expiry, final discharge, expiry.
func TestLifecycle(t *testing.T) {
	amended := func(f func(*collateral.CollateralAmended)) kernel.Event {
		e := collateral.CollateralAmended{RegistrationID: reg1, By: bank1, Grantor: transferee, SecuredParty: bank1,
			SecuredAmount: kernel.Yuan(500_000), End: end, Consent: consent, Reason: "loan restructured", At: t1}
		f(&e)
		return e
	}
	discharged := collateral.CollateralDischarged{RegistrationID: reg1, By: bank1, Reason: "loan repaid", At: t1}
	expired := collateral.CollateralExpired{RegistrationID: reg1, End: end, At: end}
	later := end.AddDate(1, 0, 0)
	run(t, t1, []decidertest.Case[collateral.Command]{
		{Name: "the secured party amends the amount with a reason", Given: []kernel.Event{registered()},
			When: collateral.AmendCollateral{RegistrationID: reg1, By: bank1, SecuredAmount: kernel.Yuan(400_000), Reason: "loan restructured"},
			Then: []kernel.Event{amended(func(e *collateral.CollateralAmended) { e.SecuredAmount = kernel.Yuan(400_000) })}},
		{Name: "the secured party assigns the security to another bank", Given: []kernel.Event{registered()},
			When: collateral.AmendCollateral{RegistrationID: reg1, By: bank1, SecuredParty: bank2, Reason: "loan restructured"},
			Then: []kernel.Event{amended(func(e *collateral.CollateralAmended) { e.SecuredParty = bank2 })}},
		{Name: "a new grantor who is a transferee needs consent", Given: []kernel.Event{registered()},
			When:     collateral.AmendCollateral{RegistrationID: reg1, By: bank1, Grantor: stranger, Contractor: contractor, Reason: "right re-transferred"},
			WantCode: collateral.CodeWithoutConsent},
		{Name: "a new grantor with the contractor's consent is recorded", Given: []kernel.Event{registered()},
			When: collateral.AmendCollateral{RegistrationID: reg1, By: bank1, Grantor: stranger, Contractor: contractor,
				Consent: &collateral.Consent{ConsentID: consentID, Contractor: contractor, Grantee: stranger, Reference: "同意书 2026-031"},
				Holding: collateral.Holding{Holder: stranger, Until: end}, Reason: "loan restructured"},
			Then: []kernel.Event{amended(func(e *collateral.CollateralAmended) {
				e.Grantor = stranger
				e.Consent = &collateral.Consent{ConsentID: consentID, Contractor: contractor, Grantee: stranger, Reference: "同意书 2026-031"}
			})}},
		{Name: "rule 31: a new grantor who does not hold the right is refused", Given: []kernel.Event{registered()},
			When: collateral.AmendCollateral{RegistrationID: reg1, By: bank1, Grantor: stranger, Contractor: contractor,
				Consent: &collateral.Consent{ConsentID: consentID, Contractor: contractor, Grantee: stranger, Reference: "同意书 2026-031"},
				Holding: collateral.Holding{Holder: transferee, Until: end}, Reason: "loan restructured"},
			WantCode: collateral.CodeGrantorNotHolder},
		{Name: "an amendment needs a reason", Given: []kernel.Event{registered()},
			When: collateral.AmendCollateral{RegistrationID: reg1, By: bank1, SecuredAmount: 1}, WantCode: kernel.CodeInvalid},
		{Name: "an amendment that changes nothing is refused", Given: []kernel.Event{registered()},
			When: collateral.AmendCollateral{RegistrationID: reg1, By: bank1, SecuredAmount: kernel.Yuan(500_000), Reason: "none"}, WantCode: kernel.CodeInvalid},
		{Name: "only the secured party amends", Given: []kernel.Event{registered()},
			When: collateral.AmendCollateral{RegistrationID: reg1, By: bank2, SecuredAmount: 1, Reason: "x"}, WantCode: kernel.CodeForbidden},
		{Name: "the secured party continues before expiry", Given: []kernel.Event{registered()},
			When: collateral.ContinueCollateral{RegistrationID: reg1, By: bank1, End: later},
			Then: []kernel.Event{collateral.CollateralContinued{RegistrationID: reg1, By: bank1, PreviousEnd: end, End: later, At: t1}}},
		{Name: "a continuation must extend the end date", Given: []kernel.Event{registered()},
			When: collateral.ContinueCollateral{RegistrationID: reg1, By: bank1, End: end}, WantCode: kernel.CodeInvalid},
		{Name: "continuing at the end date is too late, even before the expiry is recorded",
			Given: []kernel.Event{registered()}, Now: end,
			When: collateral.ContinueCollateral{RegistrationID: reg1, By: bank1, End: later}, WantCode: collateral.CodeExpired},
		{Name: "continuing after expiry is refused", Given: []kernel.Event{registered(), expired}, Now: end.Add(time.Hour),
			When: collateral.ContinueCollateral{RegistrationID: reg1, By: bank1, End: later}, WantCode: collateral.CodeExpired},
		{Name: "the registration expires at its end date", Given: []kernel.Event{registered()}, Now: end,
			When: collateral.ExpireCollateral{RegistrationID: reg1}, Then: []kernel.Event{expired}},
		{Name: "a continued registration does not expire at the old end date",
			Given: []kernel.Event{registered(), collateral.CollateralContinued{RegistrationID: reg1, By: bank1, PreviousEnd: end, End: later, At: t1}},
			Now:   end, When: collateral.ExpireCollateral{RegistrationID: reg1}, WantCode: kernel.CodeInvalidState},
		{Name: "the registration does not expire early", Given: []kernel.Event{registered()},
			When: collateral.ExpireCollateral{RegistrationID: reg1}, WantCode: kernel.CodeInvalidState},
		{Name: "the secured party discharges the registration", Given: []kernel.Event{registered()},
			When: collateral.DischargeCollateral{RegistrationID: reg1, By: bank1, Reason: "loan repaid"},
			Then: []kernel.Event{discharged}},
		{Name: "only the secured party discharges", Given: []kernel.Event{registered()},
			When: collateral.DischargeCollateral{RegistrationID: reg1, By: transferee, Reason: "I paid"}, WantCode: kernel.CodeForbidden},
		{Name: "a discharge needs a reason", Given: []kernel.Event{registered()},
			When: collateral.DischargeCollateral{RegistrationID: reg1, By: bank1}, WantCode: kernel.CodeInvalid},
		{Name: "nothing is amended after discharge", Given: []kernel.Event{registered(), discharged},
			When: collateral.AmendCollateral{RegistrationID: reg1, By: bank1, SecuredAmount: 1, Reason: "x"}, WantCode: collateral.CodeDischarged},
		{Name: "nothing is continued after discharge", Given: []kernel.Event{registered(), discharged},
			When: collateral.ContinueCollateral{RegistrationID: reg1, By: bank1, End: later}, WantCode: collateral.CodeDischarged},
		{Name: "a discharge is not repeated", Given: []kernel.Event{registered(), discharged},
			When: collateral.DischargeCollateral{RegistrationID: reg1, By: bank1, Reason: "again"}, WantCode: collateral.CodeDischarged},
		{Name: "a discharged registration does not expire", Given: []kernel.Event{registered(), discharged}, Now: end,
			When: collateral.ExpireCollateral{RegistrationID: reg1}, WantCode: collateral.CodeDischarged},
		{Name: "an expired registration is not discharged", Given: []kernel.Event{registered(), expired}, Now: end,
			When: collateral.DischargeCollateral{RegistrationID: reg1, By: bank1, Reason: "late"}, WantCode: collateral.CodeExpired},
		{Name: "steps on a registration never filed are refused",
			When: collateral.DischargeCollateral{RegistrationID: reg1, By: bank1, Reason: "x"}, WantCode: kernel.CodeNotFound},
	})
}

func TestNextDue(t *testing.T) {
	if _, _, ok := (collateral.State{}).NextDue(); ok {
		t.Fatal("nothing is due for a registration never filed")
	}
	s := collateral.Decider.Fold([]kernel.Event{registered()})
	cmd, at, ok := s.NextDue()
	if !ok || at != end || cmd != (collateral.ExpireCollateral{RegistrationID: reg1}) {
		t.Fatalf("NextDue = %#v at %s (%v); want expiry at %s", cmd, at, ok, end)
	}
	s = collateral.Evolve(s, collateral.CollateralDischarged{RegistrationID: reg1, By: bank1, Reason: "repaid", At: t1})
	if _, _, ok := s.NextDue(); ok {
		t.Fatal("nothing is due after discharge")
	}
}
