package collateral_test

import (
	"math/rand"
	"reflect"
	"slices"
	"testing"
	"testing/quick"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// note folds a registration of asset a by bank, filed at `at`, plus any later events.
func note(id, bank, a uuid.UUID, number string, at time.Time, amount kernel.Money, later ...kernel.Event) collateral.State {
	events := append([]kernel.Event{collateral.CollateralRegistered{RegistrationID: id, Number: number, Grantor: contractor,
		SecuredParty: bank, Collateral: mortgage(a), SecuredAmount: amount, Start: start, End: end, At: at}}, later...)
	return collateral.Decider.Fold(events)
}

func ids(states []collateral.State) []uuid.UUID {
	out := []uuid.UUID{}
	for _, s := range states {
		out = append(out, s.ID)
	}
	return out
}

// Rules 8 and 20: the ordinal search.
func TestPriority(t *testing.T) {
	early := note(reg2, bank2, asset, "DJ-2026-000200", t0, 1)
	late := note(reg1, bank1, asset, "DJ-2026-000100", t0.Add(time.Second), 1)
	sameTimeLowerNumber := note(reg3, bank1, asset, "DJ-2026-000199", t0, 1)
	unregistered := collateral.State{ID: reg3}
	for _, tc := range []struct {
		name  string
		first collateral.State
		then  collateral.State
	}{
		{"the earlier registration time ranks first, whatever the numbers", early, late},
		{"at the same registration time the smaller number ranks first", sameTimeLowerNumber, early},
		{"a registered notice outranks an unregistered one", late, unregistered},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if collateral.Priority(tc.first, tc.then) >= 0 || collateral.Priority(tc.then, tc.first) <= 0 {
				t.Fatalf("Priority(first, then) = %d, Priority(then, first) = %d; want <0 and >0",
					collateral.Priority(tc.first, tc.then), collateral.Priority(tc.then, tc.first))
			}
		})
	}
	if collateral.Priority(unregistered, collateral.State{}) != 0 {
		t.Error("two unregistered notices have no order")
	}
}

// Rules 8, 20, 21: the point-in-time search by collateral, by grantor, by number.
func TestSearches(t *testing.T) {
	t2, t3 := t0.AddDate(1, 0, 0), t0.AddDate(2, 0, 0)
	first := note(reg2, bank2, asset, "DJ-2026-000200", t0, kernel.Yuan(100))
	second := note(reg1, bank1, asset, "DJ-2026-000100", t0.Add(time.Hour), kernel.Yuan(200),
		collateral.CollateralDischarged{RegistrationID: reg1, By: bank1, Reason: "repaid", At: t2})
	third := note(reg3, bank1, asset, "DJ-2027-000001", t2.Add(time.Hour), kernel.Yuan(300))
	elsewhere := note(uuid.MustParse("10000000-0000-4000-8000-000000000009"), bank1, asset2, "DJ-2026-000300", t0, kernel.Yuan(1))
	regs := []collateral.State{third, elsewhere, second, first}

	for _, tc := range []struct {
		name string
		at   time.Time
		want []uuid.UUID
	}{
		{"before any registration nothing is found", t0.Add(-time.Second), []uuid.UUID{}},
		{"a notice is in force from its registration time", t0, []uuid.UUID{reg2}},
		{"notices rank by registration time", t0.Add(time.Hour), []uuid.UUID{reg2, reg1}},
		{"a discharged notice drops out at its discharge", t2, []uuid.UUID{reg2}},
		{"a later notice ranks after the surviving earlier one", t3, []uuid.UUID{reg2, reg3}},
		{"notices end at their end date", end, []uuid.UUID{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(collateral.RankAt(regs, collateral.AssetTarget(asset), tc.at)); !slices.Equal(got, tc.want) {
				t.Fatalf("RankAt = %v, want %v", got, tc.want)
			}
		})
	}
	t.Run("by grantor finds notices on every asset, in priority order", func(t *testing.T) {
		want := []uuid.UUID{reg2, elsewhere.ID, reg1} // t0 "…200" < t0 "…300" < t0+1h
		if got := ids(collateral.ByGrantorAt(regs, contractor, t0.Add(time.Hour))); !slices.Equal(got, want) {
			t.Fatalf("ByGrantorAt = %v, want %v", got, want)
		}
		if got := collateral.ByGrantorAt(regs, stranger, t0.Add(time.Hour)); len(got) != 0 {
			t.Fatalf("a stranger has registrations %v", ids(got))
		}
	})
	t.Run("by number finds a registration in any status", func(t *testing.T) {
		if got, ok := collateral.ByNumber(regs, "DJ-2026-000100"); !ok || got.ID != reg1 || got.Status != collateral.StatusDischarged {
			t.Fatalf("ByNumber = %v (%v), want the discharged reg1", got.ID, ok)
		}
		if _, ok := collateral.ByNumber(regs, "DJ-1999-000001"); ok {
			t.Fatal("an unknown number was found")
		}
	})
	t.Run("share pledges are searched by cooperative and member", func(t *testing.T) {
		pledge := collateral.Decider.Fold([]kernel.Event{collateral.CollateralRegistered{RegistrationID: reg1, Number: "DJ-2026-000500",
			Grantor: contractor, SecuredParty: bank1, SecuredAmount: 1, Start: start, End: end, At: t0,
			Collateral: collateral.Collateral{Kind: collateral.KindSharePledge, Asset: coopID, Member: contractor, Shares: 10}}})
		all := append(slices.Clone(regs), pledge)
		if got := ids(collateral.RankAt(all, collateral.SharesTarget(coopID, contractor), t1)); !slices.Equal(got, []uuid.UUID{reg1}) {
			t.Fatalf("pledges on the member's shares = %v, want [reg1]", got)
		}
		if got := collateral.RankAt(all, collateral.SharesTarget(coopID, stranger), t1); len(got) != 0 {
			t.Fatalf("another member's shares carry %v", ids(got))
		}
	})
}

