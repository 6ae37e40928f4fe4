package calendar_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	calendarapi "github.com/nongjiao/nongjiao/internal/api/calendar"
	"github.com/nongjiao/nongjiao/internal/api/listings"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/calendar"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel/listingview"
)

var (
	area         = apitest.Area{Register: calendarapi.Register, Projections: calendarapi.Projections}
	listingsArea = apitest.Area{Register: listings.Register, Projections: listingview.Projections}
)

func TestRoles(t *testing.T) {
	apitest.New(t, area).CheckRoles(t, map[string][]auth.Role{
		"declareHoliday":      {auth.RoleExchange},
		"declareWorkingDay":   {auth.RoleExchange},
		"withdrawCalendarDay": {auth.RoleExchange},
	})
}

const (
	declareHoliday = `mutation($date: String!, $name: String!) { declareHoliday(input: {date: $date, name: $name}) { position duplicate } }`
	declareWorking = `mutation($date: String!, $name: String!) { declareWorkingDay(input: {date: $date, name: $name}) { position } }`
	withdraw       = `mutation($date: String!) { withdrawCalendarDay(input: {date: $date, reason: "declared in error"}) { position } }`
	yearQuery      = `query($year: Int!) { calendar(year: $year) { year holidays { date kind name } adjustedWorkingDays { date kind name } } }`
	afterQuery     = `query($n: Int!) { workingDaysAfter(workingDays: $n) }`
)

// endOf is the last instant of a Shanghai date, in UTC.
func endOf(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d+1, 0, 0, 0, 0, kernel.Shanghai).Add(-time.Nanosecond).UTC()
}

func TestTheExchangeMaintainsTheCalendarAndAnyoneReadsIt(t *testing.T) {
	h := apitest.New(t, area, listingsArea) // a projector with projections, for MustDo to wait on
	ex := h.Token(auth.RoleExchange, uuid.New())
	if _, err := h.App.Calendar.Handle(context.Background(), calendar.ImportDays{Days: calendar.Official()},
		app.Meta{CommandID: uuid.New(), Actor: "test:setup"}); err != nil {
		t.Fatal(err)
	}
	// The harness's clock is Wednesday 25 November 2026.
	h.MustDo(ex, declareHoliday, map[string]any{"date": "2027-01-01", "name": "元旦"})
	h.MustDo(ex, declareWorking, map[string]any{"date": "2027-01-09", "name": "元旦"})
	for _, c := range []struct {
		name, query string
		vars        map[string]any
		code        string
	}{
		{"a date declared already", declareHoliday, map[string]any{"date": "2027-01-01", "name": "元旦"}, calendar.CodeDayAlreadyDeclared},
		{"a weekday as adjusted working day", declareWorking, map[string]any{"date": "2027-01-08", "name": "元旦"}, calendar.CodeNotAWeekend},
		{"today", declareHoliday, map[string]any{"date": "2026-11-25", "name": "x"}, calendar.CodeDatePassed},
		{"a past official holiday", withdraw, map[string]any{"date": "2026-10-01"}, calendar.CodeDatePassed},
		{"a date not declared", withdraw, map[string]any{"date": "2027-01-02"}, kernel.CodeNotFound},
		{"not a date", declareHoliday, map[string]any{"date": "1 Jan 2027", "name": "元旦"}, kernel.CodeInvalid},
	} {
		if r := h.Do(ex, c.query, c.vars); r.Code() != c.code {
			t.Errorf("%s: %+v, want %s", c.name, r.Errors, c.code)
		}
	}
	h.MustDo(ex, withdraw, map[string]any{"date": "2027-01-09"})

	// Anonymous readers see the year as declared, in date order.
	y := h.MustDo("", yearQuery, map[string]any{"year": 2026})["calendar"].(map[string]any)
	hol, work := y["holidays"].([]any), y["adjustedWorkingDays"].([]any)
	if len(hol) != 33 || len(work) != 6 || hol[0].(map[string]any)["date"] != "2026-01-01" ||
		work[1].(map[string]any)["date"] != "2026-02-14" || work[1].(map[string]any)["name"] != "春节" || work[1].(map[string]any)["kind"] != "WORKING_DAY" {
		t.Fatalf("2026: %d holidays, %d working days: %v %v", len(hol), len(work), hol, work)
	}
	y = h.MustDo("", yearQuery, map[string]any{"year": 2027})["calendar"].(map[string]any)
	if hol, work := y["holidays"].([]any), y["adjustedWorkingDays"].([]any); len(hol) != 1 || len(work) != 0 {
		t.Fatalf("2027: %v %v, want New Year's Day alone (the Saturday was withdrawn)", hol, work)
	}
	if r := h.Do("", yearQuery, map[string]any{"year": 1999}); r.Code() != kernel.CodeInvalid {
		t.Fatalf("year 1999: %+v", r.Errors)
	}
	// workingDaysAfter takes 0 to 400 working days; 0 is the end of today.
	for n, code := range map[int]string{-1: kernel.CodeInvalid, 0: "", 400: "", 401: kernel.CodeInvalid} {
		if r := h.Do("", afterQuery, map[string]any{"n": n}); r.Code() != code {
			t.Errorf("workingDaysAfter(%d): %+v, want %q", n, r.Errors, code)
		}
	}
	if got := h.MustDo("", afterQuery, map[string]any{"n": 0})["workingDaysAfter"]; got != endOf(2026, time.November, 25).Format(time.RFC3339Nano) {
		t.Errorf("workingDaysAfter(0) = %v, want the end of today", got)
	}
	// From Wed 30 September 2026: Thu 8 October, Fri 9, Sat 10 (worked).
	from := `query { workingDaysAfter(workingDays: 3, from: "2026-09-30T15:00:00+08:00") }`
	if got := h.MustDo("", from, nil)["workingDaysAfter"]; got != endOf(2026, time.October, 10).Format(time.RFC3339Nano) {
		t.Errorf("3 working days from 30 September = %v, want the end of Saturday 10 October", got)
	}
}

