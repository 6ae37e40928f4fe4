package demands

import (
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/registry"
)

// An asset offers the whole months its right has left: a right ending ten
// years to the day after now offers 120 months, one ending a day sooner 119,
// and one with no end any term.
func TestAnAssetOffersTheWholeMonthsItsRightHasLeft(t *testing.T) {
	now := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		end  time.Time
		want int
	}{
		{now.AddDate(10, 0, 0), 120},
		{now.AddDate(10, 0, -1), 119},
		{now.AddDate(0, 1, 0), 1},
		{now.AddDate(0, 1, -1), 0},
	} {
		if got := assetOffer(registry.State{RightsEnd: c.end}, now).TermMonths; got != c.want {
			t.Errorf("a right ending %s offers %d months, want %d", c.end.Format(time.DateOnly), got, c.want)
		}
	}
	if got := assetOffer(registry.State{}, now).TermMonths; got < 12*1000 {
		t.Errorf("a right with no end offers %d months", got)
	}
}
