package collateral

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Command is an instruction to one registration.
type Command interface {
	kernel.Command
	isCollateralCommand()
}

// RegisterCollateral files a notice (rule 20). By is the acting bank and must
// be the secured party. Number is the registration number the caller assigns
// (e.g. "DJ-2026-000123"). Contractor is a fact from the asset registry: the
// contracting household of the land whose management right is mortgaged, zero
// when there is none (collective assets, shares); when the grantor is not the
// contractor, Consent must carry the contractor's recorded consent (rule 7).
// Holding is a fact from the asset or share register: what the grantor holds
// of the collateral at filing (rule 31). A notice secures one loan unless
// AllSums files it as an all-sums notice (最高额抵押), which secures the
// secured party's loans to the grantor over the collateral up to
// SecuredAmount, the maximum secured amount, together.
type RegisterCollateral struct {
	RegistrationID uuid.UUID
	By             uuid.UUID
	Number         string
	Grantor        uuid.UUID
	SecuredParty   uuid.UUID
	Collateral     Collateral
	SecuredAmount  kernel.Money
	Start          time.Time
	End            time.Time
	Contractor     uuid.UUID
	Consent        *Consent
	Holding        Holding
	AllSums        bool
}

// Holding is what the register shows the grantor holding of the collateral
// when a notice is filed or its grantor amended, read by the caller: for a
// mortgage, the current holder of the asset's management right and the end of
// that holding; for a share pledge, the grantor when it is a living member on
// the cooperative's register (uuid.Nil otherwise) and the shares it holds,
// pledged or not: notices over the same shares rank by priority (rule 8), and
// the cooperative pledges each share once (rule 18).
type Holding struct {
	Holder uuid.UUID
	Until  time.Time // MORTGAGE: the holding ends here
	Shares int64     // SHARE_PLEDGE: shares held
}

// AmendCollateral changes the notice; zero fields stay as they are. A new
// grantor of a mortgage is checked against Contractor, Consent and Holding as
// at registration (rules 7 and 31). Reason is required.
type AmendCollateral struct {
	RegistrationID uuid.UUID
	By             uuid.UUID
	Grantor        uuid.UUID
	SecuredParty   uuid.UUID
	SecuredAmount  kernel.Money
	End            time.Time
	Contractor     uuid.UUID
	Consent        *Consent
	Holding        Holding
	Reason         string
}

// SecureLoan records that the notice secures a loan (rule 31). The loan's
// facts are read by the caller from the loan: its bank, borrower, collateral
// asset and approved amount, and Waiting, whether it is approved and waits
// for the notice that secures it.
type SecureLoan struct {
	RegistrationID uuid.UUID
	LoanID         uuid.UUID
	Bank           uuid.UUID
	Borrower       uuid.UUID
	Asset          uuid.UUID
	Amount         kernel.Money
	Waiting        bool
}

// ReleaseLoan records that a loan the notice secures was repaid. Releasing
// the last loan still secured discharges the notice (rule 31). Reason is
// required.
type ReleaseLoan struct {
	RegistrationID uuid.UUID
	LoanID         uuid.UUID
	Reason         string
}

// ContinueCollateral extends the end date before the registration expires (rule 21).
type ContinueCollateral struct {
	RegistrationID uuid.UUID
	By             uuid.UUID
	End            time.Time
}

// DischargeCollateral ends the registration for good (rule 21).
type DischargeCollateral struct {
	RegistrationID uuid.UUID
	By             uuid.UUID
	Reason         string
}

// ExpireCollateral ends a registration at its end date. A scheduler sends it (see NextDue).
type ExpireCollateral struct {
	RegistrationID uuid.UUID
}

// AggregateID implements kernel.Command.
func (c RegisterCollateral) AggregateID() uuid.UUID { return c.RegistrationID }

// AggregateID implements kernel.Command.
func (c AmendCollateral) AggregateID() uuid.UUID { return c.RegistrationID }

// AggregateID implements kernel.Command.
func (c SecureLoan) AggregateID() uuid.UUID { return c.RegistrationID }

// AggregateID implements kernel.Command.
func (c ReleaseLoan) AggregateID() uuid.UUID { return c.RegistrationID }

// AggregateID implements kernel.Command.
func (c ContinueCollateral) AggregateID() uuid.UUID { return c.RegistrationID }

// AggregateID implements kernel.Command.
func (c DischargeCollateral) AggregateID() uuid.UUID { return c.RegistrationID }

// AggregateID implements kernel.Command.
func (c ExpireCollateral) AggregateID() uuid.UUID { return c.RegistrationID }

func (RegisterCollateral) isCollateralCommand()  {}
func (AmendCollateral) isCollateralCommand()     {}
func (SecureLoan) isCollateralCommand()          {}
func (ReleaseLoan) isCollateralCommand()         {}
func (ContinueCollateral) isCollateralCommand()  {}
func (DischargeCollateral) isCollateralCommand() {}
func (ExpireCollateral) isCollateralCommand()    {}

// Texts implements kernel.TextCommand.
func (c RegisterCollateral) Texts() []kernel.Text {
	return []kernel.Text{{Field: "number", Kind: kernel.Reference, Value: c.Number}}
}

// Texts implements kernel.TextCommand.
func (c AmendCollateral) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }

// Texts implements kernel.TextCommand.
func (c ReleaseLoan) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }

// Texts implements kernel.TextCommand.
func (c DischargeCollateral) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }
