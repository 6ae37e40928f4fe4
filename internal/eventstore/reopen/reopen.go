// Package reopen keeps an event store serving across a failure of its
// backend: Store wraps a backend it opens with a function, and when an append
// fails with an error matching eventstore.ErrUnavailable (the embedded
// filestore after a write or fsync error, which refuses every later append
// until it is reopened), or Health finds the backend's own Err set, it closes
// the backend and opens it again, in the background, with a capped
// exponential back-off, until that succeeds. The first attempt is immediate,
// unless the backend fails again soon after a reopen: then the back-off goes
// on growing, so that a fault that keeps coming back (a full disk) does not
// cause a reopen per request.
//
// While the backend is down, Append fails at once with an error matching
// eventstore.ErrUnavailable, without reaching the backend; reads go to the
// failed backend until it is closed and then fail the same way; and
// subscriptions wait, then carry on from the new backend after the last event
// they delivered, with no gap and no duplicate, so their consumers never see
// the reopen. Health reports whether the store accepts appends.
//
// A backend whose Close fails after its fault is not reopened: closing is
// where the filestore durably discards what it wrote but never acknowledged,
// and a reopen without that could build on records the disk does not hold.
// The store then stays down until the process is restarted.
//
// Logging: one ERROR line when a fault starts ("event store failed; refusing
// appends until it is reopened"), one INFO line when it clears ("event store
// reopened; accepting appends"), and one WARN line per failed reopen attempt,
// which the back-off spaces out; never a line per refused append. A failed
// Close adds one ERROR line ("event store could not be closed cleanly; not
// reopening it: …").
//
// Callers must:
//   - give Open a function that opens the backend afresh each time (for the
//     filestore, recovering its log), and close the Store when done: Close
//     stops the reopening and closes the current backend.
//
// Errors: besides the backend's own, eventstore.ErrUnavailable (wrapped)
// while the backend is down and eventstore.ErrClosed after Close.
package reopen

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Defaults for Options' zero values.
const (
	DefaultMinBackoff = 100 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
)

// Options configure a Store.
type Options struct {
	// Log receives the fault, reopen and recovery lines; nothing is logged when nil.
	Log *slog.Logger
	// Clock dates a fault; kernel.SystemClock when nil.
	Clock kernel.Clock
	// MinBackoff is the wait before the second reopen attempt (the first is
	// immediate, unless the backend failed again within MaxBackoff of its
	// last reopen); the wait grows by half each time, randomized, up to
	// MaxBackoff.
	MinBackoff time.Duration
	MaxBackoff time.Duration
}

// Store is an eventstore.Store that reopens its failed backend. It is safe
// for concurrent use.
type Store struct {
	open  func() (eventstore.Store, error)
	opts  Options
	done  chan struct{} // closed by Close
	loops sync.WaitGroup
	wait  *backoff.ExponentialBackOff // owned by the one reopen loop running at a time

	mu     sync.RWMutex     // read-locked on every call, written on a fault, reopen or Close
	cur    eventstore.Store // nil between closing a failed backend and opening the next
	fault  error            // why the backend is down; nil while it accepts appends
	since  time.Time        // when fault began
	upAt   time.Time        // when the last reopen succeeded; zero before any
	gen    uint64           // counts the backends opened
	up     chan struct{}    // closed while fault is nil
	closed bool
}

var _ eventstore.Store = (*Store)(nil)

// Open opens the backend with open and returns a Store over it.
func Open(open func() (eventstore.Store, error), opts Options) (*Store, error) {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = kernel.SystemClock{}
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = DefaultMinBackoff
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = DefaultMaxBackoff
	}
	st, err := open()
	if err != nil {
		return nil, err
	}
	up := make(chan struct{})
	close(up)
	wait := backoff.NewExponentialBackOff()
	wait.InitialInterval, wait.MaxInterval = opts.MinBackoff, opts.MaxBackoff
	return &Store{open: open, opts: opts, done: make(chan struct{}), wait: wait, cur: st, gen: 1, up: up}, nil
}

// failer is a backend that can tell it has failed without an append
// failing (the filestore can).
type failer interface {
	Err() error
}

// Health returns nil while the store accepts appends, and otherwise an error
// matching eventstore.ErrUnavailable that says since when and why not. A
// backend that reports a failure of its own (Err) is reopened from here too,
// so that a failure seen by no append, whose caller had given up, does not
// wait for the next append to be noticed.
func (s *Store) Health() error {
	s.mu.RLock()
	cur, gen, closed := s.cur, s.gen, s.closed
	s.mu.RUnlock()
	if closed {
		return eventstore.ErrClosed
	}
	if f, ok := cur.(failer); ok {
		if err := f.Err(); err != nil {
			s.fail(gen, err)
		}
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.downError()
}

// downError is Health's answer; s.mu is held.
func (s *Store) downError() error {
	if s.fault == nil {
		return nil
	}
	return fmt.Errorf("%w: down since %s, reopening: %w", eventstore.ErrUnavailable, s.since.Format(time.RFC3339), s.fault)
}

// backend returns the current backend and its generation. With healthy set
// it returns the down error while the backend is down; otherwise it returns a
// failed backend too, while it is still open, for reads.
func (s *Store) backend(healthy bool) (eventstore.Store, uint64, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	switch {
	case s.closed:
		return nil, 0, eventstore.ErrClosed
	case s.fault != nil && (healthy || s.cur == nil):
		return nil, 0, s.downError()
	}
	return s.cur, s.gen, nil
}

// swapped reports whether the backend of generation gen has failed or been
// replaced, so that its errors are the reopen's, not the caller's.
func (s *Store) swapped(gen uint64) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return !s.closed && (s.fault != nil || s.gen != gen)
}

