package coop_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

var (
	t0         = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC) // 10:00 in Shanghai
	coopID     = uuid.MustParse("c0000000-0000-4000-8000-000000000001")
	collective = uuid.MustParse("c0000000-0000-4000-8000-0000000000cc")
	alice      = uuid.MustParse("a0000000-0000-4000-8000-000000000001")
	bob        = uuid.MustParse("b0000000-0000-4000-8000-000000000002")
	carol      = uuid.MustParse("b1000000-0000-4000-8000-000000000003")
	dave       = uuid.MustParse("d0000000-0000-4000-8000-000000000004") // never a member
	erin       = uuid.MustParse("e0000000-0000-4000-8000-000000000005") // admitted late
	hhA        = uuid.MustParse("a1000000-0000-4000-8000-0000000000a1")
	hhB        = uuid.MustParse("b2000000-0000-4000-8000-0000000000b2")
	hhD        = uuid.MustParse("d1000000-0000-4000-8000-0000000000d1")
	bank       = uuid.MustParse("ba000000-0000-4000-8000-0000000000ba")
	pledge1    = uuid.MustParse("f0000000-0000-4000-8000-000000000001")
	pledge2    = uuid.MustParse("f0000000-0000-4000-8000-000000000002")
	div1       = uuid.MustParse("f1000000-0000-4000-8000-000000000001")
)

func registry() *kernel.Registry {
	r := kernel.NewRegistry()
	coop.RegisterEvents(r)
	return r
}

// testSettings: the defaults with a 50 % per-holder cap, so a three-member
// register of 1000 shares has room to transfer (cap 500, yearly redemption 50).
func testSettings() coop.Settings {
	s := coop.DefaultSettings()
	s.HoldingCapBP = 5000
	return s
}

func founded(s coop.Settings) kernel.Event {
	return coop.CooperativeFounded{CoopID: coopID, Collective: collective, Name: "东村股份经济合作社", Settings: s, At: t0}
}

func admitted(m, hh uuid.UUID) kernel.Event {
	return coop.MemberAdmitted{CoopID: coopID, Member: m, Household: hh, At: t0}
}

// register: alice 300 population + 100 labour-age, bob 300 population, carol
// 300 land; 1000 shares in all.
func register() []kernel.Event {
	return []kernel.Event{
		founded(testSettings()),
		admitted(alice, hhA), admitted(bob, hhB), admitted(carol, hhB),
		coop.SharesAllocated{CoopID: coopID, At: t0, Allocations: []coop.Allocation{
			{Member: alice, Class: coop.ClassPopulation, Shares: 300},
			{Member: alice, Class: coop.ClassLabourAge, Shares: 100},
			{Member: bob, Class: coop.ClassPopulation, Shares: 300},
			{Member: carol, Class: coop.ClassLand, Shares: 300},
		}},
	}
}

func plus(base []kernel.Event, more ...kernel.Event) []kernel.Event {
	return append(append([]kernel.Event{}, base...), more...)
}

func run(t *testing.T, now time.Time, cases []decidertest.Case[coop.Command]) {
	t.Helper()
	decidertest.Run(t, coop.Decider, registry(), now, cases)
}

var t1 = t0.Add(24 * time.Hour)

func pledged(id uuid.UUID, holder uuid.UUID, n int64) kernel.Event {
	return coop.SharesPledged{CoopID: coopID, PledgeID: id, Holder: holder, Pledgee: bank, Shares: n,
		RegistrationNumber: "DJ-2026-000123", LoanMaturity: t0.AddDate(1, 0, 0), RegisteredUntil: t0.AddDate(3, 0, 0), At: t0}
}

func died(holder uuid.UUID) kernel.Event {
	return coop.HolderDeceased{CoopID: coopID, Holder: holder, DiedOn: t0.Add(-48 * time.Hour),
		ClaimDeadline: t0.AddDate(1, 0, 0), At: t0}
}

func TestFoundingAndMembership(t *testing.T) {
	bad := coop.DefaultSettings()
	bad.RedemptionCapBP = 10001
	run(t, t0, []decidertest.Case[coop.Command]{
		{Name: "a collective founds its cooperative with its settings",
			When: coop.FoundCooperative{CoopID: coopID, Collective: collective, Name: "东村股份经济合作社", Settings: testSettings()},
			Then: []kernel.Event{founded(testSettings())}},
		{Name: "founding twice is refused", Given: register(),
			When:     coop.FoundCooperative{CoopID: coopID, Collective: collective, Name: "again", Settings: testSettings()},
			WantCode: kernel.CodeInvalidState},
		{Name: "settings out of range are refused",
			When:     coop.FoundCooperative{CoopID: coopID, Collective: collective, Name: "x", Settings: bad},
			WantCode: kernel.CodeInvalid},
		{Name: "zero settings are refused, not silently defaulted",
			When:     coop.FoundCooperative{CoopID: coopID, Collective: collective, Name: "x"},
			WantCode: kernel.CodeInvalid},
		{Name: "commands to a cooperative never founded are refused",
			When:     coop.AdmitMember{CoopID: coopID, Member: alice, Household: hhA},
			WantCode: kernel.CodeNotFound},
		{Name: "a confirmed member is admitted with their household", Given: []kernel.Event{founded(testSettings())},
			When: coop.AdmitMember{CoopID: coopID, Member: alice, Household: hhA},
			Then: []kernel.Event{admitted(alice, hhA)}},
		{Name: "admitting a member twice is refused", Given: register(),
			When:     coop.AdmitMember{CoopID: coopID, Member: alice, Household: hhA},
			WantCode: kernel.CodeInvalidState},
		{Name: "a member needs a household", Given: register(),
			When:     coop.AdmitMember{CoopID: coopID, Member: erin},
			WantCode: kernel.CodeInvalid},
	})
}

