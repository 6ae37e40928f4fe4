package app

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// A tally is a tiny aggregate: Add n appends Added{n} unless the total would pass Limit.

type added struct {
	N int `json:"n"`
}

func (added) EventType() string { return "tally.Added.v1" }

type add struct {
	ID uuid.UUID
	N  int
}

func (c add) AggregateID() uuid.UUID { return c.ID }

type tally struct{ Total, Count int }

const tallyLimit = 1000

var tallyDecider = kernel.Decider[tally, add]{
	Category: "tally",
	Decide: func(s tally, c add, _ time.Time) ([]kernel.Event, error) {
		if s.Total+c.N > tallyLimit {
			return nil, kernel.Errorf("OVER_LIMIT", "total would pass %d", tallyLimit)
		}
		return []kernel.Event{added{N: c.N}}, nil
	},
	Evolve: func(s tally, e kernel.Event) tally {
		if a, ok := e.(added); ok {
			s.Total += a.N
			s.Count++
		}
		return s
	},
}

func tallyRegistry() *kernel.Registry {
	r := kernel.NewRegistry()
	r.Register(added{})
	return r
}

// countingStore counts the events read from streams, to prove what a command reloads.
type countingStore struct {
	eventstore.Store
	mu   sync.Mutex
	read int
}

func (s *countingStore) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, max int) ([]eventstore.RecordedEvent, error) {
	recs, err := s.Store.ReadStream(ctx, stream, dir, from, max)
	s.mu.Lock()
	s.read += len(recs)
	s.mu.Unlock()
	return recs, err
}

func (s *countingStore) reads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.read
}

