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
	"github.com/nongjiao/nongjiao/internal/process/workflow"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// The award and contract workflows keep a listing, its transfer contract and the asset's
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

// awardFlow drafts the contract of a paid award; its instance is the listing.
var awardFlow = definition[awardFacts]{
	on:       []kernel.Event{listing.PaymentConfirmed{}},
	Workflow: workflow.Workflow[awardFacts]{Name: "award", Decide: decideAward},
	route: func(_ context.Context, _ *managers, t trigger) (uuid.UUID, bool, error) {
		e, ok := t.Event.(listing.PaymentConfirmed)
		return e.ListingID, ok, nil
	},
	gather: gatherAward,
}

// awardFacts are what drafting an award's contract needs to know.
type awardFacts struct {
	Paid     bool           // the listing is paid and waits for its contract
	Land     bool           // a land transfer contract covers the listed asset
	Contract bool           // the contract with the derived id exists
	Terms    transfer.Terms // the award translated into contract terms
}

// decideAward drafts the contract of a paid award of land, once.
func decideAward(_ workflow.State, t workflow.Trigger, f awardFacts) []workflow.Send {
	e, ok := t.Event.(listing.PaymentConfirmed)
	if !ok || !f.Paid || !f.Land || f.Contract {
		return nil
	}
	return []workflow.Send{{Step: "draft-contract", Command: transfer.DraftFromAward{
		ContractID: awardContract(t), ListingID: e.ListingID, Terms: f.Terms}}}
}

// awardContract is the id of the contract drafted for the paid award t.
func awardContract(t workflow.Trigger) uuid.UUID { return workflow.NewID(t.ID, "contract") }

func gatherAward(ctx context.Context, m *managers, t trigger) (awardFacts, error) {
	var f awardFacts
	e := t.Event.(listing.PaymentConfirmed)
	l, err := state(ctx, m.app.Listings, e.ListingID)
	if f.Paid = l.Status == listing.StatusPaid; err != nil || !f.Paid {
		return f, err // a later status means the contract was drafted and signed already
	}
	use, ok := landUse(l.Details.Asset.Type)
	if f.Land = ok; !ok {
		m.log.Info("no land transfer contract for this asset type; the listing waits for its contract", "listing", l.ID, "type", l.Details.Asset.Type)
		return f, nil
	}
	c, err := state(ctx, m.app.Transfers, awardContract(t.Trigger))
	if f.Contract = c.Status != ""; err != nil || f.Contract {
		return f, err
	}
	f.Terms, err = m.awardTerms(ctx, l, use, e.At)
	return f, err
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

// contractFlow keeps the listing and the register in step with a contract;
// its instance is the contract.
var contractFlow = definition[contractFacts]{
	on:       []kernel.Event{transfer.ContractSigned{}, transfer.ContractRenewed{}, transfer.ContractTerminated{}, transfer.ContractExpired{}},
	Workflow: workflow.Workflow[contractFacts]{Name: "contract", Decide: decideContract},
	route: func(_ context.Context, _ *managers, t trigger) (uuid.UUID, bool, error) {
		switch e := t.Event.(type) {
		case transfer.ContractSigned:
			return e.ContractID, true, nil
		case transfer.ContractRenewed:
			return e.ContractID, true, nil
		case transfer.ContractTerminated:
			return e.ContractID, true, nil
		case transfer.ContractExpired:
			return e.ContractID, true, nil
		}
		return uuid.Nil, false, nil
	},
	gather: gatherContract,
}

// contractFacts are what a contract's workflow needs to know now.
type contractFacts struct {
	ListingPaid bool           // the awarding listing waits for the signature
	Contract    transfer.State // the contract
	// Held is, per plot, the asset's holding from the contract, for the
	// plots whose register has one.
	Held map[uuid.UUID]registry.ManagementRight
}

// decideContract marks the awarding listing signed and moves the right of
// each plot when the contract is signed, extends each holding to a
// renewal's end, and ends each holding when the contract ends. Plots whose
// register holds no right from the contract were never recorded or ended
// already (the registry's own schedule ends expired rights).
func decideContract(_ workflow.State, t workflow.Trigger, f contractFacts) []workflow.Send {
	var out []workflow.Send
	switch e := t.Event.(type) {
	case transfer.ContractSigned:
		if e.ListingID != uuid.Nil && f.ListingPaid {
			out = append(out, workflow.Send{Step: "sign-listing", Command: listing.SignContract{ListingID: e.ListingID, ContractID: e.ContractID}})
		}
		for _, p := range e.Terms.Plots {
			if _, ok := f.Held[p.AssetID]; ok {
				continue
			}
			out = append(out, workflow.Send{Step: "transfer-right/" + p.AssetID.String(), Command: registry.TransferManagementRight{
				AssetID: p.AssetID, ContractID: e.ContractID, Transferor: e.Terms.Transferor, Transferee: e.Terms.Transferee,
				Form: registry.Form(e.Terms.Form), Start: e.Terms.Start, End: e.Terms.End,
				Source: registry.Source{Reference: e.Document.Reference, Date: e.Document.Signed},
			}})
		}
	case transfer.ContractRenewed:
		c := f.Contract
		for _, p := range c.Terms.Plots {
			if held, ok := f.Held[p.AssetID]; ok && held.End.Before(e.End) {
				out = append(out, workflow.Send{Step: "extend-right/" + p.AssetID.String(), Command: registry.ExtendManagementRight{
					AssetID: p.AssetID, ContractID: c.ID, Transferor: c.Terms.Transferor, End: e.End,
					Source: registry.Source{Reference: e.Document.Reference, Date: e.Document.Signed}}})
			}
		}
	case transfer.ContractTerminated:
		out = endRights(f, registry.EndTerminated)
	case transfer.ContractExpired:
		out = endRights(f, registry.EndExpired)
	}
	return out
}

// endRights ends, for reason, every holding from the contract.
func endRights(f contractFacts, reason registry.EndReason) []workflow.Send {
	var out []workflow.Send
	for _, p := range f.Contract.Terms.Plots {
		if _, ok := f.Held[p.AssetID]; ok {
			out = append(out, workflow.Send{Step: "end-right/" + p.AssetID.String(),
				Command: registry.EndManagementRight{AssetID: p.AssetID, ContractID: f.Contract.ID, Reason: reason}})
		}
	}
	return out
}

func gatherContract(ctx context.Context, m *managers, t trigger) (contractFacts, error) {
	f := contractFacts{Held: map[uuid.UUID]registry.ManagementRight{}}
	var (
		id    uuid.UUID
		plots []transfer.Plot
	)
	switch e := t.Event.(type) {
	case transfer.ContractSigned:
		id, plots = e.ContractID, e.Terms.Plots
		if e.ListingID != uuid.Nil {
			l, err := state(ctx, m.app.Listings, e.ListingID)
			if err != nil {
				return f, err
			}
			f.ListingPaid = l.Status == listing.StatusPaid
		}
	case transfer.ContractRenewed:
		id = e.ContractID
	case transfer.ContractTerminated:
		id = e.ContractID
	case transfer.ContractExpired:
		id = e.ContractID
	}
	var err error
	if f.Contract, err = state(ctx, m.app.Transfers, id); err != nil {
		return f, err
	}
	if plots == nil {
		plots = f.Contract.Terms.Plots
	}
	for _, p := range plots {
		a, err := state(ctx, m.app.Assets, p.AssetID)
		if err != nil {
			return f, err
		}
		if held, ok := holding(a, id); ok {
			f.Held[p.AssetID] = held
		}
	}
	return f, nil
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
