package transfer

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Status is where a contract is in its life.
type Status string

// Statuses. The zero Status is a contract that does not exist.
const (
	StatusDrafted    Status = "DRAFTED"
	StatusInForce    Status = "IN_FORCE"
	StatusTerminated Status = "TERMINATED"
	StatusExpired    Status = "EXPIRED"
)

// RenewalOffer is an open offer to renew.
type RenewalOffer struct {
	End           time.Time
	RentPerMuYear kernel.Money
	Frequency     Frequency
	RespondBy     time.Time
}

// Mortgage is a mortgage of the transferred right.
type Mortgage struct {
	RegistrationID uuid.UUID
	SecuredParty   uuid.UUID
}

// State is one transfer contract as its events left it.
type State struct {
	ID              uuid.UUID
	Status          Status
	ListingID       uuid.UUID // uuid.Nil for a contract signed directly
	Terms           Terms     // Terms.End moves on renewal
	Area            kernel.Area
	Document        Document
	Instalments     []Instalment
	FilingNo        string // "" until filed with the collective
	RegistrationNo  string // "" until registered
	Offer           *RenewalOffer
	RenewalDeclined bool
	Mortgages       []Mortgage
	Termination     Reason    // why it was terminated, "" otherwise
	EndedAt         time.Time // when it was terminated or expired
}

// Collective returns the collective owning the plots (all plots share one).
func (s State) Collective() uuid.UUID {
	if len(s.Terms.Plots) == 0 {
		return uuid.Nil
	}
	return s.Terms.Plots[0].Collective
}

// Outstanding returns the rent still owed over the whole schedule.
func (s State) Outstanding() kernel.Money {
	var m kernel.Money
	for _, i := range s.Instalments {
		m += i.Outstanding()
	}
	return m
}

// Arrears returns the rent due by at and still unpaid.
func (s State) Arrears(at time.Time) kernel.Money {
	var m kernel.Money
	for _, i := range s.Instalments {
		if !at.Before(i.Due) {
			m += i.Outstanding()
		}
	}
	return m
}

// InArrears reports whether an instalment marked overdue is still unpaid; the
// lending context copies it as the "rent paid as agreed" fact (rule 9).
func (s State) InArrears() bool {
	for _, i := range s.Instalments {
		if i.Overdue && i.Outstanding() > 0 {
			return true
		}
	}
	return false
}

// PriorityHolder returns the transferee while it holds its renewal priority
// under equal conditions: the contract is in force or expired, the transferee
// has not declined, and no renewal offer to it has lapsed unanswered by at.
// Callers copy it into Plot.PriorityHolder of a new contract on the same plots.
func (s State) PriorityHolder(at time.Time) (uuid.UUID, bool) {
	if (s.Status != StatusInForce && s.Status != StatusExpired) || s.RenewalDeclined {
		return uuid.Nil, false
	}
	if s.Offer != nil && at.After(s.Offer.RespondBy) {
		return uuid.Nil, false
	}
	return s.Terms.Transferee, true
}

// NextDue returns the next time-driven command a scheduler should send and
// when: MarkRentOverdue for the first unpaid instalment not yet marked, or
// Expire at the end of the term, whichever comes first.
func (s State) NextDue() (cmd Command, at time.Time, ok bool) {
	if s.Status != StatusInForce {
		return nil, time.Time{}, false
	}
	cmd, at = Expire{ContractID: s.ID}, s.Terms.End
	for _, i := range s.Instalments {
		if i.Outstanding() > 0 && !i.Overdue {
			if i.Due.Before(at) {
				cmd, at = MarkRentOverdue{ContractID: s.ID, No: i.No}, i.Due
			}
			break
		}
	}
	return cmd, at, true
}
