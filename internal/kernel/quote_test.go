package kernel

import (
	"testing"
	"time"
)

func TestQuotedInstantsAreOnTheAcceptedSide(t *testing.T) {
	day := time.Date(2026, 5, 12, 15, 59, 59, 0, time.UTC)
	for _, tc := range []struct {
		t                time.Time
		earliest, latest string
	}{
		{day, "2026-05-12T15:59:59Z", "2026-05-12T15:59:59Z"},
		{day.Add(time.Nanosecond), "2026-05-12T16:00:00Z", "2026-05-12T15:59:59Z"},
		{day.Add(time.Second - time.Nanosecond), "2026-05-12T16:00:00Z", "2026-05-12T15:59:59Z"},
		{day.In(Shanghai), "2026-05-12T15:59:59Z", "2026-05-12T15:59:59Z"},
	} {
		if got := EarliestAt(tc.t); got != tc.earliest {
			t.Errorf("EarliestAt(%s) = %s, want %s", tc.t, got, tc.earliest)
		}
		if got := LatestAt(tc.t); got != tc.latest {
			t.Errorf("LatestAt(%s) = %s, want %s", tc.t, got, tc.latest)
		}
		e, _ := time.Parse(time.RFC3339, EarliestAt(tc.t))
		l, _ := time.Parse(time.RFC3339, LatestAt(tc.t))
		if e.Before(tc.t) || l.After(tc.t) {
			t.Errorf("%s: quoted %s and %s are on the refused side", tc.t, e, l)
		}
	}
}

func TestMonthsWithin(t *testing.T) {
	from := time.Date(2026, 1, 31, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		end   time.Time
		limit int
		want  int
	}{
		{time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC), 99, 1},  // Jan 31 + 1 month is Mar 3 (AddDate normalises)
		{time.Date(2026, 3, 3, 9, 59, 59, 0, time.UTC), 99, 0}, // one second short of it
		{time.Date(2036, 1, 31, 10, 0, 0, 0, time.UTC), 99, 99},
		{time.Date(2036, 1, 31, 10, 0, 0, 0, time.UTC), 120, 120},
		{time.Date(2036, 1, 31, 9, 0, 0, 0, time.UTC), 200, 119},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 12, 0},
	} {
		if got := MonthsWithin(from, tc.end, tc.limit); got != tc.want {
			t.Errorf("MonthsWithin(%s, %s, %d) = %d, want %d", from, tc.end, tc.limit, got, tc.want)
		}
	}
}
