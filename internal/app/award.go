package app

import (
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// LeaseRent returns the rent terms of the contract drafted from a paid award
// (rule 25), on top of t. A total price, paid in full through the exchange, is
// the whole consideration: the contract carries no rent of its own (one
// instalment of zero). A rent basis makes a lease paying the awarded rent
// (AnnualRent for the whole lot, or RentPerMuYear) at the listing's frequency
// (annual when unset), stepped up as the listing states, with the first
// payment made through the exchange (deposit applied plus balance) counted as
// prepaid rent.
func LeaseRent(t transfer.Terms, d listing.Details, a listing.Award) transfer.Terms {
	t.RentPerMuYear, t.AnnualRent, t.StepUp, t.Prepaid, t.Frequency = 0, 0, kernel.StepUp{}, 0, transfer.OneOff
	switch d.PriceBasis() {
	case listing.BasisAnnualRent:
		t.AnnualRent = a.Price
	case listing.BasisRentPerMuYear:
		t.RentPerMuYear = a.Price
	default:
		return t
	}
	t.StepUp, t.Frequency, t.Prepaid = d.Rent.StepUp, transfer.Frequency(d.Rent.Frequency), a.DepositApplied+a.BalanceDue
	if t.Frequency == "" {
		t.Frequency = transfer.Annual
	}
	return t
}
