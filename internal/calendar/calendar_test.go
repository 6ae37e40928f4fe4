package calendar

import (
	"strings"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// now is 2026-11-25 12:00 in Shanghai, a Wednesday.
var now = time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)

func reg() *kernel.Registry {
	r := kernel.NewRegistry()
	RegisterEvents(r)
	return r
}

func ev(es ...kernel.Event) []kernel.Event { return es }

func declared(d Date, k Kind, name string) DayDeclared {
	return DayDeclared{Date: d, Kind: k, Name: name, At: now}
}

func TestDeclareAndWithdraw(t *testing.T) {
	newYear := declared("2027-01-01", KindHoliday, "元旦")
	decidertest.Run(t, Decider, reg(), now, []decidertest.Case[Command]{
		{Name: "a future date becomes a holiday", When: DeclareHoliday{Date: "2027-01-01", Name: "元旦"}, Then: ev(newYear)},
		{Name: "a holiday may fall on a weekend (the notice lists whole ranges)", When: DeclareHoliday{Date: "2026-11-28", Name: "x"},
			Then: ev(declared("2026-11-28", KindHoliday, "x"))},
		{Name: "tomorrow is the first date a single change takes", When: DeclareHoliday{Date: "2026-11-26", Name: "x"},
			Then: ev(declared("2026-11-26", KindHoliday, "x"))},
		{Name: "today is settled", When: DeclareHoliday{Date: "2026-11-25", Name: "x"}, WantCode: CodeDatePassed},
		{Name: "today is Shanghai's: at 23:59 Shanghai the next day is still open", When: DeclareHoliday{Date: "2026-11-26", Name: "x"},
			Now: time.Date(2026, 11, 25, 15, 59, 0, 0, time.UTC), Then: ev(DayDeclared{Date: "2026-11-26", Kind: KindHoliday, Name: "x", At: time.Date(2026, 11, 25, 15, 59, 0, 0, time.UTC)})},
		{Name: "at 00:00 Shanghai that day is today", When: DeclareHoliday{Date: "2026-11-26", Name: "x"},
			Now: time.Date(2026, 11, 25, 16, 0, 0, 0, time.UTC), WantCode: CodeDatePassed},
		{Name: "a past date is settled", When: DeclareWorkingDay{Date: "2026-10-10", Name: "国庆节"}, WantCode: CodeDatePassed},
		{Name: "a Saturday becomes an adjusted working day", When: DeclareWorkingDay{Date: "2027-02-06", Name: "春节"},
			Then: ev(declared("2027-02-06", KindWorkingDay, "春节"))},
		{Name: "so does a Sunday", When: DeclareWorkingDay{Date: "2027-02-07", Name: "春节"},
			Then: ev(declared("2027-02-07", KindWorkingDay, "春节"))},
		{Name: "a Friday is a working day anyway", When: DeclareWorkingDay{Date: "2027-02-05", Name: "春节"}, WantCode: CodeNotAWeekend},
		{Name: "a Monday too", When: DeclareWorkingDay{Date: "2027-02-08", Name: "春节"}, WantCode: CodeNotAWeekend},
		{Name: "a date declared once", Given: ev(newYear), When: DeclareHoliday{Date: "2027-01-01", Name: "元旦"}, WantCode: CodeDayAlreadyDeclared},
		{Name: "a holiday is not also a working day", Given: ev(declared("2027-01-02", KindHoliday, "元旦")),
			When: DeclareWorkingDay{Date: "2027-01-02", Name: "元旦"}, WantCode: CodeDayAlreadyDeclared},
		{Name: "a malformed date", When: DeclareHoliday{Date: "2027-1-1", Name: "元旦"}, WantCode: kernel.CodeInvalid},
		{Name: "an impossible date", When: DeclareHoliday{Date: "2027-02-30", Name: "元旦"}, WantCode: kernel.CodeInvalid},
		{Name: "a declaration names its occasion", When: DeclareHoliday{Date: "2027-01-01"}, WantCode: kernel.CodeInvalid},
		{Name: "withdrawing a declared future date", Given: ev(newYear), When: WithdrawDay{Date: "2027-01-01", Reason: "typo"},
			Then: ev(DayWithdrawn{Date: "2027-01-01", Kind: KindHoliday, Name: "元旦", Reason: "typo", At: now})},
		{Name: "withdrawing a date never declared", When: WithdrawDay{Date: "2027-01-01", Reason: "typo"}, WantCode: kernel.CodeNotFound},
		{Name: "withdrawing a past date", Given: ev(declared("2026-10-01", KindHoliday, "国庆节")),
			When: WithdrawDay{Date: "2026-10-01", Reason: "typo"}, WantCode: CodeDatePassed},
		{Name: "a withdrawal needs a reason", Given: ev(newYear), When: WithdrawDay{Date: "2027-01-01"}, WantCode: kernel.CodeInvalid},
		{Name: "a withdrawn date may be declared again", Given: ev(newYear, DayWithdrawn{Date: "2027-01-01", Kind: KindHoliday, Name: "元旦", Reason: "x", At: now}),
			When: DeclareHoliday{Date: "2027-01-01", Name: "元旦"}, Then: ev(newYear)},
	})
}

