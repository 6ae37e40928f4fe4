package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// Facts reads what a command must carry about aggregates other than its own,
// from their current state through the handlers (never from a read model),
// at the moment the command is sent. Resolvers, process managers and the demo
// all take the facts from here, so each translation of one context's state
// into another's command lives once.
type Facts struct{ app *App }

// Facts returns the fact reader over a's handlers.
func (a *App) Facts() Facts { return Facts{app: a} }

// state returns aggregate id's current state. States are values that Evolve
// never changes in place, so holding one after Inspect returns is safe.
func state[S any, C kernel.Command](ctx context.Context, h *Handler[S, C], id uuid.UUID) (S, error) {
	var out S
	err := h.Inspect(ctx, id, func(s S, _ uint64) { out = s })
	return out, err
}

// grantorFacts are the register's facts about a notice's grantor.
type grantorFacts struct {
	contractor uuid.UUID
	consent    *collateral.Consent
	holding    collateral.Holding
}

// grantor reads the facts about grantor that a notice over col needs: for a
// mortgage, the contracting household, its recorded consent to grantor's
// mortgage (rule 7) and who holds the management right until when; for a
// share pledge, whether grantor is a living member and how many shares it
// holds (rule 31). NOT_FOUND when the asset or cooperative is unknown.
func (f Facts) grantor(ctx context.Context, col collateral.Collateral, grantor uuid.UUID) (grantorFacts, error) {
	var g grantorFacts
	if col.Kind == collateral.KindSharePledge {
		c, err := state(ctx, f.app.Coops, col.Asset)
		if err != nil {
			return g, err
		}
		if !c.Founded {
			return g, kernel.FieldErrorf(kernel.CodeNotFound, "assetId", "no cooperative %s", col.Asset)
		}
		if c.IsMember(grantor) {
			g.holding = collateral.Holding{Holder: grantor, Shares: c.Holders[grantor].Shares.Total()}
		}
		return g, nil
	}
	a, err := state(ctx, f.app.Assets, col.Asset)
	if err != nil {
		return g, err
	}
	if !a.Registered {
		return g, kernel.FieldErrorf(kernel.CodeNotFound, "assetId", "no asset %s in the registry", col.Asset)
	}
	right, _ := a.CurrentRight()
	g.contractor, g.holding = a.Contractor, collateral.Holding{Holder: right.Holder, Until: right.End}
	if c, ok := a.ConsentFor(grantor, registry.ConsentMortgage); ok {
		g.consent = &collateral.Consent{ConsentID: c.ID, Contractor: c.Contractor, Grantee: c.Grantee, Reference: c.Source.Reference}
	}
	return g, nil
}

// Filing returns c with the register's facts about its grantor filled in:
// Contractor, Consent and Holding (rules 7 and 31).
func (f Facts) Filing(ctx context.Context, c collateral.RegisterCollateral) (collateral.RegisterCollateral, error) {
	g, err := f.grantor(ctx, c.Collateral, c.Grantor)
	c.Contractor, c.Consent, c.Holding = g.contractor, g.consent, g.holding
	return c, err
}

// Amendment returns c with the register's facts about its new grantor filled
// in, for a notice over col; c is unchanged when it keeps the grantor.
func (f Facts) Amendment(ctx context.Context, c collateral.AmendCollateral, col collateral.Collateral) (collateral.AmendCollateral, error) {
	if c.Grantor == uuid.Nil {
		return c, nil
	}
	g, err := f.grantor(ctx, col, c.Grantor)
	c.Contractor, c.Consent, c.Holding = g.contractor, g.consent, g.holding
	return c, err
}

// Securing returns c with the facts of its loan filled in: the bank, the
// borrower, the collateral asset, the approved amount, and whether the loan
// is approved and waits for its notice (rule 31). NOT_FOUND when there is no
// such loan.
func (f Facts) Securing(ctx context.Context, c collateral.SecureLoan) (collateral.SecureLoan, error) {
	l, err := state(ctx, f.app.Loans, c.LoanID)
	if err != nil {
		return c, err
	}
	if !l.Exists() {
		return c, kernel.FieldErrorf(kernel.CodeNotFound, "loanId", "no loan %s", c.LoanID)
	}
	c.Bank, c.Borrower, c.Asset, c.Amount = l.Bank, l.Borrower, l.Collateral.AssetID, l.Approved
	c.Waiting = l.Status == lending.StatusApproved
	return c, nil
}
