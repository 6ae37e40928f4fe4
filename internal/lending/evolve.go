package lending

import (
	"slices"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Evolve folds one event into a loan state. It never fails and ignores events it does not know.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case LoanApplied:
		return State{
			ID: e.LoanID, Status: StatusApplied, Borrower: e.Borrower, Bank: e.Bank, Product: e.Product,
			Credential: e.Credential, Tier: e.Tier, Requested: e.Amount, TermMonths: e.TermMonths,
			Method: e.Method, Collateral: e.Collateral,
		}
	case CollateralValued:
		s.Status, s.AppraisedValue, s.Appraiser = StatusValued, e.Value, e.Appraiser
	case LoanApproved:
		s.Status, s.Approved = StatusApproved, e.Amount
	case LoanRejected:
		s.Status = StatusRejected
	case LoanCollateralRegistered:
		s.Status, s.RegistrationID = StatusCollateralRegistered, e.RegistrationID
	case LoanDisbursed:
		s.Status, s.DisbursedOn = StatusRepaying, e.DisbursedOn
		s.Schedule = make([]ScheduledInstalment, len(e.Schedule))
		for k, i := range e.Schedule {
			s.Schedule[k] = ScheduledInstalment{Instalment: i}
		}
	case LoanRepaymentReceived:
		s.Schedule = slices.Clone(s.Schedule) // states are values: never write through a shared slice
		for _, a := range e.Allocations {
			if k := a.Instalment - 1; k >= 0 && k < len(s.Schedule) {
				s.Schedule[k].PaidInterest += a.Interest
				s.Schedule[k].PaidPrincipal += a.Principal
			}
		}
	case LoanRepaid:
		s.Status = StatusRepaid
	case LoanOverdue:
		s.Status = StatusOverdue
	case LoanOverdueCured:
		s.Status = StatusRepaying
	case LoanDefaulted:
		s.Status, s.ClaimPrincipal, s.ClaimInterest = StatusDefaulted, e.PrincipalOutstanding, e.InterestOutstanding
		s.DefaultedPrincipal = e.PrincipalOutstanding
	case LoanRecoveryRecorded:
		s.ClaimPrincipal, s.ClaimInterest = e.PrincipalOutstanding, e.InterestOutstanding
		s.Recoveries += e.Amount
		if e.Source != RecoveryFund {
			s.PrincipalRecovered += e.Principal
		}
	case LoanRecovered:
		s.Status = StatusRecovered
	case LoanWrittenOff:
		s.Status, s.ClaimPrincipal, s.ClaimInterest = StatusWrittenOff, 0, 0
	}
	return s
}
