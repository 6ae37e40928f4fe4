package demandview_test

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/demand"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel/demandview"
)

// A listing meets a budget per mu per year in its own price basis: 300 mu
// for ten years at 1000.00 a mu a year is 3,000,000.00 in all, 300,000.00 a
// year or 1000.00 a mu a year; one fen more in any basis is over the budget.
// A price cap is on the total over the term, step-ups included.
func TestAListingMeetsABudgetInItsOwnBasis(t *testing.T) {
	details := func(basis listing.PriceBasis, price kernel.Money) listing.Details {
		return listing.Details{Asset: listing.AssetFacts{Area: 30000}, TermMonths: 120, Basis: basis, ListedPrice: price}
	}
	budget := demand.Criteria{BudgetPerMuYear: kernel.Yuan(1000)}
	for _, c := range []struct {
		basis listing.PriceBasis
		price kernel.Money
	}{
		{"", kernel.Yuan(3_000_000)},
		{listing.BasisTotal, kernel.Yuan(3_000_000)},
		{listing.BasisAnnualRent, kernel.Yuan(300_000)},
		{listing.BasisRentPerMuYear, kernel.Yuan(1000)},
	} {
		if !budget.Matches(demandview.OfferOf(details(c.basis, c.price))) {
			t.Errorf("%q at %s is over a budget of 1000.00 a mu a year", c.basis, c.price)
		}
		if budget.Matches(demandview.OfferOf(details(c.basis, c.price+1))) {
			t.Errorf("%q at %s is within a budget of 1000.00 a mu a year", c.basis, c.price+1)
		}
	}

	// 300,000.00 a year rising 5 % every 3 years over 10 years:
	// 3 × 300,000 + 3 × 315,000 + 3 × 330,750 + 347,287.50 = 3,184,537.50.
	stepped := details(listing.BasisAnnualRent, kernel.Yuan(300_000))
	stepped.Rent.StepUp = kernel.StepUp{EveryYears: 3, Percent: 5}
	total, err := stepped.TermTotal(stepped.ListedPrice)
	if err != nil || total != 318_453_750 {
		t.Fatalf("TermTotal = %s, %v", total, err)
	}
	offer := demandview.OfferOf(stepped)
	if at, under := (demand.Criteria{MaxPrice: total}), (demand.Criteria{MaxPrice: total - 1}); !at.Matches(offer) || under.Matches(offer) {
		t.Errorf("a cap of %s: matches %v; of one fen less: %v; want the total over the term, inclusive", total, at.Matches(offer), under.Matches(offer))
	}
}
