package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/logtest"
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
	sent := 0
	for i := range 10_000 {
		s.Schedule(fmt.Sprintf("k%d", i%3), t0.Add(time.Duration(10_000-i)*time.Minute), func(context.Context) error { sent++; return nil })
	}
	if n := len(s.queue); n > 2*1024+3 {
		t.Fatalf("%d queue entries for 3 aggregates", n)
	}
	clock.Advance(10_000 * time.Minute)
	if n := s.RunDue(context.Background()); n != 3 || sent != 3 {
		t.Fatalf("sent %d (RunDue said %d), want the 3 latest schedules", sent, n)
	}
}

// A command the store refuses for being down is kept for the next run, not
// logged and dropped; one the aggregate replaced meanwhile is not kept.
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