// Rule 15: shares are quantified by class; the register is static by default.
func TestRule15Quantification(t *testing.T) {
	dynamic := testSettings()
	dynamic.DynamicRegister = true
	run(t, t0, []decidertest.Case[coop.Command]{
		{Name: "shares are quantified to members by class",
			Given: []kernel.Event{founded(testSettings()), admitted(alice, hhA)},
			When: coop.AllocateShares{CoopID: coopID, Allocations: []coop.Allocation{
				{Member: alice, Class: coop.ClassPopulation, Shares: 1}, {Member: alice, Class: coop.ClassLand, Shares: 3}}},
			Then: []kernel.Event{coop.SharesAllocated{CoopID: coopID, At: t0, Allocations: []coop.Allocation{
				{Member: alice, Class: coop.ClassPopulation, Shares: 1}, {Member: alice, Class: coop.ClassLand, Shares: 3}}}}},
		{Name: "shares go only to admitted members", Given: register(),
			When:     coop.AllocateShares{CoopID: coopID, Allocations: []coop.Allocation{{Member: dave, Class: coop.ClassPopulation, Shares: 1}}},
			WantCode: kernel.CodeNotFound},
		{Name: "an unknown class is refused", Given: register(),
			When:     coop.AllocateShares{CoopID: coopID, Allocations: []coop.Allocation{{Member: alice, Class: "HOUSING", Shares: 1}}},
			WantCode: kernel.CodeInvalid},
		{Name: "the register is bounded so share arithmetic cannot overflow", Given: register(),
			When: coop.AllocateShares{CoopID: coopID, Allocations: []coop.Allocation{
				{Member: alice, Class: coop.ClassLand, Shares: coop.MaxTotalShares - 1000}, {Member: bob, Class: coop.ClassLand, Shares: 1}}},
			WantCode: kernel.CodeInvalid},
		{Name: "a static register quantifies a member's class once", Given: register(),
			When:     coop.AllocateShares{CoopID: coopID, Allocations: []coop.Allocation{{Member: bob, Class: coop.ClassPopulation, Shares: 1}}},
			WantCode: coop.CodeAlreadyAllocated},
		{Name: "a static register refuses the same class twice in one command",
			Given: []kernel.Event{founded(testSettings()), admitted(alice, hhA)},
			When: coop.AllocateShares{CoopID: coopID, Allocations: []coop.Allocation{
				{Member: alice, Class: coop.ClassLand, Shares: 1}, {Member: alice, Class: coop.ClassLand, Shares: 1}}},
			WantCode: coop.CodeAlreadyAllocated},
		{Name: "a dynamic register may quantify more of a class",
			Given: []kernel.Event{founded(dynamic), admitted(bob, hhB),
				coop.SharesAllocated{CoopID: coopID, At: t0, Allocations: []coop.Allocation{{Member: bob, Class: coop.ClassPopulation, Shares: 2}}}},
			When: coop.AllocateShares{CoopID: coopID, Allocations: []coop.Allocation{{Member: bob, Class: coop.ClassPopulation, Shares: 1}}},
			Then: []kernel.Event{coop.SharesAllocated{CoopID: coopID, At: t0, Allocations: []coop.Allocation{{Member: bob, Class: coop.ClassPopulation, Shares: 1}}}}},
		{Name: "a birth is an admission and reallocates nothing", Given: register(),
			When: coop.AdmitMember{CoopID: coopID, Member: erin, Household: hhA},
			Then: []kernel.Event{admitted(erin, hhA)}},
		{Name: "a death is recorded and reallocates nothing", Given: register(),
			When: coop.RecordDeath{CoopID: coopID, Holder: alice, DiedOn: t0.Add(-48 * time.Hour)},
			Then: []kernel.Event{died(alice)}},
	})
}

