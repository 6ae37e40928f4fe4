package process

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/process/workflow"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// The notice workflow mirrors the collateral register on the assets and
// share registers; its instance is the notice:
//
//	CollateralRegistered (mortgage)      → registry.AddRestriction (until lifted)
//	CollateralRegistered (share pledge)  → coop.PledgeShares, when the notice secures a loan
//	CollateralDischarged / Expired       → registry.RemoveRestriction
//	CollateralDischarged (share pledge)  → coop.ReleasePledge by the pledgee
//
// The restriction carries no end date: the collateral register decides when it
// ends (a continued notice would otherwise drop off the asset at its old end date).
var noticeFlow = definition[noticeFacts]{
	on:       []kernel.Event{collateral.CollateralRegistered{}, collateral.CollateralDischarged{}, collateral.CollateralExpired{}},
	Workflow: workflow.Workflow[noticeFacts]{Name: "notice", Decide: decideNotice},
	route: func(_ context.Context, _ *managers, t trigger) (uuid.UUID, bool, error) {
		id, ok := noticeOf(t)
		return id, ok, nil
	},
	gather: gatherNotice,
}

// noticeOf returns the notice a trigger of the notice workflow is about.
func noticeOf(t trigger) (uuid.UUID, bool) {
	switch e := t.Event.(type) {
	case collateral.CollateralRegistered:
		return e.RegistrationID, true
	case collateral.CollateralDischarged:
		return e.RegistrationID, true
	case collateral.CollateralExpired:
		return e.RegistrationID, true
	}
	return uuid.Nil, false
}

// noticeFacts are what a notice's workflow needs to know now.
type noticeFacts struct {
	Notice     collateral.State // the notice
	Restricted bool             // its asset carries the notice's restriction
	Loan       lending.State    // the loan with the notice's id, whose maturity a share pledge needs
	Pledged    bool             // its cooperative holds the notice's share pledge
}

func decideNotice(_ workflow.State, t workflow.Trigger, f noticeFacts) []workflow.Send {
	switch e := t.Event.(type) {
	case collateral.CollateralRegistered:
		if e.Collateral.Kind == collateral.KindSharePledge {
			return pledgeShares(e, f)
		}
		if f.Restricted {
			return nil
		}
		return []workflow.Send{{Step: "add-restriction", Command: registry.AddRestriction{AssetID: e.Collateral.Asset, Restriction: registry.Restriction{
			ID: e.RegistrationID, Kind: registry.RestrictionMortgage, Grantor: e.Grantor, SecuredParty: e.SecuredParty,
			Amount: e.SecuredAmount, Start: e.Start, Source: registry.Source{Reference: e.Number, Date: e.At},
		}}}}
	case collateral.CollateralDischarged:
		return lift(f, e.At, true)
	case collateral.CollateralExpired:
		return lift(f, e.At, false)
	}
	return nil
}

// pledgeShares records a share pledge on the cooperative's register. The
// pledge needs the loan's maturity (rule 18), so only a notice tied to a loan
// (registration id = loan id, the loan's bank as secured party) is mirrored;
// others are pledged by the bank with the pledgeShares mutation.
func pledgeShares(e collateral.CollateralRegistered, f noticeFacts) []workflow.Send {
	if !f.Loan.Exists() || f.Loan.Bank != e.SecuredParty || f.Pledged {
		return nil
	}
	local := e.At.In(kernel.Shanghai)
	maturity := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, kernel.Shanghai).AddDate(0, f.Loan.TermMonths, 0).UTC()
	if len(f.Loan.Schedule) > 0 {
		maturity = f.Loan.Schedule[len(f.Loan.Schedule)-1].DueDate
	}
	return []workflow.Send{{Step: "pledge-shares", Command: coop.PledgeShares{CoopID: e.Collateral.Asset, PledgeID: e.RegistrationID,
		Holder: e.Collateral.Member, Pledgee: e.SecuredParty, Shares: e.Collateral.Shares, RegistrationNumber: e.Number, LoanMaturity: maturity}}}
}

// lift removes what a notice put on its collateral once it ends; discharged
// share pledges are released (expired ones expire on the cooperative's own
// schedule).
func lift(f noticeFacts, at time.Time, discharged bool) []workflow.Send {
	r := f.Notice
	switch {
	case !r.Registered():
		return nil
	case r.Collateral.Kind == collateral.KindSharePledge:
		if !discharged || !f.Pledged {
			return nil
		}
		return []workflow.Send{{Step: "release-pledge", Command: coop.ReleasePledge{CoopID: r.Collateral.Asset, PledgeID: r.ID, By: r.SecuredParty}}}
	case !f.Restricted:
		return nil
	}
	return []workflow.Send{{Step: "remove-restriction", Command: registry.RemoveRestriction{AssetID: r.Collateral.Asset, RestrictionID: r.ID,
		Source: registry.Source{Reference: r.Number, Date: at}}}}
}

