package transfer

import (
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// The boundaries of rules 1, 2, 4 and 9 in the contract, at the instant and
// one unit either side: a renewal's end and deadlines, rent falling due at
// the instant of termination, and resolutions of no votes.
func TestContractBoundaries(t *testing.T) {
	at := day(2035, 9, 1)
	due6 := Decider.Fold(inForce).Instalments[5].Due // the sixth year's rent, due 1 March 2031
	endedAtDue6 := ContractTerminated{ContractID: id, By: household, Reason: ReasonMutualAgreement, Document: paper, Cancelled: kernel.Yuan(40000), At: due6}
	paidThrough6 := make([]Allocation, 6)
	for i := range paidThrough6 {
		paidThrough6[i] = Allocation{No: i + 1, Amount: kernel.Yuan(10000)}
	}
	collectiveLand := func(votesFor, total int) Terms {
		return terms(func(t *Terms) {
			t.Transferor, t.Plots = collective, []Plot{{AssetID: plotID, Area: 1250, Collective: collective, Holder: collective, ContractEnd: contractEnd}}
			t.Resolution = &Resolution{Body: VillagerRepresentatives, VotesFor: votesFor, Total: total, Document: paper}
		})
	}
	decidertest.Run(t, Decider, registry(), at, []tcase{
		{Name: "rule 1: a renewal to exactly the contract right's end is offered", Given: inForce,
			When: with(offerCmd, func(c *OfferRenewal) { c.End = contractEnd }), Then: []kernel.Event{with(offered, func(e *RenewalOffered) { e.End = contractEnd })}},
		{Name: "a deadline at the instant of the offer is refused", Given: inForce,
			When: with(offerCmd, func(c *OfferRenewal) { c.RespondBy = at }), WantCode: kernel.CodeInvalid},
		{Name: "a deadline at the instant the term ends is accepted", Given: inForce,
			When: with(offerCmd, func(c *OfferRenewal) { c.RespondBy = end }), Then: []kernel.Event{with(offered, func(e *RenewalOffered) { e.RespondBy = end })}},
		{Name: "a new offer at the instant the open one lapses is refused", Given: given(offered), Now: offered.RespondBy,
			When: with(offerCmd, func(c *OfferRenewal) { c.RespondBy = end }), WantCode: kernel.CodeInvalidState},
		{Name: "a nanosecond after it lapses a new offer is made", Given: given(offered), Now: offered.RespondBy.Add(time.Nanosecond),
			When: with(offerCmd, func(c *OfferRenewal) { c.RespondBy = end }),
			Then: []kernel.Event{with(offered, func(e *RenewalOffered) { e.RespondBy, e.At = end, offered.RespondBy.Add(time.Nanosecond) })}},
		{Name: "accepting at the instant the offer lapses is in time", Given: given(offered), Now: offered.RespondBy,
			When: AcceptRenewal{ContractID: id, By: farmer, Document: paper},
			Then: []kernel.Event{ContractRenewed{ContractID: id, PreviousEnd: end, End: renewalEnd, RentPerMuYear: kernel.Yuan(900), Frequency: Annual,
				Instalments: annual(10, kernel.Yuan(11250), end, 11), Document: paper, At: offered.RespondBy}}},
		{Name: "rule 2: rent falling due at the instant of termination is not cancelled", Given: inForce, Now: due6,
			When: Terminate{ContractID: id, By: farmer, Reason: ReasonMutualAgreement, Document: paper},
			Then: []kernel.Event{with(endedAtDue6, func(e *ContractTerminated) { e.By = farmer })}},
		{Name: "after termination the rent due at its instant may still be paid", Given: given(endedAtDue6), Now: due6,
			When: PayRent{ContractID: id, Payer: farmer, Amount: kernel.Yuan(60000)},
			Then: []kernel.Event{RentPaid{ContractID: id, Payer: farmer, Amount: kernel.Yuan(60000), Allocations: paidThrough6, At: due6}}},
		{Name: "rule 4: no votes out of thirty is not a resolution", When: direct(collectiveLand(0, 30)), WantCode: CodeResolutionNotPassed},
		{Name: "rule 4: a resolution of nobody is refused", When: direct(collectiveLand(0, 0)), WantCode: kernel.CodeInvalid},
	})
}

// Rule 9's rent facts at the instant an instalment falls due: it is in the
// arrears from its due instant, and an overdue instalment paid in full is no
// longer in arrears.
func TestArrearsAtTheInstant(t *testing.T) {
	s := Decider.Fold(inForce)
	if got := s.Arrears(firstDue); got != kernel.Yuan(10000) {
		t.Errorf("arrears at the first due instant = %s, want 10000.00", got)
	}
	if got := s.Arrears(firstDue.Add(-time.Nanosecond)); got != 0 {
		t.Errorf("arrears a nanosecond before the first due instant = %s, want nothing", got)
	}
	paid := Decider.Fold(given(overdue1, RentPaid{ContractID: id, Payer: farmer, Amount: kernel.Yuan(10000), Allocations: []Allocation{{No: 1, Amount: kernel.Yuan(10000)}}, At: firstDue}))
	if paid.InArrears() {
		t.Error("an overdue instalment paid in full is still in arrears")
	}
	if short := Decider.Fold(given(overdue1, RentPaid{ContractID: id, Payer: farmer, Amount: kernel.Yuan(10000) - 1, Allocations: []Allocation{{No: 1, Amount: kernel.Yuan(10000) - 1}}, At: firstDue})); !short.InArrears() {
		t.Error("an overdue instalment paid a fen short is not in arrears")
	}
}

// Rule 2's two idle years, counted in calendar dates rather than from the
// constant: land idle since exactly two years before is cause; a day less is not.
func TestIdleForExactlyTwoYears(t *testing.T) {
	idle := func(since time.Time) Terminate {
		return Terminate{ContractID: id, By: household, Reason: ReasonLandIdle, Document: paper, IdleSince: since}
	}
	twoYears := day(2028, 6, 1) // later is 1 June 2030
	decidertest.Run(t, Decider, registry(), later, []tcase{
		{Name: "idle since 1 June 2028 on 1 June 2030 is two years", Given: inForce, When: idle(twoYears),
			Then: []kernel.Event{ContractTerminated{ContractID: id, By: household, Reason: ReasonLandIdle, Document: paper, IdleSince: twoYears, Cancelled: kernel.Yuan(50000), At: later}}},
		{Name: "idle since 2 June 2028 is a day short", Given: inForce, When: idle(day(2028, 6, 2)), WantCode: CodeIdleTooShort},
	})
}

// The limits of a rent schedule at their edges: rent-free (an award's
// contract), the largest rent and area, a term of exactly a year, a
// nanosecond more, and a hundred years.
func TestScheduleAtItsLimits(t *testing.T) {
	year := start.AddDate(1, 0, 0)
	for name, c := range map[string]struct {
		rent      kernel.Money
		area      kernel.Area
		end       time.Time
		ok        bool
		wantTotal kernel.Money
	}{
		"rent-free":                            {0, 1250, year, true, 0},
		"a negative rent":                      {-1, 1250, year, false, 0},
		"ten million yuan a mu":                {kernel.Yuan(10_000_000), 100, year, true, kernel.Yuan(10_000_000)},
		"a fen above ten million yuan a mu":    {kernel.Yuan(10_000_000) + 1, 100, year, false, 0},
		"no area":                              {kernel.Yuan(800), 0, year, false, 0},
		"a million mu":                         {0, 100_000_000, year, true, 0},
		"a hundredth of a mu above a million":  {0, 100_000_000 + 1, year, false, 0},
		"a term ending at its start":           {kernel.Yuan(800), 1250, start, false, 0},
		"exactly a year is twelve months":      {kernel.Yuan(800), 1250, year, true, kernel.Yuan(10000)},
		"a nanosecond more is thirteen months": {kernel.Yuan(800), 1250, year.Add(time.Nanosecond), true, kernel.Yuan(10000) + kernel.Yuan(10000).MulRatio(1, 12)},
		"a hundred years":                      {0, 1250, start.AddDate(100, 0, 0), true, 0},
		"a hundred years and a day":            {0, 1250, start.AddDate(100, 0, 1), false, 0},
	} {
		got, err := Schedule(c.rent, c.area, start, c.end, Annual, 1)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v, want accepted %v", name, err, c.ok)
			continue
		}
		var total kernel.Money
		for _, i := range got {
			total += i.Amount
		}
		if c.ok && total != c.wantTotal {
			t.Errorf("%s: total %s, want %s", name, total, c.wantTotal)
		}
	}
}