// Rule 15: the folded register keeps every holding through births.
func TestRule15RegisterIsStaticAcrossBirths(t *testing.T) {
	s := coop.Decider.Fold(plus(register(), admitted(erin, hhA)))
	want := map[uuid.UUID]int64{alice: 400, bob: 300, carol: 300, erin: 0, collective: 0}
	for id, n := range want {
		if got := s.Holders[id].Shares.Total(); got != n {
			t.Errorf("holder %s: %d shares, want %d", id, got, n)
		}
	}
	if s.TotalShares() != 1000 {
		t.Errorf("total %d, want 1000", s.TotalShares())
	}
}

// Rule 16: transfers only to members, under the per-holder cap.
func TestRule16Transfer(t *testing.T) {
	outsideHeirOwnsBobs := plus(register(), died(bob),
		coop.SharesInherited{CoopID: coopID, Deceased: bob, Heir: dave, HeirHousehold: hhD,
			Shares: coop.ClassShares{coop.ClassPopulation: 300}, Rights: coop.RightsIncomeOnly, At: t0})
	run(t, t1, []decidertest.Case[coop.Command]{
		{Name: "a member transfers to another member up to the cap", Given: register(),
			When: coop.TransferShares{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 100, Price: kernel.Yuan(5000)},
			Then: []kernel.Event{coop.SharesTransferred{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 100, Price: kernel.Yuan(5000), At: t1}}},
		{Name: "one share over the cap is refused", Given: register(),
			When:     coop.TransferShares{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 101},
			WantCode: coop.CodeHoldingCapExceeded},
		{Name: "a transfer to a non-member is refused", Given: register(),
			When:     coop.TransferShares{CoopID: coopID, From: bob, To: dave, Class: coop.ClassPopulation, Shares: 1},
			WantCode: coop.CodeTransferToNonMember},
		{Name: "a transfer to an outside heir is refused", Given: outsideHeirOwnsBobs,
			When:     coop.TransferShares{CoopID: coopID, From: alice, To: dave, Class: coop.ClassPopulation, Shares: 1},
			WantCode: coop.CodeTransferToNonMember},
		{Name: "more than the holder has of the class is refused", Given: register(),
			When:     coop.TransferShares{CoopID: coopID, From: alice, To: bob, Class: coop.ClassLabourAge, Shares: 101},
			WantCode: coop.CodeInsufficientShares},
		{Name: "a class the holder lacks is refused", Given: register(),
			When:     coop.TransferShares{CoopID: coopID, From: carol, To: bob, Class: coop.ClassPopulation, Shares: 1},
			WantCode: coop.CodeInsufficientShares},
		{Name: "a transfer to oneself is refused", Given: register(),
			When:     coop.TransferShares{CoopID: coopID, From: bob, To: bob, Class: coop.ClassPopulation, Shares: 1},
			WantCode: kernel.CodeInvalid},
		{Name: "zero shares are refused", Given: register(),
			When:     coop.TransferShares{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation},
			WantCode: kernel.CodeInvalid},
		{Name: "a deceased holder cannot transfer", Given: plus(register(), died(bob)),
			When:     coop.TransferShares{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 1},
			WantCode: coop.CodeHolderDeceased},
	})
}

// Rule 16: redemption by the cooperative, capped per Asia/Shanghai calendar year.
func TestRule16Redemption(t *testing.T) {
	// 5 % of 1000 shares: 50 a year.
	dec31 := time.Date(2026, 12, 31, 15, 0, 0, 0, time.UTC) // 23:00 on 31 Dec in Shanghai
	redeemed := func(n int64, at time.Time) kernel.Event {
		return coop.SharesRedeemed{CoopID: coopID, Holder: bob, Class: coop.ClassPopulation, Shares: n, Price: kernel.Yuan(n * 10), At: at}
	}
	redeem := func(n int64) coop.RedeemShares {
		return coop.RedeemShares{CoopID: coopID, Holder: carol, Class: coop.ClassLand, Shares: n, Price: kernel.Yuan(n * 10)}
	}
	run(t, t1, []decidertest.Case[coop.Command]{
		{Name: "the cooperative redeems up to the yearly cap", Given: plus(register(), redeemed(20, t0)),
			When: redeem(30),
			Then: []kernel.Event{coop.SharesRedeemed{CoopID: coopID, Holder: carol, Class: coop.ClassLand, Shares: 30, Price: kernel.Yuan(300), At: t1}}},
		{Name: "redemption beyond the yearly cap is refused", Given: plus(register(), redeemed(20, t0)),
			When: redeem(31), WantCode: coop.CodeRedemptionCapExceeded},
		{Name: "the cap counts the Shanghai year, not the UTC year: still 31 December",
			Given: plus(register(), redeemed(50, dec31)), Now: dec31.Add(30 * time.Minute),
			When: redeem(1), WantCode: coop.CodeRedemptionCapExceeded},
		{Name: "the cap resets at Shanghai midnight on 1 January (16:00 UTC)",
			Given: plus(register(), redeemed(50, dec31)), Now: dec31.Add(90 * time.Minute),
			When: redeem(50),
			Then: []kernel.Event{coop.SharesRedeemed{CoopID: coopID, Holder: carol, Class: coop.ClassLand, Shares: 50, Price: kernel.Yuan(500), At: dec31.Add(90 * time.Minute)}}},
		{Name: "the collective's own shares are not redeemed", Given: plus(register(), redeemed(20, t0)),
			When:     coop.RedeemShares{CoopID: coopID, Holder: collective, Class: coop.ClassPopulation, Shares: 1},
			WantCode: kernel.CodeInvalid},
		{Name: "pledged shares are not redeemed", Given: plus(register(), pledged(pledge1, carol, 290)),
			When: redeem(11), WantCode: coop.CodeSharesPledged},
	})
}

