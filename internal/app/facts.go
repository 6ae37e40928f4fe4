package app

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/calendar"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// Facts reads what a command must carry about aggregates other than its own,
// from their current state through the handlers (never from a read model),
// at the moment the command is sent. Resolvers, workflows and the demo
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

// LoanCollateral reads what an application knows of the collateral it
// pledges. For an asset in the registry (rules 7 and 9): its type, the end of
// the current holding and, for a transferee, the contractor's recorded
// consent and the rent status of its transfer contract; FORBIDDEN unless the
// borrower holds the right. For a cooperative (a member pledging its shares,
// rule 18): the pledge's registration term as the right's end and the
// cooperative's pledged-loan term; FORBIDDEN unless the borrower is a member.
// NOT_FOUND when asset is neither.
func (f Facts) LoanCollateral(ctx context.Context, asset, borrower uuid.UUID) (lending.Collateral, error) {
	a, err := state(ctx, f.app.Assets, asset)
	if err != nil {
		return lending.Collateral{}, err
	}
	if !a.Registered {
		return f.sharesCollateral(ctx, asset, borrower)
	}
	if a.Holder() != borrower {
		return lending.Collateral{}, kernel.FieldErrorf(kernel.CodeForbidden, "assetId", "the borrower does not hold the management right of asset %s", asset)
	}
	right, _ := a.CurrentRight()
	_, consent := a.ConsentFor(borrower, registry.ConsentMortgage)
	col := lending.Collateral{AssetID: asset, AssetType: a.Type, RightsEndDate: right.End, BorrowerIsTransferee: a.HeldByTransferee(),
		ContractorConsent: consent}
	if col.BorrowerIsTransferee && right.ContractID != uuid.Nil {
		contract, err := state(ctx, f.app.Transfers, right.ContractID)
		if err != nil {
			return lending.Collateral{}, err
		}
		col.RentPaidAsAgreed = contract.Status == transfer.StatusInForce && !contract.InArrears()
	}
	return col, nil
}

// sharesCollateral reads a member's shares in cooperative id as collateral.
func (f Facts) sharesCollateral(ctx context.Context, id, borrower uuid.UUID) (lending.Collateral, error) {
	c, err := state(ctx, f.app.Coops, id)
	switch {
	case err != nil:
		return lending.Collateral{}, err
	case !c.Founded:
		return lending.Collateral{}, kernel.FieldErrorf(kernel.CodeNotFound, "assetId", "no asset or cooperative %s", id)
	case !c.IsMember(borrower):
		return lending.Collateral{}, kernel.FieldErrorf(kernel.CodeForbidden, "assetId", "the borrower holds no shares of cooperative %s as a member", id)
	}
	now := f.app.Clock.Now().In(kernel.Shanghai)
	return lending.Collateral{AssetID: id, AssetType: kernel.AssetCollectiveShares,
		RightsEndDate: lending.CivilDate(now.AddDate(c.Settings.PledgeTermYears, 0, 0)), MaxTermMonths: 12 * c.Settings.PledgedLoanTermYears}, nil
}

// Disbursal returns c with the cooperative's fact filled in for a loan
// secured by shares: whether the cooperative recorded the pledge of the
// loan's notice (rule 18).
func (f Facts) Disbursal(ctx context.Context, c lending.DisburseLoan) (lending.DisburseLoan, error) {
	l, err := state(ctx, f.app.Loans, c.LoanID)
	if err != nil || l.Collateral.AssetType != kernel.AssetCollectiveShares || l.RegistrationID == uuid.Nil {
		return c, err
	}
	r, err := state(ctx, f.app.Collateral, l.RegistrationID)
	if err != nil {
		return c, err
	}
	co, err := state(ctx, f.app.Coops, r.Collateral.Asset)
	if err != nil {
		return c, err
	}
	_, c.SharesPledged = co.Pledges[l.RegistrationID] // a pledge takes its notice's id
	return c, nil
}

