package collateral

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Decider is the registration aggregate; its streams are "collateral-<uuid>".
var Decider = kernel.Decider[State, Command]{Category: "collateral", Decide: Decide, Evolve: Evolve}

// Decide turns a command into events, or returns a *kernel.Error and no events.
// now is the command's time; the registration time of a new notice is now.
func Decide(s State, c Command, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	if r, ok := c.(RegisterCollateral); ok {
		return register(s, r, now)
	}
	if err := inForce(s); err != nil {
		return nil, err
	}
	switch c := c.(type) {
	case AmendCollateral:
		return amend(s, c, now)
	case SecureLoan:
		return secureLoan(s, c, now)
	case ReleaseLoan:
		return releaseLoan(s, c, now)
	case ContinueCollateral:
		return continueReg(s, c, now)
	case DischargeCollateral:
		return discharge(s, c, now)
	case ExpireCollateral:
		return expire(s, now)
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown command %T", c)
}

// inForce refuses every step after discharge or expiry.
func inForce(s State) error {
	switch s.Status {
	case "":
		return kernel.Errorf(kernel.CodeNotFound, "no registration %s", s.ID)
	case StatusDischarged:
		return kernel.Errorf(CodeDischarged, "registration %s was discharged; discharge is final", s.Number)
	case StatusExpired:
		return kernel.Errorf(CodeExpired, "registration %s expired at %s", s.Number, kernel.LatestAt(s.End))
	}
	return nil
}

// checkConsent enforces rule 7: a mortgage granted by someone other than the
// contracting household needs that household's recorded consent to the grantor.
func checkConsent(kind Kind, grantor, contractor uuid.UUID, consent *Consent) error {
	if kind != KindMortgage || contractor == uuid.Nil || grantor == contractor {
		return nil
	}
	if consent == nil || consent.ConsentID == uuid.Nil || consent.Reference == "" ||
		consent.Contractor != contractor || consent.Grantee != grantor {
		return kernel.FieldErrorf(CodeWithoutConsent, "consent",
			"the grantor is a transferee: the contracting household's written consent, recorded with the collective, is required")
	}
	return nil
}

// checkHolding enforces rule 31: the grantor holds what the notice encumbers
// at now, on the facts the caller read from the asset or share register.
func checkHolding(col Collateral, grantor uuid.UUID, h Holding, now time.Time) error {
	switch {
	case col.Kind == KindMortgage && (h.Holder != grantor || !now.Before(h.Until)):
		return kernel.FieldErrorf(CodeGrantorNotHolder, "grantor", "the grantor does not hold the management right of asset %s", col.Asset)
	case col.Kind == KindSharePledge && h.Holder != grantor:
		return kernel.FieldErrorf(CodeGrantorNotHolder, "grantor", "the grantor is not a living member on the register of cooperative %s", col.Asset)
	case col.Kind == KindSharePledge && h.Shares < col.Shares:
		return kernel.FieldErrorf(CodeSharesNotHeld, "collateral.shares", "the member holds %d shares, fewer than the %d pledged", h.Shares, col.Shares)
	}
	return nil
}

func register(s State, c RegisterCollateral, now time.Time) ([]kernel.Event, error) {
	switch {
	case s.Registered():
		return nil, kernel.Errorf(kernel.CodeInvalidState, "registration %s exists", c.RegistrationID)
	case c.RegistrationID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "registrationId", "required")
	case c.Number == "":
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "number", "required")
	case c.SecuredParty == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "securedParty", "required")
	case c.By != c.SecuredParty:
		return nil, kernel.FieldErrorf(kernel.CodeForbidden, "by", "only the secured party registers its security")
	case c.Grantor == uuid.Nil || c.Grantor == c.SecuredParty:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "grantor", "required, and not the secured party")
	case c.SecuredAmount <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "securedAmount", "must be positive")
	case c.Start.IsZero() || !c.End.After(c.Start) || !c.End.After(now):
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "end", "the term must end after its start and in the future")
	}
	if err := c.Collateral.validate(); err != nil {
		return nil, err
	}
	if c.Collateral.Kind == KindSharePledge && c.Collateral.Member != c.Grantor {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "collateral.member", "a member pledges their own shares: the member must be the grantor")
	}
	if err := checkConsent(c.Collateral.Kind, c.Grantor, c.Contractor, c.Consent); err != nil {
		return nil, err
	}
	if err := checkHolding(c.Collateral, c.Grantor, c.Holding, now); err != nil {
		return nil, err
	}
	return []kernel.Event{CollateralRegistered{RegistrationID: c.RegistrationID, Number: c.Number, Grantor: c.Grantor,
		SecuredParty: c.SecuredParty, Collateral: c.Collateral, SecuredAmount: c.SecuredAmount,
		Start: c.Start.UTC(), End: c.End.UTC(), Consent: c.Consent, AllSums: c.AllSums, At: now}}, nil
}

