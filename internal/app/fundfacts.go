package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
)

// DefaultedLoan reads what a claim on the operation fund needs to know of
// loan id (rule 24) as it stands now: the loan's bank, collateral and default
// figures, and whether the notice securing it is still in force (its disposal
// not yet ended). The API's fileFundClaim and the disposal process manager
// both take the facts from here. A loan that does not exist is NOT_FOUND.
func (a *App) DefaultedLoan(ctx context.Context, id uuid.UUID) (fund.DefaultedLoan, error) {
	var l lending.State
	if err := a.Loans.Inspect(ctx, id, func(s lending.State, _ uint64) { l = s }); err != nil {
		return fund.DefaultedLoan{}, err
	}
	if !l.Exists() {
		return fund.DefaultedLoan{}, kernel.FieldErrorf(kernel.CodeNotFound, "loanId", "no loan %s", id)
	}
	facts := fund.DefaultedLoan{
		LoanID: l.ID, Bank: l.Bank, AssetID: l.Collateral.AssetID, AssetType: l.Collateral.AssetType,
		Defaulted: l.Status == lending.StatusDefaulted, PrincipalOutstanding: l.DefaultedPrincipal, PrincipalRecovered: l.PrincipalRecovered,
	}
	if l.RegistrationID == uuid.Nil {
		return facts, nil
	}
	now := a.Clock.Now()
	err := a.Collateral.Inspect(ctx, l.RegistrationID, func(s collateral.State, _ uint64) { facts.CollateralInForce = s.EffectiveAt(now) })
	return facts, err
}