// Calendar reads the official working-day calendar in force: the declared
// holidays and adjusted working days of the calendar context (weekends only
// while none is declared).
func (f Facts) Calendar(ctx context.Context) (kernel.Calendar, error) {
	c, err := state(ctx, f.app.Calendar, calendar.ID)
	return c.Calendar(), err
}

// ListingAssets reads what a listing states of the assets it offers (rule
// 10): their one type and one owning collective, the first asset's region,
// the total area, the earliest end of the holdings offered (zero when none
// ends), the encumbrances in force now and the sitting lessee whose priority
// stands on every asset (rule 28; uuid.Nil when none). NOT_FOUND for an unregistered
// asset; INVALID for no asset, or assets of two collectives or two types.
func (f Facts) ListingAssets(ctx context.Context, ids []uuid.UUID) (listing.AssetFacts, error) {
	if len(ids) == 0 {
		return listing.AssetFacts{}, kernel.FieldErrorf(kernel.CodeInvalid, "assetIds", "at least one asset is required")
	}
	now := f.app.Clock.Now()
	out := listing.AssetFacts{AssetIDs: ids}
	for i, id := range ids {
		a, err := state(ctx, f.app.Assets, id)
		switch {
		case err != nil:
			return out, err
		case !a.Registered:
			return out, kernel.FieldErrorf(kernel.CodeNotFound, "assetIds", "asset %s is not registered", id)
		case i == 0:
			out.Type, out.OwningCollective = a.Type, a.Owner
			out.Region = listing.Region{Province: a.Location.Province, County: a.Location.County, Township: a.Location.Township, Village: a.Location.Village}
		case a.Owner != out.OwningCollective || a.Type != out.Type:
			return out, kernel.FieldErrorf(kernel.CodeInvalid, "assetIds", "the assets of one listing belong to one collective and are of one type")
		}
		out.Area += a.Area
		if right, _ := a.CurrentRight(); !right.End.IsZero() && (out.RightsEnd.IsZero() || right.End.Before(out.RightsEnd)) {
			out.RightsEnd = right.End
		}
		for _, r := range a.RestrictionsAt(now) {
			out.Encumbrances = append(out.Encumbrances, listing.Encumbrance{RegistrationID: r.ID, SecuredParty: r.SecuredParty})
		}
		// Rule 28: the sitting lessee of every plot offered, if one lessee holds them all.
		lessee, err := f.PriorityHolder(ctx, id, now)
		switch {
		case err != nil:
			return out, err
		case i == 0:
			out.SittingLessee = lessee
		case lessee != out.SittingLessee:
			out.SittingLessee = uuid.Nil
		}
	}
	return out, nil
}

// FundOperator refuses by acting for fundID unless by is the fund's
// operator: NOT_FOUND for no such fund, FORBIDDEN for another party.
func (f Facts) FundOperator(ctx context.Context, fundID, by uuid.UUID) error {
	fu, err := state(ctx, f.app.Funds, fundID)
	switch {
	case err != nil:
		return err
	case !fu.Established():
		return kernel.FieldErrorf(kernel.CodeNotFound, "fundId", "fund %s does not exist", fundID)
	case fu.Operator != by:
		return kernel.FieldErrorf(kernel.CodeForbidden, "fundId", "only the fund's operator sells for the fund")
	}
	return nil
}

// FundSale reads what a listing by a fund states of the assets it offers
// (ListingAssets) and refuses the sale unless by operates the fund
// (FundOperator) and the fund holds the management right of every asset on
// the register now (registry.CodeNotRightHolder): the fund sells only what it
// holds.
func (f Facts) FundSale(ctx context.Context, fundID, by uuid.UUID, ids []uuid.UUID) (listing.AssetFacts, error) {
	if err := f.FundOperator(ctx, fundID, by); err != nil {
		return listing.AssetFacts{}, err
	}
	out, err := f.ListingAssets(ctx, ids)
	if err != nil {
		return out, err
	}
	for _, id := range ids {
		a, err := state(ctx, f.app.Assets, id)
		if err != nil {
			return out, err
		}
		if a.Holder() != fundID {
			return out, kernel.FieldErrorf(registry.CodeNotRightHolder, "assetIds", "the fund does not hold the management right of asset %s", id)
		}
	}
	return out, nil
}

