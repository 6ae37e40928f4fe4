package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/logtest"
	"github.com/nongjiao/nongjiao/internal/testenv"
)

// A timer is started with a due time and fired by the scheduler.

type timerStarted struct {
	Due time.Time `json:"due"`
}

func (timerStarted) EventType() string { return "timer.Started.v1" }

type timerFired struct{}

func (timerFired) EventType() string { return "timer.Fired.v1" }

type timerCmd struct {
	ID    uuid.UUID
	Start time.Time // zero: fire
}

func (c timerCmd) AggregateID() uuid.UUID { return c.ID }

type timer struct {
	ID    uuid.UUID
	Due   time.Time
	Fired int
}

var timerDecider = kernel.Decider[timer, timerCmd]{
	Category: "timer",
	Decide: func(s timer, c timerCmd, now time.Time) ([]kernel.Event, error) {
		if !c.Start.IsZero() {
			return []kernel.Event{timerStarted{Due: c.Start}}, nil
		}
		if s.Fired > 0 || now.Before(s.Due) {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "not due")
		}
		return []kernel.Event{timerFired{}}, nil
	},
	Evolve: func(s timer, e kernel.Event) timer {
		switch e := e.(type) {
		case timerStarted:
			s.Due = e.Due
		case timerFired:
			s.Fired++
		}
		return s
	},
}

func timerNext(id func(timer) uuid.UUID) NextDueFunc[timer, timerCmd] {
	return func(s timer) (timerCmd, time.Time, bool) {
		if s.Due.IsZero() || s.Fired > 0 {
			return timerCmd{}, time.Time{}, false
		}
		return timerCmd{ID: id(s)}, s.Due, true
	}
}

