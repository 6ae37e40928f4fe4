package demand_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/demand"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

var (
	now    = time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	id     = uuid.MustParse("00000000-0000-0000-0000-0000000000d1")
	owner  = uuid.MustParse("00000000-0000-0000-0000-0000000000b1")
	other  = uuid.MustParse("00000000-0000-0000-0000-0000000000b2")
	farmIn = demand.Criteria{Region: demand.Region{County: "寿光市"}, AssetTypes: []kernel.AssetType{kernel.AssetLandManagementRight},
		MinArea: 30000, MaxArea: 50000, MinTermMonths: 120, BudgetPerMuYear: kernel.Yuan(1000), Contiguous: true}
)

func registry() *kernel.Registry {
	r := kernel.NewRegistry()
	demand.RegisterEvents(r)
	return r
}

func TestDecide(t *testing.T) {
	posted := demand.DemandPosted{DemandID: id, Owner: owner, Title: "寿光连片耕地", Criteria: farmIn, At: now}
	inverted := farmIn
	inverted.MinArea, inverted.MaxArea = 50001, 50000
	decidertest.Run(t, demand.Decider, registry(), now, []decidertest.Case[demand.Command]{
		{Name: "a business posts a demand", When: demand.PostDemand{DemandID: id, By: owner, Title: "寿光连片耕地", Criteria: farmIn},
			Then: []kernel.Event{posted}},
		{Name: "a business saves a search", When: demand.SaveSearch{DemandID: id, By: owner, Title: "寿光耕地", Criteria: farmIn},
			Then: []kernel.Event{demand.SearchSaved{DemandID: id, Owner: owner, Title: "寿光耕地", Criteria: farmIn, At: now}}},
		{Name: "an area range inverted by one hundredth of a mu is refused", When: demand.PostDemand{DemandID: id, By: owner, Title: "x", Criteria: inverted},
			WantCode: demand.CodeRangeInvalid},
		{Name: "equal bounds are a range", When: demand.SaveSearch{DemandID: id, By: owner, Title: "x", Criteria: demand.Criteria{MinArea: 100, MaxArea: 100}},
			Then: []kernel.Event{demand.SearchSaved{DemandID: id, Owner: owner, Title: "x", Criteria: demand.Criteria{MinArea: 100, MaxArea: 100}, At: now}}},
		{Name: "a title is required", When: demand.PostDemand{DemandID: id, By: owner, Criteria: farmIn}, WantCode: kernel.CodeInvalid},
		{Name: "an unknown asset type is refused", When: demand.SaveSearch{DemandID: id, By: owner, Title: "x",
			Criteria: demand.Criteria{AssetTypes: []kernel.AssetType{"GOLD"}}}, WantCode: kernel.CodeInvalid},
		{Name: "a negative budget is refused", When: demand.PostDemand{DemandID: id, By: owner, Title: "x",
			Criteria: demand.Criteria{BudgetPerMuYear: -1}}, WantCode: kernel.CodeInvalid},
		{Name: "an id is posted once", Given: []kernel.Event{posted}, When: demand.SaveSearch{DemandID: id, By: owner, Title: "x"},
			WantCode: kernel.CodeInvalidState},
		{Name: "the owner closes it", Given: []kernel.Event{posted}, When: demand.CloseDemand{DemandID: id, By: owner},
			Then: []kernel.Event{demand.DemandClosed{DemandID: id, At: now}}},
		{Name: "another party may not close it", Given: []kernel.Event{posted}, When: demand.CloseDemand{DemandID: id, By: other},
			WantCode: kernel.CodeForbidden},
		{Name: "closing twice is refused", Given: []kernel.Event{posted, demand.DemandClosed{DemandID: id, At: now}},
			When: demand.CloseDemand{DemandID: id, By: owner}, WantCode: demand.CodeClosed},
		{Name: "closing nothing is not found", When: demand.CloseDemand{DemandID: id, By: owner}, WantCode: kernel.CodeNotFound},
	})
}

