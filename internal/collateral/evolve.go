package collateral

import (
	"slices"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Evolve folds one event into the state. It never fails and ignores unknown events.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case CollateralRegistered:
		s = State{ID: e.RegistrationID, Number: e.Number, Status: StatusRegistered, Grantor: e.Grantor,
			SecuredParty: e.SecuredParty, Collateral: e.Collateral, SecuredAmount: e.SecuredAmount,
			Start: e.Start, End: e.End, Consent: e.Consent, AllSums: e.AllSums, RegisteredAt: e.At}
	case CollateralAmended:
		s.Grantor, s.SecuredParty, s.SecuredAmount, s.End, s.Consent = e.Grantor, e.SecuredParty, e.SecuredAmount, e.End, e.Consent
	case LoanSecured:
		s.Loans = append(slices.Clip(s.Loans), SecuredLoan{LoanID: e.LoanID, Amount: e.Amount})
	case LoanReleased:
		if i := slices.IndexFunc(s.Loans, func(l SecuredLoan) bool { return l.LoanID == e.LoanID }); i >= 0 {
			s.Loans = slices.Clone(s.Loans)
			s.Loans[i].Released = true
		}
	case CollateralContinued:
		s.End = e.End
	case CollateralDischarged:
		s.Status, s.EndedAt = StatusDischarged, e.At
	case CollateralExpired:
		s.Status, s.EndedAt = StatusExpired, e.At
	}
	return s
}
