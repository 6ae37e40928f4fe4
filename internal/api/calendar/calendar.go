package calendar

import (
	"context"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	cal "github.com/nongjiao/nongjiao/internal/calendar"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Register adds the area's queries and mutations to b.
func Register(b *api.Builder, d api.Deps) {
	a := area{d}
	a.queries(b)
	a.mutations().Register(b)
}

// area is the calendar area's resolvers over their dependencies.
type area struct{ api.Deps }

// maxWorkingDays bounds workingDaysAfter: a year and a half of working days
// is beyond any deadline of the rules.
const maxWorkingDays = 400

var (
	kindEnum = api.DescribedEnum("CalendarDayKind", "What a declared date is.", map[cal.Kind]string{
		cal.KindHoliday:    "A public holiday: a rest day whatever the weekday.",
		cal.KindWorkingDay: "An adjusted working day: a Saturday or Sunday worked (调休上班).",
	})
	dayType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "CalendarDay",
		Description: "A date the official calendar declares.",
		Fields: graphql.Fields{
			"date": api.Field(api.NonNull(graphql.String), "The date in Asia/Shanghai, 2006-01-02.", func(d cal.Day) any { return string(d.Date) }),
			"kind": api.Field(api.NonNull(kindEnum), "", func(d cal.Day) any { return d.Kind }),
			"name": api.Field(api.NonNull(graphql.String), "The holiday, or for an adjusted working day the holiday it makes up for.", func(d cal.Day) any { return d.Name }),
		},
	})
	yearType = graphql.NewObject(graphql.ObjectConfig{
		Name: "CalendarYear",
		Description: "A year of the official working-day calendar. Monday to Friday are working days and Saturday and Sunday rest days, " +
			"except the dates listed here.",
		Fields: graphql.Fields{
			"year":     api.Field(api.NonNull(graphql.Int), "", func(y calendarYear) any { return y.year }),
			"holidays": api.Field(api.ListOf(dayType), "The public holidays, in date order.", func(y calendarYear) any { return y.of(cal.KindHoliday) }),
			"adjustedWorkingDays": api.Field(api.ListOf(dayType), "The weekend days worked, in date order.",
				func(y calendarYear) any { return y.of(cal.KindWorkingDay) }),
		},
	})
)

// calendarYear is the declared days of one year.
type calendarYear struct {
	year int
	days []cal.Day
}

// of returns the days of kind k.
func (y calendarYear) of(k cal.Kind) []cal.Day {
	out := []cal.Day{}
	for _, d := range y.days {
		if d.Kind == k {
			out = append(out, d)
		}
	}
	return out
}

// queries adds the public calendar queries.
func (a area) queries(b *api.Builder) {
	b.Query("calendar", &graphql.Field{
		Type:        api.NonNull(yearType),
		Description: "The official working-day calendar of a year: its holidays and adjusted working days, as the exchange declared them. Anyone may read it.",
		Args:        graphql.FieldConfigArgument{"year": {Type: api.NonNull(graphql.Int)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			year := api.Arg[int](p.Args, "year")
			if year < 2000 || year > 2100 {
				return nil, kernel.FieldErrorf(kernel.CodeInvalid, "year", "year %d is outside 2000–2100", year)
			}
			days, err := api.Inspect(p.Context, a.App.Calendar, cal.ID, func(s cal.State) []cal.Day { return s.Year(year) })
			return calendarYear{year: year, days: days}, err
		},
	})
	b.Query("workingDaysAfter", &graphql.Field{
		Type: api.NonNull(api.DateTime),
		Description: "The end (23:59:59.999999999 Asia/Shanghai) of the n-th working day after `from` (default: now) under the calendar in force: " +
			"the deadline a decision taken at `from` would set for n working days, and the earliest announcementEnds an approval at `from` " +
			"may give for n = the listing's minimum announcement. n = 0 is the end of `from`'s own day. Anyone may read it.",
		Args: graphql.FieldConfigArgument{
			"workingDays": {Type: api.NonNull(graphql.Int), Description: "n, 0 to 400."},
			"from":        {Type: api.DateTime},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			n := api.Arg[int](p.Args, "workingDays")
			if n < 0 || n > maxWorkingDays {
				return nil, kernel.FieldErrorf(kernel.CodeInvalid, "workingDays", "workingDays must be 0 to %d", maxWorkingDays)
			}
			from, ok := p.Args["from"].(time.Time)
			if !ok {
				from = a.Clock.Now()
			}
			c, err := a.App.Facts().Calendar(p.Context)
			if err != nil {
				return nil, err
			}
			return c.AddWorkingDays(from, n), nil
		},
	})
}

// exchange is who maintains the calendar.
var exchange = []auth.Role{auth.RoleExchange}

// dateIn is the input field naming a date.
var dateIn = graphql.InputObjectConfigFieldMap{"date": {Type: api.NonNull(graphql.String), Description: "A date in Asia/Shanghai, 2006-01-02, after today."}}

// mutations are the exchange's changes to the calendar.
func (a area) mutations() api.Mutations[cal.Command] {
	return api.Mutations[cal.Command]{Handler: a.App.Calendar, Rows: []api.Mutation[cal.Command]{
		declareRow("declareHoliday",
			"The exchange declares a future date a public holiday: working-day deadlines computed from now on skip it; deadlines already set stay. "+
				"DATE_PASSED for today or earlier, DAY_ALREADY_DECLARED when the date is declared (withdraw it first).",
			"The holiday, e.g. 春节.", func(d cal.Date, name string) cal.Command { return cal.DeclareHoliday{Date: d, Name: name} }),
		declareRow("declareWorkingDay",
			"The exchange declares a future Saturday or Sunday an adjusted working day (调休上班): working-day deadlines computed from now on count it. "+
				"NOT_A_WEEKEND for Monday to Friday, DATE_PASSED for today or earlier, DAY_ALREADY_DECLARED when the date is declared.",
			"The holiday it makes up for.", func(d cal.Date, name string) cal.Command { return cal.DeclareWorkingDay{Date: d, Name: name} }),
		{
			Name: "withdrawCalendarDay",
			Description: "The exchange withdraws a future date's declaration: it is an ordinary weekday or weekend day again for deadlines computed from now on. " +
				"NOT_FOUND when the date is not declared, DATE_PASSED for today or earlier.",
			Roles: exchange,
			Input: api.Inputs(dateIn, graphql.InputObjectConfigFieldMap{"reason": {Type: api.NonNull(graphql.String)}}),
			Decode: func(_ context.Context, c api.Call) (cal.Command, error) {
				return cal.WithdrawDay{Date: cal.Date(api.Arg[string](c.Input, "date")), Reason: api.Arg[string](c.Input, "reason")}, nil
			},
		},
	}}
}

// declareRow is the mutation declaring a date of one kind: its input is the
// date and the occasion's name (described by occasion), its command build's.
func declareRow(name, description, occasion string, build func(cal.Date, string) cal.Command) api.Mutation[cal.Command] {
	return api.Mutation[cal.Command]{Name: name, Description: description, Roles: exchange,
		Input: api.Inputs(dateIn, graphql.InputObjectConfigFieldMap{"name": {Type: api.NonNull(graphql.String), Description: occasion}}),
		Decode: func(_ context.Context, c api.Call) (cal.Command, error) {
			return build(cal.Date(api.Arg[string](c.Input, "date")), api.Arg[string](c.Input, "name")), nil
		},
	}
}

// Projections returns the area's read models: none, since its queries read
// the calendar aggregate (a few dozen days a year) through the command side.
func Projections() []readmodel.Projection { return nil }
