package registry

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// BenchmarkStateAt answers a point-in-time question over an asset with 1 000
// restriction changes in its history.
func BenchmarkStateAt(b *testing.B) {
	events := []kernel.Event{registered()}
	for i := range 500 {
		r := mortgage(household)
		r.ID = uuid.New()
		at := now.Add(time.Duration(i) * time.Hour)
		events = append(events, RestrictionAdded{AssetID: asset, Restriction: r, At: at},
			RestrictionRemoved{AssetID: asset, RestrictionID: r.ID, Source: paper, At: at.Add(time.Minute)})
	}
	mid := now.Add(250 * time.Hour)
	for b.Loop() {
		if s := StateAt(events, mid); !s.Registered {
			b.Fatal("not registered")
		}
	}
}
