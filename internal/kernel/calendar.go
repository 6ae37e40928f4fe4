package kernel

import "time"

// Shanghai is the time zone of business deadlines: China Standard Time, UTC+8,
// with no daylight saving since 1991. A fixed zone keeps binaries independent of
// the host's tzdata.
var Shanghai = time.FixedZone("Asia/Shanghai", 8*60*60)

// Calendar decides which days are working days in Asia/Shanghai. Weekends are
// rest days unless listed in Workdays (the State Council's make-up working
// Saturdays and Sundays); Holidays lists public holidays. Dates are "2006-01-02".
// The zero Calendar knows only weekends. The one in force is built from the
// exchange's declarations by the calendar context (internal/calendar).
type Calendar struct {
	Holidays map[string]bool
	Workdays map[string]bool
}

// IsWorkingDay reports whether the Shanghai date of t is a working day.
func (c Calendar) IsWorkingDay(t time.Time) bool {
	local := t.In(Shanghai)
	key := local.Format(time.DateOnly)
	if c.Workdays[key] {
		return true
	}
	if c.Holidays[key] {
		return false
	}
	wd := local.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// AddWorkingDays returns the end of the n-th working day after the Shanghai
// date of t (23:59:59.999999999 Shanghai time, in UTC): a deadline of "3 working
// days" from a Friday award ends at midnight of the next Wednesday. n must be >= 0;
// for n == 0 it is the end of t's own day.
func (c Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	local := t.In(Shanghai)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, Shanghai)
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		if c.IsWorkingDay(day) {
			n--
		}
	}
	return day.AddDate(0, 0, 1).Add(-time.Nanosecond).UTC()
}

// WorkingDaysBetween counts the working days d with from < d <= to, by Shanghai date.
func (c Calendar) WorkingDaysBetween(from, to time.Time) int {
	a, b := from.In(Shanghai), to.In(Shanghai)
	day := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, Shanghai)
	end := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, Shanghai)
	n := 0
	for day.Before(end) {
		day = day.AddDate(0, 0, 1)
		if c.IsWorkingDay(day) {
			n++
		}
	}
	return n
}
