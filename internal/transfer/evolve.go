package transfer

import (
	"slices"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Evolve folds one event into a contract's state. It never fails, ignores
// events it does not know, and never writes into the slices of s, so earlier
// states stay valid.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case ContractDrafted:
		s = State{ID: e.ContractID, Status: StatusDrafted, ListingID: e.ListingID, Terms: e.Terms, Area: e.Terms.Area()}
	case ContractSigned:
		s = State{ID: e.ContractID, Status: StatusInForce, ListingID: e.ListingID, Terms: e.Terms, Area: e.Area,
			Document: e.Document, Instalments: e.Instalments}
	case ContractFiled:
		s.FilingNo = e.FilingNo
	case ContractRegistered:
		s.RegistrationNo = e.RegistrationNo
	case RentPaid:
		s.Instalments = slices.Clone(s.Instalments)
		for _, a := range e.Allocations {
			if i := slices.IndexFunc(s.Instalments, func(i Instalment) bool { return i.No == a.No }); i >= 0 {
				s.Instalments[i].Paid += a.Amount
			}
		}
	case RentOverdue:
		s.Instalments = slices.Clone(s.Instalments)
		if i := slices.IndexFunc(s.Instalments, func(i Instalment) bool { return i.No == e.No }); i >= 0 {
			s.Instalments[i].Overdue = true
		}
	case ContractTerminated:
		s.Status, s.Termination, s.EndedAt = StatusTerminated, e.Reason, e.At
		s.Instalments = slices.Clone(s.Instalments)
		for i := range s.Instalments {
			if s.Instalments[i].Due.After(e.At) {
				s.Instalments[i].Amount = s.Instalments[i].Paid // rent for after the end is not owed
			}
		}
	case RenewalOffered:
		s.Offer = &RenewalOffer{End: e.End, RentPerMuYear: e.RentPerMuYear, Frequency: e.Frequency, RespondBy: e.RespondBy}
	case ContractRenewed:
		s.Terms.End, s.Terms.RentPerMuYear, s.Terms.Frequency = e.End, e.RentPerMuYear, e.Frequency
		s.Terms.AnnualRent, s.Terms.StepUp = 0, kernel.StepUp{} // a renewal's rent is per mu
		s.Instalments = append(slices.Clip(s.Instalments), e.Instalments...)
		s.Offer = nil
	case RenewalDeclined:
		s.RenewalDeclined = true
	case ContractExpired:
		s.Status, s.EndedAt = StatusExpired, e.At
	case RightMortgaged:
		s.Mortgages = append(slices.Clip(s.Mortgages), Mortgage{RegistrationID: e.RegistrationID, SecuredParty: e.SecuredParty})
	}
	return s
}
