package coop_test

import (
	"bytes"
	"math/big"
	"math/rand"
	"reflect"
	"slices"
	"testing"
	"testing/quick"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Rule 19 tie-break: with equal remainders the holder with more shares gets the fen.
func TestApportionTieBreakPrefersMoreShares(t *testing.T) {
	small := uuid.MustParse("00000000-0000-4000-8000-000000000001") // smaller id, fewer shares
	large := uuid.MustParse("ff000000-0000-4000-8000-000000000002")
	// 2 fen over 1 and 3 shares: exact 0.5 and 1.5, both remainders one half.
	got, err := coop.Apportion(2, map[uuid.UUID]int64{small: 1, large: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := []coop.Payout{{Holder: small, Shares: 1, Amount: 0}, {Holder: large, Shares: 3, Amount: 2}}
	if !slices.Equal(got, want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestApportionRefusesBadInput(t *testing.T) {
	id := uuid.MustParse("00000000-0000-4000-8000-000000000001")
	for name, tc := range map[string]struct {
		amount kernel.Money
		shares map[uuid.UUID]int64
	}{
		"negative amount": {-1, map[uuid.UUID]int64{id: 1}},
		"zero stake":      {1, map[uuid.UUID]int64{id: 0}},
		"empty register":  {1, nil},
	} {
		if _, err := coop.Apportion(tc.amount, tc.shares); kernel.ErrorCode(err) != kernel.CodeInvalid {
			t.Errorf("%s: got %v, want %s", name, err, kernel.CodeInvalid)
		}
	}
}

// dividendCase is a random register and amount for testing/quick.
type dividendCase struct {
	Amount kernel.Money
	Shares map[uuid.UUID]int64
}

// Generate makes registers of 1..40 holders with 1..10^6 shares each (sometimes
// all equal, to exercise ties) and amounts up to 10^12 fen (ten billion yuan).
func (dividendCase) Generate(r *rand.Rand, _ int) reflect.Value {
	n := 1 + r.Intn(40)
	equal := r.Intn(4) == 0
	c := dividendCase{Amount: kernel.Money(r.Int63n(1_000_000_000_001)), Shares: map[uuid.UUID]int64{}}
	if r.Intn(3) == 0 {
		c.Amount = kernel.Money(r.Int63n(int64(3 * n))) // small amounts: mostly remainders
	}
	for range n {
		var id uuid.UUID
		for i := range id {
			id[i] = byte(r.Uint32())
		}
		c.Shares[id] = 1 + r.Int63n(1_000_000)
		if equal {
			c.Shares[id] = 7
		}
	}
	return reflect.ValueOf(c)
}

// Rule 19 property: for any register and amount, the payouts sum exactly to the
// amount and each is within one fen of the exact pro-rata share.
func TestDividendPayoutsSumExactlyAndStayWithinAFen(t *testing.T) {
	property := func(c dividendCase) bool {
		payouts, err := coop.Apportion(c.Amount, c.Shares)
		if err != nil || len(payouts) != len(c.Shares) {
			t.Logf("apportion: %v (%d payouts for %d holders)", err, len(payouts), len(c.Shares))
			return false
		}
		var total int64
		for _, n := range c.Shares {
			total += n
		}
		var sum int64
		for i, p := range payouts {
			if i > 0 && bytes.Compare(payouts[i-1].Holder[:], p.Holder[:]) >= 0 {
				t.Logf("payouts not sorted by holder")
				return false
			}
			if p.Shares != c.Shares[p.Holder] {
				t.Logf("payout shares %d, register %d", p.Shares, c.Shares[p.Holder])
				return false
			}
			// |payout*total - amount*shares| < total, in exact big integers.
			diff := new(big.Int).Mul(big.NewInt(p.Amount.Fen()), big.NewInt(total))
			diff.Sub(diff, new(big.Int).Mul(big.NewInt(c.Amount.Fen()), big.NewInt(p.Shares)))
			if diff.Abs(diff).Cmp(big.NewInt(total)) >= 0 {
				t.Logf("holder %s: %d fen is a fen or more from %d×%d/%d", p.Holder, p.Amount, c.Amount, p.Shares, total)
				return false
			}
			sum += p.Amount.Fen()
		}
		if sum != c.Amount.Fen() {
			t.Logf("payouts sum to %d, declared %d", sum, c.Amount)
		}
		return sum == c.Amount.Fen()
	}
	if err := quick.Check(property, &quick.Config{MaxCount: 2000}); err != nil {
		t.Fatal(err)
	}
}

// Rule 19 through the decider: a declared dividend's payouts sum to the amount
// for any register built by allocation.
func TestDeclaredDividendSumsExactly(t *testing.T) {
	property := func(c dividendCase) bool {
		s := coop.Decider.Fold([]kernel.Event{founded(testSettings())})
		var allocations []coop.Allocation
		var events []kernel.Event
		for id, n := range c.Shares {
			events = append(events, admitted(id, hhA))
			allocations = append(allocations, coop.Allocation{Member: id, Class: coop.ClassLand, Shares: n})
		}
		events = append(events, coop.SharesAllocated{CoopID: coopID, Allocations: allocations, At: t0})
		for _, e := range events {
			s = coop.Evolve(s, e)
		}
		amount := c.Amount + 1 // a declared dividend is positive
		got, err := coop.Decide(s, coop.DeclareDividend{CoopID: coopID, DividendID: div1, Amount: amount}, t1)
		if err != nil || len(got) != 1 {
			t.Logf("declare: %v", err)
			return false
		}
		var sum kernel.Money
		for _, p := range got[0].(coop.DividendDeclared).Payouts {
			sum += p.Amount
		}
		return sum == amount
	}
	if err := quick.Check(property, &quick.Config{MaxCount: 300}); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkApportion: a dividend over a village-sized register of 2,000 holders.
func BenchmarkApportion(b *testing.B) {
	shares := map[uuid.UUID]int64{}
	for i := range 2000 {
		shares[uuid.UUID{byte(i >> 8), byte(i)}] = int64(1 + i%37)
	}
	for b.Loop() {
		if _, err := coop.Apportion(kernel.Yuan(1_234_567)+89, shares); err != nil {
			b.Fatal(err)
		}
	}
}
