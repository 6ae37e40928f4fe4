package listing

import (
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// cn2026 is the part of the State Council's 2026 notice these tests cross:
// the Spring Festival (15–23 February off; Saturdays 14 and 28 February
// worked) and the National Day with the Mid-Autumn Festival (25–27 September
// and 1–7 October off; Sunday 20 September and Saturday 10 October worked).
var cn2026 = kernel.Calendar{
	Holidays: days("2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
		"2026-09-25", "2026-09-26", "2026-09-27",
		"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07"),
	Workdays: days("2026-02-14", "2026-02-28", "2026-09-20", "2026-10-10"),
}

func days(ds ...string) map[string]bool {
	m := map[string]bool{}
	for _, d := range ds {
		m[d] = true
	}
	return m
}

// shanghai is hour:00 on a 2026 date in Shanghai, in UTC.
func shanghai(month time.Month, day, hour int) time.Time {
	return time.Date(2026, month, day, hour, 0, 0, 0, kernel.Shanghai).UTC()
}

// endOf is the last instant of a 2026 date in Shanghai, in UTC: where a
// working-day deadline ends.
func endOf(month time.Month, day int) time.Time {
	return time.Date(2026, month, day+1, 0, 0, 0, 0, kernel.Shanghai).Add(-time.Nanosecond).UTC()
}

// decideUnder decides c on the state given folds to, with cal in force.
func decideUnder(t *testing.T, cal kernel.Calendar, given []kernel.Event, c Command, now time.Time) ([]kernel.Event, error) {
	t.Helper()
	s := Decider.Fold(given)
	s.Calendar = cal
	return Decide(s, c, now)
}

// find returns the first event of type E in evs.
func find[E kernel.Event](t *testing.T, evs []kernel.Event) E {
	t.Helper()
	for _, e := range evs {
		if x, ok := e.(E); ok {
			return x
		}
	}
	var none E
	t.Fatalf("no %T in %v", none, evs)
	return none
}

// The minimum announcement (7 working days) counted over a holiday: the
// earliest end is accepted, one nanosecond less is refused, and the weekends-only
// calendar would have allowed a shorter one.
func TestAnnouncementAcrossHolidays(t *testing.T) {
	for _, tc := range []struct {
		name              string
		approvedAt        time.Time
		earliest, weekend time.Time // under cn2026 and under weekends only
	}{
		// Thu 12 Feb: Fri 13, Sat 14 (worked), Tue 24 … Fri 27, Sat 28 (worked).
		{"Spring Festival", shanghai(time.February, 12, 10), endOf(time.February, 28), endOf(time.February, 23)},
		// Mon 28 Sep: Tue 29, Wed 30, Thu 8 Oct, Fri 9, Sat 10 (worked), Mon 12, Tue 13.
		{"National Day", shanghai(time.September, 28, 10), endOf(time.October, 13), endOf(time.October, 7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			approve := func(ends time.Time) ReviewListing {
				return ReviewListing{ListingID: lid, Approve: true, AnnouncementEnds: ends, BiddingOpensAt: ends.Add(10 * time.Hour)}
			}
			evs, err := decideUnder(t, cn2026, submitted(), approve(tc.earliest), tc.approvedAt)
			if err != nil || find[ListingApproved](t, evs).AnnouncementEnds != tc.earliest {
				t.Fatalf("7 working days to %s: %v, %v", tc.earliest, evs, err)
			}
			_, err = decideUnder(t, cn2026, submitted(), approve(tc.earliest.Add(-time.Nanosecond)), tc.approvedAt)
			if kernel.ErrorCode(err) != CodeAnnouncementTooShort {
				t.Fatalf("a moment less: %v, want %s", err, CodeAnnouncementTooShort)
			}
			if _, err := decideUnder(t, kernel.Calendar{}, submitted(), approve(tc.weekend), tc.approvedAt); err != nil {
				t.Fatalf("weekends only, to %s: %v", tc.weekend, err)
			}
			if _, err := decideUnder(t, cn2026, submitted(), approve(tc.weekend), tc.approvedAt); kernel.ErrorCode(err) != CodeAnnouncementTooShort {
				t.Fatalf("the weekends-only end under the official calendar: %v", err)
			}
		})
	}
}

// The award's payment deadline (3 working days) and the losers' refund
// deadline (7 working days), computed when the priority window closes.
func TestPaymentAndRefundAcrossHolidays(t *testing.T) {
	for _, tc := range []struct {
		name        string
		at          time.Time
		pay, refund time.Time
	}{
		// Fri 13 Feb: pay by Sat 14 (worked), Tue 24, Wed 25; refund by … Fri 27, Sat 28 (worked), Mon 2 Mar.
		{"Spring Festival", shanghai(time.February, 13, 16), endOf(time.February, 25), endOf(time.March, 2)},
		// Wed 30 Sep: pay by Thu 8 Oct, Fri 9, Sat 10 (worked); refund by Mon 12 … Thu 15.
		{"National Day", shanghai(time.September, 30, 15), endOf(time.October, 10), endOf(time.October, 15)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The fixture's auction won by bob, its priority window closing at tc.at
			// (only the window's end matters to the deadlines computed then).
			given := cat(twoBids(), ev(
				AuctionClosed{ListingID: lid, Bids: 2, Sold: true, WinnerID: bob, WinnerNumber: 2, Price: kernel.Yuan(110_000), At: closes},
				PriorityWindowOpened{ListingID: lid, Price: kernel.Yuan(110_000), Ends: tc.at, At: closes},
			))
			evs, err := decideUnder(t, cn2026, given, ClosePriorityWindow{ListingID: lid}, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := find[AwardConfirmed](t, evs).PaymentDue; got != tc.pay {
				t.Errorf("payment due %s, want %s", got, tc.pay)
			}
			if got := find[DepositsReleased](t, evs).Due; got != tc.refund {
				t.Errorf("refunds due %s, want %s", got, tc.refund)
			}
			// The deadline is the one recorded: the forfeit falls due then,
			// whatever calendar is in force when it is sent.
			s := Decider.Fold(cat(given, evs))
			if cmd, at, _ := s.NextDue(); cmd != (ForfeitDeposit{ListingID: lid}) || at != tc.pay {
				t.Fatalf("NextDue() = %v at %s, want the forfeit at %s", cmd, at, tc.pay)
			}
			s.Calendar = kernel.Calendar{}
			if _, err := Decide(s, ForfeitDeposit{ListingID: lid}, tc.pay.Add(-time.Nanosecond)); kernel.ErrorCode(err) != CodeNotDue {
				t.Fatalf("a forfeit a moment early: %v", err)
			}
			if _, err := Decide(s, ForfeitDeposit{ListingID: lid}, tc.pay); err != nil {
				t.Fatalf("a forfeit when due: %v", err)
			}
		})
	}
}

// An adjusted working Sunday counts: the member priority window of one
// working day opened on Friday 18 September ends with Sunday 20 September.
func TestPriorityWindowEndsOnAnAdjustedWorkingSunday(t *testing.T) {
	evs, err := decideUnder(t, cn2026, twoBids(), CloseAuction{ListingID: lid}, shanghai(time.September, 18, 16))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := find[PriorityWindowOpened](t, evs).Ends, endOf(time.September, 20); got != want {
		t.Fatalf("priority window ends %s, want %s", got, want)
	}
}

// A suspension over a holiday keeps the announcement's remaining working
// days, counted again under the calendar from the resumption.
func TestResumptionAcrossAHoliday(t *testing.T) {
	// Announced until the end of Fri 11 Sep; suspended on Wed 9 Sep with two
	// working days left (Thu 10, Fri 11); resumed on Wed 30 Sep: Thu 8 Oct, Fri 9 Oct.
	ends := endOf(time.September, 11)
	given := cat(submitted(), ev(
		ListingApproved{ListingID: lid, AnnouncementEnds: ends, BiddingOpensAt: ends.Add(10 * time.Hour), At: shanghai(time.September, 1, 10)},
		ListingSuspended{ListingID: lid, Reason: "objection", At: shanghai(time.September, 9, 10)},
	))
	evs, err := decideUnder(t, cn2026, given, ResumeListing{ListingID: lid}, shanghai(time.September, 30, 10))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := find[ListingResumed](t, evs).AnnouncementEnds, endOf(time.October, 9); got != want {
		t.Fatalf("announcement ends %s, want %s", got, want)
	}
}
