package coop

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Command is an instruction to one share cooperative.
type Command interface {
	kernel.Command
	isCoopCommand()
}

// FoundCooperative founds the cooperative of a collective. Settings are usually
// DefaultSettings() adjusted to local practice.
type FoundCooperative struct {
	CoopID     uuid.UUID
	Collective uuid.UUID
	Name       string
	Settings   Settings
}

// AdmitMember records a confirmed member (成员身份确认) and the household they belong to.
type AdmitMember struct {
	CoopID    uuid.UUID
	Member    uuid.UUID
	Household uuid.UUID
}

// AllocateShares quantifies shares to members by class (折股量化, rule 15).
type AllocateShares struct {
	CoopID      uuid.UUID
	Allocations []Allocation
}

// TransferShares moves free shares of one class from a holder to a member of the
// same cooperative, under the per-holder cap (rule 16).
type TransferShares struct {
	CoopID uuid.UUID
	From   uuid.UUID
	To     uuid.UUID
	Class  ShareClass
	Shares int64
	Price  kernel.Money
}

// RedeemShares: the cooperative buys free shares back from a holder into the
// collective's holding, under the yearly redemption cap (rule 16).
type RedeemShares struct {
	CoopID uuid.UUID
	Holder uuid.UUID
	Class  ShareClass
	Shares int64
	Price  kernel.Money
}

// RecordDeath records that a holder died on DiedOn; it opens the heirs' claim period (rule 17).
type RecordDeath struct {
	CoopID uuid.UUID
	Holder uuid.UUID
	DiedOn time.Time
}

// InheritShares passes a deceased holder's whole holding to one heir (co-heirs
// who are members split it afterwards by transfer). An heir who is a member
// inherits with full rights; anyone else becomes an outside heir with income
// rights only, and HeirHousehold records their household (rule 17).
type InheritShares struct {
	CoopID        uuid.UUID
	Deceased      uuid.UUID
	Heir          uuid.UUID
	HeirHousehold uuid.UUID
}

// RevertUnclaimedShares passes a deceased holder's unclaimed shares to the
// collective once the claim period has ended. A scheduler sends it (see NextDue).
type RevertUnclaimedShares struct {
	CoopID   uuid.UUID
	Deceased uuid.UUID
}

// PledgeShares pledges free shares of a member to a lender (rule 18).
// RegistrationNumber links the pledge to its collateral registration.
type PledgeShares struct {
	CoopID             uuid.UUID
	PledgeID           uuid.UUID
	Holder             uuid.UUID
	Pledgee            uuid.UUID
	Shares             int64
	RegistrationNumber string
	LoanMaturity       time.Time
}

// ReleasePledge releases a pledge; only the pledgee (By) may release it.
type ReleasePledge struct {
	CoopID   uuid.UUID
	PledgeID uuid.UUID
	By       uuid.UUID
}

// EnforcePledge sells the pledged shares of a pledge whose secured loan is in
// default to Buyer, a living member or the collective, at Price; the pledge
// ends with the sale. By must be the pledgee; LoanDefaulted is read by the
// caller from the lending context (the loan with the pledge's id).
type EnforcePledge struct {
	CoopID        uuid.UUID
	PledgeID      uuid.UUID
	By            uuid.UUID
	Buyer         uuid.UUID
	Price         kernel.Money
	LoanDefaulted bool
}

// ExpirePledge ends a pledge whose registration term has run out. A scheduler sends it (see NextDue).
type ExpirePledge struct {
	CoopID   uuid.UUID
	PledgeID uuid.UUID
}

// DeclareDividend declares Amount against the register as it stands now (rule 19).
type DeclareDividend struct {
	CoopID     uuid.UUID
	DividendID uuid.UUID
	Amount     kernel.Money
}

// PayDividend records that a declared dividend was paid out.
type PayDividend struct {
	CoopID     uuid.UUID
	DividendID uuid.UUID
}

// AggregateID implements kernel.Command.
func (c FoundCooperative) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c AdmitMember) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c AllocateShares) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c TransferShares) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c RedeemShares) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c RecordDeath) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c InheritShares) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c RevertUnclaimedShares) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c PledgeShares) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c ReleasePledge) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c ExpirePledge) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c EnforcePledge) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c DeclareDividend) AggregateID() uuid.UUID { return c.CoopID }

// AggregateID implements kernel.Command.
func (c PayDividend) AggregateID() uuid.UUID { return c.CoopID }

func (FoundCooperative) isCoopCommand()      {}
func (AdmitMember) isCoopCommand()           {}
func (AllocateShares) isCoopCommand()        {}
func (TransferShares) isCoopCommand()        {}
func (RedeemShares) isCoopCommand()          {}
func (RecordDeath) isCoopCommand()           {}
func (InheritShares) isCoopCommand()         {}
func (RevertUnclaimedShares) isCoopCommand() {}
func (PledgeShares) isCoopCommand()          {}
func (ReleasePledge) isCoopCommand()         {}
func (ExpirePledge) isCoopCommand()          {}
func (EnforcePledge) isCoopCommand()         {}
func (DeclareDividend) isCoopCommand()       {}
func (PayDividend) isCoopCommand()           {}

// Texts implements kernel.TextCommand.
func (c FoundCooperative) Texts() []kernel.Text {
	return []kernel.Text{{Field: "name", Kind: kernel.Name, Value: c.Name}}
}

// Texts implements kernel.TextCommand.
func (c PledgeShares) Texts() []kernel.Text {
	return []kernel.Text{{Field: "registrationNumber", Kind: kernel.Reference, Value: c.RegistrationNumber}}
}
