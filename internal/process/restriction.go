package process

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// The restriction manager mirrors the collateral register on the assets and
// share registers:
//
//	CollateralRegistered (mortgage)      → registry.AddRestriction (until lifted)
//	CollateralRegistered (share pledge)  → coop.PledgeShares, when the notice secures a loan (see onLoanRegistration)
//	CollateralDischarged / Expired       → registry.RemoveRestriction
//	CollateralDischarged (share pledge)  → coop.ReleasePledge by the pledgee
//
// The restriction carries no end date: the collateral register decides when it
// ends (a continued notice would otherwise drop off the asset at its old end date).

// onRegistration reacts to the collateral category.
func (m *managers) onRegistration(ctx context.Context, t trigger) error {
	switch e := t.Event.(type) {
	case collateral.CollateralRegistered:
		if e.Collateral.Kind == collateral.KindSharePledge {
			return m.pledgeShares(ctx, t, e)
		}
		return m.addRestriction(ctx, t, e)
	case collateral.CollateralDischarged:
		return m.liftRestriction(ctx, t, e.RegistrationID, e.At, true)
	case collateral.CollateralExpired:
		return m.liftRestriction(ctx, t, e.RegistrationID, e.At, false)
	}
	return nil
}

func (m *managers) addRestriction(ctx context.Context, t trigger, e collateral.CollateralRegistered) error {
	a, err := state(ctx, m.app.Assets, e.Collateral.Asset)
	if err != nil || restricted(a, e.RegistrationID) {
		return err
	}
	cmd := registry.AddRestriction{AssetID: e.Collateral.Asset, Restriction: registry.Restriction{
		ID: e.RegistrationID, Kind: registry.RestrictionMortgage, Grantor: e.Grantor, SecuredParty: e.SecuredParty,
		Amount: e.SecuredAmount, Start: e.Start, Source: registry.Source{Reference: e.Number, Date: e.At},
	}}
	meta := t.meta("add-restriction")
	return exec(ctx, m, m.app.Assets, registry.Command(cmd), meta)
}

// pledgeShares records a share pledge on the cooperative's register. The
// pledge needs the loan's maturity (rule 18), so only a notice tied to a loan
// (registration id = loan id) is mirrored; others are pledged by the bank
// with the pledgeShares mutation.
func (m *managers) pledgeShares(ctx context.Context, t trigger, e collateral.CollateralRegistered) error {
	loan, err := state(ctx, m.app.Loans, e.RegistrationID)
	if err != nil {
		return err
	}
	if !loan.Exists() || loan.Bank != e.SecuredParty {
		m.log.Info("share pledge notice not tied to a loan; the pledge is recorded with pledgeShares", "registration", e.RegistrationID)
		return nil
	}
	local := e.At.In(kernel.Shanghai)
	maturity := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, kernel.Shanghai).AddDate(0, loan.TermMonths, 0).UTC()
	if len(loan.Schedule) > 0 {
		maturity = loan.Schedule[len(loan.Schedule)-1].DueDate
	}
	c, err := state(ctx, m.app.Coops, e.Collateral.Asset)
	if err != nil {
		return err
	}
	if _, ok := c.Pledges[e.RegistrationID]; ok {
		return nil
	}
	cmd := coop.PledgeShares{CoopID: e.Collateral.Asset, PledgeID: e.RegistrationID, Holder: e.Collateral.Member,
		Pledgee: e.SecuredParty, Shares: e.Collateral.Shares, RegistrationNumber: e.Number, LoanMaturity: maturity}
	meta := t.meta("pledge-shares")
	return exec(ctx, m, m.app.Coops, coop.Command(cmd), meta)
}

