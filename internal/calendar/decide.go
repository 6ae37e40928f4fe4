package calendar

import (
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Decider is the calendar aggregate for the application layer.
var Decider = kernel.Decider[State, Command]{Category: "calendar", Decide: Decide, Evolve: Evolve}

// Decide returns the events c causes on s at now, or a *kernel.Error; a refused
// command emits no events. It is pure: now is the command's time.
func Decide(s State, c Command, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	switch c := c.(type) {
	case DeclareHoliday:
		return declare(s, Day{Date: c.Date, Kind: KindHoliday, Name: c.Name}, now)
	case DeclareWorkingDay:
		return declare(s, Day{Date: c.Date, Kind: KindWorkingDay, Name: c.Name}, now)
	case WithdrawDay:
		return withdraw(s, c, now)
	case ImportDays:
		return importDays(s, c, now)
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown calendar command %T", c)
}

// check refuses a day that is no valid declaration in itself, naming its
// fields under prefix.
func check(d Day, prefix string) error {
	if _, err := ParseDate(prefix+"date", string(d.Date)); err != nil {
		return err
	}
	switch {
	case d.Kind != KindHoliday && d.Kind != KindWorkingDay:
		return kernel.FieldErrorf(kernel.CodeInvalid, prefix+"kind", "kind %q is neither %s nor %s", d.Kind, KindHoliday, KindWorkingDay)
	case d.Name == "":
		return kernel.FieldErrorf(kernel.CodeInvalid, prefix+"name", "a declared day needs the occasion's name")
	case d.Kind == KindWorkingDay && d.Date.Weekday() != time.Saturday && d.Date.Weekday() != time.Sunday:
		return kernel.FieldErrorf(CodeNotAWeekend, prefix+"date", "%s is a %s, a working day anyway: an adjusted working day is a Saturday or Sunday", d.Date, d.Date.Weekday())
	}
	return nil
}

// future refuses a single change to a date on or before now's Shanghai date:
// deadlines already counted it.
func future(d Date, now time.Time) error {
	if today := DateOf(now); d <= today {
		return kernel.FieldErrorf(CodeDatePassed, "date", "%s is not after today (%s): a single change takes a future date", d, today)
	}
	return nil
}

func declare(s State, d Day, now time.Time) ([]kernel.Event, error) {
	if err := check(d, ""); err != nil {
		return nil, err
	}
	if err := future(d.Date, now); err != nil {
		return nil, err
	}
	if old, ok := s.Days[d.Date]; ok {
		return nil, kernel.FieldErrorf(CodeDayAlreadyDeclared, "date", "%s is declared a %s (%s): withdraw it first", d.Date, old.Kind, old.Name)
	}
	return []kernel.Event{DayDeclared{Date: d.Date, Kind: d.Kind, Name: d.Name, At: now}}, nil
}

func withdraw(s State, c WithdrawDay, now time.Time) ([]kernel.Event, error) {
	if _, err := ParseDate("date", string(c.Date)); err != nil {
		return nil, err
	}
	if c.Reason == "" {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "reason", "a withdrawal needs a reason")
	}
	if err := future(c.Date, now); err != nil {
		return nil, err
	}
	old, ok := s.Days[c.Date]
	if !ok {
		return nil, kernel.FieldErrorf(kernel.CodeNotFound, "date", "%s is not declared", c.Date)
	}
	return []kernel.Event{DayWithdrawn{Date: c.Date, Kind: old.Kind, Name: old.Name, Reason: c.Reason, At: now}}, nil
}

// importDays declares every day of c not declared alike yet, in c's order.
// The whole import is refused when one day is invalid, appears twice, or is
// declared otherwise already.
func importDays(s State, c ImportDays, now time.Time) ([]kernel.Event, error) {
	if len(c.Days) == 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "days", "an import needs at least one day")
	}
	seen := make(map[Date]bool, len(c.Days))
	var evs []kernel.Event
	for _, d := range c.Days {
		if err := check(d, "days."); err != nil {
			return nil, err
		}
		if seen[d.Date] {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "days.date", "%s appears twice", d.Date)
		}
		seen[d.Date] = true
		switch old, ok := s.Days[d.Date]; {
		case ok && old == d:
			continue
		case ok:
			return nil, kernel.FieldErrorf(CodeDayAlreadyDeclared, "days.date", "%s is declared a %s (%s), not a %s (%s): withdraw it first",
				d.Date, old.Kind, old.Name, d.Kind, d.Name)
		}
		evs = append(evs, DayDeclared{Date: d.Date, Kind: d.Kind, Name: d.Name, At: now})
	}
	return evs, nil
}