func TestSchedulerSendsDueCommandsOnceAcrossReplicas(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t0 := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	clock := kernel.NewManualClock(t0)
	store := memstore.New(clock)
	reg := kernel.NewRegistry()
	reg.Register(timerStarted{}, timerFired{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	id := uuid.New()
	type replica struct {
		h     *Handler[timer, timerCmd]
		sched *Scheduler
		watch *DueWatcher[timer, timerCmd]
	}
	var replicas []replica
	for range 2 {
		h := NewHandler(store, reg, timerDecider, clock, 10)
		sched := NewScheduler(clock, log)
		w := NewDueWatcher(h, sched, timerNext(func(timer) uuid.UUID { return id }))
		go w.Run(ctx, store) //nolint:errcheck // ends with ctx
		replicas = append(replicas, replica{h, sched, w})
	}
	res, err := replicas[0].h.Handle(ctx, timerCmd{ID: id, Start: t0.Add(time.Hour)}, meta())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range replicas {
		if err := r.watch.WaitFor(ctx, res.Position); err != nil {
			t.Fatal(err)
		}
		if at, ok := r.sched.Pending(kernel.StreamName("timer", id)); !ok || !at.Equal(t0.Add(time.Hour)) {
			t.Fatalf("pending = %v %v, want the due time", at, ok)
		}
		if n := r.sched.RunDue(ctx); n != 0 {
			t.Fatalf("sent %d commands before they were due", n)
		}
	}
	clock.Advance(time.Hour)
	var wg sync.WaitGroup
	sent := make([]int, len(replicas))
	for i, r := range replicas { // both replicas fire at once
		wg.Add(1)
		go func() { defer wg.Done(); sent[i] = r.sched.RunDue(ctx) }()
	}
	wg.Wait()
	if sent[0]+sent[1] == 0 {
		t.Fatal("no replica sent the due command")
	}
	recs, _ := store.ReadStream(ctx, kernel.StreamName("timer", id), eventstore.Forwards, 1, 10)
	if len(recs) != 2 || recs[1].Type != "timer.Fired.v1" {
		t.Fatalf("stream has %d events, want Started then one Fired", len(recs))
	}
	if err := replicas[1].watch.WaitFor(ctx, recs[1].Position); err != nil {
		t.Fatal(err)
	}
	if _, ok := replicas[1].sched.Pending(kernel.StreamName("timer", id)); ok {
		t.Fatal("a fired timer is still scheduled")
	}
}

func TestSchedulerSendsWhatIsDueReplacedAndNotCancelled(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := kernel.NewManualClock(t0)
	s := NewScheduler(clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var mu sync.Mutex
	sent := map[string]time.Time{}
	add := func(key string, in time.Duration) {
		s.Schedule(key, t0.Add(in), func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			sent[key] = clock.Now()
			return nil
		})
	}
	add("c", 3*time.Minute)
	add("a", time.Minute)
	add("b", 2*time.Minute)
	add("d", 20*time.Minute)
	add("a", 4*time.Minute) // replaces a's first entry
	s.Cancel("b")
	clock.Advance(3 * time.Minute)
	if n := s.RunDue(context.Background()); n != 1 || len(sent) != 1 || sent["c"].IsZero() {
		t.Fatalf("at +3m sent %v (n=%d), want only c", sent, n)
	}
	clock.Advance(7 * time.Minute)
	if n := s.RunDue(context.Background()); n != 1 || len(sent) != 2 || sent["a"].IsZero() {
		t.Fatalf("at +10m sent %v (n=%d), want c then the replaced a; never the cancelled b or the later d", sent, n)
	}
	if at, ok := s.Pending("d"); !ok || !at.Equal(t0.Add(20*time.Minute)) {
		t.Fatalf("d pending = %v %v", at, ok)
	}
}

// For any sequence of schedules, cancels and clock moves, RunDue sends
// exactly the keys whose latest schedule is due and not cancelled.
func TestSchedulerMatchesAModel(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		clock := kernel.NewManualClock(t0)
		s := NewScheduler(clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
		model := map[string]time.Time{}
		var mu sync.Mutex
		sent := map[string]int{}
		for range 60 {
			key := fmt.Sprintf("k%d", rng.IntN(8))
			switch rng.IntN(4) {
			case 0, 1:
				at := clock.Now().Add(time.Duration(rng.IntN(120)-20) * time.Minute)
				model[key] = at
				s.Schedule(key, at, func(context.Context) error { mu.Lock(); sent[key]++; mu.Unlock(); return nil })
			case 2:
				delete(model, key)
				s.Cancel(key)
			case 3:
				clock.Advance(time.Duration(rng.IntN(60)) * time.Minute)
				clear(sent)
				s.RunDue(context.Background())
				for k, at := range model {
					if !at.After(clock.Now()) {
						if sent[k] != 1 {
							t.Fatalf("round %d: %s due at %s was sent %d times", round, k, at, sent[k])
						}
						delete(model, k)
					}
				}
				for k := range sent {
					if _, pending := model[k]; pending {
						t.Fatalf("round %d: %s sent before it was due", round, k)
					}
				}
				if len(sent) > 0 {
					for k := range sent {
						if _, ok := s.Pending(k); ok && model[k].IsZero() {
							t.Fatalf("round %d: %s still pending after it was sent", round, k)
						}
					}
				}
			}
			for k, at := range model {
				if got, ok := s.Pending(k); !ok || !got.Equal(at) {
					t.Fatalf("round %d: pending %s = %v %v, want %v", round, k, got, ok, at)
				}
			}
		}
	}
}

// An aggregate rescheduled over and over must not pile up queue entries.
func TestSchedulerCompactsReplacedEntries(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := kernel.NewManualClock(t0)
	s := NewScheduler(clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var sent atomic.Int64 // RunDue sends due commands concurrently
	for i := range 10_000 {
		s.Schedule(fmt.Sprintf("k%d", i%3), t0.Add(time.Duration(10_000-i)*time.Minute), func(context.Context) error { sent.Add(1); return nil })
	}
	if n := len(s.queue); n > 2*1024+3 {
		t.Fatalf("%d queue entries for 3 aggregates", n)
	}
	clock.Advance(10_000 * time.Minute)
	if n := s.RunDue(context.Background()); n != 3 || sent.Load() != 3 {
		t.Fatalf("sent %d (RunDue said %d), want the 3 latest schedules", sent.Load(), n)
	}
}

// A send that keeps failing is retried 1 s, 2 s, 4 s … after each failure,
// never more than a minute apart, until it succeeds; then it is not sent again.
func TestSchedulerRetriesAFailedSendWithCappedBackOff(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := kernel.NewManualClock(t0)
	s := NewScheduler(clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	wantDelays := []time.Duration{ // after the 1st, 2nd, … failure
		time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second,
		32 * time.Second, time.Minute, time.Minute, time.Minute,
	}
	var sentAt []time.Time
	s.Schedule("k", t0, func(context.Context) error {
		sentAt = append(sentAt, clock.Now())
		if len(sentAt) <= len(wantDelays) {
			return fmt.Errorf("store unavailable (send %d)", len(sentAt))
		}
		return nil
	})
	if n := s.RunDue(context.Background()); n != 1 {
		t.Fatalf("sent %d at the due time, want 1", n)
	}
	for i, d := range wantDelays {
		at, ok := s.Pending("k")
		if !ok || !at.Equal(clock.Now().Add(d)) {
			t.Fatalf("after failure %d: pending %v %v, want a retry %s later", i+1, at, ok, d)
		}
		clock.Advance(d - time.Nanosecond)
		if n := s.RunDue(context.Background()); n != 0 {
			t.Fatalf("after failure %d: retried %s early", i+1, time.Nanosecond)
		}
		clock.Advance(time.Nanosecond)
		if n := s.RunDue(context.Background()); n != 1 {
			t.Fatalf("after failure %d: not retried at its time (sent %d)", i+1, n)
		}
	}
	if len(sentAt) != len(wantDelays)+1 {
		t.Fatalf("sent %d times, want %d", len(sentAt), len(wantDelays)+1)
	}
	if at, ok := s.Pending("k"); ok {
		t.Fatalf("still pending at %v after the send succeeded", at)
	}
	clock.Advance(24 * time.Hour)
	if n := s.RunDue(context.Background()); n != 0 || len(sentAt) != len(wantDelays)+1 {
		t.Fatalf("sent again after success (RunDue %d)", n)
	}
}

// A key scheduled anew or cancelled while its send is under way takes the
// newer instruction: a failed command is not retried over it, and a command
// that succeeded does not take the new schedule with it.
func TestSchedulerRetryYieldsToANewerScheduleOrACancel(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := kernel.NewManualClock(t0)
	s := NewScheduler(clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	var mu sync.Mutex // RunDue sends due commands concurrently
	sent := map[string]int{}
	count := func(key string) { mu.Lock(); sent[key]++; mu.Unlock() }
	later := func(context.Context) error { count("later"); return nil }
	s.Schedule("renewed", t0, func(context.Context) error {
		count("renewed")
		s.Schedule("renewed", t0.Add(time.Hour), later) // the aggregate's next event
		return fmt.Errorf("store unavailable")
	})
	s.Schedule("cancelled", t0, func(context.Context) error {
		count("cancelled")
		s.Cancel("cancelled") // nothing is due any more
		return fmt.Errorf("store unavailable")
	})
	s.Schedule("again", t0, func(context.Context) error {
		count("again")
		s.Schedule("again", t0, later) // an unrelated event, the same due time
		return nil
	})
	if n := s.RunDue(context.Background()); n != 3 {
		t.Fatalf("sent %d, want 3", n)
	}
	if at, ok := s.Pending("again"); !ok || !at.Equal(t0) {
		t.Fatalf("again pending %v %v, want the schedule made during the send", at, ok)
	}
	if at, ok := s.Pending("renewed"); !ok || !at.Equal(t0.Add(time.Hour)) {
		t.Fatalf("renewed pending %v %v, want the newer schedule", at, ok)
	}
	if _, ok := s.Pending("cancelled"); ok {
		t.Fatal("a cancelled key is retried")
	}
	if len(s.queue) != 2 || s.stale != 0 {
		t.Fatalf("queue holds %d entries (%d stale), want only the newer schedule", len(s.queue), s.stale)
	}
	clock.Advance(time.Hour)
	s.RunDue(context.Background())
	if sent["renewed"] != 1 || sent["cancelled"] != 1 || sent["again"] != 1 || sent["later"] != 2 {
		t.Fatalf("sends %v, want each once", sent)
	}
}

// failingStore fails every Append with err while err is set.
type failingStore struct {
	eventstore.Store
	mu  sync.Mutex
	err error
}

func (s *failingStore) fail(err error) { s.mu.Lock(); s.err = err; s.mu.Unlock() }

func (s *failingStore) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	s.mu.Lock()
	err := s.err
	s.mu.Unlock()
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	return s.Store.Append(ctx, stream, expected, events...)
}

// Through a DueWatcher: a due command the store fails to take, or that keeps
// meeting a conflict, is sent again after the back-off and written once; a
// command the decider refuses is not sent again, since the same state would
// refuse it again.
func TestDueWatcherRetriesFailuresButNotRefusals(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		failure error // what the store answers at the due time
		refused bool  // the handler's clock stays behind the scheduler's, so the decider refuses
	}{
		{"a store failure is retried", fmt.Errorf("disk unavailable"), false},
		{"a lasting conflict is retried", &eventstore.ConflictError{Stream: "timer"}, false},
		{"a refusal is not retried", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			reg := kernel.NewRegistry()
			reg.Register(timerStarted{}, timerFired{})
			clock := kernel.NewManualClock(t0)
			var decideClock kernel.Clock = clock
			if tc.refused {
				decideClock = kernel.NewManualClock(t0)
			}
			store := &failingStore{Store: memstore.New(clock)}
			h := NewHandler(store, reg, timerDecider, decideClock, 10)
			sched := NewScheduler(clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
			id := uuid.New()
			w := NewDueWatcher(h, sched, timerNext(func(timer) uuid.UUID { return id }))
			go w.Run(ctx, store) //nolint:errcheck // ends with ctx
			res, err := h.Handle(ctx, timerCmd{ID: id, Start: t0.Add(time.Hour)}, meta())
			if err != nil {
				t.Fatal(err)
			}
			if err := w.WaitFor(ctx, res.Position); err != nil {
				t.Fatal(err)
			}
			store.fail(tc.failure)
			clock.Advance(time.Hour)
			if n := sched.RunDue(ctx); n != 1 {
				t.Fatalf("sent %d at the due time", n)
			}
			stream := kernel.StreamName("timer", id)
			at, pending := sched.Pending(stream)
			if tc.refused {
				if pending {
					t.Fatalf("a refused command is queued again for %v", at)
				}
				return
			}
			if !pending || !at.Equal(t0.Add(time.Hour+time.Second)) {
				t.Fatalf("after a failed send pending %v %v, want a retry 1 s later", at, pending)
			}
			store.fail(nil)
			clock.Advance(time.Second)
			if n := sched.RunDue(ctx); n != 1 {
				t.Fatalf("retry sent %d", n)
			}
			recs, _ := store.ReadStream(ctx, stream, eventstore.Forwards, 1, 10)
			if len(recs) != 2 || recs[1].Type != "timer.Fired.v1" {
				t.Fatalf("stream has %d events, want Started then one Fired", len(recs))
			}
			if err := w.WaitFor(ctx, recs[1].Position); err != nil {
				t.Fatal(err)
			}
			if _, ok := sched.Pending(stream); ok {
				t.Fatal("a fired timer is still scheduled")
			}
		})
	}
}

// A RunDue that finds the due command already taken by another call under way
// returns only once that send is over, so a caller that moved the clock and
// ran what is due sees the command's effect.
func TestRunDueReturnsOnceWhatIsDueIsSent(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := NewScheduler(kernel.NewManualClock(t0), slog.New(slog.NewTextHandler(io.Discard, nil)))
	started, release := make(chan struct{}), make(chan struct{})
	var sent atomic.Bool
	s.Schedule("k", t0, func(context.Context) error { close(started); <-release; sent.Store(true); return nil })
	go s.RunDue(context.Background())
	<-started
	second := make(chan struct{})
	go func() { s.RunDue(context.Background()); close(second) }()
	select {
	case <-second:
		t.Fatal("a second RunDue returned while the due command was still being sent")
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if <-second; !sent.Load() {
		t.Fatal("RunDue returned before the send was over")
	}
}

// A command the store refuses for being down is kept for a retry after the
// back-off, not logged and dropped; one the aggregate replaced meanwhile is
// not kept.
func TestSchedulerKeepsWhatTheStoreCouldNotTake(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := kernel.NewManualClock(t0)
	logs, log := logtest.New()
	s := NewScheduler(clock, log)
	down := fmt.Errorf("append: %w", eventstore.ErrUnavailable)
	var mu sync.Mutex
	tries := map[string]int{}
	try := func(key string) int {
		mu.Lock()
		defer mu.Unlock()
		tries[key]++
		return tries[key]
	}
	send := func(key string, fail int) SendFunc {
		return func(context.Context) error {
			if try(key) <= fail {
				return down
			}
			return nil
		}
	}
	s.Schedule("close", t0, send("close", 2))
	s.Schedule("replaced", t0, func(context.Context) error {
		try("replaced")
		// The aggregate moves on while its command is refused.
		s.Schedule("replaced", t0.Add(time.Hour), send("replaced-later", 0))
		return down
	})
	clock.Advance(time.Second)
	if n := s.RunDue(context.Background()); n != 2 {
		t.Fatalf("first run sent %d; want 2", n)
	}
	for run := 2; run <= 3; run++ {
		clock.Advance(RetryDelay(run - 1))
		if n := s.RunDue(context.Background()); n != 1 {
			t.Fatalf("run %d sent %d; want close again", run, n)
		}
	}
	if n := s.RunDue(context.Background()); n != 0 || tries["close"] != 3 || tries["replaced"] != 1 {
		t.Fatalf("last run sent %d; tries %v; want close tried 3 times, the replaced entry once", n, tries)
	}
	if at, ok := s.Pending("replaced"); !ok || !at.Equal(t0.Add(time.Hour)) {
		t.Fatalf("replaced pending = %v %v; want the later schedule", at, ok)
	}
	if recs := logs.Records(t); len(recs) != 0 {
		t.Fatalf("logged %v; want nothing for a store that is down", recs)
	}
}

// Advance stops at every due time up to its target, in time order, sends
// each command at its own due time, and sends at the same stop what a
// settle or a send schedules for then or earlier; what falls due later
// waits.
func TestSchedulerAdvanceStopsAtEveryDueTimeInOrder(t *testing.T) {
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	clock := kernel.NewManualClock(start)
	s := NewScheduler(clock, slog.New(slog.DiscardHandler))
	type sent struct {
		key string
		at  time.Duration
	}
	var got []sent
	var settled []time.Duration
	record := func(key string) SendFunc {
		return func(context.Context) error { got = append(got, sent{key, clock.Now().Sub(start)}); return nil }
	}
	s.Schedule("a", start.Add(3*time.Hour), record("a"))
	s.Schedule("b", start.Add(time.Hour), func(ctx context.Context) error {
		s.Schedule("e", start.Add(90*time.Minute), record("e")) // a follow-up, due later
		return record("b")(ctx)
	})
	s.Schedule("c", start.Add(2*time.Hour), record("c"))
	s.Schedule("d", start.Add(5*time.Hour), record("d"))
	settle := func(context.Context) error {
		at := clock.Now().Sub(start)
		if at == time.Hour && len(settled) > 0 && settled[len(settled)-1] != time.Hour {
			s.Schedule("f", start.Add(30*time.Minute), record("f")) // overdue when a workflow writes it
		}
		settled = append(settled, at)
		return nil
	}
	if err := s.Advance(context.Background(), start.Add(4*time.Hour), clock.Set, settle); err != nil {
		t.Fatal(err)
	}
	want := []sent{{"b", time.Hour}, {"f", time.Hour}, {"e", 90 * time.Minute}, {"c", 2 * time.Hour}, {"a", 3 * time.Hour}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("sent %v; want %v", got, want)
	}
	if now := clock.Now(); !now.Equal(start.Add(4 * time.Hour)) {
		t.Fatalf("clock at %s; want the target", now)
	}
	if at, ok := s.Next(); !ok || !at.Equal(start.Add(5*time.Hour)) {
		t.Fatalf("next due %s %v; want d, after the target", at, ok)
	}
	if err := s.Advance(context.Background(), start, clock.Set, settle); err != nil || !clock.Now().Equal(start.Add(4*time.Hour)) {
		t.Fatalf("advance to the past: %v, clock %s; want it left where it was", err, clock.Now())
	}
}

// Next skips cancelled entries and reports none when nothing is pending.
func TestSchedulerNextSkipsCancelledEntries(t *testing.T) {
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	s := NewScheduler(kernel.NewManualClock(start), slog.New(slog.DiscardHandler))
	if _, ok := s.Next(); ok {
		t.Fatal("an empty scheduler has something due")
	}
	s.Schedule("a", start.Add(time.Hour), func(context.Context) error { return nil })
	s.Schedule("b", start.Add(2*time.Hour), func(context.Context) error { return nil })
	s.Cancel("a")
	if at, ok := s.Next(); !ok || !at.Equal(start.Add(2*time.Hour)) {
		t.Fatalf("next %s %v; want b's time", at, ok)
	}
}

// downStore answers reads of streams and its subscription's next event with
// eventstore.ErrUnavailable while down is set, as the embedded store does
// while it is reopened, or with broken once broken is set.
type downStore struct {
	eventstore.Store
	down, broken atomic.Bool
	downReads    atomic.Int32 // reads refused while down
	mu           sync.Mutex
	reads        map[string]int // the reads of each stream answered
}

var errBroken = errors.New("broken")

func (s *downStore) refused() error {
	switch {
	case s.broken.Load():
		return errBroken
	case s.down.Load():
		s.downReads.Add(1)
		return fmt.Errorf("read: %w", eventstore.ErrUnavailable)
	}
	return nil
}

func (s *downStore) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if err := s.refused(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.reads[stream]++
	s.mu.Unlock()
	return s.Store.ReadStream(ctx, stream, dir, from, limit)
}

func (s *downStore) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) (eventstore.Subscription, error) {
	sub, err := s.Store.SubscribeAll(ctx, after, filter)
	return downSub{sub, s}, err
}

type downSub struct {
	eventstore.Subscription
	store *downStore
}

func (d downSub) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	rec, err := d.Subscription.Next(ctx)
	if err == nil {
		err = d.store.refused()
	}
	return rec, err
}

// TestDueWatcherOutlivesAStoreThatIsDown: while the store answers
// ErrUnavailable (reopening after a failed write), the watcher keeps trying
// the event it could not read, and takes the events after once the store is
// back, scheduling what falls due, without reading again those it had
// taken; any other error ends it.
func TestDueWatcherOutlivesAStoreThatIsDown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	t0 := time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	clock := kernel.NewManualClock(t0)
	reg := kernel.NewRegistry()
	reg.Register(timerStarted{}, timerFired{})
	store := &downStore{Store: memstore.New(clock), reads: map[string]int{}}
	h := NewHandler(store.Store, reg, timerDecider, clock, 10)
	watched := NewHandler(store, reg, timerDecider, clock, 10) // reads through the store that goes down
	sched := NewScheduler(clock, slog.New(slog.NewTextHandler(io.Discard, nil)))
	w := NewDueWatcher(watched, sched, timerNext(func(s timer) uuid.UUID { return s.ID }))
	ended := make(chan error, 1)
	go func() { ended <- w.Run(ctx, store) }()

	start := func(due time.Duration) (uuid.UUID, uint64) {
		id := uuid.New()
		res, err := h.Handle(ctx, timerCmd{ID: id, Start: t0.Add(due)}, meta())
		if err != nil {
			t.Fatal(err)
		}
		return id, res.Position
	}
	first, pos := start(time.Hour)
	if err := w.WaitFor(ctx, pos); err != nil {
		t.Fatal(err)
	}
	store.down.Store(true)
	id, pos := start(2 * time.Hour)
	testenv.KeepsTrying(t, "the watcher", store.downReads.Load, ended)
	store.down.Store(false)
	waited, stop := context.WithTimeout(ctx, 10*time.Second)
	defer stop()
	if err := w.WaitFor(waited, pos); err != nil {
		t.Fatalf("the watcher did not take the event once the store was back: %v", err)
	}
	if at, ok := sched.Pending(kernel.StreamName("timer", id)); !ok || !at.Equal(t0.Add(2*time.Hour)) {
		t.Fatalf("pending %v %v, want the due time of the timer started while the store was down", at, ok)
	}
	store.mu.Lock()
	n := store.reads[kernel.StreamName("timer", first)]
	store.mu.Unlock()
	if n != 1 {
		t.Fatalf("the timer taken before the store went down was read %d times, want once", n)
	}

	store.broken.Store(true)
	start(3 * time.Hour)
	select {
	case err := <-ended:
		if !errors.Is(err, errBroken) {
			t.Fatalf("the watcher ended with %v, want the store's error", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher did not end on an error other than unavailability")
	}
}
