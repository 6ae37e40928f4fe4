package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore/pgtest"
)

// TestNoGapUnderConcurrentWriters is the proof that positions never let a
// subscriber skip an event: 32 writers, each on a Store of its own (its own
// connections and committer, as separate processes would be), append batches
// of one to three events while a subscriber on another Store follows $all
// live from the start. The subscriber must see exactly what the store holds
// at the end, in order: no event skipped, none twice, positions dense.
func TestNoGapUnderConcurrentWriters(t *testing.T) {
	url, schema := pgtest.Schema(t)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	openStore := func() *pgstore.Store {
		return openWith(t, pgstore.Options{URL: url, Schema: schema, MaxConns: 2})
	}
	reader := openStore()
	sub, err := reader.SubscribeAll(ctx, 0, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()

	const writers, appends = 32, 40
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		acked = map[uuid.UUID]uint64{} // event id → acknowledged position of its batch's last event
		total int
	)
	for w := range writers {
		s := openStore()
		wg.Go(func() {
			for i := range appends {
				batch := make([]eventstore.EventData, 1+(w+i)%3)
				for j := range batch {
					batch[j] = eventstore.EventData{ID: uuid.New(), Type: "test.Appended", Data: fmt.Appendf(nil, `{"w":%d,"i":%d}`, w, i)}
				}
				res, err := s.Append(ctx, fmt.Sprintf("writer-%d", w), eventstore.Exact(uint64(total0(i, w))), batch...)
				if err != nil {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				mu.Lock()
				for _, e := range batch {
					acked[e.ID] = res.Position
				}
				total += len(batch)
				mu.Unlock()
			}
		})
	}

	// Follow live while the writers write, until the last acknowledged event arrives.
	var got []eventstore.RecordedEvent
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	seen := map[uuid.UUID]bool{}
	for {
		mu.Lock()
		want := total
		mu.Unlock()
		finished := isClosed(done)
		if finished && len(got) == want {
			break
		}
		// A short wait, so that the writers' end is noticed once all is delivered.
		wait, cancelWait := context.WithTimeout(ctx, 100*time.Millisecond)
		e, err := sub.Next(wait)
		cancelWait()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			continue
		}
		if err != nil {
			t.Fatalf("after %d events: %v", len(got), err)
		}
		if seen[e.ID] {
			t.Fatalf("event %s at %d delivered twice", e.ID, e.Position)
		}
		seen[e.ID] = true
		got = append(got, e)
	}
	if t.Failed() {
		return
	}
	var stored []eventstore.RecordedEvent
	for after := uint64(0); ; {
		page, err := reader.ReadAll(ctx, after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		stored = append(stored, page...)
		after = page[len(page)-1].Position
	}
	if len(stored) != len(got) || len(stored) != len(acked) {
		t.Fatalf("subscriber saw %d events, the store holds %d, %d were acknowledged", len(got), len(stored), len(acked))
	}
	for i, e := range stored {
		if got[i].ID != e.ID || got[i].Position != e.Position {
			t.Fatalf("event %d: subscriber saw %s at %d, the store holds %s at %d", i, got[i].ID, got[i].Position, e.ID, e.Position)
		}
		if e.Position != uint64(i+1) {
			t.Fatalf("event %d at position %d: positions must be dense from 1", i, e.Position)
		}
		if _, ok := acked[e.ID]; !ok {
			t.Fatalf("stored event %s was never acknowledged", e.ID)
		}
	}
	t.Logf("%d writers on stores of their own, %d events, all seen once and in order by a live subscriber", writers, len(stored))
}

// total0 is the version of writer w's stream before its append i: the
// events of its earlier batches (batch k holds 1+(w+k)%3 events).
func total0(i, w int) int {
	n := 0
	for k := range i {
		n += 1 + (w+k)%3
	}
	return n
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
