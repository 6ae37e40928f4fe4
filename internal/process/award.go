package process

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// The award manager keeps a listing, its transfer contract and the asset's
// management right consistent:
//
//	listing.PaymentConfirmed  → transfer.DraftFromAward (the buyer paid: the contract is drafted)
//	transfer.ContractSigned   → listing.SignContract and, per plot, registry.TransferManagementRight
//	transfer.ContractRenewed  → registry.ExtendManagementRight per plot (the holding runs to the new end)
//	transfer.ContractTerminated / ContractExpired → registry.EndManagementRight per plot
//
// The contract is drafted only once the price is paid, so a forfeited award
// leaves no contract behind; signing is the parties' act (the
// signTransferContract mutation), after which the listing and the register follow.

// onAwardListing reacts to the listing category.
func (m *managers) onAwardListing(ctx context.Context, t trigger) error {
	if e, ok := t.Event.(listing.PaymentConfirmed); ok {
		return m.draftContract(ctx, t, e)
	}
	return nil
}

// onContract reacts to the transfer category.
func (m *managers) onContract(ctx context.Context, t trigger) error {
	switch e := t.Event.(type) {
	case transfer.ContractSigned:
		return m.contractSigned(ctx, t, e)
	case transfer.ContractRenewed:
		return m.extendRights(ctx, t, e)
	case transfer.ContractTerminated:
		return m.endRights(ctx, t, e.ContractID, registry.EndTerminated)
	case transfer.ContractExpired:
		return m.endRights(ctx, t, e.ContractID, registry.EndExpired)
	}
	return nil
}

func (m *managers) draftContract(ctx context.Context, t trigger, e listing.PaymentConfirmed) error {
	l, err := state(ctx, m.app.Listings, e.ListingID)
	if err != nil || l.Status != listing.StatusPaid {
		return err // a later status means the contract was drafted and signed already
	}
	use, ok := landUse(l.Details.Asset.Type)
	if !ok {
		m.log.Info("no land transfer contract for this asset type; the listing waits for its contract", "listing", l.ID, "type", l.Details.Asset.Type)
		return nil
	}
	id := t.newID("contract")
	c, err := state(ctx, m.app.Transfers, id)
	if err != nil || c.Status != "" {
		return err
	}
	terms, err := m.awardTerms(ctx, l, use, e.At)
	if err != nil {
		return err
	}
	cmd, meta := transfer.DraftFromAward{ContractID: id, ListingID: l.ID, Terms: terms}, t.meta("draft-contract")
	return exec(ctx, m, m.app.Transfers, transfer.Command(cmd), meta)
}

// awardTerms translates a paid award into contract terms, its rent as
// app.LeaseRent says. The term starts at the
// next Shanghai midnight after payment and runs the listing's TermMonths,
// cut at the end of the right it transfers (rule 1). A disposal listing sells
// the grantor's right: the transferor is the current holder, not the seller.
func (m *managers) awardTerms(ctx context.Context, l listing.State, use transfer.Use, paid time.Time) (transfer.Terms, error) {
	t := transfer.Terms{
		Transferor: l.Details.Seller, Transferee: l.Award.BidderID,
		Form: transfer.FormLease, Use: use,
	}
	if b, ok := l.Bidder(l.Award.BidderID); ok {
		t.TransfereeIsMember = b.IsMember
	}
	if ids := l.Details.Asset.AssetIDs; len(ids) > 0 && l.Details.DisposalOf != uuid.Nil {
		a, err := state(ctx, m.app.Assets, ids[0])
		if err != nil {
			return transfer.Terms{}, err
		}
		t.Transferor = a.Holder()
	}
	for _, id := range l.Details.Asset.AssetIDs {
		p, consent, err := m.app.Facts().ContractPlot(ctx, id, t.Transferor)
		if err != nil {
			return transfer.Terms{}, err
		}
		t.Plots = append(t.Plots, p)
		if consent != nil {
			t.Consents = append(t.Consents, *consent)
		}
	}
	if r := l.Resolution; r.Total > 0 {
		body := transfer.VillagersAssembly
		if strings.Contains(strings.ToLower(r.Body), "represent") || strings.Contains(r.Body, "代表") {
			body = transfer.VillagerRepresentatives
		}
		t.Resolution = &transfer.Resolution{Body: body, VotesFor: r.VotesFor, Total: r.Total,
			Document: transfer.Document{Reference: fmt.Sprintf("resolution of listing %s", l.ID), Signed: r.Date}}
	}
	local := paid.In(kernel.Shanghai)
	start := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, kernel.Shanghai)
	t.Start = start.UTC()
	t.End = start.AddDate(0, l.Details.TermMonths, 0).UTC()
	if end := t.RightEnd(); !end.IsZero() && t.End.After(end) {
		t.End = end
	}
	return app.LeaseRent(t, l.Details, l.Award), nil
}

