package lending_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestBuildSchedule(t *testing.T) {
	// 36,500 yuan at 10 % from 15 January 2026: ACT/365 interest on 3,650,000 fen
	// is exactly 1,000 fen a day, so the periods of 31, 28 and 31 days are easy to check by hand.
	start := time.Date(2026, 1, 15, 2, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		method lending.RepaymentMethod
		want   []lending.Instalment
	}{
		{"interest only then bullet", lending.InterestOnly, []lending.Instalment{
			{No: 1, DueDate: date(2026, 2, 15), Days: 31, Principal: 0, Interest: 31000},
			{No: 2, DueDate: date(2026, 3, 15), Days: 28, Principal: 0, Interest: 28000},
			{No: 3, DueDate: date(2026, 4, 15), Days: 31, Principal: 3650000, Interest: 31000},
		}},
		{"equal principal, the last absorbs the remainder", lending.EqualPrincipal, []lending.Instalment{
			{No: 1, DueDate: date(2026, 2, 15), Days: 31, Principal: 1216666, Interest: 31000},
			// 2,433,334 × 10 % × 28 / 365 = 18,666.67 → 18,667
			{No: 2, DueDate: date(2026, 3, 15), Days: 28, Principal: 1216666, Interest: 18667},
			// 1,216,668 × 10 % × 31 / 365 = 10,333.34 → 10,333
			{No: 3, DueDate: date(2026, 4, 15), Days: 31, Principal: 1216668, Interest: 10333},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := lending.BuildSchedule(3650000, 1000, 3, start, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d instalments, want %d", len(got), len(tc.want))
			}
			for k := range got {
				if got[k] != tc.want[k] {
					t.Errorf("instalment %d: got %+v, want %+v", k+1, got[k], tc.want[k])
				}
			}
		})
	}
}

func TestBuildScheduleEqualInstalments(t *testing.T) {
	// 10,000 yuan, 12 months at 12 %: the textbook annuity at 1 % a month is
	// 888.4879 yuan, so 88,849 fen. The first period (15 Jan → 15 Feb, 31 days)
	// carries 1,000,000 × 12 % × 31 / 365 = 10,191.78 → 10,192 fen of interest.
	got, err := lending.BuildSchedule(1000000, 1200, 12, date(2026, 1, 15), lending.EqualInstalments)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Interest != 10192 || got[0].Principal != 88849-10192 {
		t.Errorf("first instalment %+v, want interest 10192 and principal %d", got[0], 88849-10192)
	}
	for _, i := range got[:11] {
		if i.Amount() != 88849 {
			t.Errorf("instalment %d totals %d, want the level 88849", i.No, i.Amount())
		}
	}
}

func TestBuildScheduleRefusesBadInput(t *testing.T) {
	start := date(2026, 1, 15)
	cases := map[string]func() error{
		"zero principal": func() error { _, err := lending.BuildSchedule(0, 500, 12, start, lending.EqualInstalments); return err },
		"negative rate": func() error {
			_, err := lending.BuildSchedule(100, -1, 12, start, lending.EqualInstalments)
			return err
		},
		"zero months": func() error {
			_, err := lending.BuildSchedule(100, 500, 0, start, lending.EqualInstalments)
			return err
		},
		"too many months": func() error {
			_, err := lending.BuildSchedule(100, 500, 361, start, lending.EqualInstalments)
			return err
		},
		"unknown method": func() error { _, err := lending.BuildSchedule(100, 500, 12, start, "BALLOON"); return err },
		"principal too high": func() error {
			_, err := lending.BuildSchedule(lending.MaxPrincipal+1, 500, 12, start, lending.InterestOnly)
			return err
		},
	}
	for name, f := range cases {
		if code := kernel.ErrorCode(f()); code != kernel.CodeInvalid {
			t.Errorf("%s: got %q, want %s", name, code, kernel.CodeInvalid)
		}
	}
}

func TestInterestRoundsHalfUp(t *testing.T) {
	// 1,825 fen × 10 % × 1 / 365 = 0.5 fen exactly; 1,824 fen gives 0.4997.
	if got := lending.Interest(1825, 1000, 1); got != 1 {
		t.Errorf("half a fen rounds up: got %d", got)
	}
	if got := lending.Interest(1824, 1000, 1); got != 0 {
		t.Errorf("below half a fen rounds down: got %d", got)
	}
}

