package messaging_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/storetest"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/testenv"
)

// A Shared store keeps the store contract, subscriptions included.
func TestSharedKeepsTheStoreContract(t *testing.T) {
	storetest.Run(t, func(testing.TB) eventstore.Store {
		return messaging.NewShared(memstore.New(kernel.SystemClock{}))
	})
}

// Consumers that start at different positions, with different filters,
// one of them too slow for the shared buffer (it joins at the store's end,
// then stops reading for a while), each receive exactly their
// events in order, while the wrapped store is subscribed once.
func TestSharedConsumersUseOneSubscriptionOfTheStore(t *testing.T) {
	store := messaging.NewShared(memstore.New(kernel.SystemClock{}))
	t.Cleanup(func() { _ = store.Close() })
	ctx := context.Background()
	var positions []uint64
	put := func(stream string) {
		res := appendEvent(t, store, stream)
		positions = append(positions, res.Position)
	}
	for i := range 100 {
		put(fmt.Sprintf("%s-%d", []string{"listing", "loan"}[i%2], i))
	}
	type consumer struct {
		name   string
		from   int // the index of the event it starts after; -1: from the start
		filter eventstore.Filter
		pause  time.Duration // after its first event: it falls behind the shared buffer
	}
	total := 100 + 3*messaging.SharedBuffer
	consumers := []consumer{
		{"from the start", -1, eventstore.Filter{}, 0},
		{"from the middle", 49, eventstore.Filter{}, 0},
		{"one category", -1, eventstore.Filter{StreamPrefixes: []string{"loan-"}}, 0},
		{"slow", 99, eventstore.Filter{}, 300 * time.Millisecond},
	}
	// wanted lists the indexes of the events c must receive: the loan
	// streams have the odd indexes.
	wanted := func(c consumer) []int {
		var out []int
		for i := c.from + 1; i < total; i++ {
			if c.filter.StreamPrefixes == nil || i%2 == 1 {
				out = append(out, i)
			}
		}
		return out
	}
	var wg sync.WaitGroup
	got := make([][]uint64, len(consumers))
	errs := make([]error, len(consumers))
	ready := make(chan struct{})
	for i, c := range consumers {
		var after uint64
		if c.from >= 0 {
			after = positions[c.from]
		}
		sub, err := store.SubscribeAll(ctx, after, c.filter)
		if err != nil {
			t.Fatal(err)
		}
		n := len(wanted(c))
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer sub.Close()
			<-ready
			for len(got[i]) < n {
				nctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				e, err := sub.Next(nctx)
				cancel()
				if err != nil {
					errs[i] = err
					return
				}
				got[i] = append(got[i], e.Position)
				if len(got[i]) == 1 {
					time.Sleep(c.pause)
				}
			}
		}()
	}
	close(ready)
	time.Sleep(50 * time.Millisecond) // the fast consumers join the shared subscription
	for i := 100; i < total; i++ {
		put(fmt.Sprintf("%s-%d", []string{"listing", "loan"}[i%2], i))
	}
	wg.Wait()
	for i, c := range consumers {
		var w []uint64
		for _, k := range wanted(c) {
			w = append(w, positions[k])
		}
		if fmt.Sprint(got[i]) != fmt.Sprint(w) {
			t.Errorf("%s: got %d events, want %d (err %v)", c.name, len(got[i]), len(w), errs[i])
		}
	}
	if n := store.Subscriptions(); n != 1 {
		t.Errorf("the wrapped store was subscribed %d times, want once", n)
	}
}

// A consumer subscribed after the shared subscription started catches up by
// reading, then receives what is written after, without a second
// subscription of the store.
func TestSharedLateConsumerCatchesUp(t *testing.T) {
	store := messaging.NewShared(memstore.New(kernel.SystemClock{}))
	t.Cleanup(func() { _ = store.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	first, err := store.SubscribeAll(ctx, 0, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	next := func(sub eventstore.Subscription) <-chan eventstore.RecordedEvent {
		out := make(chan eventstore.RecordedEvent, 1)
		go func() {
			e, err := sub.Next(ctx)
			if err != nil {
				t.Error(err)
			}
			out <- e
		}()
		return out
	}
	waiting := next(first) // at the store's end: it starts the shared subscription
	time.Sleep(20 * time.Millisecond)
	a := appendEvent(t, store, "listing-"+uuid.NewString())
	if e := <-waiting; e.Position != a.Position {
		t.Fatalf("first consumer got %d, want %d", e.Position, a.Position)
	}
	late, err := store.SubscribeAll(ctx, 0, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if e := <-next(late); e.Position != a.Position {
		t.Fatalf("late consumer got %d, want %d", e.Position, a.Position)
	}
	waiting = next(late)
	time.Sleep(20 * time.Millisecond)
	b := appendEvent(t, store, "listing-"+uuid.NewString())
	for _, got := range []eventstore.RecordedEvent{<-waiting, <-next(first)} {
		if got.Position != b.Position {
			t.Fatalf("got %d, want %d", got.Position, b.Position)
		}
	}
	if n := store.Subscriptions(); n != 1 {
		t.Errorf("the wrapped store was subscribed %d times, want once", n)
	}
}

// A subscription asked for with a context already done ends at once: its
// Close runs in the context's goroutine while SubscribeAll is still setting
// it up (go test -race checks the two do not race).
func TestSharedSubscriptionOfADoneContextEnds(t *testing.T) {
	shared := messaging.NewShared(memstore.New(kernel.SystemClock{}))
	t.Cleanup(func() { _ = shared.Close() })
	for range 100 {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		sub, err := shared.SubscribeAll(ctx, 0, eventstore.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		wait, stop := context.WithTimeout(context.Background(), 5*time.Second)
		if _, err := sub.Next(wait); err == nil || wait.Err() != nil {
			t.Fatalf("Next = %v (waited: %v), want the subscription ended at once", err, wait.Err())
		}
		stop()
	}
}

// unavailableReads refuses ReadAll as unavailable while down is set, as the
// reopening store does while it has no backend.
type unavailableReads struct {
	eventstore.Store
	down    atomic.Bool
	refused atomic.Int32
}

func (s *unavailableReads) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if s.down.Load() {
		s.refused.Add(1)
		return nil, fmt.Errorf("reopening: %w", eventstore.ErrUnavailable)
	}
	return s.Store.ReadAll(ctx, after, limit)
}

// A consumer catching up while the store refuses reads as unavailable waits
// and reads again: its subscription delivers every event once the store is
// back, instead of ending.
func TestSharedCatchUpOutlivesAnUnavailableStore(t *testing.T) {
	inner := &unavailableReads{Store: memstore.New(kernel.SystemClock{})}
	store := messaging.NewShared(inner)
	t.Cleanup(func() { _ = store.Close() })
	for i := range 3 {
		appendEvent(t, store, fmt.Sprintf("listing-%d", i))
	}
	inner.down.Store(true)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sub, err := store.SubscribeAll(ctx, 0, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	got := make(chan error, 1)
	go func() {
		for want := uint64(1); want <= 3; want++ {
			e, err := sub.Next(ctx)
			if err == nil && e.Position != want {
				err = fmt.Errorf("event at %d, want %d", e.Position, want)
			}
			if err != nil {
				got <- err
				return
			}
		}
		got <- nil
	}()
	testenv.KeepsTrying(t, "the subscription", inner.refused.Load, got)
	inner.down.Store(false)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}
