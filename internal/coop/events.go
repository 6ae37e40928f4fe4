package coop

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// CooperativeFounded: a collective founded the share cooperative with its settings.
type CooperativeFounded struct {
	CoopID     uuid.UUID
	Collective uuid.UUID // the collective economic organisation; it holds the collective's own shares
	Name       string
	Settings   Settings
	At         time.Time
}

// MemberAdmitted: a person's membership was confirmed.
type MemberAdmitted struct {
	CoopID    uuid.UUID
	Member    uuid.UUID
	Household uuid.UUID
	At        time.Time
}

// SharesAllocated: shares were quantified to members by class (rule 15).
type SharesAllocated struct {
	CoopID      uuid.UUID
	Allocations []Allocation
	At          time.Time
}

// SharesTransferred: a holder transferred shares of one class to a member (rule 16).
type SharesTransferred struct {
	CoopID uuid.UUID
	From   uuid.UUID
	To     uuid.UUID
	Class  ShareClass
	Shares int64
	Price  kernel.Money // agreed consideration; zero for a gift
	At     time.Time
}

// SharesRedeemed: the cooperative bought shares back into the collective's holding (rule 16).
type SharesRedeemed struct {
	CoopID uuid.UUID
	Holder uuid.UUID
	Class  ShareClass
	Shares int64
	Price  kernel.Money
	At     time.Time
}

// HolderDeceased: a holder died; heirs may claim the shares until ClaimDeadline (rule 17).
type HolderDeceased struct {
	CoopID        uuid.UUID
	Holder        uuid.UUID
	DiedOn        time.Time
	ClaimDeadline time.Time
	At            time.Time
}

// SharesInherited: an heir took over a deceased holder's whole holding and the
// pledges on it. Rights is FULL for an heir who is a member, INCOME_ONLY otherwise (rule 17).
type SharesInherited struct {
	CoopID        uuid.UUID
	Deceased      uuid.UUID
	Heir          uuid.UUID
	HeirHousehold uuid.UUID
	Shares        ClassShares
	Pledges       []uuid.UUID // pledges that now burden the heir's shares, sorted
	Rights        Rights
	At            time.Time
}

// UnclaimedSharesReverted: no heir claimed in time, so the holding passed to the
// collective with the pledges on it (rule 17).
type UnclaimedSharesReverted struct {
	CoopID     uuid.UUID
	Deceased   uuid.UUID
	Collective uuid.UUID
	Shares     ClassShares
	Pledges    []uuid.UUID
	At         time.Time
}

// SharesPledged: a member pledged free shares to a lender (rule 18).
type SharesPledged struct {
	CoopID             uuid.UUID
	PledgeID           uuid.UUID
	Holder             uuid.UUID
	Pledgee            uuid.UUID
	Shares             int64
	RegistrationNumber string // the collateral registry's number for the pledge
	LoanMaturity       time.Time
	RegisteredUntil    time.Time
	At                 time.Time
}

// PledgeReleased: the pledgee released a pledge; the shares are free again.
type PledgeReleased struct {
	CoopID   uuid.UUID
	PledgeID uuid.UUID
	Holder   uuid.UUID
	Shares   int64
	At       time.Time
}

// PledgeEnforced: the pledgee sold a defaulted loan's pledged shares to Buyer
// (a member or the collective) at Price; the pledge ended with the sale.
type PledgeEnforced struct {
	CoopID   uuid.UUID
	PledgeID uuid.UUID
	Holder   uuid.UUID
	Pledgee  uuid.UUID
	Buyer    uuid.UUID
	Shares   ClassShares // the shares sold, by class
	Price    kernel.Money
	At       time.Time
}

// PledgeExpired: a pledge's registration term ended without release.
type PledgeExpired struct {
	CoopID   uuid.UUID
	PledgeID uuid.UUID
	Holder   uuid.UUID
	Shares   int64
	At       time.Time
}

// DividendDeclared: a dividend was declared against the register as it stood at
// At; Payouts (sorted by holder) sum exactly to Amount (rule 19).
type DividendDeclared struct {
	CoopID      uuid.UUID
	DividendID  uuid.UUID
	Amount      kernel.Money
	TotalShares int64
	Payouts     []Payout
	At          time.Time
}

// DividendPaid: the declared payouts were paid out.
type DividendPaid struct {
	CoopID     uuid.UUID
	DividendID uuid.UUID
	Amount     kernel.Money
	At         time.Time
}

// EventType implements kernel.Event.
func (CooperativeFounded) EventType() string { return "coop.CooperativeFounded.v1" }

// EventType implements kernel.Event.
func (MemberAdmitted) EventType() string { return "coop.MemberAdmitted.v1" }

// EventType implements kernel.Event.
func (SharesAllocated) EventType() string { return "coop.SharesAllocated.v1" }

// EventType implements kernel.Event.
func (SharesTransferred) EventType() string { return "coop.SharesTransferred.v1" }

// EventType implements kernel.Event.
func (SharesRedeemed) EventType() string { return "coop.SharesRedeemed.v1" }

// EventType implements kernel.Event.
func (HolderDeceased) EventType() string { return "coop.HolderDeceased.v1" }

// EventType implements kernel.Event.
func (SharesInherited) EventType() string { return "coop.SharesInherited.v1" }

// EventType implements kernel.Event.
func (UnclaimedSharesReverted) EventType() string { return "coop.UnclaimedSharesReverted.v1" }

// EventType implements kernel.Event.
func (SharesPledged) EventType() string { return "coop.SharesPledged.v1" }

// EventType implements kernel.Event.
func (PledgeEnforced) EventType() string { return "coop.PledgeEnforced.v1" }

// EventType implements kernel.Event.
func (PledgeReleased) EventType() string { return "coop.PledgeReleased.v1" }

// EventType implements kernel.Event.
func (PledgeExpired) EventType() string { return "coop.PledgeExpired.v1" }

// EventType implements kernel.Event.
func (DividendDeclared) EventType() string { return "coop.DividendDeclared.v1" }

// EventType implements kernel.Event.
func (DividendPaid) EventType() string { return "coop.DividendPaid.v1" }

// RegisterEvents registers every coop event type with r.
func RegisterEvents(r *kernel.Registry) {
	r.Register(CooperativeFounded{}, MemberAdmitted{}, SharesAllocated{}, SharesTransferred{},
		SharesRedeemed{}, HolderDeceased{}, SharesInherited{}, UnclaimedSharesReverted{},
		SharesPledged{}, PledgeReleased{}, PledgeExpired{}, DividendDeclared{}, DividendPaid{}, PledgeEnforced{})
}
