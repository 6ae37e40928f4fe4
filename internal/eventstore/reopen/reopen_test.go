package reopen_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/reopen"
	"github.com/nongjiao/nongjiao/internal/eventstore/storetest"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/logtest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB) eventstore.Store {
		backend := memstore.New(kernel.SystemClock{})
		s, err := reopen.Open(func() (eventstore.Store, error) { return backend, nil }, reopen.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

// backend is one opening of a shared memstore that can be made to fail as
// a filestore does after a write error: every append refused until the
// backend is closed and opened again. Closing it ends its subscriptions.
type backend struct {
	*memstore.Store
	ctx      context.Context
	cancel   context.CancelFunc
	broken   atomic.Bool
	closeErr error
}

func (b *backend) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if b.broken.Load() {
		return eventstore.AppendResult{}, fmt.Errorf("injected write failure: %w", eventstore.ErrUnavailable)
	}
	return b.Store.Append(ctx, stream, expected, events...)
}

func (b *backend) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) (eventstore.Subscription, error) {
	if b.ctx.Err() != nil {
		return nil, eventstore.ErrClosed
	}
	ctx, cancel := context.WithCancel(ctx)
	context.AfterFunc(b.ctx, cancel)
	return b.Store.SubscribeAll(ctx, after, filter)
}

func (b *backend) Close() error { b.cancel(); return b.closeErr }

func (b *backend) Err() error {
	if b.broken.Load() {
		return fmt.Errorf("injected write failure: %w", eventstore.ErrUnavailable)
	}
	return nil
}

// opener opens backends over one memstore; it refuses the first refuse
// attempts after each failure, and then waits for release.
type opener struct {
	shared  *memstore.Store
	refuse  atomic.Int32
	release chan struct{}
	opens   atomic.Int32

	mu  sync.Mutex
	cur *backend
}

func newOpener() *opener {
	o := &opener{shared: memstore.New(kernel.SystemClock{}), release: make(chan struct{})}
	close(o.release)
	return o
}

func (o *opener) open() (eventstore.Store, error) {
	if o.opens.Add(1) > 1 {
		if o.refuse.Add(-1) >= 0 {
			return nil, errors.New("injected open failure")
		}
		<-o.release
	}
	b := &backend{Store: o.shared}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	o.mu.Lock()
	o.cur = b
	o.mu.Unlock()
	return b, nil
}

func (o *opener) breakCurrent() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.cur.broken.Store(true)
}

func event() eventstore.EventData {
	return eventstore.EventData{ID: uuid.New(), Type: "test.Happened", Data: []byte(`{}`)}
}

func waitHealthy(t *testing.T, s *reopen.Store) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.Health() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("the store was not reopened: %v", s.Health())
		}
		time.Sleep(time.Millisecond)
	}
}

func TestAFailedBackendIsReopenedAndSubscriptionsCarryOn(t *testing.T) {
	ctx := context.Background()
	o := newOpener()
	logs, log := logtest.New()
	s, err := reopen.Open(o.open, reopen.Options{Log: log, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sub, err := s.SubscribeAll(ctx, 0, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	if _, err := s.Append(ctx, "order-1", eventstore.NoStream, event()); err != nil {
		t.Fatal(err)
	}
	if e, err := sub.Next(ctx); err != nil || e.Position != 1 {
		t.Fatalf("first event = %+v, %v", e, err)
	}

	// The backend fails; the next two reopen attempts fail, the third waits.
	o.refuse.Store(2)
	o.release = make(chan struct{})
	o.breakCurrent()
	for i := range 200 {
		_, err := s.Append(ctx, "order-1", eventstore.Exact(1), event())
		if !errors.Is(err, eventstore.ErrUnavailable) {
			t.Fatalf("append %d while down = %v; want ErrUnavailable", i, err)
		}
	}
	if err := s.Health(); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("Health while down = %v; want ErrUnavailable", err)
	}
	close(o.release)
	waitHealthy(t, s)

	res, err := s.Append(ctx, "order-1", eventstore.Exact(1), event())
	if err != nil || res.Position != 2 {
		t.Fatalf("append after the reopen = %+v, %v; want position 2", res, err)
	}
	next, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if e, err := sub.Next(next); err != nil || e.Position != 2 {
		t.Fatalf("the subscription after the reopen delivered %+v, %v; want position 2", e, err)
	}
	if got := o.opens.Load(); got != 4 {
		t.Errorf("opened %d times; want 4 (first, two refused, the reopen)", got)
	}
	want := map[string]int{
		"ERROR event store failed; refusing appends until it is reopened": 1,
		"WARN event store reopen failed; retrying":                        2,
		"INFO event store reopened; accepting appends":                    1,
	}
	got := logs.Counts(t)
	if len(got) != len(want) {
		t.Errorf("log records %v; want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%d × %q logged; want %d (all: %v)", got[k], k, n, got)
		}
	}
}

func TestCloseStopsReopening(t *testing.T) {
	o := newOpener()
	o.refuse.Store(1 << 30)
	s, err := reopen.Open(o.open, reopen.Options{MinBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	o.breakCurrent()
	if _, err := s.Append(context.Background(), "order-1", eventstore.Any, event()); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("append = %v; want ErrUnavailable", err)
	}
	sub, err := s.SubscribeAll(context.Background(), 0, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { _, err := sub.Next(context.Background()); waited <- err }()
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the reopen loop")
	}
	if err := <-waited; !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("a subscription waiting for the backend ended with %v; want ErrClosed", err)
	}
	if _, err := s.Append(context.Background(), "order-1", eventstore.Any, event()); !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("append after Close = %v; want ErrClosed", err)
	}
}