// Rule 16: redeemed shares pass into the collective's holding; the total stays.
func TestRule16RedemptionMovesSharesToTheCollective(t *testing.T) {
	s := coop.Decider.Fold(plus(register(),
		coop.SharesRedeemed{CoopID: coopID, Holder: bob, Class: coop.ClassPopulation, Shares: 20, At: t0}))
	if got := s.Holders[collective].Shares[coop.ClassPopulation]; got != 20 {
		t.Errorf("collective holds %d population shares, want 20", got)
	}
	if got := s.Holders[bob].Shares.Total(); got != 280 {
		t.Errorf("bob holds %d, want 280", got)
	}
	if s.TotalShares() != 1000 || s.RedeemedInYear != 20 || s.RedemptionYear != 2026 {
		t.Errorf("total %d, redeemed %d in %d; want 1000, 20 in 2026", s.TotalShares(), s.RedeemedInYear, s.RedemptionYear)
	}
}

// Rule 17: heirs, outside heirs' limited rights, reversion of unclaimed shares.
func TestRule17Inheritance(t *testing.T) {
	deadline := t0.AddDate(1, 0, 0)
	bobDied := plus(register(), pledged(pledge1, bob, 100), died(bob))
	daveHoldsBobs := plus(bobDied, coop.SharesInherited{CoopID: coopID, Deceased: bob, Heir: dave, HeirHousehold: hhD,
		Shares: coop.ClassShares{coop.ClassPopulation: 300}, Pledges: []uuid.UUID{pledge1}, Rights: coop.RightsIncomeOnly, At: t0})
	run(t, t1, []decidertest.Case[coop.Command]{
		{Name: "a death opens a claim period of the configured months", Given: register(),
			Now:  t0,
			When: coop.RecordDeath{CoopID: coopID, Holder: bob, DiedOn: t0.Add(-48 * time.Hour)},
			Then: []kernel.Event{died(bob)}},
		{Name: "a death cannot be recorded twice", Given: bobDied,
			When:     coop.RecordDeath{CoopID: coopID, Holder: bob, DiedOn: t0},
			WantCode: coop.CodeHolderDeceased},
		{Name: "a member heir inherits in full, pledges included", Given: bobDied,
			When: coop.InheritShares{CoopID: coopID, Deceased: bob, Heir: carol},
			Then: []kernel.Event{coop.SharesInherited{CoopID: coopID, Deceased: bob, Heir: carol, HeirHousehold: hhB,
				Shares: coop.ClassShares{coop.ClassPopulation: 300}, Pledges: []uuid.UUID{pledge1}, Rights: coop.RightsFull, At: t1}}},
		{Name: "a member heir inherits beyond the transfer cap", Given: plus(register(), died(alice)),
			When: coop.InheritShares{CoopID: coopID, Deceased: alice, Heir: bob},
			Then: []kernel.Event{coop.SharesInherited{CoopID: coopID, Deceased: alice, Heir: bob, HeirHousehold: hhB,
				Shares: coop.ClassShares{coop.ClassPopulation: 300, coop.ClassLabourAge: 100}, Rights: coop.RightsFull, At: t1}}},
		{Name: "an heir from outside gets income rights only", Given: bobDied,
			When: coop.InheritShares{CoopID: coopID, Deceased: bob, Heir: dave, HeirHousehold: hhD},
			Then: []kernel.Event{coop.SharesInherited{CoopID: coopID, Deceased: bob, Heir: dave, HeirHousehold: hhD,
				Shares: coop.ClassShares{coop.ClassPopulation: 300}, Pledges: []uuid.UUID{pledge1}, Rights: coop.RightsIncomeOnly, At: t1}}},
		{Name: "an outside heir must name a household", Given: bobDied,
			When:     coop.InheritShares{CoopID: coopID, Deceased: bob, Heir: dave},
			WantCode: kernel.CodeInvalid},
		{Name: "a living member's shares are not inherited", Given: register(),
			When:     coop.InheritShares{CoopID: coopID, Deceased: bob, Heir: carol},
			WantCode: kernel.CodeInvalidState},
		{Name: "a claim on the deadline is too late", Given: bobDied, Now: deadline,
			When:     coop.InheritShares{CoopID: coopID, Deceased: bob, Heir: carol},
			WantCode: coop.CodeClaimPeriodEnded},
		{Name: "a claim just before the deadline is in time", Given: bobDied, Now: deadline.Add(-time.Second),
			When: coop.InheritShares{CoopID: coopID, Deceased: bob, Heir: carol},
			Then: []kernel.Event{coop.SharesInherited{CoopID: coopID, Deceased: bob, Heir: carol, HeirHousehold: hhB,
				Shares: coop.ClassShares{coop.ClassPopulation: 300}, Pledges: []uuid.UUID{pledge1}, Rights: coop.RightsFull, At: deadline.Add(-time.Second)}}},
		{Name: "unclaimed shares revert to the collective at the deadline", Given: bobDied, Now: deadline,
			When: coop.RevertUnclaimedShares{CoopID: coopID, Deceased: bob},
			Then: []kernel.Event{coop.UnclaimedSharesReverted{CoopID: coopID, Deceased: bob, Collective: collective,
				Shares: coop.ClassShares{coop.ClassPopulation: 300}, Pledges: []uuid.UUID{pledge1}, At: deadline}}},
		{Name: "shares do not revert while heirs may still claim", Given: bobDied,
			When:     coop.RevertUnclaimedShares{CoopID: coopID, Deceased: bob},
			WantCode: kernel.CodeInvalidState},
		{Name: "claimed shares do not revert", Given: daveHoldsBobs, Now: deadline,
			When:     coop.RevertUnclaimedShares{CoopID: coopID, Deceased: bob},
			WantCode: kernel.CodeInvalidState},
		{Name: "an outside heir cannot pledge", Given: plus(daveHoldsBobs, coop.PledgeReleased{CoopID: coopID, PledgeID: pledge1, Holder: dave, Shares: 100, At: t0}),
			When: coop.PledgeShares{CoopID: coopID, PledgeID: pledge2, Holder: dave, Pledgee: bank, Shares: 1,
				RegistrationNumber: "DJ-2026-000124", LoanMaturity: t1.AddDate(1, 0, 0)},
			WantCode: coop.CodeLimitedRights},
		{Name: "an outside heir may transfer free shares back to a member", Given: daveHoldsBobs,
			When: coop.TransferShares{CoopID: coopID, From: dave, To: carol, Class: coop.ClassPopulation, Shares: 200},
			Then: []kernel.Event{coop.SharesTransferred{CoopID: coopID, From: dave, To: carol, Class: coop.ClassPopulation, Shares: 200, At: t1}}},
		{Name: "an outside heir cannot transfer to another outsider", Given: daveHoldsBobs,
			When:     coop.TransferShares{CoopID: coopID, From: dave, To: erin, Class: coop.ClassPopulation, Shares: 1},
			WantCode: coop.CodeTransferToNonMember},
		{Name: "an outside heir may sell back to the collective", Given: daveHoldsBobs,
			When: coop.RedeemShares{CoopID: coopID, Holder: dave, Class: coop.ClassPopulation, Shares: 50},
			Then: []kernel.Event{coop.SharesRedeemed{CoopID: coopID, Holder: dave, Class: coop.ClassPopulation, Shares: 50, At: t1}}},
	})
}