func TestImport(t *testing.T) {
	spring := []Day{{"2026-02-14", KindWorkingDay, "春节"}, {"2026-02-15", KindHoliday, "春节"}}
	decidertest.Run(t, Decider, reg(), now, []decidertest.Case[Command]{
		{Name: "a notice's days, past ones included, in file order", When: ImportDays{Days: spring},
			Then: ev(declared("2026-02-14", KindWorkingDay, "春节"), declared("2026-02-15", KindHoliday, "春节"))},
		{Name: "days declared alike are skipped", Given: ev(declared("2026-02-14", KindWorkingDay, "春节")), When: ImportDays{Days: spring},
			Then: ev(declared("2026-02-15", KindHoliday, "春节"))},
		{Name: "importing again writes nothing", Given: ev(declared("2026-02-14", KindWorkingDay, "春节"), declared("2026-02-15", KindHoliday, "春节")),
			When: ImportDays{Days: spring}, Then: nil},
		{Name: "a day declared otherwise refuses the whole import", Given: ev(declared("2026-02-15", KindHoliday, "除夕")),
			When: ImportDays{Days: spring}, WantCode: CodeDayAlreadyDeclared},
		{Name: "a weekday as adjusted working day refuses the whole import", When: ImportDays{Days: append(spring, Day{"2026-02-27", KindWorkingDay, "春节"})},
			WantCode: CodeNotAWeekend},
		{Name: "one date twice", When: ImportDays{Days: append(spring, Day{"2026-02-15", KindHoliday, "春节"})}, WantCode: kernel.CodeInvalid},
		{Name: "an unknown kind", When: ImportDays{Days: []Day{{"2026-02-15", "REST", "春节"}}}, WantCode: kernel.CodeInvalid},
		{Name: "nothing to import", When: ImportDays{}, WantCode: kernel.CodeInvalid},
	})
}

func TestCalendarFollowsTheDeclarations(t *testing.T) {
	s := Decider.Fold(ev(
		declared("2027-01-01", KindHoliday, "元旦"),    // a Friday
		declared("2027-01-02", KindHoliday, "元旦"),    // a Saturday
		declared("2027-01-09", KindWorkingDay, "元旦"), // a Saturday
		declared("2026-12-31", KindHoliday, "x"),     // withdrawn below
		DayWithdrawn{Date: "2026-12-31", Kind: KindHoliday, Name: "x", Reason: "x", At: now},
	))
	cal := s.Calendar()
	for day, want := range map[string]bool{"2026-12-31": true, "2027-01-01": false, "2027-01-04": true, "2027-01-09": true, "2027-01-10": false} {
		at, _ := time.ParseInLocation(time.DateOnly, day, kernel.Shanghai)
		if got := cal.IsWorkingDay(at); got != want {
			t.Errorf("%s: working day %v, want %v", day, got, want)
		}
	}
	if got := s.Year(2027); len(got) != 3 || got[0].Date != "2027-01-01" || got[2] != (Day{"2027-01-09", KindWorkingDay, "元旦"}) {
		t.Errorf("Year(2027) = %v", got)
	}
	if got := s.Year(2026); len(got) != 0 {
		t.Errorf("Year(2026) = %v, want the withdrawn day gone", got)
	}
}

