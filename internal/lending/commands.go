package lending

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Command is a command to a loan (category "loan").
type Command interface {
	kernel.Command
	isLoanCommand()
}

// ProductSnapshot is what an application knows of the loan product, read by
// the caller from the product aggregate (ProductState.Snapshot).
type ProductSnapshot struct {
	ProductID uuid.UUID
	Bank      uuid.UUID
	Name      string
	Active    bool // defined and not withdrawn
	Terms     Terms
}

// Collateral is what an application knows of the pledged asset and right,
// read by the caller from the registry and transfer contexts.
type Collateral struct {
	AssetID              uuid.UUID
	AssetType            kernel.AssetType
	RightsEndDate        time.Time // civil date the pledged right ends
	BorrowerIsTransferee bool      // the borrower holds the right by a transfer contract, not as contractor
	RentPaidAsAgreed     bool      // for a transferee: rent under the transfer contract is paid as agreed (rule 9)
	ContractorConsent    bool      // for a transferee: the contractor's written consent is recorded with the collective (rule 7)
	// MaxTermMonths is the longest loan the collateral may secure, from its
	// own context: for cooperative shares, the cooperative's pledged-loan
	// term (rule 18), which a shares loan must carry; 0 for other assets.
	MaxTermMonths int
}

// ApplyForLoan opens a loan application. The caller makes LoanID and reads
// Product and Collateral; Credential is the borrower's verified credential level.
type ApplyForLoan struct {
	LoanID     uuid.UUID
	Borrower   uuid.UUID
	Bank       uuid.UUID
	Product    ProductSnapshot
	Credential string
	Amount     kernel.Money
	TermMonths int
	Method     RepaymentMethod
	Collateral Collateral
}

// ValueCollateral records an appraisal of the collateral. By must be the loan's bank.
type ValueCollateral struct {
	LoanID    uuid.UUID
	By        uuid.UUID
	Value     kernel.Money
	Appraiser uuid.UUID
}

// ApproveLoan approves Amount (at most the requested amount). By must be the loan's bank.
type ApproveLoan struct {
	LoanID uuid.UUID
	By     uuid.UUID
	Amount kernel.Money
}

// RejectLoan declines an application not yet approved. By must be the loan's bank.
type RejectLoan struct {
	LoanID uuid.UUID
	By     uuid.UUID
	Reason string
}

// RecordCollateralRegistered records the collateral registry's registration
// securing the loan (sent by the process manager that registers it).
type RecordCollateralRegistered struct {
	LoanID         uuid.UUID
	RegistrationID uuid.UUID
}

// DisburseLoan pays the loan out on the command's date. By must be the loan's
// bank. SharesPledged is a fact from the cooperative for a loan secured by
// shares: the cooperative recorded the pledge of the loan's notice (rule 18).
type DisburseLoan struct {
	LoanID        uuid.UUID
	By            uuid.UUID
	SharesPledged bool
}

// RepayLoan applies a payment from the borrower.
type RepayLoan struct {
	LoanID uuid.UUID
	Amount kernel.Money
}

// MarkOverdue is sent by the scheduler when the oldest unpaid instalment is past due (see State.NextDue).
type MarkOverdue struct {
	LoanID uuid.UUID
}

// DeclareDefault is sent when an instalment has been overdue for the product's
// DefaultAfterDaysOverdue days (see State.NextDue).
type DeclareDefault struct {
	LoanID uuid.UUID
}

// RecordRecovery records money recovered on a defaulted loan.
type RecordRecovery struct {
	LoanID uuid.UUID
	Source RecoverySource
	Amount kernel.Money
}

// WriteOff writes off what recoveries left of a defaulted loan. By must be the loan's bank.
type WriteOff struct {
	LoanID uuid.UUID
	By     uuid.UUID
}

// AggregateID implements kernel.Command.
func (c ApplyForLoan) AggregateID() uuid.UUID { return c.LoanID }

// AggregateID implements kernel.Command.
func (c ValueCollateral) AggregateID() uuid.UUID { return c.LoanID }

// AggregateID implements kernel.Command.
func (c ApproveLoan) AggregateID() uuid.UUID { return c.LoanID }

// AggregateID implements kernel.Command.
func (c RejectLoan) AggregateID() uuid.UUID { return c.LoanID }

// AggregateID implements kernel.Command.
func (c RecordCollateralRegistered) AggregateID() uuid.UUID { return c.LoanID }

// AggregateID implements kernel.Command.
func (c DisburseLoan) AggregateID() uuid.UUID { return c.LoanID }

// AggregateID implements kernel.Command.
func (c RepayLoan) AggregateID() uuid.UUID { return c.LoanID }

// AggregateID implements kernel.Command.
func (c MarkOverdue) AggregateID() uuid.UUID { return c.LoanID }

// AggregateID implements kernel.Command.
func (c DeclareDefault) AggregateID() uuid.UUID { return c.LoanID }

// AggregateID implements kernel.Command.
func (c RecordRecovery) AggregateID() uuid.UUID { return c.LoanID }

// AggregateID implements kernel.Command.
func (c WriteOff) AggregateID() uuid.UUID { return c.LoanID }

func (ApplyForLoan) isLoanCommand()               {}
func (ValueCollateral) isLoanCommand()            {}
func (ApproveLoan) isLoanCommand()                {}
func (RejectLoan) isLoanCommand()                 {}
func (RecordCollateralRegistered) isLoanCommand() {}
func (DisburseLoan) isLoanCommand()               {}
func (RepayLoan) isLoanCommand()                  {}
func (MarkOverdue) isLoanCommand()                {}
func (DeclareDefault) isLoanCommand()             {}
func (RecordRecovery) isLoanCommand()             {}
func (WriteOff) isLoanCommand()                   {}

// Texts implements kernel.TextCommand.
func (c ApplyForLoan) Texts() []kernel.Text {
	return []kernel.Text{{Field: "credential", Kind: kernel.Reference, Value: c.Credential}}
}

// Texts implements kernel.TextCommand.
func (c RejectLoan) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }
