package transfer

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// ContractDrafted: an award on the exchange created the contract, to be signed.
type ContractDrafted struct {
	ContractID uuid.UUID
	ListingID  uuid.UUID
	Terms      Terms
	At         time.Time
}

// ContractSigned: the parties signed the written contract; it is in force.
// ListingID is uuid.Nil for a contract signed directly. Instalments is the rent
// schedule.
type ContractSigned struct {
	ContractID  uuid.UUID
	ListingID   uuid.UUID
	Terms       Terms
	Area        kernel.Area
	Instalments []Instalment
	Document    Document
	At          time.Time
}

// ContractFiled: the contract was filed with the owning collective.
type ContractFiled struct {
	ContractID uuid.UUID
	Collective uuid.UUID
	FilingNo   string
	At         time.Time
}

// ContractRegistered: the contract was registered (terms of 5+ years).
type ContractRegistered struct {
	ContractID     uuid.UUID
	RegistrationNo string
	At             time.Time
}

// Allocation is the part of a payment applied to one instalment.
type Allocation struct {
	No     int
	Amount kernel.Money
}

// RentPaid: rent was paid and applied to the oldest instalments first.
type RentPaid struct {
	ContractID  uuid.UUID
	Payer       uuid.UUID
	Amount      kernel.Money
	Allocations []Allocation
	At          time.Time
}

// RentOverdue: an instalment's due date passed with rent still owed.
type RentOverdue struct {
	ContractID  uuid.UUID
	No          int
	Due         time.Time
	Outstanding kernel.Money
	At          time.Time
}

// ContractTerminated: the contract ended early. The rent still owed on
// instalments due after At, Cancelled in total, is no longer owed; arrears stay.
type ContractTerminated struct {
	ContractID uuid.UUID
	By         uuid.UUID
	Reason     Reason
	Document   Document
	IdleSince  time.Time
	Cancelled  kernel.Money
	At         time.Time
}

// RenewalOffered: the transferor offered the existing transferee a renewal.
type RenewalOffered struct {
	ContractID    uuid.UUID
	End           time.Time
	RentPerMuYear kernel.Money
	Frequency     Frequency
	RespondBy     time.Time
	At            time.Time
}

// ContractRenewed: the transferee accepted; the term now runs to End, with
// Instalments added to the schedule.
type ContractRenewed struct {
	ContractID    uuid.UUID
	PreviousEnd   time.Time
	End           time.Time
	RentPerMuYear kernel.Money
	Frequency     Frequency
	Instalments   []Instalment
	Document      Document
	At            time.Time
}

// RenewalDeclined: the transferee waived its renewal priority.
type RenewalDeclined struct {
	ContractID uuid.UUID
	By         uuid.UUID
	At         time.Time
}

// ContractExpired: the term ended.
type ContractExpired struct {
	ContractID uuid.UUID
	At         time.Time
}

// RightMortgaged: the transferee mortgaged the management right, with the contractors' consents.
type RightMortgaged struct {
	ContractID     uuid.UUID
	RegistrationID uuid.UUID
	SecuredParty   uuid.UUID
	Consents       []Consent
	At             time.Time
}

// EventType returns "transfer.ContractDrafted.v2".
func (ContractDrafted) EventType() string { return "transfer.ContractDrafted.v2" }

// EventType returns "transfer.ContractSigned.v2".
func (ContractSigned) EventType() string { return "transfer.ContractSigned.v2" }

// EventType returns "transfer.ContractFiled.v1".
func (ContractFiled) EventType() string { return "transfer.ContractFiled.v1" }

// EventType returns "transfer.ContractRegistered.v1".
func (ContractRegistered) EventType() string { return "transfer.ContractRegistered.v1" }

// EventType returns "transfer.RentPaid.v1".
func (RentPaid) EventType() string { return "transfer.RentPaid.v1" }

// EventType returns "transfer.RentOverdue.v1".
func (RentOverdue) EventType() string { return "transfer.RentOverdue.v1" }

// EventType returns "transfer.ContractTerminated.v1".
func (ContractTerminated) EventType() string { return "transfer.ContractTerminated.v1" }

// EventType returns "transfer.RenewalOffered.v1".
func (RenewalOffered) EventType() string { return "transfer.RenewalOffered.v1" }

// EventType returns "transfer.ContractRenewed.v1".
func (ContractRenewed) EventType() string { return "transfer.ContractRenewed.v1" }

// EventType returns "transfer.RenewalDeclined.v1".
func (RenewalDeclined) EventType() string { return "transfer.RenewalDeclined.v1" }

// EventType returns "transfer.ContractExpired.v1".
func (ContractExpired) EventType() string { return "transfer.ContractExpired.v1" }

// EventType returns "transfer.RightMortgaged.v1".
func (RightMortgaged) EventType() string { return "transfer.RightMortgaged.v1" }

// RegisterEvents registers every transfer event type with r.
func RegisterEvents(r *kernel.Registry) {
	r.Register(
		ContractDrafted{}, ContractSigned{}, ContractFiled{}, ContractRegistered{}, RentPaid{}, RentOverdue{},
		ContractTerminated{}, RenewalOffered{}, ContractRenewed{}, RenewalDeclined{}, ContractExpired{}, RightMortgaged{},
	)
	// Version 2 added Terms.AnnualRent, StepUp and Prepaid, whose zero values
	// keep the version 1 meaning: stored version 1 JSON reads as version 2.
	for _, e := range []kernel.Event{ContractDrafted{}, ContractSigned{}} {
		kernel.RegisterRenamed(r, strings.TrimSuffix(e.EventType(), "2")+"1", e.EventType())
	}
}
