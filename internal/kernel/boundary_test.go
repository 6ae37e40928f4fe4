package kernel

import (
	"math"
	"testing"
)

// Money's arithmetic at its edges, which every rule's amounts rest on: the
// largest amount parses and the next whole yuan does not, results of exactly
// MaxInt64 fen are exact rather than overflows, a product with a zero factor
// is zero, and zero prints without a sign.
func TestMoneyArithmeticAtItsEdges(t *testing.T) {
	if m, err := ParseMoney("92233720368547757.99"); err != nil || m != Money(9223372036854775799) {
		t.Errorf("the largest whole yuan parses to %d, %v", m, err)
	}
	if _, err := ParseMoney("92233720368547758.00"); err == nil {
		t.Error("a yuan more parses")
	}
	if got := MulDivRound(math.MaxInt64, 1, 1); got != math.MaxInt64 {
		t.Errorf("MulDivRound(MaxInt64, 1, 1) = %d", got)
	}
	if q, r := MulDivFloor(math.MaxInt64, 1, 1); q != math.MaxInt64 || r != 0 {
		t.Errorf("MulDivFloor(MaxInt64, 1, 1) = %d, %d", q, r)
	}
	for _, c := range [][2]int64{{0, 7}, {7, 0}} {
		if q, r := MulDivFloor(c[0], c[1], 3); q != 0 || r != 0 {
			t.Errorf("MulDivFloor(%d, %d, 3) = %d, %d", c[0], c[1], q, r)
		}
	}
	if s := Money(0).String(); s != "0.00" {
		t.Errorf("zero prints as %q", s)
	}
}

// Rule 25's step-up at its edges: none, or a period and a percentage of 1 to 100.
func TestStepUpAtItsEdges(t *testing.T) {
	for s, ok := range map[StepUp]bool{
		{}: true, {EveryYears: 1, Percent: 1}: true, {EveryYears: 1, Percent: 100}: true,
		{EveryYears: 1, Percent: 101}: false, {EveryYears: 0, Percent: 5}: false, {EveryYears: 1, Percent: 0}: false,
	} {
		if err := s.Validate("stepUp"); (err == nil) != ok {
			t.Errorf("%+v: %v, want accepted %v", s, err, ok)
		}
	}
}

// A stepped-up rent may reach its limit exactly, before or after a step, and not a fen more.
func TestSteppedRentReachesItsLimit(t *testing.T) {
	s := StepUp{EveryYears: 1, Percent: 10}
	for _, c := range []struct {
		first Money
		year  int
		limit Money
		ok    bool
	}{{100, 0, 100, true}, {101, 0, 100, false}, {100, 1, 110, true}, {100, 1, 109, false}} {
		if _, err := s.Rent(c.first, c.year, c.limit); (err == nil) != c.ok {
			t.Errorf("Rent(%d, %d, %d): %v, want accepted %v", c.first, c.year, c.limit, err, c.ok)
		}
	}
	if got, err := (StepUp{}).Rent(100, 3, 1000); err != nil || got != 100 {
		t.Errorf("no step-up raised the fourth year's rent to %d (%v)", got, err)
	}
}
