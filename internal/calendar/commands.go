package calendar

import (
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Command is a command to the calendar (category "calendar"); every one
// addresses the one calendar, ID.
type Command interface {
	kernel.Command
	isCalendarCommand()
}

// DeclareHoliday makes a future date a public holiday.
type DeclareHoliday struct {
	Date Date
	Name string // the holiday, e.g. "春节"
}

// DeclareWorkingDay makes a future Saturday or Sunday an adjusted working day.
type DeclareWorkingDay struct {
	Date Date
	Name string // the holiday it makes up for
}

// WithdrawDay withdraws the declaration of a future date: it becomes an
// ordinary weekday or weekend day again.
type WithdrawDay struct {
	Date   Date
	Reason string
}

// ImportDays records the days of a published notice (see ParseCSV and
// Official), past ones included; days already declared alike are skipped.
type ImportDays struct {
	Days []Day
}

// AggregateID implements kernel.Command.
func (DeclareHoliday) AggregateID() uuid.UUID { return ID }

// AggregateID implements kernel.Command.
func (DeclareWorkingDay) AggregateID() uuid.UUID { return ID }

// AggregateID implements kernel.Command.
func (WithdrawDay) AggregateID() uuid.UUID { return ID }

// AggregateID implements kernel.Command.
func (ImportDays) AggregateID() uuid.UUID { return ID }

func (DeclareHoliday) isCalendarCommand()    {}
func (DeclareWorkingDay) isCalendarCommand() {}
func (WithdrawDay) isCalendarCommand()       {}
func (ImportDays) isCalendarCommand()        {}

// Texts implements kernel.TextCommand.
func (c DeclareHoliday) Texts() []kernel.Text { return nameText("name", c.Name) }

// Texts implements kernel.TextCommand.
func (c DeclareWorkingDay) Texts() []kernel.Text { return nameText("name", c.Name) }

// Texts implements kernel.TextCommand.
func (c WithdrawDay) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }

// Texts implements kernel.TextCommand.
func (c ImportDays) Texts() []kernel.Text {
	var out []kernel.Text
	for _, d := range c.Days {
		out = append(out, nameText("days.name", d.Name)...)
	}
	return out
}

func nameText(field, s string) []kernel.Text {
	return []kernel.Text{{Field: field, Kind: kernel.Name, Value: s}}
}