func TestEvolveIsCopyOnWrite(t *testing.T) {
	decidertest.CopyOnWrite(t, Decider, ev(
		declared("2027-01-01", KindHoliday, "元旦"), declared("2027-01-09", KindWorkingDay, "元旦"),
		DayWithdrawn{Date: "2027-01-01", Kind: KindHoliday, Name: "元旦", Reason: "x", At: now}))
	before := Decider.Fold(ev(declared("2027-01-01", KindHoliday, "元旦")))
	cal := before.Calendar()
	Evolve(before, DayWithdrawn{Date: "2027-01-01", Kind: KindHoliday, Name: "元旦", Reason: "x", At: now})
	if !cal.Holidays["2027-01-01"] {
		t.Fatal("a later event changed a calendar handed out earlier")
	}
}

func TestEveryFreeTextFieldHasALimit(t *testing.T) {
	decidertest.TextLimits(t, Decider, []Command{
		DeclareHoliday{Date: "2027-01-01"}, DeclareWorkingDay{Date: "2027-01-02"}, WithdrawDay{Date: "2027-01-01"},
		ImportDays{Days: []Day{{Date: "2027-01-01", Kind: KindHoliday}}},
	})
}

// The built-in 2026 notice imports cleanly into an empty calendar: 33
// holidays and 6 adjusted working days, each of them a weekend day.
func TestOfficial2026(t *testing.T) {
	days := Official()
	evs, err := Decide(State{}, ImportDays{Days: days}, now)
	if err != nil {
		t.Fatal(err)
	}
	s := Decider.Fold(evs)
	var holidays, working int
	for _, d := range s.Year(2026) {
		if d.Kind == KindHoliday {
			holidays++
		} else {
			working++
		}
	}
	if holidays != 33 || working != 6 {
		t.Fatalf("2026: %d holidays and %d adjusted working days, want 33 and 6", holidays, working)
	}
	// The Spring Festival: Saturday 14 February worked, 15–23 off, Saturday 28 worked.
	cal := s.Calendar()
	for day, want := range map[string]bool{"2026-02-13": true, "2026-02-14": true, "2026-02-15": false, "2026-02-23": false, "2026-02-24": true, "2026-02-28": true, "2026-03-01": false} {
		at, _ := time.ParseInLocation(time.DateOnly, day, kernel.Shanghai)
		if got := cal.IsWorkingDay(at); got != want {
			t.Errorf("%s: working day %v, want %v", day, got, want)
		}
	}
}

func TestParseCSV(t *testing.T) {
	days, err := ParseCSV(strings.NewReader("# a comment\ndate,kind,name\n2027-01-01,HOLIDAY,元旦\n 2027-01-09, WORKING_DAY, 元旦\n"))
	if err != nil || len(days) != 2 || days[1] != (Day{"2027-01-09", KindWorkingDay, "元旦"}) {
		t.Fatalf("ParseCSV = %v, %v", days, err)
	}
	for name, text := range map[string]string{
		"empty":           "",
		"no header":       "2027-01-01,HOLIDAY,元旦\n",
		"a missing field": "date,kind,name\n2027-01-01,HOLIDAY\n",
	} {
		if _, err := ParseCSV(strings.NewReader(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