// bySecuredParty refuses a step by anyone but the secured party, and any step
// once the end date has passed (even before ExpireCollateral arrives).
func bySecuredParty(s State, by uuid.UUID, now time.Time) error {
	if by != s.SecuredParty {
		return kernel.FieldErrorf(kernel.CodeForbidden, "by", "only the secured party acts on its registration")
	}
	if !now.Before(s.End) {
		return kernel.Errorf(CodeExpired, "registration %s ended at %s", s.Number, kernel.LatestAt(s.End))
	}
	return nil
}

func amend(s State, c AmendCollateral, now time.Time) ([]kernel.Event, error) {
	if err := bySecuredParty(s, c.By, now); err != nil {
		return nil, err
	}
	if c.Reason == "" {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "reason", "required")
	}
	if c.SecuredAmount < 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "securedAmount", "must be positive (zero keeps the amount)")
	}
	e := CollateralAmended{RegistrationID: s.ID, By: c.By, Grantor: s.Grantor, SecuredParty: s.SecuredParty,
		SecuredAmount: s.SecuredAmount, End: s.End, Consent: s.Consent, Reason: c.Reason, At: now}
	if c.SecuredAmount > 0 {
		e.SecuredAmount = c.SecuredAmount
	}
	if s.AllSums && e.SecuredAmount < s.Outstanding() {
		return nil, kernel.FieldErrorf(CodeMaximumExceeded, "securedAmount", "the loans the notice secures total %s, above the maximum %s",
			s.Outstanding(), e.SecuredAmount)
	}
	if !c.End.IsZero() {
		if !c.End.After(now) || !c.End.After(s.Start) {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "end", "must be after the start and in the future")
		}
		e.End = c.End.UTC()
	}
	if c.SecuredParty != uuid.Nil {
		e.SecuredParty = c.SecuredParty
	}
	if c.Grantor != uuid.Nil && c.Grantor != s.Grantor {
		if s.Collateral.Kind == KindSharePledge {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "grantor", "a share pledge's grantor is the member whose shares are pledged")
		}
		if err := checkConsent(s.Collateral.Kind, c.Grantor, c.Contractor, c.Consent); err != nil {
			return nil, err
		}
		if err := checkHolding(s.Collateral, c.Grantor, c.Holding, now); err != nil {
			return nil, err
		}
		e.Grantor, e.Consent = c.Grantor, c.Consent
	}
	if e.Grantor == e.SecuredParty {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "securedParty", "the grantor cannot secure itself")
	}
	if e.Grantor == s.Grantor && e.SecuredParty == s.SecuredParty && e.SecuredAmount == s.SecuredAmount && e.End.Equal(s.End) {
		return nil, kernel.Errorf(kernel.CodeInvalid, "the amendment changes nothing")
	}
	return []kernel.Event{e}, nil
}