// Rule 17: the folded state gives an outside heir income without a vote, and
// moves the pledge with the shares.
func TestRule17OutsideHeirRights(t *testing.T) {
	s := coop.Decider.Fold(plus(register(), pledged(pledge1, bob, 100), died(bob),
		coop.SharesInherited{CoopID: coopID, Deceased: bob, Heir: dave, HeirHousehold: hhD,
			Shares: coop.ClassShares{coop.ClassPopulation: 300}, Pledges: []uuid.UUID{pledge1}, Rights: coop.RightsIncomeOnly, At: t0}))
	d := s.Holders[dave]
	if d.Rights() != coop.RightsIncomeOnly || d.Votes() || s.IsMember(dave) {
		t.Errorf("outside heir: rights %s, votes %v, member %v; want INCOME_ONLY, no vote, not a member", d.Rights(), d.Votes(), s.IsMember(dave))
	}
	if d.Shares.Total() != 300 || d.Pledged != 100 || s.Pledges[pledge1].Holder != dave {
		t.Errorf("dave: %d shares, %d pledged, pledge held by %s; want 300, 100, dave", d.Shares.Total(), d.Pledged, s.Pledges[pledge1].Holder)
	}
	if b := s.Holders[bob]; b.Shares.Total() != 0 || b.Pledged != 0 || b.Votes() {
		t.Errorf("bob's estate still holds %d shares, %d pledged", b.Shares.Total(), b.Pledged)
	}
	if !s.Holders[alice].Votes() {
		t.Error("a living member must vote")
	}
	s = coop.Evolve(s, admitted(dave, hhD))
	if d := s.Holders[dave]; d.Rights() != coop.RightsFull || !d.Votes() || d.Shares.Total() != 300 {
		t.Errorf("an outside heir admitted later: rights %s, votes %v, %d shares; want FULL, a vote, 300", d.Rights(), d.Votes(), d.Shares.Total())
	}
}

