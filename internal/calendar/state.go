package calendar

import (
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// ID names the exchange's one calendar: its stream is "calendar-<ID>".
var ID = uuid.MustParse("ca1e0da4-0000-4000-8000-000000000001")

// Date is a date in Asia/Shanghai, written "2006-01-02".
type Date string

// ParseDate returns s as a Date, or INVALID_INPUT on field when s is not a
// valid "2006-01-02" date.
func ParseDate(field, s string) (Date, error) {
	if _, err := time.ParseInLocation(time.DateOnly, s, kernel.Shanghai); err != nil {
		return "", kernel.FieldErrorf(kernel.CodeInvalid, field, "%q is not a date of the form 2006-01-02", s)
	}
	return Date(s), nil
}

// DateOf returns the Shanghai date of t.
func DateOf(t time.Time) Date { return Date(t.In(kernel.Shanghai).Format(time.DateOnly)) }

// Weekday returns the day of the week of a valid date.
func (d Date) Weekday() time.Weekday {
	t, _ := time.ParseInLocation(time.DateOnly, string(d), kernel.Shanghai)
	return t.Weekday()
}

// Year returns the year of a valid date.
func (d Date) Year() int {
	t, _ := time.ParseInLocation(time.DateOnly, string(d), kernel.Shanghai)
	return t.Year()
}

// Kind is what a declared date is.
type Kind string

// The kinds of declared dates.
const (
	KindHoliday    Kind = "HOLIDAY"     // a public holiday: a rest day whatever the weekday
	KindWorkingDay Kind = "WORKING_DAY" // an adjusted working day: a Saturday or Sunday worked
)

// Day is one declared date: its kind and the occasion it belongs to (e.g.
// "春节"; for an adjusted working day, the holiday it makes up for).
type Day struct {
	Date Date
	Kind Kind
	Name string
}

// State is the calendar folded from its events. Read it, never modify it:
// Evolve copies its maps before changing them.
type State struct {
	Days map[Date]Day
	cal  kernel.Calendar
}

// Calendar returns the working-day calendar the declared days make. The
// maps it holds are never changed afterwards.
func (s State) Calendar() kernel.Calendar { return s.cal }

// Year returns the declared days of year, in date order.
func (s State) Year(year int) []Day {
	var out []Day
	for d, day := range s.Days {
		if d.Year() == year {
			out = append(out, day)
		}
	}
	slices.SortFunc(out, func(a, b Day) int { return cmp.Compare(a.Date, b.Date) })
	return out
}