// landUse is the agricultural use a land transfer of an asset type is for;
// false for assets a land transfer contract does not cover.
func landUse(t kernel.AssetType) (transfer.Use, bool) {
	switch t {
	case kernel.AssetLandManagementRight, kernel.AssetWastelandUseRight:
		return transfer.UseCropping, true
	case kernel.AssetForestRight:
		return transfer.UseForestry, true
	case kernel.AssetSmallWaterWorks:
		return transfer.UseFishery, true
	case kernel.AssetFarmFacility:
		return transfer.UseFarmFacility, true
	}
	return "", false
}

func (m *managers) contractSigned(ctx context.Context, t trigger, e transfer.ContractSigned) error {
	if e.ListingID != uuid.Nil {
		l, err := state(ctx, m.app.Listings, e.ListingID)
		if err != nil {
			return err
		}
		if l.Status == listing.StatusPaid {
			cmd, meta := listing.SignContract{ListingID: e.ListingID, ContractID: e.ContractID}, t.meta("sign-listing")
			if err := exec(ctx, m, m.app.Listings, listing.Command(cmd), meta); err != nil {
				return err
			}
		}
	}
	for _, p := range e.Terms.Plots {
		a, err := state(ctx, m.app.Assets, p.AssetID)
		if err != nil {
			return err
		}
		if _, ok := holding(a, e.ContractID); ok {
			continue
		}
		cmd := registry.TransferManagementRight{
			AssetID: p.AssetID, ContractID: e.ContractID, Transferor: e.Terms.Transferor, Transferee: e.Terms.Transferee,
			Form: registry.Form(e.Terms.Form), Start: e.Terms.Start, End: e.Terms.End,
			Source: registry.Source{Reference: e.Document.Reference, Date: e.Document.Signed},
		}
		meta := t.meta("transfer-right/" + p.AssetID.String())
		if err := exec(ctx, m, m.app.Assets, registry.Command(cmd), meta); err != nil {
			return err
		}
	}
	return nil
}

// extendRights lengthens, per plot, the holding from the renewed contract, so
// the register names the transferee until the renewal's end and its expiry
// moves there too.
func (m *managers) extendRights(ctx context.Context, t trigger, e transfer.ContractRenewed) error {
	return m.perHolding(ctx, t, e.ContractID, "extend-right", func(c transfer.State, asset uuid.UUID, held registry.ManagementRight) registry.Command {
		if !held.End.Before(e.End) {
			return nil // extended already
		}
		return registry.ExtendManagementRight{AssetID: asset, ContractID: c.ID, Transferor: c.Terms.Transferor, End: e.End,
			Source: registry.Source{Reference: e.Document.Reference, Date: e.Document.Signed}}
	})
}

func (m *managers) endRights(ctx context.Context, t trigger, contract uuid.UUID, reason registry.EndReason) error {
	return m.perHolding(ctx, t, contract, "end-right", func(_ transfer.State, asset uuid.UUID, _ registry.ManagementRight) registry.Command {
		return registry.EndManagementRight{AssetID: asset, ContractID: contract, Reason: reason}
	})
}

// perHolding sends, for each plot of contract whose register still holds a
// right from it, the command made from the contract and that holding (none
// when command returns nil). Plots with no such holding were never recorded or
// ended already (the registry's own schedule ends expired rights).
func (m *managers) perHolding(ctx context.Context, t trigger, contract uuid.UUID, step string,
	command func(c transfer.State, asset uuid.UUID, held registry.ManagementRight) registry.Command) error {
	c, err := state(ctx, m.app.Transfers, contract)
	if err != nil {
		return err
	}
	for _, p := range c.Terms.Plots {
		a, err := state(ctx, m.app.Assets, p.AssetID)
		if err != nil {
			return err
		}
		held, ok := holding(a, contract)
		if !ok {
			continue
		}
		cmd := command(c, p.AssetID, held)
		if cmd == nil {
			continue
		}
		if err := exec(ctx, m, m.app.Assets, cmd, t.meta(step+"/"+p.AssetID.String())); err != nil {
			return err
		}
	}
	return nil
}

// holding returns the asset's holding from contract, if its chain of rights has one.
func holding(a registry.State, contract uuid.UUID) (registry.ManagementRight, bool) {
	for _, r := range a.Rights {
		if r.ContractID == contract {
			return r, true
		}
	}
	return registry.ManagementRight{}, false
}
