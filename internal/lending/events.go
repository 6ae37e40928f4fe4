package lending

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// LoanApplied: a borrower applied for a loan against collateral, under a
// snapshot of the product's terms and the tier its credential qualifies for.
type LoanApplied struct {
	LoanID     uuid.UUID
	Borrower   uuid.UUID
	Bank       uuid.UUID
	Product    ProductSnapshot
	Credential string
	Tier       Tier
	Amount     kernel.Money // requested
	TermMonths int
	Method     RepaymentMethod
	Collateral Collateral
	At         time.Time
}

// CollateralValued: the collateral was appraised. A later valuation replaces an earlier one.
type CollateralValued struct {
	LoanID    uuid.UUID
	Value     kernel.Money
	Appraiser uuid.UUID
	At        time.Time
}

// LoanApproved: the bank approved Amount, at most MaxByLTV (loan-to-value × appraised value).
type LoanApproved struct {
	LoanID       uuid.UUID
	Amount       kernel.Money
	TermMonths   int
	AnnualRateBP int
	MaxByLTV     kernel.Money
	MaturesOn    time.Time // if disbursed on the approval date
	At           time.Time
}

// LoanRejected: the bank declined the application.
type LoanRejected struct {
	LoanID uuid.UUID
	Reason string
	At     time.Time
}

// LoanCollateralRegistered: the collateral registry registered the mortgage or pledge securing the loan.
type LoanCollateralRegistered struct {
	LoanID         uuid.UUID
	RegistrationID uuid.UUID
	At             time.Time
}

// LoanDisbursed: the bank paid out the loan; Schedule is the full repayment schedule.
type LoanDisbursed struct {
	LoanID      uuid.UUID
	Amount      kernel.Money
	DisbursedOn time.Time // civil date, midnight UTC
	Method      RepaymentMethod
	Schedule    []Instalment
	At          time.Time
}

// Allocation is the part of a payment or recovery applied to one instalment.
type Allocation struct {
	Instalment int
	Interest   kernel.Money
	Principal  kernel.Money
}

// LoanRepaymentReceived: the borrower paid Amount, allocated to instalments in schedule order.
type LoanRepaymentReceived struct {
	LoanID               uuid.UUID
	Amount               kernel.Money
	Allocations          []Allocation
	PrincipalOutstanding kernel.Money // after this payment
	At                   time.Time
}

// LoanRepaid: all principal and interest is paid. The collateral registration
// can now be discharged.
type LoanRepaid struct {
	LoanID         uuid.UUID
	Borrower       uuid.UUID
	Bank           uuid.UUID
	AssetID        uuid.UUID
	RegistrationID uuid.UUID
	At             time.Time
}

// LoanOverdue: the oldest unpaid instalment passed its due date unpaid.
type LoanOverdue struct {
	LoanID     uuid.UUID
	Instalment int
	DueDate    time.Time
	AmountDue  kernel.Money // still unpaid on that instalment
	At         time.Time
}

// LoanOverdueCured: every past-due instalment has been paid; the loan is back on schedule.
type LoanOverdueCured struct {
	LoanID uuid.UUID
	At     time.Time
}

// LoanDefaulted: the loan was declared in default. The claim is the unpaid
// principal of every instalment plus the unpaid interest of instalments due
// by then; later interest is not claimed.
type LoanDefaulted struct {
	LoanID               uuid.UUID
	Borrower             uuid.UUID
	Bank                 uuid.UUID
	AssetID              uuid.UUID
	AssetType            kernel.AssetType
	RegistrationID       uuid.UUID
	PrincipalOutstanding kernel.Money
	InterestOutstanding  kernel.Money
	At                   time.Time
}

// RecoverySource is where money recovered on a defaulted loan came from.
type RecoverySource string

// Recovery sources.
const (
	RecoveryDisposal RecoverySource = "DISPOSAL"   // proceeds of selling the collateral on the exchange
	RecoveryFund     RecoverySource = "FUND_CLAIM" // the operation fund's share of the net principal loss
	RecoveryBorrower RecoverySource = "BORROWER"   // the borrower paid after default
)

// Valid reports whether s is a known source.
func (s RecoverySource) Valid() bool {
	return s == RecoveryDisposal || s == RecoveryFund || s == RecoveryBorrower
}

// LoanRecoveryRecorded: money was recovered on a defaulted loan; it went to
// outstanding principal first, then to the claimed interest.
type LoanRecoveryRecorded struct {
	LoanID               uuid.UUID
	Source               RecoverySource
	Amount               kernel.Money
	Principal            kernel.Money
	Interest             kernel.Money
	PrincipalOutstanding kernel.Money // after this recovery
	InterestOutstanding  kernel.Money // after this recovery
	At                   time.Time
}

// LoanRecovered: recoveries covered the whole defaulted claim.
type LoanRecovered struct {
	LoanID uuid.UUID
	At     time.Time
}

// LoanWrittenOff: the bank wrote off what recoveries did not cover.
type LoanWrittenOff struct {
	LoanID    uuid.UUID
	Principal kernel.Money
	Interest  kernel.Money
	At        time.Time
}

// EventType implements kernel.Event.
func (LoanApplied) EventType() string { return "lending.LoanApplied.v1" }

// EventType implements kernel.Event.
func (CollateralValued) EventType() string { return "lending.CollateralValued.v1" }

// EventType implements kernel.Event.
func (LoanApproved) EventType() string { return "lending.LoanApproved.v1" }

// EventType implements kernel.Event.
func (LoanRejected) EventType() string { return "lending.LoanRejected.v1" }

// EventType implements kernel.Event.
func (LoanCollateralRegistered) EventType() string { return "lending.LoanCollateralRegistered.v1" }

// EventType implements kernel.Event.
func (LoanDisbursed) EventType() string { return "lending.LoanDisbursed.v1" }

// EventType implements kernel.Event.
func (LoanRepaymentReceived) EventType() string { return "lending.LoanRepaymentReceived.v1" }

// EventType implements kernel.Event.
func (LoanRepaid) EventType() string { return "lending.LoanRepaid.v1" }

// EventType implements kernel.Event.
func (LoanOverdue) EventType() string { return "lending.LoanOverdue.v1" }

// EventType implements kernel.Event.
func (LoanOverdueCured) EventType() string { return "lending.LoanOverdueCured.v1" }

// EventType implements kernel.Event.
func (LoanDefaulted) EventType() string { return "lending.LoanDefaulted.v1" }

// EventType implements kernel.Event.
func (LoanRecoveryRecorded) EventType() string { return "lending.LoanRecoveryRecorded.v1" }

// EventType implements kernel.Event.
func (LoanRecovered) EventType() string { return "lending.LoanRecovered.v1" }

// EventType implements kernel.Event.
func (LoanWrittenOff) EventType() string { return "lending.LoanWrittenOff.v1" }

// RegisterEvents registers every event of the lending context (loans and loan products).
func RegisterEvents(r *kernel.Registry) {
	r.Register(
		LoanProductDefined{}, LoanProductRevised{}, LoanProductWithdrawn{},
		LoanApplied{}, CollateralValued{}, LoanApproved{}, LoanRejected{}, LoanCollateralRegistered{},
		LoanDisbursed{}, LoanRepaymentReceived{}, LoanRepaid{}, LoanOverdue{}, LoanOverdueCured{},
		LoanDefaulted{}, LoanRecoveryRecorded{}, LoanRecovered{}, LoanWrittenOff{},
	)
}
