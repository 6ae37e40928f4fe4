package fund

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Every event that moves capital carries CapitalAfter, the capital available
// once it happened, so read models need no arithmetic.

// FundEstablished: the operation fund was set up with its initial capital.
type FundEstablished struct {
	FundID   uuid.UUID
	Operator uuid.UUID
	Name     string
	Settings Settings
	At       time.Time
}

// FundCapitalToppedUp: capital was added (a government or bank contribution).
type FundCapitalToppedUp struct {
	FundID       uuid.UUID
	Amount       kernel.Money
	Source       string
	CapitalAfter kernel.Money
	At           time.Time
}

// FundClaimFiled: a bank claimed the fund's share of its net principal loss on
// a defaulted loan. Payable = floor(NetLoss × ShareBP / 10000).
type FundClaimFiled struct {
	FundID               uuid.UUID
	ClaimID              uuid.UUID
	Bank                 uuid.UUID
	LoanID               uuid.UUID
	AssetID              uuid.UUID
	AssetType            kernel.AssetType
	PrincipalOutstanding kernel.Money
	PrincipalRecovered   kernel.Money
	NetLoss              kernel.Money
	ShareBP              int
	Payable              kernel.Money
	At                   time.Time
}

// FundClaimApproved: the fund accepted the claim.
type FundClaimApproved struct {
	FundID  uuid.UUID
	ClaimID uuid.UUID
	At      time.Time
}

// FundClaimRejected: the fund refused the claim; the loan may be claimed again.
type FundClaimRejected struct {
	FundID  uuid.UUID
	ClaimID uuid.UUID
	Reason  string
	At      time.Time
}

// FundClaimPaid: the fund paid the claim's payable amount to the bank.
type FundClaimPaid struct {
	FundID       uuid.UUID
	ClaimID      uuid.UUID
	Bank         uuid.UUID
	LoanID       uuid.UUID
	Amount       kernel.Money
	CapitalAfter kernel.Money
	At           time.Time
}

// RentAdvanced: the fund advanced rent in arrears to a farmer under a
// transfer contract, paying the contract's instalments; Transferee owes it to
// the fund (uuid.Nil in advances recorded before it was stored).
type RentAdvanced struct {
	FundID       uuid.UUID
	AdvanceID    uuid.UUID
	Farmer       uuid.UUID
	ContractID   uuid.UUID
	Amount       kernel.Money
	CapitalAfter kernel.Money
	At           time.Time
	Transferee   uuid.UUID
}

// RentAdvanceRepaid: part or all of an advance came back to the fund.
type RentAdvanceRepaid struct {
	FundID       uuid.UUID
	AdvanceID    uuid.UUID
	Amount       kernel.Money
	Outstanding  kernel.Money // still owed on the advance afterwards
	CapitalAfter kernel.Money
	At           time.Time
}

// CollateralBought: the fund bought collateral that did not sell, as buyer of
// last resort, at the disposal Stage named.
type CollateralBought struct {
	FundID       uuid.UUID
	PurchaseID   uuid.UUID
	AssetID      uuid.UUID
	LoanID       uuid.UUID
	Stage        DisposalStage
	Price        kernel.Money
	CapitalAfter kernel.Money
	At           time.Time
}

// HoldingSold: the fund sold an asset it held; the proceeds return to capital.
type HoldingSold struct {
	FundID       uuid.UUID
	PurchaseID   uuid.UUID
	Proceeds     kernel.Money
	CapitalAfter kernel.Money
	At           time.Time
}

// EventType implements kernel.Event.
func (FundEstablished) EventType() string { return "fund.FundEstablished.v1" }

// EventType implements kernel.Event.
func (FundCapitalToppedUp) EventType() string { return "fund.FundCapitalToppedUp.v1" }

// EventType implements kernel.Event.
func (FundClaimFiled) EventType() string { return "fund.FundClaimFiled.v1" }

// EventType implements kernel.Event.
func (FundClaimApproved) EventType() string { return "fund.FundClaimApproved.v1" }

// EventType implements kernel.Event.
func (FundClaimRejected) EventType() string { return "fund.FundClaimRejected.v1" }

// EventType implements kernel.Event.
func (FundClaimPaid) EventType() string { return "fund.FundClaimPaid.v1" }

// EventType implements kernel.Event.
func (RentAdvanced) EventType() string { return "fund.RentAdvanced.v1" }

// EventType implements kernel.Event.
func (RentAdvanceRepaid) EventType() string { return "fund.RentAdvanceRepaid.v1" }

// EventType implements kernel.Event.
func (CollateralBought) EventType() string { return "fund.CollateralBought.v1" }

// EventType implements kernel.Event.
func (HoldingSold) EventType() string { return "fund.HoldingSold.v1" }

// RegisterEvents registers every event of the fund context.
func RegisterEvents(r *kernel.Registry) {
	r.Register(
		FundEstablished{}, FundCapitalToppedUp{}, FundClaimFiled{}, FundClaimApproved{}, FundClaimRejected{},
		FundClaimPaid{}, RentAdvanced{}, RentAdvanceRepaid{}, CollateralBought{}, HoldingSold{},
	)
}