func TestABackendThatFailsToCloseIsNotReopened(t *testing.T) {
	o := newOpener()
	logs, log := logtest.New()
	s, err := reopen.Open(o.open, reopen.Options{Log: log, MinBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	o.cur.closeErr = errors.New("injected: the unacknowledged tail could not be zeroed")
	o.breakCurrent()
	if _, err := s.Append(context.Background(), "order-1", eventstore.Any, event()); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("append = %v; want ErrUnavailable", err)
	}
	const msg = "event store could not be closed cleanly; not reopening it: restart the process once the disk is sound"
	deadline := time.Now().Add(5 * time.Second)
	for len(logs.With(t, msg)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no %q line: %v", msg, logs.Records(t))
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond) // twenty back-offs' time: no attempt may follow
	if err := s.Health(); err == nil || !strings.Contains(err.Error(), "not reopened") {
		t.Fatalf("Health = %v; want down for good", err)
	}
	if n := o.opens.Load(); n != 1 {
		t.Fatalf("opened %d times; want only the first", n)
	}
}

// A backend that reports its own failure is reopened when Health asks, with
// no append failing first.
func TestHealthNoticesABackendThatFailedUnseen(t *testing.T) {
	o := newOpener()
	s, err := reopen.Open(o.open, reopen.Options{MinBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	o.refuse.Store(0)
	o.release = make(chan struct{})
	o.breakCurrent()
	if err := s.Health(); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("Health of a failed backend = %v; want ErrUnavailable", err)
	}
	close(o.release)
	waitHealthy(t, s)
	if _, err := s.Append(context.Background(), "order-1", eventstore.NoStream, event()); err != nil {
		t.Fatalf("append after the reopen = %v", err)
	}
	if n := o.opens.Load(); n != 2 {
		t.Fatalf("opened %d times; want 2", n)
	}
}

// A backend that fails again right after its reopen is reopened after a
// back-off, not at once: a fault that keeps coming back does not become a
// reopen per request.
func TestAFaultThatComesBackIsReopenedAfterABackoff(t *testing.T) {
	o := newOpener()
	const minBackoff = 100 * time.Millisecond
	s, err := reopen.Open(o.open, reopen.Options{MinBackoff: minBackoff, MaxBackoff: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fault := func() time.Duration {
		start := time.Now()
		o.breakCurrent()
		if _, err := s.Append(context.Background(), "order-1", eventstore.Any, event()); !errors.Is(err, eventstore.ErrUnavailable) {
			t.Fatalf("append = %v; want ErrUnavailable", err)
		}
		waitHealthy(t, s)
		return time.Since(start)
	}
	fault() // the first reopen, at once
	// The randomized wait is at least half the interval.
	if took := fault(); took < minBackoff/2 {
		t.Fatalf("a fault right after a reopen was reopened after %s; want a back-off of at least %s", took, minBackoff/2)
	}
}