// liftRestriction removes what a registration put on its collateral once it
// ends; discharged share pledges are released (expired ones expire on the
// cooperative's own schedule).
func (m *managers) liftRestriction(ctx context.Context, t trigger, id uuid.UUID, at time.Time, discharged bool) error {
	r, err := state(ctx, m.app.Collateral, id)
	if err != nil || !r.Registered() {
		return err
	}
	if r.Collateral.Kind == collateral.KindSharePledge {
		if !discharged {
			return nil
		}
		c, err := state(ctx, m.app.Coops, r.Collateral.Asset)
		if err != nil {
			return err
		}
		if _, live := c.Pledges[r.ID]; !live {
			return nil
		}
		cmd, meta := coop.ReleasePledge{CoopID: r.Collateral.Asset, PledgeID: r.ID, By: r.SecuredParty}, t.meta("release-pledge")
		return exec(ctx, m, m.app.Coops, coop.Command(cmd), meta)
	}
	a, err := state(ctx, m.app.Assets, r.Collateral.Asset)
	if err != nil || !restricted(a, r.ID) {
		return err
	}
	cmd := registry.RemoveRestriction{AssetID: r.Collateral.Asset, RestrictionID: r.ID, Source: registry.Source{Reference: r.Number, Date: at}}
	meta := t.meta("remove-restriction")
	return exec(ctx, m, m.app.Assets, registry.Command(cmd), meta)
}

// restricted reports whether the asset carries the restriction id.
func restricted(a registry.State, id uuid.UUID) bool {
	for _, r := range a.Restrictions {
		if r.ID == id {
			return true
		}
	}
	return false
}

// The loan manager ties a loan to the notice that secures it and releases it
// when the loan is repaid:
//
//	LoanApproved, CollateralRegistered → collateral.SecureLoan, then lending.RecordCollateralRegistered (app.SecureLoan)
//	LoanRepaid                         → collateral.ReleaseLoan, which discharges the notice once no loan it secures is outstanding
//
// The link: the notice securing loan L is registered with RegistrationID = L
// (the two streams are "loan-L" and "collateral-L"), by the loan's bank as
// secured party, the borrower as grantor, on the loan's collateral asset.
// Whichever of approval and registration comes second in the store records
// the link, so the bank may register before or after approval. The two events
// reach two handlers, each in its own time; each decides from the two
// aggregates as they stood at its own event, so only the later event's
// handler sends, however the handlers interleave.

// onLoan reacts to the loan category.
func (m *managers) onLoan(ctx context.Context, t trigger) error {
	switch e := t.Event.(type) {
	case lending.LoanApproved:
		return m.linkRegistration(ctx, t, e.LoanID)
	case lending.LoanRepaid:
		r, err := state(ctx, m.app.Collateral, e.RegistrationID)
		if err != nil || r.Status != collateral.StatusRegistered {
			return err
		}
		cmd := collateral.ReleaseLoan{RegistrationID: e.RegistrationID, LoanID: e.LoanID, Reason: "loan " + e.LoanID.String() + " repaid"}
		meta := t.meta("discharge")
		return exec(ctx, m, m.app.Collateral, collateral.Command(cmd), meta)
	}
	return nil
}

// onLoanRegistration reacts to the collateral category for the loan manager.
func (m *managers) onLoanRegistration(ctx context.Context, t trigger) error {
	if e, ok := t.Event.(collateral.CollateralRegistered); ok {
		return m.linkRegistration(ctx, t, e.RegistrationID)
	}
	return nil
}

// linkRegistration records registration id on loan id when the trigger
// completed the pair (an approved loan, a notice in force securing it) and the
// loan still waits for it.
func (m *managers) linkRegistration(ctx context.Context, t trigger, id uuid.UUID) error {
	loanThen, err := before(ctx, m, lending.Decider, id, t.Position+1)
	if err != nil || loanThen.Status != lending.StatusApproved {
		return err
	}
	regThen, err := before(ctx, m, collateral.Decider, id, t.Position+1)
	if err != nil || !secures(regThen, loanThen) {
		return err
	}
	loan, err := state(ctx, m.app.Loans, id)
	if err != nil || loan.Status != lending.StatusApproved {
		return err
	}
	r, err := state(ctx, m.app.Collateral, id)
	if err != nil || !secures(r, loan) {
		return err
	}
	meta := t.meta("record-registration")
	cmd, err := m.app.SecureLoan(ctx, r.ID, loan.ID, meta)
	if err != nil {
		return m.refusal(err, cmd, meta)
	}
	return exec(ctx, m, m.app.Loans, lending.Command(cmd), meta)
}

// secures reports whether the notice r, in force, secures loan.
func secures(r collateral.State, loan lending.State) bool {
	return r.Status == collateral.StatusRegistered && r.ID == loan.ID && r.SecuredParty == loan.Bank &&
		r.Grantor == loan.Borrower && r.Collateral.Asset == loan.Collateral.AssetID
}
