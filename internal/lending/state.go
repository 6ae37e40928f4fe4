package lending

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Status is where a loan is in its lifecycle (rule 22).
type Status string

// Loan statuses. Applied → Valued → Approved → CollateralRegistered → Repaying
// → Repaid, or Repaying ⇄ Overdue → Defaulted → Recovered | WrittenOff.
// Rejected ends an application.
const (
	StatusNone                 Status = ""
	StatusApplied              Status = "APPLIED"
	StatusValued               Status = "VALUED"
	StatusApproved             Status = "APPROVED"
	StatusCollateralRegistered Status = "COLLATERAL_REGISTERED"
	StatusRejected             Status = "REJECTED"
	StatusRepaying             Status = "REPAYING"
	StatusOverdue              Status = "OVERDUE"
	StatusRepaid               Status = "REPAID"
	StatusDefaulted            Status = "DEFAULTED"
	StatusRecovered            Status = "RECOVERED"
	StatusWrittenOff           Status = "WRITTEN_OFF"
)

// ScheduledInstalment is an instalment with what has been paid on it.
type ScheduledInstalment struct {
	Instalment
	PaidPrincipal kernel.Money
	PaidInterest  kernel.Money
}

// Unpaid returns what is still owed on the instalment.
func (i ScheduledInstalment) Unpaid() kernel.Money {
	return i.Amount() - i.PaidPrincipal - i.PaidInterest
}

// State is a loan folded from its events. The zero value is a loan not yet applied for.
type State struct {
	ID             uuid.UUID
	Status         Status
	Borrower       uuid.UUID
	Bank           uuid.UUID
	Product        ProductSnapshot
	Credential     string
	Tier           Tier
	Requested      kernel.Money
	TermMonths     int
	Method         RepaymentMethod
	Collateral     Collateral
	AppraisedValue kernel.Money // zero until valued
	Appraiser      uuid.UUID
	Approved       kernel.Money // zero until approved
	RegistrationID uuid.UUID    // nil until the collateral is registered
	DisbursedOn    time.Time
	Schedule       []ScheduledInstalment

	// After default: what is still claimed, reduced by recoveries.
	ClaimPrincipal     kernel.Money
	ClaimInterest      kernel.Money
	DefaultedPrincipal kernel.Money // unpaid principal when the loan defaulted
	PrincipalRecovered kernel.Money // principal recovered from disposal and the borrower, not the fund
	Recoveries         kernel.Money // everything recovered, from every source
}

// NetPrincipalLoss returns the principal lost on a defaulted loan: the unpaid
// principal at default less what disposal and the borrower recovered. It is
// the base of an operation fund claim (rule 24); the fund's own payment does not reduce it.
func (s State) NetPrincipalLoss() kernel.Money { return s.DefaultedPrincipal - s.PrincipalRecovered }

// Exists reports whether the loan has been applied for.
func (s State) Exists() bool { return s.Status != StatusNone }

// PrincipalOutstanding returns the scheduled principal not yet repaid.
func (s State) PrincipalOutstanding() kernel.Money {
	var sum kernel.Money
	for _, i := range s.Schedule {
		sum += i.Principal - i.PaidPrincipal
	}
	return sum
}

// TotalOwed returns every scheduled amount not yet paid, principal and interest.
func (s State) TotalOwed() kernel.Money {
	var sum kernel.Money
	for _, i := range s.Schedule {
		sum += i.Unpaid()
	}
	return sum
}

// OldestUnpaid returns the index of the first instalment not fully paid, or -1.
func (s State) OldestUnpaid() int {
	for k, i := range s.Schedule {
		if i.Unpaid() > 0 {
			return k
		}
	}
	return -1
}

// pastDue reports whether an unpaid instalment is overdue at now.
func (s State) pastDue(now time.Time) bool {
	k := s.OldestUnpaid()
	return k >= 0 && !now.Before(OverdueAt(s.Schedule[k].DueDate))
}

// DefaultDueAt returns when the loan may be declared in default: the oldest
// unpaid instalment's overdue instant plus the product's DefaultAfterDaysOverdue days.
func (s State) DefaultDueAt() (time.Time, bool) {
	k := s.OldestUnpaid()
	if k < 0 {
		return time.Time{}, false
	}
	return OverdueAt(s.Schedule[k].DueDate).AddDate(0, 0, s.Product.Terms.DefaultAfterDaysOverdue), true
}

// NextDue returns the time-driven command a scheduler should send for this
// loan and when: MarkOverdue once the oldest unpaid instalment is past due,
// DeclareDefault once it has been overdue long enough. ok is false when
// nothing is scheduled.
func (s State) NextDue() (cmd Command, at time.Time, ok bool) {
	k := s.OldestUnpaid()
	switch {
	case k < 0:
		return nil, time.Time{}, false
	case s.Status == StatusRepaying:
		return MarkOverdue{LoanID: s.ID}, OverdueAt(s.Schedule[k].DueDate), true
	case s.Status == StatusOverdue:
		at, _ := s.DefaultDueAt()
		return DeclareDefault{LoanID: s.ID}, at, true
	}
	return nil, time.Time{}, false
}
