package coop_test

import (
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// Rules 16 and 18 at the default caps, on a register of 200,000 shares so a
// cap of 10 % (20,000 shares) and a yearly redemption of 5 % (10,000) are
// whole numbers that one share more passes: bob holds 19,000 and alice the
// rest; bob may reach the cap exactly, by transfer or by buying pledged
// shares, and the cooperative may redeem exactly the yearly cap.
func TestDefaultCapsToTheShare(t *testing.T) {
	big := []kernel.Event{
		founded(coop.DefaultSettings()), admitted(alice, hhA), admitted(bob, hhB),
		coop.SharesAllocated{CoopID: coopID, At: t0, Allocations: []coop.Allocation{
			{Member: alice, Class: coop.ClassPopulation, Shares: 181_000},
			{Member: bob, Class: coop.ClassPopulation, Shares: 19_000},
		}},
	}
	transfer := func(n int64) coop.TransferShares {
		return coop.TransferShares{CoopID: coopID, From: alice, To: bob, Class: coop.ClassPopulation, Shares: n, Price: kernel.Yuan(100)}
	}
	redeem := func(n int64) coop.RedeemShares {
		return coop.RedeemShares{CoopID: coopID, Holder: alice, Class: coop.ClassPopulation, Shares: n, Price: kernel.Yuan(100)}
	}
	enforce := coop.EnforcePledge{CoopID: coopID, PledgeID: pledge1, By: bank, Buyer: bob, Price: kernel.Yuan(100), LoanDefaulted: true}
	run(t, t1, []decidertest.Case[coop.Command]{
		{Name: "rule 16: a transfer taking the buyer to exactly 10 % passes", Given: big, When: transfer(1_000),
			Then: []kernel.Event{coop.SharesTransferred{CoopID: coopID, From: alice, To: bob, Class: coop.ClassPopulation, Shares: 1_000, Price: kernel.Yuan(100), At: t1}}},
		{Name: "rule 16: a share more is refused", Given: big, When: transfer(1_001), WantCode: coop.CodeHoldingCapExceeded},
		{Name: "rule 16: the cooperative redeems exactly 5 % in a year", Given: big, When: redeem(10_000),
			Then: []kernel.Event{coop.SharesRedeemed{CoopID: coopID, Holder: alice, Class: coop.ClassPopulation, Shares: 10_000, Price: kernel.Yuan(100), At: t1}}},
		{Name: "rule 16: a share more is refused", Given: big, When: redeem(10_001), WantCode: coop.CodeRedemptionCapExceeded},
		{Name: "rule 18: pledged shares taking the buyer to exactly 10 % are sold", Given: plus(big, pledged(pledge1, alice, 1_000)), When: enforce,
			Then: []kernel.Event{coop.PledgeEnforced{CoopID: coopID, PledgeID: pledge1, Holder: alice, Pledgee: bank, Buyer: bob,
				Shares: coop.ClassShares{coop.ClassPopulation: 1_000}, Price: kernel.Yuan(100), At: t1}}},
		{Name: "rule 18: a pledged share more is refused", Given: plus(big, pledged(pledge1, alice, 1_001)), When: enforce, WantCode: coop.CodeHoldingCapExceeded},
	})
}

// The other edges of rules 16–18 in the cooperative: all of a class moves,
// a death recorded on the day it happens, nothing due for an estate that has
// passed, and amounts of nothing.
func TestCooperativeBoundaries(t *testing.T) {
	diedNow := coop.HolderDeceased{CoopID: coopID, Holder: bob, DiedOn: t1, ClaimDeadline: t1.AddDate(1, 0, 0), At: t1}
	run(t, t1, []decidertest.Case[coop.Command]{
		{Name: "rule 16: a holder transfers all it holds of a class", Given: register(),
			When: coop.TransferShares{CoopID: coopID, From: alice, To: bob, Class: coop.ClassLabourAge, Shares: 100},
			Then: []kernel.Event{coop.SharesTransferred{CoopID: coopID, From: alice, To: bob, Class: coop.ClassLabourAge, Shares: 100, At: t1}}},
		{Name: "rule 17: a death is recorded at the instant it happened", Given: register(),
			When: coop.RecordDeath{CoopID: coopID, Holder: bob, DiedOn: t1}, Then: []kernel.Event{diedNow}},
		{Name: "rule 17: a death a nanosecond in the future is refused", Given: register(),
			When: coop.RecordDeath{CoopID: coopID, Holder: bob, DiedOn: t1.Add(time.Nanosecond)}, WantCode: kernel.CodeInvalid},
		{Name: "rule 17: a deceased heir does not inherit", Given: plus(register(), died(bob), died(carol)),
			When: coop.InheritShares{CoopID: coopID, Deceased: bob, Heir: carol}, WantCode: coop.CodeHolderDeceased},
		{Name: "rule 16: a transfer at a negative price is refused", Given: register(),
			When: coop.TransferShares{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 1, Price: -1}, WantCode: kernel.CodeInvalid},
		{Name: "rule 16: a redemption at a negative price is refused", Given: register(),
			When: coop.RedeemShares{CoopID: coopID, Holder: carol, Class: coop.ClassLand, Shares: 1, Price: -1}, WantCode: kernel.CodeInvalid},
		{Name: "rule 18: a pledge of no shares is refused", Given: register(),
			When:     coop.PledgeShares{CoopID: coopID, PledgeID: pledge1, Holder: bob, Pledgee: bank, Shares: 0, RegistrationNumber: "DJ-1", LoanMaturity: t0.AddDate(1, 0, 0)},
			WantCode: kernel.CodeInvalid},
		{Name: "rule 18: pledged shares are not sold for nothing", Given: plus(register(), pledged(pledge1, bob, 100)),
			When: coop.EnforcePledge{CoopID: coopID, PledgeID: pledge1, By: bank, Buyer: alice, LoanDefaulted: true}, WantCode: kernel.CodeInvalid},
	})

	// Once a deceased holder's shares have all passed to an heir, nothing is due for it.
	s := coop.Decider.Fold(plus(register(), died(bob),
		coop.SharesInherited{CoopID: coopID, Deceased: bob, Heir: alice, Shares: coop.ClassShares{coop.ClassPopulation: 300}, Rights: coop.RightsFull, At: t0}))
	if cmd, at, ok := s.NextDue(); ok {
		t.Errorf("after the estate passed, %T is due at %s", cmd, at)
	}
}

// The cooperative's local settings at their edges: a cap from one basis point
// to the whole, no yearly redemption, a pledged loan as long as the pledge.
func TestSettingsAtTheirEdges(t *testing.T) {
	for name, c := range map[string]struct {
		change func(*coop.Settings)
		ok     bool
	}{
		"a holding cap of the whole register":  {func(s *coop.Settings) { s.HoldingCapBP = 10000 }, true},
		"a holding cap of nothing":             {func(s *coop.Settings) { s.HoldingCapBP = 0 }, false},
		"a holding cap above the whole":        {func(s *coop.Settings) { s.HoldingCapBP = 10001 }, false},
		"no redemption":                        {func(s *coop.Settings) { s.RedemptionCapBP = 0 }, true},
		"a negative redemption cap":            {func(s *coop.Settings) { s.RedemptionCapBP = -1 }, false},
		"redemption of the whole register":     {func(s *coop.Settings) { s.RedemptionCapBP = 10000 }, true},
		"a pledge registered for no years":     {func(s *coop.Settings) { s.PledgeTermYears = 0 }, false},
		"a pledged loan as long as the pledge": {func(s *coop.Settings) { s.PledgedLoanTermYears = 3 }, true},
		"a pledged loan a year longer than it": {func(s *coop.Settings) { s.PledgedLoanTermYears = 4 }, false},
		"a pledged loan of no years":           {func(s *coop.Settings) { s.PledgedLoanTermYears = 0 }, false},
		"no claim period for unclaimed shares": {func(s *coop.Settings) { s.ClaimPeriodMonths = 0 }, false},
		"a claim period of a month":            {func(s *coop.Settings) { s.ClaimPeriodMonths = 1 }, true},
	} {
		st := coop.DefaultSettings()
		c.change(&st)
		_, err := coop.Decider.Decide(coop.State{}, coop.FoundCooperative{CoopID: coopID, Collective: collective, Name: "x", Settings: st}, t0)
		if (err == nil) != c.ok {
			t.Errorf("%s: %v, want accepted %v", name, err, c.ok)
		}
	}
}
