package collateral

import "github.com/nongjiao/nongjiao/internal/kernel"

// Evolve folds one event into the state. It never fails and ignores unknown events.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case CollateralRegistered:
		s = State{ID: e.RegistrationID, Number: e.Number, Status: StatusRegistered, Grantor: e.Grantor,
			SecuredParty: e.SecuredParty, Collateral: e.Collateral, SecuredAmount: e.SecuredAmount,
			Start: e.Start, End: e.End, Consent: e.Consent, RegisteredAt: e.At}
	case CollateralAmended:
		s.Grantor, s.SecuredParty, s.SecuredAmount, s.End, s.Consent = e.Grantor, e.SecuredParty, e.SecuredAmount, e.End, e.Consent
	case CollateralContinued:
		s.End = e.End
	case CollateralDischarged:
		s.Status, s.EndedAt = StatusDischarged, e.At
	case CollateralExpired:
		s.Status, s.EndedAt = StatusExpired, e.At
	}
	return s
}