func gatherNotice(ctx context.Context, m *managers, t trigger) (noticeFacts, error) {
	var f noticeFacts
	id, _ := noticeOf(t)
	r, err := state(ctx, m.app.Collateral, id)
	if f.Notice = r; err != nil {
		return f, err
	}
	if r.Collateral.Kind != collateral.KindSharePledge {
		a, err := state(ctx, m.app.Assets, r.Collateral.Asset)
		f.Restricted = restricted(a, id)
		return f, err
	}
	c, err := state(ctx, m.app.Coops, r.Collateral.Asset)
	if err != nil {
		return f, err
	}
	_, f.Pledged = c.Pledges[id]
	if _, registered := t.Event.(collateral.CollateralRegistered); !registered {
		return f, nil // lifting a share pledge needs no loan
	}
	if f.Loan, err = state(ctx, m.app.Loans, id); err == nil && !f.Loan.Exists() {
		m.log.Info("share pledge notice not tied to a loan; the pledge is recorded with pledgeShares", "registration", id)
	}
	return f, err
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

// The loan workflow ties a loan to the notice that secures it and releases
// it when the loan is repaid; its instance is the loan:
//
//	LoanApproved, CollateralRegistered → collateral.SecureLoan, then lending.RecordCollateralRegistered
//	LoanRepaid                         → collateral.ReleaseLoan, which discharges the notice once no loan it secures is outstanding
//
// The link: the notice securing loan L is registered with RegistrationID = L
// (the two streams are "loan-L" and "collateral-L"), by the loan's bank as
// secured party, the borrower as grantor, on the loan's collateral asset.
// The bank may register before or after approval: the workflow sees both
// events, in the store's order, and links on whichever finds the pair
// complete; it records the link, so the other sends nothing.
var loanFlow = definition[loanFacts]{
	on:       []kernel.Event{lending.LoanApproved{}, collateral.CollateralRegistered{}, lending.LoanRepaid{}},
	Workflow: workflow.Workflow[loanFacts]{Name: "loan", Decide: decideLoan},
	route: func(_ context.Context, _ *managers, t trigger) (uuid.UUID, bool, error) {
		id, ok := loanOf(t)
		return id, ok, nil
	},
	gather: gatherLoan,
}

// loanOf returns the loan a trigger of the loan workflow is about.
func loanOf(t trigger) (uuid.UUID, bool) {
	switch e := t.Event.(type) {
	case lending.LoanApproved:
		return e.LoanID, true
	case collateral.CollateralRegistered:
		return e.RegistrationID, true
	case lending.LoanRepaid:
		return e.LoanID, true
	}
	return uuid.Nil, false
}

// loanFacts are what a loan's workflow needs to know now.
type loanFacts struct {
	Loan   lending.State
	Notice collateral.State // the notice with the loan's id, or the one a repaid loan names
	// Securing is the command recording the loan on its notice, with the
	// loan's facts (app.Facts.Securing), when the loan exists.
	Securing collateral.SecureLoan
}

// linkStep is the step that records the notice on the loan: once sent, the
// loan is linked.
const linkStep = "record-registration"

func decideLoan(s workflow.State, t workflow.Trigger, f loanFacts) []workflow.Send {
	if e, ok := t.Event.(lending.LoanRepaid); ok {
		if f.Notice.Status != collateral.StatusRegistered {
			return nil
		}
		return []workflow.Send{{Step: "discharge", Command: collateral.ReleaseLoan{RegistrationID: e.RegistrationID, LoanID: e.LoanID,
			Reason: "loan " + e.LoanID.String() + " repaid"}}}
	}
	if s.SentStep(linkStep) || f.Loan.Status != lending.StatusApproved || !secures(f.Notice, f.Loan) {
		return nil
	}
	for _, l := range f.Notice.Loans {
		if l.LoanID == f.Loan.ID { // the notice records the loan first, so one that refuses it leaves the loan unlinked
			return []workflow.Send{{Step: linkStep, Command: lending.RecordCollateralRegistered{LoanID: f.Loan.ID, RegistrationID: f.Notice.ID}}}
		}
	}
	return []workflow.Send{{Step: "secure-loan", Command: f.Securing}}
}

func gatherLoan(ctx context.Context, m *managers, t trigger) (loanFacts, error) {
	var f loanFacts
	id, _ := loanOf(t)
	reg := id
	if e, ok := t.Event.(lending.LoanRepaid); ok {
		reg = e.RegistrationID
	}
	var err error
	if f.Notice, err = state(ctx, m.app.Collateral, reg); err != nil {
		return f, err
	}
	if f.Loan, err = state(ctx, m.app.Loans, id); err != nil || !f.Loan.Exists() {
		return f, err
	}
	f.Securing, err = m.app.Facts().Securing(ctx, collateral.SecureLoan{RegistrationID: id, LoanID: id})
	return f, err
}

// secures reports whether the notice r, in force, secures loan.
func secures(r collateral.State, loan lending.State) bool {
	return r.Status == collateral.StatusRegistered && r.ID == loan.ID && r.SecuredParty == loan.Bank &&
		r.Grantor == loan.Borrower && r.Collateral.Asset == loan.Collateral.AssetID
}