func newTally(tb testing.TB, store eventstore.Store) *Handler[tally, add] {
	tb.Helper()
	clock := kernel.NewManualClock(time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	return NewHandler(store, tallyRegistry(), tallyDecider, clock, 100)
}

func meta() Meta { return Meta{CommandID: uuid.New(), Actor: "test"} }

func total(tb testing.TB, h *Handler[tally, add], id uuid.UUID) tally {
	tb.Helper()
	var got tally
	if err := h.Inspect(context.Background(), id, func(s tally, _ uint64) { got = s }); err != nil {
		tb.Fatal(err)
	}
	return got
}

func TestHandlerRetriedCommandWritesNothingNew(t *testing.T) {
	ctx := context.Background()
	store := memstore.New(kernel.SystemClock{})
	h := newTally(t, store)
	id, m := uuid.New(), meta()
	first, err := h.Handle(ctx, add{ID: id, N: 5}, m)
	if err != nil || first.Duplicate || first.Position == 0 {
		t.Fatalf("first: %+v %v", first, err)
	}
	again, err := h.Handle(ctx, add{ID: id, N: 5}, m)
	if err != nil {
		t.Fatal(err)
	}
	if !again.Duplicate || again.Position != first.Position || again.Version != first.Version {
		t.Fatalf("retry = %+v, want duplicate of %+v", again, first)
	}
	// A fresh handler (another process, empty cache) also recognises the retry from the stream.
	other := newTally(t, store)
	third, err := other.Handle(ctx, add{ID: id, N: 5}, m)
	if err != nil || !third.Duplicate || third.Position != first.Position {
		t.Fatalf("retry on a cold handler = %+v %v", third, err)
	}
	if got := total(t, other, id); got.Total != 5 || got.Count != 1 {
		t.Fatalf("state after retries = %+v, want one Added of 5", got)
	}
}

func TestHandlerRefusalWritesNothing(t *testing.T) {
	ctx := context.Background()
	store := memstore.New(kernel.SystemClock{})
	h := newTally(t, store)
	id := uuid.New()
	_, err := h.Handle(ctx, add{ID: id, N: tallyLimit + 1}, meta())
	if kernel.ErrorCode(err) != "OVER_LIMIT" {
		t.Fatalf("err = %v, want OVER_LIMIT", err)
	}
	recs, _ := store.ReadAll(ctx, 0, 10)
	if len(recs) != 0 {
		t.Fatalf("a refused command wrote %d events", len(recs))
	}
}

func TestHandlerConflictReloadsOnlyWhatItMissed(t *testing.T) {
	ctx := context.Background()
	store := &countingStore{Store: memstore.New(kernel.SystemClock{})}
	a, b := newTally(t, store), newTally(t, store) // two replicas
	id := uuid.New()
	for range 10 {
		if _, err := a.Handle(ctx, add{ID: id, N: 1}, meta()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Handle(ctx, add{ID: id, N: 1}, meta()); err != nil { // b loads all 10
		t.Fatal(err)
	}
	for range 3 { // a is now 1 behind, then writes 2 more
		if _, err := a.Handle(ctx, add{ID: id, N: 1}, meta()); err != nil {
			t.Fatal(err)
		}
	}
	before := store.reads()
	if _, err := b.Handle(ctx, add{ID: id, N: 1}, meta()); err != nil {
		t.Fatal(err)
	}
	if got := store.reads() - before; got != 3 {
		t.Fatalf("b read %d events to recover from the conflict, want the 3 it missed", got)
	}
	if got := total(t, b, id); got.Total != 15 || got.Count != 15 {
		t.Fatalf("state = %+v, want 15 adds", got)
	}
}

func TestHandlerSerialisesConcurrentCommandsOnOneAggregate(t *testing.T) {
	ctx := context.Background()
	store := memstore.New(kernel.SystemClock{})
	replicas := []*Handler[tally, add]{newTally(t, store), newTally(t, store)}
	id := uuid.New()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ok, refused int
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := replicas[i%2].Handle(ctx, add{ID: id, N: 20}, meta())
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case kernel.ErrorCode(err) == "OVER_LIMIT" || kernel.ErrorCode(err) == kernel.CodeConflict:
				refused++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	recs, err := store.ReadStream(ctx, kernel.StreamName("tally", id), eventstore.Forwards, 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != ok || ok+refused != 64 || ok > tallyLimit/20 {
		t.Fatalf("%d accepted, %d refused, %d stored (limit allows %d)", ok, refused, len(recs), tallyLimit/20)
	}
	if got := total(t, replicas[0], id); got.Total != 20*ok {
		t.Fatalf("total %d, want %d", got.Total, 20*ok)
	}
}

func TestHandlerRequiresCommandID(t *testing.T) {
	h := newTally(t, memstore.New(kernel.SystemClock{}))
	if _, err := h.Handle(context.Background(), add{ID: uuid.New(), N: 1}, Meta{}); err == nil {
		t.Fatal("a command without an id was accepted")
	}
}

// BenchmarkHandleOnLongStream shows the cost of a command does not grow with
// the aggregate's history: compare ns/op at 1,000 and 100,000 earlier events.
func BenchmarkHandleOnLongStream(b *testing.B) {
	for _, history := range []int{1_000, 100_000} {
		b.Run("history="+strconv.Itoa(history), func(b *testing.B) {
			ctx := context.Background()
			store := memstore.New(kernel.SystemClock{})
			h := NewHandler(store, tallyRegistry(), kernel.Decider[tally, add]{
				Category: "tally", Evolve: tallyDecider.Evolve,
				Decide: func(s tally, c add, _ time.Time) ([]kernel.Event, error) { return []kernel.Event{added{N: c.N}}, nil },
			}, kernel.SystemClock{}, 10)
			id := uuid.New()
			for range history {
				if _, err := h.Handle(ctx, add{ID: id, N: 1}, meta()); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for range b.N {
				if _, err := h.Handle(ctx, add{ID: id, N: 1}, meta()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// slowStore makes every append take a while and counts them, so commands
// arriving meanwhile have to queue.
type slowStore struct {
	eventstore.Store
	delay   time.Duration
	mu      sync.Mutex
	appends int
}

func (s *slowStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	time.Sleep(s.delay)
	s.mu.Lock()
	s.appends++
	s.mu.Unlock()
	return s.Store.Append(ctx, stream, expected, events...)
}

func TestHandlerBatchesCommandsThatQueueBehindAnAppend(t *testing.T) {
	ctx := context.Background()
	store := &slowStore{Store: memstore.New(kernel.SystemClock{}), delay: 20 * time.Millisecond}
	h := newTally(t, store)
	id := uuid.New()
	const n = 32
	results := make([]Result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			amount := 1
			if i == n/2 {
				amount = tallyLimit // refused whatever comes before it: the others must not suffer
			}
			r, err := h.Handle(ctx, add{ID: id, N: amount}, meta())
			if i == n/2 {
				if kernel.ErrorCode(err) != "OVER_LIMIT" {
					t.Errorf("the over-limit command got %v", err)
				}
				return
			}
			if err != nil {
				t.Error(err)
			}
			results[i] = r
		}()
	}
	wg.Wait()
	if got := total(t, h, id); got.Count != n-1 || got.Total != n-1 {
		t.Fatalf("state %+v, want %d adds of 1", got, n-1)
	}
	if store.appends >= n/2 {
		t.Fatalf("%d appends for %d commands: queued commands were not batched", store.appends, n)
	}
	versions := map[uint64]bool{}
	recs, _ := store.ReadStream(ctx, kernel.StreamName("tally", id), eventstore.Forwards, 1, 100)
	for i, r := range results {
		if i == n/2 {
			continue
		}
		if versions[r.Version] || r.Version == 0 || r.Version > uint64(len(recs)) {
			t.Fatalf("command %d got version %d (stream has %d events)", i, r.Version, len(recs))
		}
		versions[r.Version] = true
		if r.Position < recs[r.Version-1].Position {
			t.Fatalf("command %d: position %d is before its event's %d", i, r.Position, recs[r.Version-1].Position)
		}
	}
}

func TestHandlerWritesACommandSentTwiceAtOnceOnce(t *testing.T) {
	ctx := context.Background()
	store := &slowStore{Store: memstore.New(kernel.SystemClock{}), delay: 20 * time.Millisecond}
	h := newTally(t, store)
	id := uuid.New()
	go h.Handle(ctx, add{ID: id, N: 1}, meta()) //nolint:errcheck // keeps the aggregate busy so the next two queue together
	time.Sleep(5 * time.Millisecond)
	m := meta()
	var wg sync.WaitGroup
	res := make([]Result, 2)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := h.Handle(ctx, add{ID: id, N: 7}, m)
			if err != nil {
				t.Error(err)
			}
			res[i] = r
		}()
	}
	wg.Wait()
	if got := total(t, h, id); got.Total != 8 {
		t.Fatalf("total %d, want 1 + 7 once", got.Total)
	}
	if res[0].Duplicate == res[1].Duplicate || res[0].Version != res[1].Version {
		t.Fatalf("results %+v and %+v: want one write and one duplicate of it", res[0], res[1])
	}
}

// gatedStore holds every append until the test lets it through, and says
// when one is waiting.
type gatedStore struct {
	eventstore.Store
	waiting chan struct{}
	release chan struct{}
}

func (s *gatedStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	s.waiting <- struct{}{}
	<-s.release
	return s.Store.Append(ctx, stream, expected, events...)
}

// sendAdd sends add{id, n} to h in its own goroutine and returns where its
// error will arrive.
func sendAdd(h *Handler[tally, add], id uuid.UUID, n int) chan error {
	c := make(chan error, 1)
	go func() {
		_, err := h.Handle(context.Background(), add{ID: id, N: n}, meta())
		c <- err
	}()
	return c
}

// refusedAtOnce fails the test unless c brings an OVER_LIMIT refusal while
// the append is held.
func refusedAtOnce(t *testing.T, c chan error, what string) {
	t.Helper()
	select {
	case err := <-c:
		if kernel.ErrorCode(err) != "OVER_LIMIT" {
			t.Fatalf("%s: got %v, want OVER_LIMIT", what, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s waited for the held append", what)
	}
}

func TestHandlerAnswersARefusalOfTheStoredStateBeforeTheBatchIsWritten(t *testing.T) {
	store := &gatedStore{Store: memstore.New(kernel.SystemClock{}), waiting: make(chan struct{}), release: make(chan struct{})}
	h := newTally(t, store)
	id := uuid.New()
	outcome := func(n int) chan error {
		c := sendAdd(h, id, n)
		time.Sleep(5 * time.Millisecond) // queued in this order
		return c
	}
	first := outcome(1)
	<-store.waiting // the first batch is being appended: the next ones queue
	accepted := outcome(500)
	overStored := outcome(tallyLimit) // 1 + 1000 passes the limit whatever the batch does
	overBatch := outcome(600)         // 1 + 600 would fit; 1 + 500 + 600 does not
	store.release <- struct{}{}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	<-store.waiting // the second batch's append is held
	refusedAtOnce(t, overStored, "a command the stored state refuses, in a batch")
	select {
	case err := <-overBatch:
		t.Fatalf("a refusal owed to an unwritten command of the batch was answered before the append: %v", err)
	case err := <-accepted:
		t.Fatalf("an accepted command was answered before its append: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	store.release <- struct{}{}
	if err := <-accepted; err != nil {
		t.Fatal(err)
	}
	if err := <-overBatch; kernel.ErrorCode(err) != "OVER_LIMIT" {
		t.Fatalf("refused after the batch's earlier command: got %v", err)
	}
	if got := total(t, h, id); got.Total != 501 {
		t.Fatalf("total %d, want 501", got.Total)
	}
}

func TestHandlerRefusesWithoutQueueingWhileTheAggregateIsBusy(t *testing.T) {
	store := &gatedStore{Store: memstore.New(kernel.SystemClock{}), waiting: make(chan struct{}), release: make(chan struct{})}
	h := newTally(t, store)
	id := uuid.New()
	first := sendAdd(h, id, 1)
	<-store.waiting // the aggregate is busy appending
	refused := sendAdd(h, id, tallyLimit+1)
	refusedAtOnce(t, refused, "a command the stored state refuses, arriving while the aggregate is busy")
	fits := sendAdd(h, id, tallyLimit-1) // fits: it must queue
	select {
	case err := <-fits:
		t.Fatalf("a command the stored state accepts was answered before the append: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	store.release <- struct{}{}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	<-store.waiting
	store.release <- struct{}{}
	if err := <-fits; err != nil {
		t.Fatal(err)
	}
	if got := total(t, h, id); got.Total != tallyLimit || got.Count != 2 {
		t.Fatalf("state %+v, want 1 + %d", got, tallyLimit-1)
	}
}