// A holiday declared through the API moves the deadlines computed after it,
// through the listings area's approval, and leaves those computed before.
func TestADeclaredHolidayMovesTheDeadlinesComputedAfterIt(t *testing.T) {
	h := apitest.New(t, area, listingsArea)
	ex := h.Token(auth.RoleExchange, uuid.New())
	before, after := listed(t, h), listed(t, h)
	review := `mutation($id: ID!, $ends: DateTime!) { reviewListing(input: {listingId: $id, approve: true, announcementEnds: $ends, biddingOpensAt: "2026-12-31T02:00:00Z"}) { position } }`
	// Wed 25 Nov, 16:00 Shanghai: 7 working days end with Fri 4 Dec.
	fri := endOf(2026, time.December, 4)
	if got := h.MustDo("", afterQuery, map[string]any{"n": 7})["workingDaysAfter"]; got != fri.Format(time.RFC3339Nano) {
		t.Fatalf("workingDaysAfter(7) = %v, want %s", got, fri)
	}
	h.MustDo(ex, review, map[string]any{"id": before.String(), "ends": fri.Format(time.RFC3339Nano)})

	h.MustDo(ex, declareHoliday, map[string]any{"date": "2026-11-30", "name": "a local holiday"})
	mon := endOf(2026, time.December, 7)
	if got := h.MustDo("", afterQuery, map[string]any{"n": 7})["workingDaysAfter"]; got != mon.Format(time.RFC3339Nano) {
		t.Fatalf("after the declaration, workingDaysAfter(7) = %v, want %s", got, mon)
	}
	if r := h.Do(ex, review, map[string]any{"id": after.String(), "ends": fri.Format(time.RFC3339Nano)}); r.Code() != listing.CodeAnnouncementTooShort {
		t.Fatalf("an announcement to Friday after the holiday: %+v, want %s", r.Errors, listing.CodeAnnouncementTooShort)
	}
	h.MustDo(ex, review, map[string]any{"id": after.String(), "ends": mon.Format(time.RFC3339Nano)})

	var ends time.Time
	if err := h.App.Listings.Inspect(context.Background(), before, func(s listing.State, _ uint64) { ends = s.AnnouncementEnds }); err != nil {
		t.Fatal(err)
	}
	if !ends.Equal(fri) {
		t.Fatalf("the listing approved before the declaration closes registration at %s, want %s as approved", ends, fri)
	}
}

// listed creates and submits a listing of a right holder (no members'
// resolution needed) through the command side, and returns its id.
func listed(t *testing.T, h *apitest.Harness) uuid.UUID {
	t.Helper()
	id, holder := uuid.New(), uuid.New()
	d := listing.Details{Title: "荒山使用权流转", Description: "x", Seller: holder,
		Asset: listing.AssetFacts{AssetIDs: []uuid.UUID{uuid.New()}, Type: kernel.AssetWastelandUseRight, OwningCollective: uuid.New(),
			Region: listing.Region{Province: "山东省", County: "寿光市", Township: "田柳镇", Village: "东村"}, Area: 12000,
			RightsEnd: apitest.Start.AddDate(30, 0, 0)},
		ListedPrice: kernel.Yuan(10_000), StartingPrice: kernel.Yuan(10_000), Increment: kernel.Yuan(100), TermMonths: 60,
		Settings: listing.DefaultSettings()}
	for _, c := range []listing.Command{listing.CreateListing{ListingID: id, Details: d}, listing.SubmitListing{ListingID: id}} {
		if _, err := h.App.Listings.Handle(context.Background(), c, app.Meta{CommandID: uuid.New(), Actor: "test:setup"}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}
