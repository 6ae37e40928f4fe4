package fund

import (
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Command is a command to the operation fund (category "fund").
type Command interface {
	kernel.Command
	isFundCommand()
}

// EstablishFund sets up the fund. By is the exchange operator that will run it;
// the fund starts with Settings.InitialCapital.
type EstablishFund struct {
	FundID   uuid.UUID
	By       uuid.UUID
	Name     string
	Settings Settings
}

// TopUpCapital adds capital. By must be the operator.
type TopUpCapital struct {
	FundID uuid.UUID
	By     uuid.UUID
	Amount kernel.Money
	Source string
}

// DefaultedLoan is what a claim knows of the loan, read by the caller from the
// lending context (its LoanDefaulted and recovery events) and from the
// collateral registry (the notice securing the loan).
type DefaultedLoan struct {
	LoanID               uuid.UUID
	Bank                 uuid.UUID
	AssetID              uuid.UUID
	AssetType            kernel.AssetType // the collateral
	Defaulted            bool
	PrincipalOutstanding kernel.Money // unpaid principal when the loan defaulted
	PrincipalRecovered   kernel.Money // principal recovered since, from disposal and the borrower (not from this fund)
	// CollateralInForce: the notice securing the loan is still in force, so
	// its disposal has not finished. A sale (or the fund's purchase) is paid by
	// rank and discharges it; after a failed disposal the bank releases it.
	CollateralInForce bool
}

// FileFundClaim files a bank's claim for its net principal loss on a defaulted
// loan. By is the bank; it must be the loan's bank.
type FileFundClaim struct {
	FundID  uuid.UUID
	ClaimID uuid.UUID
	By      uuid.UUID
	Loan    DefaultedLoan
}

// ApproveFundClaim accepts a filed claim. By must be the operator.
type ApproveFundClaim struct {
	FundID  uuid.UUID
	ClaimID uuid.UUID
	By      uuid.UUID
}

// RejectFundClaim refuses a filed claim. By must be the operator.
type RejectFundClaim struct {
	FundID  uuid.UUID
	ClaimID uuid.UUID
	By      uuid.UUID
	Reason  string
}

// PayFundClaim pays an approved claim out of capital. By must be the operator.
type PayFundClaim struct {
	FundID  uuid.UUID
	ClaimID uuid.UUID
	By      uuid.UUID
}

// RentContract is what an advance knows of a transfer contract, read by the
// caller from the transfer context as it stands now.
type RentContract struct {
	ContractID uuid.UUID
	Transferor uuid.UUID    // the farmer the rent is owed to
	Transferee uuid.UUID    // who owes it, and owes the fund what it advances
	InForce    bool         // signed and neither ended nor terminated
	Arrears    kernel.Money // rent due by now and unpaid
}

// AdvanceRent advances rent in arrears under a transfer contract: the fund
// pays the contract's instalment to the farmer and the transferee owes the
// fund. By must be the operator.
type AdvanceRent struct {
	FundID    uuid.UUID
	AdvanceID uuid.UUID
	By        uuid.UUID
	Contract  RentContract
	Amount    kernel.Money
}

// RecordAdvanceRepayment records money paid back on an advance. By must be the operator.
type RecordAdvanceRepayment struct {
	FundID    uuid.UUID
	AdvanceID uuid.UUID
	By        uuid.UUID
	Amount    kernel.Money
}

// BuyCollateral buys, into the fund's trusteeship, the collateral of a
// defaulted loan that its disposal did not sell (rule 24). Loan is what the
// fund knows of the loan, as for a claim; Unsold lists the disposal stages
// tried without a sale, in the order they failed, from the loan's disposal
// listing. By must be the operator.
type BuyCollateral struct {
	FundID     uuid.UUID
	PurchaseID uuid.UUID
	By         uuid.UUID
	Loan       DefaultedLoan
	Unsold     []DisposalStage
	Price      kernel.Money
}

// SellHolding records the sale of an asset the fund bought. By must be the operator.
type SellHolding struct {
	FundID     uuid.UUID
	PurchaseID uuid.UUID
	By         uuid.UUID
	Proceeds   kernel.Money
}

// AggregateID implements kernel.Command.
func (c EstablishFund) AggregateID() uuid.UUID { return c.FundID }

// AggregateID implements kernel.Command.
func (c TopUpCapital) AggregateID() uuid.UUID { return c.FundID }

// AggregateID implements kernel.Command.
func (c FileFundClaim) AggregateID() uuid.UUID { return c.FundID }

// AggregateID implements kernel.Command.
func (c ApproveFundClaim) AggregateID() uuid.UUID { return c.FundID }

// AggregateID implements kernel.Command.
func (c RejectFundClaim) AggregateID() uuid.UUID { return c.FundID }

// AggregateID implements kernel.Command.
func (c PayFundClaim) AggregateID() uuid.UUID { return c.FundID }

// AggregateID implements kernel.Command.
func (c AdvanceRent) AggregateID() uuid.UUID { return c.FundID }

// AggregateID implements kernel.Command.
func (c RecordAdvanceRepayment) AggregateID() uuid.UUID { return c.FundID }

// AggregateID implements kernel.Command.
func (c BuyCollateral) AggregateID() uuid.UUID { return c.FundID }

// AggregateID implements kernel.Command.
func (c SellHolding) AggregateID() uuid.UUID { return c.FundID }

func (EstablishFund) isFundCommand()          {}
func (TopUpCapital) isFundCommand()           {}
func (FileFundClaim) isFundCommand()          {}
func (ApproveFundClaim) isFundCommand()       {}
func (RejectFundClaim) isFundCommand()        {}
func (PayFundClaim) isFundCommand()           {}
func (AdvanceRent) isFundCommand()            {}
func (RecordAdvanceRepayment) isFundCommand() {}
func (BuyCollateral) isFundCommand()          {}
func (SellHolding) isFundCommand()            {}

func (c TopUpCapital) operator() uuid.UUID           { return c.By }
func (c ApproveFundClaim) operator() uuid.UUID       { return c.By }
func (c RejectFundClaim) operator() uuid.UUID        { return c.By }
func (c PayFundClaim) operator() uuid.UUID           { return c.By }
func (c AdvanceRent) operator() uuid.UUID            { return c.By }
func (c RecordAdvanceRepayment) operator() uuid.UUID { return c.By }
func (c BuyCollateral) operator() uuid.UUID          { return c.By }
func (c SellHolding) operator() uuid.UUID            { return c.By }

// Texts implements kernel.TextCommand.
func (c EstablishFund) Texts() []kernel.Text {
	return []kernel.Text{{Field: "name", Kind: kernel.Name, Value: c.Name}}
}

// Texts implements kernel.TextCommand.
func (c TopUpCapital) Texts() []kernel.Text {
	return []kernel.Text{{Field: "source", Kind: kernel.Name, Value: c.Source}}
}

// Texts implements kernel.TextCommand.
func (c RejectFundClaim) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }
