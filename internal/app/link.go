package app

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/lending"
)

// SecureLoan links notice reg to loan: the notice records that it secures the
// loan, deciding from the loan's facts (Facts.Securing) whether it may (one
// loan unless all-sums, rule 31); it returns the command that records the
// notice on the loan, which the caller sends next with meta. Recording on the
// notice first means a notice that refuses the loan leaves the loan unlinked.
// The notice's command id derives from meta's, and a notice that already
// secures the loan is not asked again, so a retry writes nothing twice.
// Whoever owns the step (the loan workflow for a notice filed for the
// loan, the bank's resolver for any other) calls it.
func (a *App) SecureLoan(ctx context.Context, reg, loan uuid.UUID, meta Meta) (lending.RecordCollateralRegistered, error) {
	record := lending.RecordCollateralRegistered{LoanID: loan, RegistrationID: reg}
	r, err := state(ctx, a.Collateral, reg)
	if err != nil || slices.ContainsFunc(r.Loans, func(l collateral.SecuredLoan) bool { return l.LoanID == loan }) {
		return record, err
	}
	cmd, err := a.Facts().Securing(ctx, collateral.SecureLoan{RegistrationID: reg, LoanID: loan})
	if err != nil {
		return record, err
	}
	m := meta
	m.CommandID = uuid.NewSHA1(meta.CommandID, []byte("secure-loan"))
	_, err = a.Collateral.Handle(ctx, cmd, m)
	return record, err
}
