package transfer

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Command is a command to one transfer contract.
type Command interface {
	kernel.Command
	isTransferCommand()
}

// DraftFromAward creates a contract from an award on the exchange: the listing
// process manager sends it with the terms the listing announced and the winner
// as transferee. The parties then sign it with SignContract.
type DraftFromAward struct {
	ContractID uuid.UUID
	ListingID  uuid.UUID
	Terms      Terms
}

// SignContract records the written, signed contract for a drafted contract (rule 6).
type SignContract struct {
	ContractID uuid.UUID
	Document   Document
}

// SignDirect records a contract the parties signed directly, outside the
// exchange's auctions: terms and written document at once.
type SignDirect struct {
	ContractID uuid.UUID
	Terms      Terms
	Document   Document
}

// FileContract records the filing (备案) of a signed contract with the owning collective (By).
type FileContract struct {
	ContractID uuid.UUID
	By         uuid.UUID
	FilingNo   string
}

// RegisterContract records the registration of a contract of 5 years or more (rule 6).
type RegisterContract struct {
	ContractID     uuid.UUID
	RegistrationNo string
}

// PayRent records a rent payment by Payer (the transferee, or the fund
// advancing rent), applied to the oldest instalments first.
type PayRent struct {
	ContractID uuid.UUID
	Payer      uuid.UUID
	Amount     kernel.Money
}

// MarkRentOverdue marks instalment No overdue; a scheduler sends it when the
// due date passes unpaid (State.NextDue).
type MarkRentOverdue struct {
	ContractID uuid.UUID
	No         int
}

// Reason is why a contract is terminated early.
type Reason string

// Termination reasons. The first three are rule 2's causes.
const (
	ReasonChangedUse      Reason = "CHANGED_USE"      // the transferee changed the land's agricultural use
	ReasonLandIdle        Reason = "LAND_IDLE"        // the land lay idle 2+ consecutive years
	ReasonSeriousDamage   Reason = "SERIOUS_DAMAGE"   // the transferee seriously damaged the land
	ReasonRentUnpaid      Reason = "RENT_UNPAID"      // rent is overdue
	ReasonMutualAgreement Reason = "MUTUAL_AGREEMENT" // both parties agreed in writing
)

// Terminate ends a contract in force early. For cause, By is the transferor
// (or the owning collective) and Document the notice with its evidence; for
// LAND_IDLE, IdleSince is when the land was last farmed. By mutual agreement,
// By is either party and Document the written termination agreement.
type Terminate struct {
	ContractID uuid.UUID
	By         uuid.UUID
	Reason     Reason
	Document   Document
	IdleSince  time.Time
}

// OfferRenewal is the transferor's offer to renew with the existing transferee,
// who has priority under equal conditions: new end, rent and frequency, and the
// deadline for an answer.
type OfferRenewal struct {
	ContractID    uuid.UUID
	By            uuid.UUID
	End           time.Time
	RentPerMuYear kernel.Money
	Frequency     Frequency
	RespondBy     time.Time
}

// AcceptRenewal is the transferee's written acceptance of the renewal offer.
type AcceptRenewal struct {
	ContractID uuid.UUID
	By         uuid.UUID
	Document   Document
}

// DeclineRenewal is the transferee's waiver of its renewal priority.
type DeclineRenewal struct {
	ContractID uuid.UUID
	By         uuid.UUID
}

// Expire ends the contract at the end of its term; a scheduler sends it (State.NextDue).
type Expire struct {
	ContractID uuid.UUID
}

// MortgageRight records that the transferee (By) mortgaged the management right
// it holds under the contract; each contracted plot needs its contractor's
// recorded consent (rule 7).
type MortgageRight struct {
	ContractID     uuid.UUID
	By             uuid.UUID
	RegistrationID uuid.UUID
	SecuredParty   uuid.UUID
	Consents       []Consent
}

// AggregateID returns the contract id.
func (c DraftFromAward) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c SignContract) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c SignDirect) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c FileContract) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c RegisterContract) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c PayRent) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c MarkRentOverdue) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c Terminate) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c OfferRenewal) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c AcceptRenewal) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c DeclineRenewal) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c Expire) AggregateID() uuid.UUID { return c.ContractID }

// AggregateID returns the contract id.
func (c MortgageRight) AggregateID() uuid.UUID { return c.ContractID }

func (DraftFromAward) isTransferCommand()   {}
func (SignContract) isTransferCommand()     {}
func (SignDirect) isTransferCommand()       {}
func (FileContract) isTransferCommand()     {}
func (RegisterContract) isTransferCommand() {}
func (PayRent) isTransferCommand()          {}
func (MarkRentOverdue) isTransferCommand()  {}
func (Terminate) isTransferCommand()        {}
func (OfferRenewal) isTransferCommand()     {}
func (AcceptRenewal) isTransferCommand()    {}
func (DeclineRenewal) isTransferCommand()   {}
func (Expire) isTransferCommand()           {}
func (MortgageRight) isTransferCommand()    {}

// Texts implements kernel.TextCommand.
func (c SignContract) Texts() []kernel.Text { return []kernel.Text{c.Document.text("document")} }

// Texts implements kernel.TextCommand.
func (c DraftFromAward) Texts() []kernel.Text { return c.Terms.texts() }

// Texts implements kernel.TextCommand.
func (c SignDirect) Texts() []kernel.Text {
	return append(c.Terms.texts(), c.Document.text("document"))
}

func (t Terms) texts() []kernel.Text {
	if t.Resolution == nil {
		return nil
	}
	return []kernel.Text{t.Resolution.Document.text("resolution.document")}
}

// Texts implements kernel.TextCommand.
func (c FileContract) Texts() []kernel.Text {
	return []kernel.Text{{Field: "filingNo", Kind: kernel.Reference, Value: c.FilingNo}}
}

// Texts implements kernel.TextCommand.
func (c RegisterContract) Texts() []kernel.Text {
	return []kernel.Text{{Field: "registrationNo", Kind: kernel.Reference, Value: c.RegistrationNo}}
}

// Texts implements kernel.TextCommand.
func (c Terminate) Texts() []kernel.Text { return []kernel.Text{c.Document.text("document")} }

// Texts implements kernel.TextCommand.
func (c AcceptRenewal) Texts() []kernel.Text { return []kernel.Text{c.Document.text("document")} }

// text is the document's reference as the free text of the named field.
func (d Document) text(field string) kernel.Text {
	return kernel.Text{Field: field + ".reference", Kind: kernel.Reference, Value: d.Reference}
}
