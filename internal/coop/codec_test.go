package coop_test

import (
	"slices"
	"testing"

	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// Every event type round-trips through the registry, including the nested
// settings, allocations, class maps and payouts.
func TestEventsRoundTrip(t *testing.T) {
	events := plus(register(), pledged(pledge1, bob, 10), died(bob),
		coop.SharesInherited{CoopID: coopID, Deceased: bob, Heir: dave, HeirHousehold: hhD,
			Shares: coop.ClassShares{coop.ClassPopulation: 300}, Rights: coop.RightsIncomeOnly, At: t0},
		coop.DividendDeclared{CoopID: coopID, DividendID: div1, Amount: 3, TotalShares: 1000,
			Payouts: []coop.Payout{{Holder: alice, Shares: 400, Amount: 3}}, At: t0})
	decidertest.RoundTrip(t, registry(), events...)
}

// FuzzDecode feeds arbitrary bytes to Decode for every registered type: it may
// fail but must never panic.
func FuzzDecode(f *testing.F) {
	reg := registry()
	types := reg.Types()
	slices.Sort(types)
	for _, e := range plus(register(), pledged(pledge1, bob, 10), died(bob)) {
		_, data, err := reg.Encode(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(slices.Index(types, e.EventType())), data)
	}
	f.Add(uint8(0), []byte(`{"Shares":{"LAND":-1},"Payouts":[{}]}`))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		_, _ = reg.Decode(types[int(which)%len(types)], data)
	})
}

// Evolve copies what it changes: a state folded earlier is not altered by
// events applied after it.
func TestEvolveLeavesEarlierStatesAlone(t *testing.T) {
	before := coop.Decider.Fold(register())
	after := before
	for _, e := range []kernel.Event{pledged(pledge1, bob, 10),
		coop.SharesTransferred{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 5, At: t1},
		died(carol)} {
		after = coop.Evolve(after, e)
	}
	if before.Holders[bob].Shares.Total() != 300 || before.Holders[bob].Pledged != 0 ||
		before.Holders[carol].Deceased || len(before.Pledges) != 0 {
		t.Fatalf("an earlier state changed: bob %+v, carol %+v", before.Holders[bob], before.Holders[carol])
	}
	if after.Holders[bob].Shares.Total() != 295 || after.Holders[alice].Shares.Total() != 405 {
		t.Fatalf("later state: bob %d, alice %d; want 295, 405", after.Holders[bob].Shares.Total(), after.Holders[alice].Shares.Total())
	}
}
