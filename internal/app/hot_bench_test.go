package app

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// BenchmarkHotAggregate runs 64 bidders on one aggregate whose appends take
// 2 ms (an fsync on a busy disk), with amounts handed out in increasing
// order as in the load test, so most bids arrive after a higher one and are
// refused (a random pause of up to 0.5 ms between taking an amount and
// sending it stands for the network's reordering); it reports the answered commands' rate and latency.
// go test -run X -bench HotAggregate -benchtime 3s ./internal/app/
func BenchmarkHotAggregate(b *testing.B) {
	ctx := context.Background()
	store := &slowStore{Store: memstore.New(kernel.SystemClock{}), delay: 2 * time.Millisecond}
	h := NewHandler(store, tallyRegistry(), kernel.Decider[tally, add]{
		Category: "tally",
		Decide: func(s tally, c add, _ time.Time) ([]kernel.Event, error) {
			if c.N <= s.Total {
				return nil, kernel.Errorf("BID_BELOW_MINIMUM", "bid more than %d", s.Total)
			}
			return []kernel.Event{added{N: c.N}}, nil
		},
		Evolve: func(s tally, e kernel.Event) tally {
			s.Total, s.Count = e.(added).N, s.Count+1
			return s
		},
	}, kernel.SystemClock{}, 10)
	id := uuid.New()
	const bidders = 64
	var next, done atomic.Int64
	lat := make([][]time.Duration, bidders)
	var wg sync.WaitGroup
	b.ResetTimer()
	for i := range bidders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for done.Add(1) <= int64(b.N) {
				start := time.Now()
				amount := int(next.Add(1))
				time.Sleep(rand.N(500 * time.Microsecond))
				_, err := h.Handle(ctx, add{ID: id, N: amount}, meta())
				if err != nil && kernel.ErrorCode(err) != "BID_BELOW_MINIMUM" {
					b.Error(err)
					return
				}
				lat[i] = append(lat[i], time.Since(start))
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	b.ReportMetric(float64(len(all))/b.Elapsed().Seconds(), "answers/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
}