// Rule 18: pledges of free shares, registered for the configured term.
func TestRule18Pledges(t *testing.T) {
	pledge := func(id uuid.UUID, n int64, maturity time.Time) coop.PledgeShares {
		return coop.PledgeShares{CoopID: coopID, PledgeID: id, Holder: bob, Pledgee: bank, Shares: n,
			RegistrationNumber: "DJ-2026-000123", LoanMaturity: maturity}
	}
	until := t0.AddDate(3, 0, 0)
	run(t, t0, []decidertest.Case[coop.Command]{
		{Name: "a member pledges free shares for three years", Given: register(),
			When: pledge(pledge1, 100, t0.AddDate(1, 0, 0)),
			Then: []kernel.Event{pledged(pledge1, bob, 100)}},
		{Name: "a second pledge of the remaining free shares is accepted", Given: plus(register(), pledged(pledge1, bob, 100)),
			When: pledge(pledge2, 200, t0.AddDate(1, 0, 0)),
			Then: []kernel.Event{coop.SharesPledged{CoopID: coopID, PledgeID: pledge2, Holder: bob, Pledgee: bank, Shares: 200,
				RegistrationNumber: "DJ-2026-000123", LoanMaturity: t0.AddDate(1, 0, 0), RegisteredUntil: until, At: t0}}},
		{Name: "pledging already-pledged shares is refused", Given: plus(register(), pledged(pledge1, bob, 100)),
			When: pledge(pledge2, 201, t0.AddDate(1, 0, 0)), WantCode: coop.CodeSharesPledged},
		{Name: "a loan longer than a year against pledged shares is refused", Given: register(),
			When: pledge(pledge1, 100, t0.AddDate(1, 0, 1)), WantCode: coop.CodePledgedLoanTermExceeded},
		{Name: "a loan that has already matured secures no pledge", Given: register(),
			When: pledge(pledge1, 100, t0), WantCode: kernel.CodeInvalid},
		{Name: "a pledge needs its registration number", Given: register(),
			When:     coop.PledgeShares{CoopID: coopID, PledgeID: pledge1, Holder: bob, Pledgee: bank, Shares: 1, LoanMaturity: t1},
			WantCode: kernel.CodeInvalid},
		{Name: "a pledge id is used once", Given: plus(register(), pledged(pledge1, bob, 100)),
			When: pledge(pledge1, 1, t0.AddDate(1, 0, 0)), WantCode: kernel.CodeInvalidState},
		{Name: "pledged shares cannot be transferred", Given: plus(register(), pledged(pledge1, bob, 250)),
			When:     coop.TransferShares{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 51},
			WantCode: coop.CodeSharesPledged},
		{Name: "the free rest of a pledged holding can be transferred", Given: plus(register(), pledged(pledge1, bob, 250)),
			When: coop.TransferShares{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 50},
			Then: []kernel.Event{coop.SharesTransferred{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 50, At: t0}}},
		{Name: "the pledgee releases a pledge", Given: plus(register(), pledged(pledge1, bob, 100)),
			When: coop.ReleasePledge{CoopID: coopID, PledgeID: pledge1, By: bank},
			Then: []kernel.Event{coop.PledgeReleased{CoopID: coopID, PledgeID: pledge1, Holder: bob, Shares: 100, At: t0}}},
		{Name: "only the pledgee releases a pledge", Given: plus(register(), pledged(pledge1, bob, 100)),
			When: coop.ReleasePledge{CoopID: coopID, PledgeID: pledge1, By: bob}, WantCode: kernel.CodeForbidden},
		{Name: "a released pledge cannot be released again",
			Given: plus(register(), pledged(pledge1, bob, 100), coop.PledgeReleased{CoopID: coopID, PledgeID: pledge1, Holder: bob, Shares: 100, At: t0}),
			When:  coop.ReleasePledge{CoopID: coopID, PledgeID: pledge1, By: bank}, WantCode: kernel.CodeNotFound},
		{Name: "released shares are free again",
			Given: plus(register(), pledged(pledge1, bob, 300), coop.PledgeReleased{CoopID: coopID, PledgeID: pledge1, Holder: bob, Shares: 300, At: t0}),
			When:  coop.TransferShares{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 100},
			Then:  []kernel.Event{coop.SharesTransferred{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 100, At: t0}}},
		{Name: "a pledge expires at the end of its registration term", Given: plus(register(), pledged(pledge1, bob, 100)),
			Now:  until,
			When: coop.ExpirePledge{CoopID: coopID, PledgeID: pledge1},
			Then: []kernel.Event{coop.PledgeExpired{CoopID: coopID, PledgeID: pledge1, Holder: bob, Shares: 100, At: until}}},
		{Name: "a pledge does not expire early", Given: plus(register(), pledged(pledge1, bob, 100)),
			Now:  until.Add(-time.Second),
			When: coop.ExpirePledge{CoopID: coopID, PledgeID: pledge1}, WantCode: kernel.CodeInvalidState},
	})
}

