package transfer

import (
	"encoding/json"
	"math/big"
	"slices"
	"testing"
	"testing/quick"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// roundRat rounds a non-negative rational half up.
func roundRat(r *big.Rat) int64 {
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// TestScheduleSumsExactly is the property of the rent schedule: for any rent,
// area, term and frequency, the instalments sum to the fen to rent × area ×
// term (computed here with big.Rat), all but the last are equal, the last
// absorbs the remainder, and the due dates start at the start and step through
// the term.
func TestScheduleSumsExactly(t *testing.T) {
	freqs := []Frequency{Annual, SemiAnnual, Quarterly, OneOff}
	property := func(rent, area uint32, startDay uint16, months uint16, extraDays, f uint8) bool {
		r := kernel.Money(int64(rent) % int64(MaxRentPerMuYear+1))
		a := kernel.Area(1 + int64(area)%int64(MaxArea))
		m := 1 + int(months)%(MaxTermYears*12)
		freq := freqs[int(f)%len(freqs)]
		// Start on days 1–28 so that a month later is always the same day of the month.
		base := time.Date(2020, 1, 1, 0, 0, 0, 0, kernel.Shanghai).AddDate(0, 0, int(startDay)%3650)
		startAt := time.Date(base.Year(), base.Month(), min(base.Day(), 28), 0, 0, 0, 0, kernel.Shanghai)
		endAt := startAt.AddDate(0, m, 0)
		if k := int(extraDays) % 28; k > 0 && m < MaxTermYears*12 { // a partial month counts as a whole one
			endAt, m = endAt.AddDate(0, 0, k), m+1
		}

		got, err := Schedule(r, a, startAt.UTC(), endAt.UTC(), freq, 7)
		if err != nil {
			t.Logf("Schedule(%d, %d, %s, %s, %s): %v", r, a, startAt, endAt, freq, err)
			return false
		}
		yearly := roundRat(new(big.Rat).SetFrac64(int64(r)*int64(a), 100))
		want := roundRat(new(big.Rat).SetFrac64(yearly*int64(m), 12))
		step := map[Frequency]int{Annual: 12, SemiAnnual: 6, Quarterly: 3, OneOff: m}[freq]
		if len(got) != (m+step-1)/step {
			t.Logf("%d instalments for %d months of %s", len(got), m, freq)
			return false
		}
		var sum int64
		for i, in := range got {
			sum += int64(in.Amount)
			wantDue := startAt.AddDate(0, i*step, 0).UTC()
			if in.No != 7+i || !in.Due.Equal(wantDue) || !in.Due.Before(endAt) || in.Amount < 0 || in.Paid != 0 {
				t.Logf("instalment %d = %+v, want No %d due %s", i, in, 7+i, wantDue)
				return false
			}
			if i > 0 && i < len(got)-1 && in.Amount != got[0].Amount {
				t.Logf("instalment %d is %s, the first %s: only the last may differ", i, in.Amount, got[0].Amount)
				return false
			}
		}
		if sum != want {
			t.Logf("rent %s × %s mu × %d months / %s: sum %d fen, want %d", r, a, m, freq, sum, want)
			return false
		}
		return true
	}
	if err := quick.Check(property, &quick.Config{MaxCount: 5000}); err != nil {
		t.Fatal(err)
	}
}

func TestScheduleLastInstalmentAbsorbsTheRemainder(t *testing.T) {
	// 1 mu at 1.01 yuan a year, paid quarterly for a year: 101 fen over 4
	// instalments is 25, 25, 25 and 26.
	got, err := Schedule(101, 100, start, day(2027, 3, 1), Quarterly, 1)
	if err != nil {
		t.Fatal(err)
	}
	var amounts []kernel.Money
	for _, in := range got {
		amounts = append(amounts, in.Amount)
	}
	if want := []kernel.Money{25, 25, 25, 26}; !slices.Equal(amounts, want) {
		t.Fatalf("amounts = %v, want %v", amounts, want)
	}
}

func TestScheduleRefusesOutOfRange(t *testing.T) {
	for name, call := range map[string]func() error{
		"rent above the maximum": func() error { _, err := Schedule(MaxRentPerMuYear+1, 100, start, end, Annual, 1); return err },
		"area above the maximum": func() error { _, err := Schedule(100, MaxArea+1, start, end, Annual, 1); return err },
		"term above 100 years": func() error {
			_, err := Schedule(100, 100, start, start.AddDate(MaxTermYears, 0, 1), Annual, 1)
			return err
		},
	} {
		if code := kernel.ErrorCode(call()); code != kernel.CodeInvalid {
			t.Errorf("%s: code %q, want %s", name, code, kernel.CodeInvalid)
		}
	}
}

// FuzzDecode feeds arbitrary bytes to the registry's Decode for every transfer
// event type: it must never panic, and what decodes must fold.
func FuzzDecode(f *testing.F) {
	reg := registry()
	for _, e := range []kernel.Event{signed(leaseTerms()), offered, overdue1, RightMortgaged{ContractID: id, Consents: []Consent{mortgageFor}}} {
		data, err := json.Marshal(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Allocations":[{"No":-1,"Amount":9223372036854775807}]}`))
	types := reg.Types()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range types {
			if e, err := reg.Decode(typ, data); err == nil {
				s := Evolve(Decider.Fold(inForce), e)
				_, _, _ = s.NextDue()
				_ = s.Arrears(end)
			}
		}
	})
}
