package server_test

import (
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/server"
)

// lesseeWindow lets the plot of a sale to bidder a for six months, lists it
// again when the lease has ended with a among the bidders, has b outbid a and returns, with the
// sitting lessee's priority window open (rule 28), the sale and the window's
// end. The scheduler ticks hourly: time-driven steps run only when the test
// polls (eventually), so nothing closes the window behind the test's back.
func lesseeWindow(t *testing.T) (*sale, time.Time) {
	t.Helper()
	x := startServerWith(t, time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), server.Config{SchedulerTick: time.Hour})
	s := listSale(t, x, nil, "30000.00", func(s *sale) {
		start := x.clock.Now().Add(time.Hour)
		x.mutate(s.tc, "signTransferContract", map[string]any{
			"transfereeId": s.a.String(), "plots": []any{map[string]any{"assetId": s.asset}}, "form": "LEASE", "use": "CROPPING",
			"start": start.Format(time.RFC3339), "end": start.AddDate(0, 6, 0).Format(time.RFC3339), "rentPerMuYear": "800.00", "frequency": "ANNUAL",
			"document": map[string]any{"reference": "土地经营权出租合同 2026-31", "date": x.clock.Now().Format(time.RFC3339)},
		}, "")
		holder := func() any {
			a, _ := x.query(s.tc, `query($id: ID!) { asset(id: $id) { holder { holderId } } }`, map[string]any{"id": s.asset}, "")["asset"].(map[string]any)
			h, _ := a["holder"].(map[string]any)
			return h["holderId"]
		}
		x.eventually("the register to name the lessee", func() bool { return holder() == s.a.String() })
		x.clock.Set(start.AddDate(0, 6, 0).Add(time.Hour))
		x.eventually("the lease to end", func() bool { return holder() != s.a.String() })
	})
	x.mutate(s.ta, "placeBid", map[string]any{"listingId": s.listing, "amount": "100000.00"}, "")
	x.mutate(s.tb, "placeBid", map[string]any{"listingId": s.listing, "amount": "100500.00"}, "")
	x.clock.Advance(2 * time.Hour)
	x.eventually("the lessee's window", func() bool { return s.status() == "PRIORITY_WINDOW" })
	b := s.board("priorityEndsAt sale { priorityRight } award { bidderId price }")
	if b["sale"].(map[string]any)["priorityRight"] != "SITTING_LESSEE" || b["award"].(map[string]any)["bidderId"] != s.b.String() {
		t.Fatalf("board %v: b's provisional award, the sitting lessee's window open", b)
	}
	ends, err := time.Parse(time.RFC3339Nano, b["priorityEndsAt"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return s, ends
}

// TestLesseePriorityMatchOverHTTP: the lessee of a relisted plot, outbid,
// matches the winning price in the last second of its window and buys;
// the winner cannot claim the lessee's right, nor the lessee the members'.
func TestLesseePriorityMatchOverHTTP(t *testing.T) {
	s, ends := lesseeWindow(t)
	x, in := s.x, map[string]any{"listingId": s.listing}
	x.refused(s.tb, "exerciseLesseePriority", in, "NOT_SITTING_LESSEE")
	x.refused(s.ta, "exerciseMemberPriority", in, "PRIORITY_NOT_OPEN")
	x.clock.Set(ends.Add(-time.Second)) // the window ends at 24:00 Shanghai, the board showing its last microsecond
	used := x.mutate(s.ta, "exerciseLesseePriority", in, "")
	b := s.board("status award { bidderId price via }", used["position"].(string))
	if award := b["award"].(map[string]any); b["status"] != "AWAITING_PAYMENT" || award["bidderId"] != s.a.String() ||
		award["price"] != "100500.00" || award["via"] != "SITTING_LESSEE" {
		t.Fatalf("after the lessee matched: %v", b)
	}
}

// TestLesseePriorityTooLateOverHTTP: one second after the window's end the
// lessee's match is refused, and the auction's winner keeps the award.
func TestLesseePriorityTooLateOverHTTP(t *testing.T) {
	s, ends := lesseeWindow(t)
	x := s.x
	x.clock.Set(ends.Add(time.Second))
	x.refused(s.ta, "exerciseLesseePriority", map[string]any{"listingId": s.listing}, "PRIORITY_WINDOW_CLOSED")
	x.eventually("the winner's award", func() bool { return s.status() == "AWAITING_PAYMENT" })
	if award := s.board("award { bidderId via }")["award"].(map[string]any); award["bidderId"] != s.b.String() {
		t.Fatalf("award %v, want the auction's winner", award)
	}
}
