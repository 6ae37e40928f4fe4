package calendar

import (
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Events of the calendar (category "calendar"). Each carries At (UTC).

// DayDeclared: a date became a public holiday or an adjusted working day.
type DayDeclared struct {
	Date Date
	Kind Kind
	Name string
	At   time.Time
}

// DayWithdrawn: a date's declaration was withdrawn; Kind and Name are what it was.
type DayWithdrawn struct {
	Date   Date
	Kind   Kind
	Name   string
	Reason string
	At     time.Time
}

// EventType implements kernel.Event.
func (DayDeclared) EventType() string { return "calendar.DayDeclared.v1" }

// EventType implements kernel.Event.
func (DayWithdrawn) EventType() string { return "calendar.DayWithdrawn.v1" }

// RegisterEvents adds the calendar's events to r.
func RegisterEvents(r *kernel.Registry) {
	r.Register(DayDeclared{}, DayWithdrawn{})
}
