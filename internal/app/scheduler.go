package app

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Scheduler sends time-driven commands (the announcement ends, the timed
// round closes, the payment deadline passes) when they fall due by its clock.
// Each aggregate has at most one pending command, keyed by its stream. A send
// that fails is retried with back-off (RetryDelay) until it succeeds or the
// key is scheduled anew or cancelled: a due command is never dropped.
type Scheduler struct {
	clock kernel.Clock
	log   *slog.Logger

	running sync.Mutex // held by RunDue, so calls do not overlap
	mu      sync.Mutex
	queue   dueQueue
	stale   int // cancelled entries still in queue
	byKey   map[string]*dueItem
	wake    chan struct{}
}

// SendFunc sends one scheduled command. It returns nil when the command needs
// no further sending (it was written, was a duplicate, or was refused for
// good) and an error when it should be sent again later.
type SendFunc func(ctx context.Context) error

type dueItem struct {
	key       string
	at        time.Time
	send      SendFunc
	failures  int  // sends that failed so far
	sending   bool // popped by RunDue and not yet settled; not in the queue
	cancelled bool // replaced or cancelled; popped and dropped when it reaches the top
}

// Retry back-off: the first retry of a failed send waits retryFirst, each
// further one twice as long, never more than retryMax.
const (
	retryFirst = time.Second
	retryMax   = time.Minute
)

// RetryDelay returns how long after its nth failed send (n ≥ 1) a command is
// sent again: 1 s, 2 s, 4 s, … capped at a minute, so a command held up by
// an outage goes out within a minute of the store's return.
func RetryDelay(n int) time.Duration {
	d := retryFirst
	for range n - 1 {
		if d *= 2; d >= retryMax {
			return retryMax
		}
	}
	return d
}

// NewScheduler returns an empty scheduler on clock.
func NewScheduler(clock kernel.Clock, log *slog.Logger) *Scheduler {
	return &Scheduler{clock: clock, log: log, byKey: map[string]*dueItem{}, wake: make(chan struct{}, 1)}
}

// Schedule sets key's pending command, replacing any earlier one.
func (s *Scheduler) Schedule(key string, at time.Time, send SendFunc) {
	s.mu.Lock()
	old, ok := s.byKey[key]
	switch {
	case ok && !old.sending && old.at.Equal(at):
		old.send = send // same place in the queue
	default:
		if ok {
			s.drop(old)
		}
		it := &dueItem{key: key, at: at, send: send}
		heap.Push(&s.queue, it)
		s.byKey[key] = it
	}
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Cancel drops key's pending command, if any.
func (s *Scheduler) Cancel(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.byKey[key]; ok {
		s.drop(it)
		delete(s.byKey, key)
	}
}

// drop marks it cancelled; it leaves the queue when it reaches the top, or
// when cancelled entries outnumber live ones and the queue is rebuilt, so
// aggregates that reschedule often do not pile up entries. An entry being
// sent is not in the queue; cancelled, it is not sent again. s.mu is held.
func (s *Scheduler) drop(it *dueItem) {
	it.cancelled = true
	if it.sending {
		return
	}
	s.stale++
	if s.stale > 1024 && s.stale > len(s.queue)/2 {
		live := s.queue[:0]
		for _, q := range s.queue {
			if !q.cancelled {
				live = append(live, q)
			}
		}
		clear(s.queue[len(live):])
		s.queue, s.stale = live, 0
		heap.Init(&s.queue)
	}
}

// Pending returns when key's command is due, and whether one is pending.
func (s *Scheduler) Pending(key string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.byKey[key]; ok {
		return it.at, true
	}
	return time.Time{}, false
}

// Next returns when the earliest pending command falls due, and whether one
// is pending. A command being sent is not pending; one that failed is
// pending again at its retry time.
func (s *Scheduler) Next() (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.queue) > 0 && s.queue[0].cancelled {
		heap.Pop(&s.queue)
		s.stale--
	}
	if len(s.queue) == 0 {
		return time.Time{}, false
	}
	return s.queue[0].at, true
}

// Advance moves time forward to `to`, stopping at every pending command's
// due time on the way, in time order, so that each command is decided at its
// own due time. It is for a clock that moves only when told: set moves it.
// First, and after each stop's sends, it calls settle, which must return
// once every consequence of what was sent is in place (the events, the
// follow-up commands, and the entries they schedule: an entry due at or
// before the stop is sent at the same stop). No RunDue runs meanwhile. Set is
// called only with times after the clock's, and last with `to` when that is
// later than the last stop; a `to` before the clock's time moves nothing.
func (s *Scheduler) Advance(ctx context.Context, to time.Time, set func(time.Time), settle func(context.Context) error) error {
	s.running.Lock()
	defer s.running.Unlock()
	for {
		if err := settle(ctx); err != nil {
			return err
		}
		at, ok := s.Next()
		if !ok || at.After(to) {
			break
		}
		if at.After(s.clock.Now()) {
			set(at)
		}
		s.runDue(ctx)
	}
	if to.After(s.clock.Now()) {
		set(to)
	}
	return nil
}

// RunDue sends every command due at the clock's current time and returns how
// many it sent. Commands of different aggregates go out in parallel (a
// thousand auctions may close in the same minute). A command whose send fails
// is queued again RetryDelay(failures) after the clock's time, unless its key
// was scheduled anew or cancelled meanwhile; the failure is logged, except
// eventstore.ErrUnavailable, which the store logs once itself. Calls do not
// overlap: one waits for another under way, so when RunDue returns, every
// command due at its start has been sent by it or the call before.
func (s *Scheduler) RunDue(ctx context.Context) int {
	s.running.Lock()
	defer s.running.Unlock()
	return s.runDue(ctx)
}

// runDue is RunDue with s.running held.
func (s *Scheduler) runDue(ctx context.Context) int {
	s.mu.Lock()
	var due []*dueItem
	now := s.clock.Now()
	for len(s.queue) > 0 && (s.queue[0].cancelled || !s.queue[0].at.After(now)) {
		it := heap.Pop(&s.queue).(*dueItem)
		if it.cancelled {
			s.stale--
			continue
		}
		it.sending = true
		due = append(due, it)
	}
	s.mu.Unlock()
	var g errgroup.Group
	g.SetLimit(dueParallelism)
	for _, it := range due {
		g.Go(func() error {
			s.settle(it, it.send(ctx))
			return nil
		})
	}
	g.Wait() //nolint:errcheck // the goroutines log their errors
	return len(due)
}

// settle ends a send: on success the key's entry goes, on failure it returns
// to the queue for a retry, unless the key was scheduled anew or cancelled
// while the send was under way. Run picks the retry up at a tick.
func (s *Scheduler) settle(it *dueItem, err error) {
	s.mu.Lock()
	it.sending = false
	retry := err != nil && !it.cancelled
	if retry {
		it.failures++
		it.at = s.clock.Now().Add(RetryDelay(it.failures))
		heap.Push(&s.queue, it)
	} else if s.byKey[it.key] == it {
		delete(s.byKey, it.key)
	}
	s.mu.Unlock()
	if retry && !errors.Is(err, eventstore.ErrUnavailable) {
		s.log.Warn("scheduled command failed; retrying", "aggregate", it.key, "failures", it.failures, "retry_at", it.at, "err", err)
	}
}

// dueParallelism bounds how many due commands are sent at once.
const dueParallelism = 64

// Run sends due commands until ctx ends, checking at least every tick (the
// clock may be a manual one that moves without notice).
func (s *Scheduler) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		s.RunDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

type dueQueue []*dueItem

func (q dueQueue) Len() int           { return len(q) }
func (q dueQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q dueQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)        { *q = append(*q, x.(*dueItem)) }
func (q *dueQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// NextDueFunc tells what command an aggregate in state S needs next, and when.
type NextDueFunc[S any, C kernel.Command] func(S) (C, time.Time, bool)

// DueWatcher keeps a Scheduler's entries for one aggregate type current: it
// follows the store's events of that category and, after each, asks the
// aggregate's state what falls due next.
type DueWatcher[S any, C kernel.Command] struct {
	h     *Handler[S, C]
	sched *Scheduler
	next  NextDueFunc[S, C]
	// prefix is h's category and '-', the streams Watch refreshes.
	prefix string

	progress eventstore.Progress
}

// NewDueWatcher returns a watcher for h's aggregates.
func NewDueWatcher[S any, C kernel.Command](h *Handler[S, C], sched *Scheduler, next NextDueFunc[S, C]) *DueWatcher[S, C] {
	return &DueWatcher[S, C]{h: h, sched: sched, next: next, prefix: h.Category() + "-"}
}

// Run follows the store from the start until ctx ends, handing each event to
// Watch. (An App's watchers share one subscription: App.RunDueWatchers.)
func (w *DueWatcher[S, C]) Run(ctx context.Context, store eventstore.Store) error {
	return eventstore.Follow(ctx, store, 0, w.Watch)
}

// Watch takes one stored event of the whole store, in order: after an event
// of its aggregate type it asks the aggregate what falls due next; every
// event moves the position WaitFor waits for.
func (w *DueWatcher[S, C]) Watch(ctx context.Context, rec eventstore.RecordedEvent) error {
	if rest, ok := strings.CutPrefix(rec.Stream, w.prefix); ok {
		if id, err := uuid.Parse(rest); err == nil {
			if err := w.refresh(ctx, rec.Stream, id); err != nil {
				return err
			}
		}
	}
	w.progress.Advance(rec.Position)
	return nil
}

func (w *DueWatcher[S, C]) refresh(ctx context.Context, stream string, id uuid.UUID) error {
	var (
		cmd     C
		at      time.Time
		ok      bool
		version uint64
	)
	if err := w.h.Inspect(ctx, id, func(s S, v uint64) { cmd, at, ok = w.next(s); version = v }); err != nil {
		return fmt.Errorf("due watcher: %w", err)
	}
	if !ok {
		w.sched.Cancel(stream)
		return nil
	}
	// The command id names the aggregate version it was scheduled from, so two
	// replicas sending the same due command write it once.
	cmdID := uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "due/%s/%d", stream, version))
	// A refusal by the decider is final for this command: the same command
	// against the same state is refused again, and any change to the state is
	// an event after which this watcher schedules afresh. A CONFLICT that
	// outlived the handler's retries, or a store failure, is returned so the
	// scheduler sends the command again after its back-off.
	w.sched.Schedule(stream, at, func(ctx context.Context) error {
		res, err := w.h.Handle(ctx, cmd, Meta{CommandID: cmdID, Actor: "system:scheduler"})
		var de *kernel.Error
		if errors.As(err, &de) && de.Code != kernel.CodeInternal && de.Code != kernel.CodeConflict {
			w.sched.log.Debug("scheduled command refused; the aggregate moved on", "aggregate", stream, "command", fmt.Sprintf("%T", cmd), "err", err)
			return nil
		}
		w.sched.log.Debug("scheduled command sent", "aggregate", stream, "command", fmt.Sprintf("%T", cmd), "duplicate", res.Duplicate, "err", err)
		return err
	})
	return nil
}

// WaitFor blocks until the watcher has seen the store up to pos, or ctx ends.
func (w *DueWatcher[S, C]) WaitFor(ctx context.Context, pos uint64) error {
	return w.progress.WaitFor(ctx, pos)
}