// secureLoan enforces rule 31: a notice secures one loan of its secured party
// to its grantor over its collateral, or, filed as an all-sums notice, any
// number of them up to the maximum secured amount together.
func secureLoan(s State, c SecureLoan, now time.Time) ([]kernel.Event, error) {
	if err := bySecuredParty(s, s.SecuredParty, now); err != nil {
		return nil, err
	}
	switch {
	case c.LoanID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "loanId", "required")
	case c.Bank != s.SecuredParty || c.Borrower != s.Grantor || c.Asset != s.Collateral.Asset:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "loanId", "loan %s is not the secured party's loan to the grantor over the notice's collateral", c.LoanID)
	case slices.ContainsFunc(s.Loans, func(l SecuredLoan) bool { return l.LoanID == c.LoanID }):
		return nil, kernel.FieldErrorf(kernel.CodeInvalidState, "loanId", "registration %s already secures loan %s", s.Number, c.LoanID)
	case !c.Waiting:
		return nil, kernel.FieldErrorf(kernel.CodeInvalidState, "loanId", "loan %s is not approved and waiting for its collateral", c.LoanID)
	case c.Amount <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "the loan's approved amount must be positive")
	case !s.AllSums && len(s.Loans) > 0:
		return nil, kernel.FieldErrorf(CodeSecuresAnotherLoan, "registrationId",
			"registration %s secures loan %s; only an all-sums notice secures more than one loan", s.Number, s.Loans[0].LoanID)
	case s.AllSums && s.Outstanding()+c.Amount > s.SecuredAmount:
		return nil, kernel.FieldErrorf(CodeMaximumExceeded, "amount", "the loans would total %s, above the notice's maximum %s",
			s.Outstanding()+c.Amount, s.SecuredAmount)
	}
	return []kernel.Event{LoanSecured{RegistrationID: s.ID, LoanID: c.LoanID, Amount: c.Amount, At: now}}, nil
}

// releaseLoan records a secured loan's repayment and discharges the notice
// once no loan it secures is outstanding. A notice that records no loan
// (linked before notices recorded their loans) is discharged.
func releaseLoan(s State, c ReleaseLoan, now time.Time) ([]kernel.Event, error) {
	if err := bySecuredParty(s, s.SecuredParty, now); err != nil {
		return nil, err
	}
	if c.Reason == "" {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "reason", "required")
	}
	discharged := CollateralDischarged{RegistrationID: s.ID, By: s.SecuredParty, Reason: c.Reason, At: now}
	if len(s.Loans) == 0 {
		return []kernel.Event{discharged}, nil
	}
	if !slices.ContainsFunc(s.Loans, func(l SecuredLoan) bool { return l.LoanID == c.LoanID && !l.Released }) {
		return nil, kernel.FieldErrorf(kernel.CodeNotFound, "loanId", "registration %s secures no outstanding loan %s", s.Number, c.LoanID)
	}
	released := LoanReleased{RegistrationID: s.ID, LoanID: c.LoanID, Reason: c.Reason, At: now}
	if Evolve(s, released).Outstanding() > 0 {
		return []kernel.Event{released}, nil
	}
	return []kernel.Event{released, discharged}, nil
}

func continueReg(s State, c ContinueCollateral, now time.Time) ([]kernel.Event, error) {
	if err := bySecuredParty(s, c.By, now); err != nil {
		return nil, err
	}
	if !c.End.After(s.End) {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "end", "a continuation extends the end date: end must be %s or later", kernel.EarliestAt(s.End.Add(time.Nanosecond)))
	}
	return []kernel.Event{CollateralContinued{RegistrationID: s.ID, By: c.By, PreviousEnd: s.End, End: c.End.UTC(), At: now}}, nil
}

func discharge(s State, c DischargeCollateral, now time.Time) ([]kernel.Event, error) {
	if err := bySecuredParty(s, c.By, now); err != nil {
		return nil, err
	}
	if c.Reason == "" {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "reason", "required")
	}
	return []kernel.Event{CollateralDischarged{RegistrationID: s.ID, By: c.By, Reason: c.Reason, At: now}}, nil
}

func expire(s State, now time.Time) ([]kernel.Event, error) {
	if now.Before(s.End) {
		return nil, kernel.Errorf(kernel.CodeInvalidState, "registration %s runs until %s", s.Number, kernel.LatestAt(s.End))
	}
	return []kernel.Event{CollateralExpired{RegistrationID: s.ID, End: s.End, At: now}}, nil
}
