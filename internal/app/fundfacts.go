package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/process/workflow"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// DefaultedLoan reads what a claim on the operation fund needs to know of
// loan id (rule 24) as it stands now: the loan's bank, collateral and default
// figures, and whether the notice securing it is still in force (its disposal
// not yet ended). A loan that does not exist is NOT_FOUND.
func (f Facts) DefaultedLoan(ctx context.Context, id uuid.UUID) (fund.DefaultedLoan, error) {
	l, err := state(ctx, f.app.Loans, id)
	if err != nil {
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
	r, err := state(ctx, f.app.Collateral, l.RegistrationID)
	facts.CollateralInForce = r.EffectiveAt(f.app.Clock.Now())
	return facts, err
}

// DisposalListingID is the id of the disposal listing drafted for a loan whose
// LoanDefaulted event has id defaulted: derived, so a redelivered default
// drafts the same listing and the listing is found again from the loan. It is
// the id the disposal workflow's "disposal-listing" step creates.
func DisposalListingID(defaulted uuid.UUID) uuid.UUID {
	return workflow.NewID(defaulted, "disposal-listing")
}

// DisposalListing returns the id of loan id's disposal listing; ok is false
// when the loan has not defaulted.
func (f Facts) DisposalListing(ctx context.Context, id uuid.UUID) (listingID uuid.UUID, ok bool, err error) {
	r, found, err := f.last(ctx, kernel.StreamName(lending.Decider.Category, id), lending.LoanDefaulted{}.EventType())
	if err != nil || !found {
		return uuid.Nil, false, err
	}
	return DisposalListingID(r.ID), true, nil
}

// CollateralPurchase reads what the fund's purchase of loan id's collateral
// needs (rule 24): the loan as a claim knows it, and the disposal stages its
// disposal listing tried without a sale, in order (UnsoldStages). While a
// round is under way no stage counts as failed: the listing must be unsold,
// ended or withdrawn.
func (f Facts) CollateralPurchase(ctx context.Context, id uuid.UUID) (fund.DefaultedLoan, []fund.DisposalStage, error) {
	loan, err := f.DefaultedLoan(ctx, id)
	if err != nil {
		return loan, nil, err
	}
	listingID, ok, err := f.DisposalListing(ctx, id)
	if err != nil || !ok {
		return loan, nil, err
	}
	l, err := state(ctx, f.app.Listings, listingID)
	if err != nil {
		return loan, nil, err
	}
	switch l.Status {
	case listing.StatusUnsold, listing.StatusEnded, listing.StatusWithdrawn:
		return loan, UnsoldStages(l.NoSale), nil
	}
	return loan, nil, nil
}

// UnsoldStages turns how a disposal listing's rounds ended without a sale
// (listing.State.NoSale) into the disposal stages that failed, in the order of
// rule 24: a round with too few qualified bidders or an auction without a
// sale fails the listing; a negotiation with the only qualified bidder that
// ends without a sale in a later round fails the negotiated transfer. A
// negotiation before the listing failed counts for nothing.
func UnsoldStages(noSale []listing.Outcome) []fund.DisposalStage {
	var unsold []fund.DisposalStage
	for _, o := range noSale {
		switch {
		case len(unsold) == 0 && o != listing.OutcomeNegotiation:
			unsold = append(unsold, fund.StageListing)
		case len(unsold) == 1 && o == listing.OutcomeNegotiation:
			unsold = append(unsold, fund.StageNegotiated)
		}
	}
	return unsold
}

// RentContract reads what a rent advance needs to know of transfer contract
// id (rule 24) as it stands now: its parties, whether it is in force and the
// rent due by now and unpaid. A contract that does not exist is NOT_FOUND.
func (f Facts) RentContract(ctx context.Context, id uuid.UUID) (fund.RentContract, error) {
	c, err := state(ctx, f.app.Transfers, id)
	if err == nil && c.Status == "" {
		err = kernel.FieldErrorf(kernel.CodeNotFound, "contractId", "no transfer contract %s", id)
	}
	return fund.RentContract{ContractID: id, Transferor: c.Terms.Transferor, Transferee: c.Terms.Transferee,
		InForce: c.Status == transfer.StatusInForce, Arrears: c.Arrears(f.app.Clock.Now())}, err
}