func TestAddMonthsClampsToMonthEnd(t *testing.T) {
	tests := []struct {
		from time.Time
		n    int
		want time.Time
	}{
		{date(2026, 1, 31), 1, date(2026, 2, 28)},
		{date(2026, 1, 31), 2, date(2026, 3, 31)},
		{date(2028, 1, 31), 1, date(2028, 2, 29)},
		{date(2026, 11, 30), 3, date(2027, 2, 28)},
		{date(2026, 1, 15), 12, date(2027, 1, 15)},
	}
	for _, tc := range tests {
		if got := lending.AddMonths(tc.from, tc.n); !got.Equal(tc.want) {
			t.Errorf("AddMonths(%s, %d) = %s, want %s", tc.from.Format(time.DateOnly), tc.n, got.Format(time.DateOnly), tc.want.Format(time.DateOnly))
		}
	}
}

func TestCivilDateUsesShanghai(t *testing.T) {
	// 16:00 UTC on 1 March is midnight of 2 March in Shanghai.
	if got := lending.CivilDate(time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC)); !got.Equal(date(2026, 3, 2)) {
		t.Errorf("got %s", got)
	}
	if got := lending.CivilDate(date(2026, 3, 1)); !got.Equal(date(2026, 3, 1)) {
		t.Errorf("midnight UTC must map to itself, got %s", got)
	}
	if got := lending.OverdueAt(date(2026, 3, 1)); !got.Equal(time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC)) {
		t.Errorf("OverdueAt: got %s", got)
	}
}

// TestSchedulePrincipalSumsExactly is the schedule's property test: for any
// principal, rate, term, start date and method, the principal parts sum exactly
// to the principal, no amount is negative, due dates advance, the day counts
// add up to the whole term, and (annuity) every instalment but the last has one
// level total whenever its principal part was not clamped.
func TestSchedulePrincipalSumsExactly(t *testing.T) {
	rng := rand.New(rand.NewPCG(20260115, 5))
	methods := []lending.RepaymentMethod{lending.EqualInstalments, lending.EqualPrincipal, lending.InterestOnly}
	for range 10000 {
		var principal kernel.Money
		switch rng.IntN(3) {
		case 0:
			principal = kernel.Money(1 + rng.Int64N(1000)) // tiny loans stress rounding
		case 1:
			principal = kernel.Money(1 + rng.Int64N(1e9))
		default:
			principal = kernel.Money(1 + rng.Int64N(int64(lending.MaxPrincipal)))
		}
		rate := rng.IntN(lending.MaxAnnualRateBP + 1)
		if rng.IntN(10) == 0 {
			rate = 0
		}
		months := 1 + rng.IntN(lending.MaxTermMonths)
		start := date(2020, 1, 1).AddDate(0, 0, rng.IntN(4000))
		method := methods[rng.IntN(len(methods))]

		s, err := lending.BuildSchedule(principal, rate, months, start, method)
		if err != nil {
			t.Fatalf("BuildSchedule(%d, %d, %d, %s, %s): %v", principal, rate, months, start, method, err)
		}
		if len(s) != months {
			t.Fatalf("%d instalments for %d months", len(s), months)
		}
		var sum, level kernel.Money
		days := 0
		prev := lending.CivilDate(start)
		for _, i := range s {
			if method == lending.EqualInstalments && i.No < months && i.Principal > 0 && i.Principal < principal-sum {
				if level == 0 {
					level = i.Amount()
				} else if i.Amount() != level {
					t.Fatalf("annuity instalment %d totals %d, others %d", i.No, i.Amount(), level)
				}
			}
			if i.Principal < 0 || i.Interest < 0 {
				t.Fatalf("negative amount in %+v (principal %d, rate %d, months %d, %s)", i, principal, rate, months, method)
			}
			if !i.DueDate.After(prev) || i.Days != lending.DaysBetween(prev, i.DueDate) {
				t.Fatalf("due date %s does not follow %s by %d days", i.DueDate, prev, i.Days)
			}
			sum += i.Principal
			days += i.Days
			prev = i.DueDate
		}
		if sum != principal {
			t.Fatalf("principal parts sum to %d, want %d (rate %d, months %d, %s)", sum, principal, rate, months, method)
		}
		if want := lending.DaysBetween(lending.CivilDate(start), lending.AddMonths(lending.CivilDate(start), months)); days != want {
			t.Fatalf("days sum to %d, want %d", days, want)
		}
		if method == lending.InterestOnly {
			for _, i := range s[:months-1] {
				if i.Principal != 0 {
					t.Fatalf("interest-only instalment %d repays principal %d", i.No, i.Principal)
				}
			}
		}
	}
}

func BenchmarkBuildScheduleAnnuity30Years(b *testing.B) {
	for b.Loop() {
		if _, err := lending.BuildSchedule(100000000, 435, 360, date(2026, 1, 15), lending.EqualInstalments); err != nil {
			b.Fatal(err)
		}
	}
}