func TestCriteriaMatchAtTheirBounds(t *testing.T) {
	// 300 mu for 10 years at 3,000,000.00 yuan in all: 1000.00 yuan per mu per year.
	base := demand.Offer{Region: demand.Region{Province: "山东省", County: "寿光市", Township: "孙家集街道", Village: "王家庄村"},
		Type: kernel.AssetLandManagementRight, Area: 30000, TermMonths: 120, Price: kernel.Yuan(3_000_000), Basis: demand.PriceTotal,
		Total: kernel.Yuan(3_000_000)}
	with := func(f func(*demand.Offer)) demand.Offer { o := base; f(&o); return o }
	priced := func(basis demand.PriceBasis, price kernel.Money) demand.Offer {
		return with(func(o *demand.Offer) { o.Basis, o.Price = basis, price })
	}
	for _, c := range []struct {
		name string
		o    demand.Offer
		want bool
	}{
		{"a total at the budget, the smallest area and the shortest term", base, true},
		{"a total one fen over the budget", priced(demand.PriceTotal, kernel.Yuan(3_000_000)+1), false},
		{"a total over a 15-year term counts 15 years", with(func(o *demand.Offer) { o.Price, o.TermMonths = kernel.Yuan(4_500_000), 180 }), true},
		{"a total over a 15-year term one fen over", with(func(o *demand.Offer) { o.Price, o.TermMonths = kernel.Yuan(4_500_000)+1, 180 }), false},
		{"the zero basis is a total", priced("", kernel.Yuan(3_000_000)+1), false},
		{"an annual rent of 300,000.00 over 300 mu is 1000.00", priced(demand.PriceAnnual, kernel.Yuan(300_000)), true},
		{"an annual rent one fen over, not divided by the term's years", priced(demand.PriceAnnual, kernel.Yuan(300_000)+1), false},
		{"an annual rent over a longer term is still a year's", with(func(o *demand.Offer) {
			o.Basis, o.Price, o.TermMonths = demand.PriceAnnual, kernel.Yuan(300_000), 360
		}), true},
		{"an annual rent without an area", with(func(o *demand.Offer) { o.Basis, o.Price, o.Area = demand.PriceAnnual, 1, 0 }), false},
		{"a rent per mu per year at the budget", priced(demand.PricePerMuYear, kernel.Yuan(1000)), true},
		{"a rent per mu per year one fen over", priced(demand.PricePerMuYear, kernel.Yuan(1000)+1), false},
		{"one hundredth of a mu too small", with(func(o *demand.Offer) { o.Area = 29999 }), false},
		{"at the largest area", with(func(o *demand.Offer) { o.Area = 50000 }), true},
		{"one hundredth of a mu too large", with(func(o *demand.Offer) { o.Area = 50001 }), false},
		{"one month too short", with(func(o *demand.Offer) { o.TermMonths = 119 }), false},
		{"another county", with(func(o *demand.Offer) { o.Region.County = "青州市" }), false},
		{"another asset type", with(func(o *demand.Offer) { o.Type = kernel.AssetForestRight }), false},
		{"an asset not yet priced", with(func(o *demand.Offer) { o.Price, o.Total = 0, 0 }), true},
	} {
		if got := farmIn.Matches(c.o); got != c.want {
			t.Errorf("%s: Matches = %v, want %v", c.name, got, c.want)
		}
	}
	capped := demand.Criteria{MaxPrice: kernel.Yuan(3_000_000)}
	rent := priced(demand.PriceAnnual, kernel.Yuan(300_000)) // its Total stays 3,000,000.00
	if !capped.Matches(rent) || capped.Matches(with(func(o *demand.Offer) { o.Basis, o.Price, o.Total = demand.PriceAnnual, 1, kernel.Yuan(3_000_000)+1 })) {
		t.Error("the price cap is on the total over the term, inclusive to the fen")
	}
}

// A negative bound is refused naming its own field.
func TestNegativeBoundNamesItsField(t *testing.T) {
	for field, c := range map[string]demand.Criteria{
		"criteria.minArea":         {MinArea: -1},
		"criteria.maxArea":         {MaxArea: -1},
		"criteria.minTermMonths":   {MinTermMonths: -1},
		"criteria.maxPrice":        {MaxPrice: -1},
		"criteria.budgetPerMuYear": {BudgetPerMuYear: -1},
	} {
		_, err := demand.Decide(demand.State{}, demand.PostDemand{DemandID: id, By: owner, Title: "x", Criteria: c}, now)
		if e, ok := err.(*kernel.Error); !ok || e.Code != kernel.CodeInvalid || e.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
}
