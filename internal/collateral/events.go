package collateral

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// CollateralRegistered: a secured party filed a notice against collateral (rule 20).
// At is the registration time, which sets priority (rule 8).
type CollateralRegistered struct {
	RegistrationID uuid.UUID
	Number         string
	Grantor        uuid.UUID
	SecuredParty   uuid.UUID
	Collateral     Collateral
	SecuredAmount  kernel.Money
	Start          time.Time
	End            time.Time
	Consent        *Consent // the contractor's consent when the grantor is a transferee (rule 7)
	AllSums        bool     // an all-sums notice: SecuredAmount is the maximum secured amount (rule 31)
	At             time.Time
}

// CollateralAmended: the secured party changed the notice; the fields hold the
// values after the amendment. Priority keeps the original registration time.
type CollateralAmended struct {
	RegistrationID uuid.UUID
	By             uuid.UUID
	Grantor        uuid.UUID
	SecuredParty   uuid.UUID
	SecuredAmount  kernel.Money
	End            time.Time
	Consent        *Consent
	Reason         string
	At             time.Time
}

// LoanSecured: the notice secures the loan, for its approved Amount (rule 31).
type LoanSecured struct {
	RegistrationID uuid.UUID
	LoanID         uuid.UUID
	Amount         kernel.Money
	At             time.Time
}

// LoanReleased: a loan the notice secured was repaid; the notice no longer secures it.
type LoanReleased struct {
	RegistrationID uuid.UUID
	LoanID         uuid.UUID
	Reason         string
	At             time.Time
}

// CollateralContinued: before its end date the registration was extended to End (rule 21).
type CollateralContinued struct {
	RegistrationID uuid.UUID
	By             uuid.UUID
	PreviousEnd    time.Time
	End            time.Time
	At             time.Time
}

// CollateralDischarged: the secured party discharged the registration; it is final (rule 21).
type CollateralDischarged struct {
	RegistrationID uuid.UUID
	By             uuid.UUID
	Reason         string
	At             time.Time
}

// CollateralExpired: the registration reached its end date without continuation (rule 21).
type CollateralExpired struct {
	RegistrationID uuid.UUID
	End            time.Time
	At             time.Time
}

// EventType implements kernel.Event.
func (CollateralRegistered) EventType() string { return "collateral.CollateralRegistered.v1" }

// EventType implements kernel.Event.
func (CollateralAmended) EventType() string { return "collateral.CollateralAmended.v1" }

// EventType implements kernel.Event.
func (LoanSecured) EventType() string { return "collateral.LoanSecured.v1" }

// EventType implements kernel.Event.
func (LoanReleased) EventType() string { return "collateral.LoanReleased.v1" }

// EventType implements kernel.Event.
func (CollateralContinued) EventType() string { return "collateral.CollateralContinued.v1" }

// EventType implements kernel.Event.
func (CollateralDischarged) EventType() string { return "collateral.CollateralDischarged.v1" }

// EventType implements kernel.Event.
func (CollateralExpired) EventType() string { return "collateral.CollateralExpired.v1" }

func (e CollateralRegistered) occurredAt() time.Time { return e.At }
func (e CollateralAmended) occurredAt() time.Time    { return e.At }
func (e LoanSecured) occurredAt() time.Time          { return e.At }
func (e LoanReleased) occurredAt() time.Time         { return e.At }
func (e CollateralContinued) occurredAt() time.Time  { return e.At }
func (e CollateralDischarged) occurredAt() time.Time { return e.At }
func (e CollateralExpired) occurredAt() time.Time    { return e.At }

// RegisterEvents registers every collateral event type with r.
func RegisterEvents(r *kernel.Registry) {
	r.Register(CollateralRegistered{}, CollateralAmended{}, LoanSecured{}, LoanReleased{}, CollateralContinued{}, CollateralDischarged{},
		CollateralExpired{})
}