func TestNextDue(t *testing.T) {
	if _, _, ok := coop.Decider.Fold(register()).NextDue(); ok {
		t.Fatal("a register without pledges or deaths has nothing due")
	}
	s := coop.Decider.Fold(plus(register(), pledged(pledge1, carol, 10), died(bob)))
	cmd, at, ok := s.NextDue()
	if !ok || at != t0.AddDate(1, 0, 0) || cmd != (coop.RevertUnclaimedShares{CoopID: coopID, Deceased: bob}) {
		t.Fatalf("NextDue = %#v at %s (%v); want reverting bob's shares at %s", cmd, at, ok, t0.AddDate(1, 0, 0))
	}
	s = coop.Decider.Fold(plus(register(), pledged(pledge1, carol, 10)))
	cmd, at, ok = s.NextDue()
	if !ok || at != t0.AddDate(3, 0, 0) || cmd != (coop.ExpirePledge{CoopID: coopID, PledgeID: pledge1}) {
		t.Fatalf("NextDue = %#v at %s (%v); want expiring the pledge at %s", cmd, at, ok, t0.AddDate(3, 0, 0))
	}
}

// Rule 19: dividends are declared against the register and paid to the fen.
func TestRule19Dividends(t *testing.T) {
	declared := func(amount kernel.Money, payouts ...coop.Payout) kernel.Event {
		return coop.DividendDeclared{CoopID: coopID, DividendID: div1, Amount: amount, TotalShares: 1000, Payouts: payouts, At: t1}
	}
	// Payouts are sorted by holder id: alice (a0…), bob (b0…), carol (b1…).
	run(t, t1, []decidertest.Case[coop.Command]{
		{Name: "an amount that divides evenly is paid pro rata", Given: register(),
			When: coop.DeclareDividend{CoopID: coopID, DividendID: div1, Amount: 1000},
			Then: []kernel.Event{declared(1000, coop.Payout{Holder: alice, Shares: 400, Amount: 400},
				coop.Payout{Holder: bob, Shares: 300, Amount: 300}, coop.Payout{Holder: carol, Shares: 300, Amount: 300})}},
		{Name: "the leftover fen goes to the largest remainder", Given: register(),
			// exact shares 400.4, 300.3, 300.3 fen
			When: coop.DeclareDividend{CoopID: coopID, DividendID: div1, Amount: 1001},
			Then: []kernel.Event{declared(1001, coop.Payout{Holder: alice, Shares: 400, Amount: 401},
				coop.Payout{Holder: bob, Shares: 300, Amount: 300}, coop.Payout{Holder: carol, Shares: 300, Amount: 300})}},
		{Name: "equal remainders and shares: the smaller holder id gets the fen", Given: register(),
			// exact shares 400.8, 300.6, 300.6 fen: alice, then bob (b0… < b1…)
			When: coop.DeclareDividend{CoopID: coopID, DividendID: div1, Amount: 1002},
			Then: []kernel.Event{declared(1002, coop.Payout{Holder: alice, Shares: 400, Amount: 401},
				coop.Payout{Holder: bob, Shares: 300, Amount: 301}, coop.Payout{Holder: carol, Shares: 300, Amount: 300})}},
		{Name: "outside heirs, estates and the collective are paid too",
			Given: plus(register(), died(bob), died(carol),
				coop.SharesInherited{CoopID: coopID, Deceased: carol, Heir: dave, HeirHousehold: hhD,
					Shares: coop.ClassShares{coop.ClassLand: 300}, Rights: coop.RightsIncomeOnly, At: t0},
				coop.SharesRedeemed{CoopID: coopID, Holder: dave, Class: coop.ClassLand, Shares: 50, At: t0}),
			When: coop.DeclareDividend{CoopID: coopID, DividendID: div1, Amount: 2000},
			Then: []kernel.Event{declared(2000, coop.Payout{Holder: alice, Shares: 400, Amount: 800},
				coop.Payout{Holder: bob, Shares: 300, Amount: 600}, coop.Payout{Holder: collective, Shares: 50, Amount: 100},
				coop.Payout{Holder: dave, Shares: 250, Amount: 500})}},
		{Name: "a dividend must be positive", Given: register(),
			When: coop.DeclareDividend{CoopID: coopID, DividendID: div1}, WantCode: kernel.CodeInvalid},
		{Name: "a register without shares pays no dividend", Given: []kernel.Event{founded(testSettings()), admitted(alice, hhA)},
			When: coop.DeclareDividend{CoopID: coopID, DividendID: div1, Amount: 100}, WantCode: kernel.CodeInvalidState},
		{Name: "a dividend id is declared once", Given: plus(register(), declared(1000)),
			When: coop.DeclareDividend{CoopID: coopID, DividendID: div1, Amount: 5}, WantCode: kernel.CodeInvalidState},
		{Name: "a declared dividend is paid", Given: plus(register(), declared(1000)),
			When: coop.PayDividend{CoopID: coopID, DividendID: div1},
			Then: []kernel.Event{coop.DividendPaid{CoopID: coopID, DividendID: div1, Amount: 1000, At: t1}}},
		{Name: "a dividend is paid once",
			Given: plus(register(), declared(1000), coop.DividendPaid{CoopID: coopID, DividendID: div1, Amount: 1000, At: t1}),
			When:  coop.PayDividend{CoopID: coopID, DividendID: div1}, WantCode: kernel.CodeInvalidState},
		{Name: "an undeclared dividend is not paid", Given: register(),
			When: coop.PayDividend{CoopID: coopID, DividendID: div1}, WantCode: kernel.CodeNotFound},
	})
}