// ContractPlot reads what a transfer contract takes of an asset (rules 1, 5
// and 7): the plot with its area, collective, contracting household, holder
// (and until when, for a holding under a contract) and entrustment and, when
// transferor holds the right as a transferee, the contractor's recorded
// consent to its re-transfer (nil when there is none). NOT_FOUND for an
// unregistered asset.
func (f Facts) ContractPlot(ctx context.Context, asset, transferor uuid.UUID) (transfer.Plot, *transfer.Consent, error) {
	a, err := state(ctx, f.app.Assets, asset)
	if err != nil {
		return transfer.Plot{}, nil, err
	}
	if !a.Registered {
		return transfer.Plot{}, nil, kernel.FieldErrorf(kernel.CodeNotFound, "assetId", "no asset %s", asset)
	}
	cur, _ := a.CurrentRight()
	p := transfer.Plot{AssetID: a.ID, Area: a.Area, Collective: a.Owner, Contractor: a.Contractor, Holder: cur.Holder, ContractEnd: a.RightsEnd}
	if cur.ContractID != uuid.Nil {
		p.HolderUntil = cur.End
	}
	if e := a.Entrustment; e != nil {
		scope := make([]transfer.Form, len(e.Scope))
		for i, form := range e.Scope {
			scope[i] = transfer.Form(form)
		}
		p.Entrustment = &transfer.Entrustment{Entrustee: e.Entrustee, Scope: scope, Start: e.Start, End: e.End,
			Document: transfer.Document{Reference: e.Source.Reference, Signed: e.Source.Date}}
	}
	var consent *transfer.Consent
	if k, ok := a.ConsentFor(transferor, registry.ConsentReTransfer); ok && a.HeldByTransferee() {
		consent = &transfer.Consent{AssetID: a.ID, Contractor: k.Contractor, Grantee: k.Grantee, Purpose: transfer.ConsentReTransfer,
			Document: transfer.Document{Reference: k.Source.Reference, Signed: k.Source.Date}}
	}
	return p, consent, nil
}

// PriorityHolder returns the transferee of the last contract recorded on the
// asset while it keeps its renewal priority (transfer.State.PriorityHolder),
// reading the asset's stream backwards for that contract.
func (f Facts) PriorityHolder(ctx context.Context, asset uuid.UUID, now time.Time) (uuid.UUID, error) {
	stream := kernel.StreamName(registry.Decider.Category, asset)
	rec, found, err := f.last(ctx, stream, registry.ManagementRightTransferred{}.EventType())
	if err != nil || !found {
		return uuid.Nil, err
	}
	ev, err := f.app.Events.Decode(rec.Type, rec.Data)
	if err != nil {
		return uuid.Nil, fmt.Errorf("%s@%d: %w", stream, rec.Version, err)
	}
	last := ev.(registry.ManagementRightTransferred).ContractID
	var holder uuid.UUID
	err = f.app.Transfers.Inspect(ctx, last, func(s transfer.State, _ uint64) {
		if h, ok := s.PriorityHolder(now); ok {
			holder = h
		}
	})
	return holder, err
}

// last returns the last event of type typ in stream, read backwards a page
// at a time; found is false when the stream holds none.
func (f Facts) last(ctx context.Context, stream, typ string) (rec eventstore.RecordedEvent, found bool, err error) {
	const page = 64
	for from := uint64(0); ; {
		recs, err := f.app.Store.ReadStream(ctx, stream, eventstore.Backwards, from, page)
		if err != nil {
			return rec, false, fmt.Errorf("read %s: %w", stream, err)
		}
		for _, r := range recs {
			if r.Type == typ {
				return r, true, nil
			}
		}
		if len(recs) == 0 || recs[len(recs)-1].Version <= 1 {
			return rec, false, nil
		}
		from = recs[len(recs)-1].Version - 1
	}
}
