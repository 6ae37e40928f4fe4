package kernel

import "time"

// A message that quotes a limit quotes a value the caller can send back: the
// API takes instants as RFC 3339, so limits on instants are quoted as whole
// seconds in UTC on the accepted side of the limit.

// EarliestAt formats the first whole second at or after t: the value to quote
// for "t or later".
func EarliestAt(t time.Time) string {
	s := t.UTC().Truncate(time.Second)
	if s.Before(t) {
		s = s.Add(time.Second)
	}
	return s.Format(time.RFC3339)
}

// LatestAt formats the last whole second at or before t: the value to quote
// for "t or earlier".
func LatestAt(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

// MonthsWithin returns the most whole months m (at most limit, at least 0)
// with from.AddDate(0, m, 0) not after end: the longest term to quote when a
// term would run past end.
func MonthsWithin(from, end time.Time, limit int) int {
	m := min(limit, max(0, (end.Year()-from.Year())*12+int(end.Month()-from.Month())+1))
	for m > 0 && from.AddDate(0, m, 0).After(end) {
		m--
	}
	return m
}
