package readmodel

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// lingering starts a projector on a new SQLite database whose ApplyQueued
// gathers events for linger, or until the feed is quiet for quiet, and
// stores n deposits to account "l". It returns the projector and the
// deposits' records, not yet enqueued.
func lingering(t *testing.T, linger, quiet time.Duration, n int) (*Projector, []eventstore.RecordedEvent) {
	t.Helper()
	ctx := context.Background()
	db, store := openTestSQLite(t), memstore.New(kernel.SystemClock{})
	p, err := NewProjector(ctx, db, registry(), balances{})
	if err != nil {
		t.Fatal(err)
	}
	p.Linger, p.quiet = linger, quiet
	runCtx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	go p.ApplyQueued(runCtx)
	for i := range n {
		deposit(t, store, "l", int64(1+i))
	}
	return p, readAll(t, store)
}

// within runs wait with a context that ends after d.
func within(d time.Duration, wait func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return wait(ctx)
}

func enqueue(t *testing.T, p *Projector, recs []eventstore.RecordedEvent) {
	t.Helper()
	for _, rec := range recs {
		if err := p.Enqueue(context.Background(), rec); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAProjectorNobodyWaitsOnGathersEventsForItsLinger(t *testing.T) {
	p, recs := lingering(t, time.Hour, time.Hour, 3)
	enqueue(t, p, recs)
	last := recs[len(recs)-1].Position
	err := within(200*time.Millisecond, func(ctx context.Context) error { return p.Observe(ctx, last) })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("observing the last event: %v; want it still gathered, uncommitted, an hour's linger before its commit", err)
	}
	if p.Position() != 0 {
		t.Fatalf("position %d while the events are gathered: want 0", p.Position())
	}
	for deadline := time.Now().Add(10 * time.Second); p.Received() != last; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("received %d while the events are gathered: want the last one's position, %d", p.Received(), last)
		}
	}
	if p.Position() != 0 {
		t.Fatalf("position %d with every event received and gathered: want 0", p.Position())
	}
}

func TestAProjectorCommitsWhatItGatheredWhenItsLingerEnds(t *testing.T) {
	p, recs := lingering(t, 30*time.Millisecond, time.Hour, 3)
	enqueue(t, p, recs)
	last := recs[len(recs)-1].Position
	if err := within(10*time.Second, func(ctx context.Context) error { return p.Observe(ctx, last) }); err != nil {
		t.Fatalf("the gathered events were never committed: %v", err)
	}
	if total, n := balance(t, p.db, "l"); total != 1+2+3 || n != 3 {
		t.Fatalf("balance %d over %d deposits, want 6 over 3", total, n)
	}
}

func TestAProjectorCommitsWhatItGatheredWhenTheFeedGoesQuiet(t *testing.T) {
	p, recs := lingering(t, time.Hour, 10*time.Millisecond, 3)
	enqueue(t, p, recs)
	last := recs[len(recs)-1].Position
	if err := within(10*time.Second, func(ctx context.Context) error { return p.Observe(ctx, last) }); err != nil {
		t.Fatalf("the gathered events were never committed: %v", err)
	}
}

func TestAWaiterEndsAProjectorsLinger(t *testing.T) {
	p, recs := lingering(t, time.Hour, time.Hour, 3)
	enqueue(t, p, recs[:2])
	first := recs[0].Position
	if err := within(10*time.Second, func(ctx context.Context) error { return p.WaitFor(ctx, first) }); err != nil {
		t.Fatalf("waiting for an enqueued event: %v; want it committed at once for the waiter", err)
	}
	if p.Position() != recs[1].Position {
		t.Fatalf("position %d after the wait, want %d: what was gathered commits together", p.Position(), recs[1].Position)
	}
}

func TestAWaiterForAnEventNotYetDeliveredHasItCommittedOnArrival(t *testing.T) {
	p, recs := lingering(t, time.Hour, time.Hour, 1)
	last := recs[0].Position
	waited := make(chan error, 1)
	go func() {
		waited <- within(10*time.Second, func(ctx context.Context) error { return p.WaitFor(ctx, last) })
	}()
	for p.wanted.Load() < last { // the waiter has asked
		time.Sleep(time.Millisecond)
	}
	enqueue(t, p, recs)
	if err := <-waited; err != nil {
		t.Fatalf("waiting for an event enqueued after the wait began: %v; want it committed on arrival", err)
	}
}