// translate turns the error of a backend closed by a reopen into the down error.
func (s *Store) translate(gen uint64, err error) error {
	if err != nil && errors.Is(err, eventstore.ErrClosed) && s.swapped(gen) {
		return fmt.Errorf("%w: the backend is being reopened", eventstore.ErrUnavailable)
	}
	return err
}

// Append implements eventstore.Store. An append that fails with
// eventstore.ErrUnavailable starts a reopen.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	st, gen, err := s.backend(true)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	res, err := st.Append(ctx, stream, expected, events...)
	if errors.Is(err, eventstore.ErrUnavailable) {
		s.fail(gen, err)
	}
	return res, s.translate(gen, err)
}

// ReadStream implements eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	st, gen, err := s.backend(false)
	if err != nil {
		return nil, err
	}
	recs, err := st.ReadStream(ctx, stream, dir, from, limit)
	return recs, s.translate(gen, err)
}

// ReadAll implements eventstore.Store.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.RecordedEvent, error) {
	st, gen, err := s.backend(false)
	if err != nil {
		return nil, err
	}
	recs, err := st.ReadAll(ctx, after, limit)
	return recs, s.translate(gen, err)
}

// fail marks the backend of generation gen down for err and starts
// reopening it, unless that is already done.
func (s *Store) fail(gen uint64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.fault != nil || s.gen != gen {
		return
	}
	s.fault, s.since, s.up = err, s.opts.Clock.Now(), make(chan struct{})
	s.opts.Log.Error("event store failed; refusing appends until it is reopened", "err", err)
	s.loops.Add(1)
	go s.reopen(s.cur)
}

// reopen closes the failed backend and opens a new one, waiting between
// attempts, until one opens or the Store is closed.
func (s *Store) reopen(failed eventstore.Store) {
	defer s.loops.Done()
	s.mu.Lock()
	s.cur = nil
	s.mu.Unlock()
	if err := failed.Close(); err != nil {
		// The backend could not settle what it holds (the filestore zeroes
		// its unacknowledged tail): a reopen could build on data the disk
		// does not have. Stay down for good.
		s.opts.Log.Error("event store could not be closed cleanly; not reopening it: restart the process once the disk is sound", "err", err)
		s.mu.Lock()
		s.fault = fmt.Errorf("%w; not reopened, as closing it failed: %w", s.fault, err)
		s.mu.Unlock()
		return
	}
	// A backend that fails again soon after its last reopen (a full disk
	// fails each append that needs a new segment) is reopened after a wait,
	// longer each time, not at once: a fault that keeps coming back must not
	// become a reopen per request. One that stayed up a while starts afresh.
	s.mu.RLock()
	flapping := !s.upAt.IsZero() && s.opts.Clock.Now().Sub(s.upAt) < s.opts.MaxBackoff
	s.mu.RUnlock()
	if !flapping {
		s.wait.Reset()
	} else if !s.sleep(s.wait.NextBackOff()) {
		return
	}
	for attempt := 1; ; attempt++ {
		st, err := s.open()
		if err == nil {
			s.install(st, attempt)
			return
		}
		next := s.wait.NextBackOff()
		s.opts.Log.Warn("event store reopen failed; retrying", "attempt", attempt, "err", err, "retry_in", next)
		if !s.sleep(next) {
			return
		}
	}
}

// sleep waits for d, or reports false at once when the Store is closed.
func (s *Store) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

// install makes st the backend after attempt attempts, or closes it if the
// Store was closed meanwhile.
func (s *Store) install(st eventstore.Store, attempts int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		_ = st.Close()
		return
	}
	s.opts.Log.Info("event store reopened; accepting appends", "attempts", attempts, "down_for", s.opts.Clock.Now().Sub(s.since), "cause", s.fault)
	s.cur, s.fault, s.gen, s.upAt = st, nil, s.gen+1, s.opts.Clock.Now()
	close(s.up)
}

// Close stops reopening and closes the backend. Later calls return nil.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()
	s.loops.Wait()
	s.mu.Lock()
	st := s.cur
	s.cur = nil
	s.mu.Unlock()
	if st == nil {
		return nil
	}
	return st.Close()
}