// Rule 20: StateAt answers what the notice said at a past time, before a later amendment.
func TestStateAtShowsTheNoticeAsItStood(t *testing.T) {
	history := []kernel.Event{registered(), collateral.CollateralAmended{RegistrationID: reg1, By: bank1, Grantor: transferee,
		SecuredParty: bank1, SecuredAmount: kernel.Yuan(100), End: end, Consent: consent, Reason: "partly repaid", At: t1}}
	if s := collateral.StateAt(history, t1.Add(-time.Second)); s.SecuredAmount != kernel.Yuan(500_000) {
		t.Errorf("before the amendment: %s, want 500000.00", s.SecuredAmount)
	}
	if s := collateral.StateAt(history, t1); s.SecuredAmount != kernel.Yuan(100) {
		t.Errorf("at the amendment: %s, want 100.00", s.SecuredAmount)
	}
	if s := collateral.StateAt(history, t0.Add(-time.Second)); s.Registered() {
		t.Error("before its registration a notice does not exist")
	}
}

// Rule 8: proceeds are paid by rank, each senior claim in full first.
func TestDistribute(t *testing.T) {
	claims := []collateral.Claim{{Registration: reg2, SecuredParty: bank2, Amount: 600}, {Registration: reg1, SecuredParty: bank1, Amount: 300}}
	for _, tc := range []struct {
		name     string
		proceeds kernel.Money
		want     []collateral.Payout
	}{
		{"the senior claim is paid in full before the junior one", 700, []collateral.Payout{
			{To: bank2, Registration: reg2, Amount: 600}, {To: bank1, Registration: reg1, Amount: 100}}},
		{"too little for the senior claim leaves the junior with nothing", 500, []collateral.Payout{
			{To: bank2, Registration: reg2, Amount: 500}, {To: bank1, Registration: reg1, Amount: 0}}},
		{"the surplus goes to the grantor", 1000, []collateral.Payout{
			{To: bank2, Registration: reg2, Amount: 600}, {To: bank1, Registration: reg1, Amount: 300}, {To: contractor, Amount: 100}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := collateral.Distribute(tc.proceeds, contractor, claims)
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("Distribute = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
	if _, err := collateral.Distribute(-1, contractor, claims); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Errorf("negative proceeds: %v", err)
	}
	if _, err := collateral.Distribute(1, contractor, []collateral.Claim{{Amount: -1}}); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Errorf("negative claim: %v", err)
	}
}

// Rule 8 end to end: rank the notices on an asset, cap each debt at its secured
// amount, and pay the proceeds.
func TestRankedClaimsArePaidInRegistrationOrder(t *testing.T) {
	senior := note(reg2, bank2, asset, "DJ-2026-000200", t0, kernel.Yuan(1000))
	junior := note(reg1, bank1, asset, "DJ-2026-000100", t0.Add(time.Minute), kernel.Yuan(5000))
	owed := map[uuid.UUID]kernel.Money{bank2: kernel.Yuan(1500), bank1: kernel.Yuan(800)} // bank2 lent beyond its secured amount
	var claims []collateral.Claim
	for _, s := range collateral.RankAt([]collateral.State{junior, senior}, collateral.AssetTarget(asset), t1) {
		claims = append(claims, s.Claim(owed[s.SecuredParty]))
	}
	got, err := collateral.Distribute(kernel.Yuan(1500), contractor, claims)
	want := []collateral.Payout{{To: bank2, Registration: reg2, Amount: kernel.Yuan(1000)}, {To: bank1, Registration: reg1, Amount: kernel.Yuan(500)}}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("payouts %v, %v; want %v", got, err, want)
	}
}

type distributeCase struct {
	Proceeds kernel.Money
	Claims   []collateral.Claim
}

func (distributeCase) Generate(r *rand.Rand, _ int) reflect.Value {
	c := distributeCase{Proceeds: kernel.Money(r.Int63n(1_000_000))}
	for i := range r.Intn(8) {
		c.Claims = append(c.Claims, collateral.Claim{Registration: uuid.UUID{byte(i + 1)}, SecuredParty: uuid.UUID{0xba, byte(i)},
			Amount: kernel.Money(r.Int63n(400_000))})
	}
	return reflect.ValueOf(c)
}

// Rule 8 property: Distribute never pays more than the proceeds (it pays them
// exactly), never more than a claim, and a junior claim gets nothing while a
// senior one is short.
func TestDistributeNeverOverpaysAndHonoursRank(t *testing.T) {
	property := func(c distributeCase) bool {
		payouts, err := collateral.Distribute(c.Proceeds, contractor, c.Claims)
		if err != nil || len(payouts) < len(c.Claims) || len(payouts) > len(c.Claims)+1 {
			return false
		}
		var sum kernel.Money
		short := false
		for i, p := range payouts {
			sum += p.Amount
			if p.Amount < 0 {
				return false
			}
			if i == len(c.Claims) { // the grantor's surplus: only when every claim is paid
				if short || p.To != contractor || p.Registration != uuid.Nil || p.Amount == 0 {
					return false
				}
				continue
			}
			cl := c.Claims[i]
			if p.To != cl.SecuredParty || p.Registration != cl.Registration || p.Amount > cl.Amount || (short && p.Amount > 0) {
				return false
			}
			short = short || p.Amount < cl.Amount
		}
		return sum == c.Proceeds
	}
	if err := quick.Check(property, &quick.Config{MaxCount: 3000}); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkRankAt: a point-in-time search over 10,000 registrations, 100 of them on the asset.
func BenchmarkRankAt(b *testing.B) {
	regs := make([]collateral.State, 0, 10_000)
	for i := range 10_000 {
		a := asset2
		if i%100 == 0 {
			a = asset
		}
		regs = append(regs, note(uuid.UUID{byte(i >> 8), byte(i)}, bank1, a, "DJ", t0.Add(time.Duration(i%997)*time.Minute), 1))
	}
	for b.Loop() {
		if got := collateral.RankAt(regs, collateral.AssetTarget(asset), t1); len(got) != 100 {
			b.Fatalf("%d found", len(got))
		}
	}
}