// Rule 25's yearly rent for the whole contract at its edges: from a fen to
// the largest a million mu can carry, one or the other of the two rents,
// and prepaid rent of nothing or more.
func TestAnnualRentAtItsEdges(t *testing.T) {
	year := start.AddDate(1, 0, 0)
	for name, c := range map[string]struct {
		change func(*Terms)
		ok     bool
	}{
		"a whole-contract rent of a fen":      {func(t *Terms) { t.RentPerMuYear, t.AnnualRent = 0, 1 }, true},
		"a negative whole-contract rent":      {func(t *Terms) { t.RentPerMuYear, t.AnnualRent, t.Prepaid = 0, -1, 1 }, false},
		"the largest whole-contract rent":     {func(t *Terms) { t.RentPerMuYear, t.AnnualRent = 0, MaxAnnualRent }, true},
		"a fen above the largest":             {func(t *Terms) { t.RentPerMuYear, t.AnnualRent = 0, MaxAnnualRent+1 }, false},
		"both a rent per mu and a whole rent": {func(t *Terms) { t.AnnualRent = 1 }, false},
		"a rent per mu with a fen prepaid":    {func(t *Terms) { t.Prepaid = 1 }, true},
		"a negative prepayment":               {func(t *Terms) { t.RentPerMuYear, t.AnnualRent, t.Prepaid = 0, kernel.Yuan(1000), -1 }, false},
	} {
		tt := leaseTerms()
		tt.End = year
		c.change(&tt)
		if _, err := tt.Instalments(); (err == nil) != c.ok {
			t.Errorf("%s: %v, want accepted %v", name, err, c.ok)
		}
	}
	if MaxAnnualRent != kernel.Yuan(10_000_000)*1_000_000 {
		t.Errorf("the largest whole-contract rent is %s, want ten million yuan a mu on a million mu", MaxAnnualRent)
	}
}
