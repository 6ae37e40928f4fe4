package calendar

import (
	"maps"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Evolve folds one event into s. It copies s's maps before changing them, so
// earlier states and the calendars they handed out stay as they were.
func Evolve(s State, e kernel.Event) State {
	days := maps.Clone(s.Days)
	if days == nil {
		days = map[Date]Day{}
	}
	switch e := e.(type) {
	case DayDeclared:
		days[e.Date] = Day{Date: e.Date, Kind: e.Kind, Name: e.Name}
	case DayWithdrawn:
		delete(days, e.Date)
	default:
		return s
	}
	cal := kernel.Calendar{Holidays: map[string]bool{}, Workdays: map[string]bool{}}
	for d, day := range days {
		if day.Kind == KindHoliday {
			cal.Holidays[string(d)] = true
		} else {
			cal.Workdays[string(d)] = true
		}
	}
	return State{Days: days, cal: cal}
}