// Rule 18: a defaulted loan's pledged shares are enforced by the pledgee, to
// a member under the per-holder cap (rule 16) or to the collective.
func TestRule18PledgeEnforcement(t *testing.T) {
	enforce := func(pledge uuid.UUID, buyer uuid.UUID) coop.EnforcePledge {
		return coop.EnforcePledge{CoopID: coopID, PledgeID: pledge, By: bank, Buyer: buyer, Price: kernel.Yuan(9000), LoanDefaulted: true}
	}
	enforced := func(pledge, holder, buyer uuid.UUID, shares coop.ClassShares) []kernel.Event {
		return []kernel.Event{coop.PledgeEnforced{CoopID: coopID, PledgeID: pledge, Holder: holder, Pledgee: bank, Buyer: buyer,
			Shares: shares, Price: kernel.Yuan(9000), At: t1}}
	}
	bobs := func(n int64) []kernel.Event { return plus(register(), pledged(pledge1, bob, n)) }
	run(t, t1, []decidertest.Case[coop.Command]{
		{Name: "the pledged shares go to a member, who reaches the cap exactly", Given: bobs(100),
			When: enforce(pledge1, alice), Then: enforced(pledge1, bob, alice, coop.ClassShares{coop.ClassPopulation: 100})},
		{Name: "a share more than the cap allows the member is refused", Given: bobs(101),
			When: enforce(pledge1, alice), WantCode: coop.CodeHoldingCapExceeded},
		{Name: "the collective takes them beyond the yearly redemption cap", Given: bobs(100),
			When: enforce(pledge1, collective), Then: enforced(pledge1, bob, collective, coop.ClassShares{coop.ClassPopulation: 100})},
		{Name: "the shares are taken class by class", Given: plus(register(), pledged(pledge1, alice, 350)),
			When: enforce(pledge1, collective), Then: enforced(pledge1, alice, collective, coop.ClassShares{coop.ClassPopulation: 300, coop.ClassLabourAge: 50})},
		{Name: "a pledge whose loan is not in default is not enforced", Given: bobs(100),
			When: func() coop.EnforcePledge { c := enforce(pledge1, alice); c.LoanDefaulted = false; return c }(), WantCode: coop.CodeLoanNotDefaulted},
		{Name: "only the pledgee enforces", Given: bobs(100),
			When: func() coop.EnforcePledge { c := enforce(pledge1, alice); c.By = alice; return c }(), WantCode: kernel.CodeForbidden},
		{Name: "a non-member does not buy", Given: bobs(100), When: enforce(pledge1, dave), WantCode: coop.CodeTransferToNonMember},
		{Name: "the pledgor does not buy its own shares", Given: bobs(100), When: enforce(pledge1, bob), WantCode: kernel.CodeInvalid},
		{Name: "an unknown pledge is not enforced", Given: register(), When: enforce(pledge1, alice), WantCode: kernel.CodeNotFound},
	})
	s := coop.Decider.Fold(plus(bobs(100), enforced(pledge1, bob, carol, coop.ClassShares{coop.ClassPopulation: 100})...))
	if _, live := s.Pledges[pledge1]; live || s.Holders[bob].Shares.Total() != 200 || s.Holders[bob].Pledged != 0 ||
		s.Holders[carol].Shares[coop.ClassPopulation] != 100 || s.TotalShares() != 1000 {
		t.Fatalf("after enforcement: pledge live %v, bob %+v, carol %+v, total %d", live, s.Holders[bob], s.Holders[carol], s.TotalShares())
	}
}
