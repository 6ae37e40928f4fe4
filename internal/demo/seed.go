package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// History is how far before now the demo's story begins (at midnight,
// Shanghai, of that day). The story ends at now, truncated to the minute.
const History = 60 * 24 * time.Hour

// Seed writes the demo's story into store if the store is empty, and returns
// how many events it wrote (0 when the store already held events). The story
// runs on its own manual clock from now − History to now, through the same
// commands and deciders as the API, with the time-driven commands sent as
// their time comes, so the events carry a real history and the demo ends at
// now with listings, an auction, a contract, a cooperative and a loan in the
// states the package documentation lists.
//
// An error means a domain rule refused a step of the story (a *kernel.Error,
// wrapped with the step and its time), the store failed, or ctx ended.
// Events written before an error stay in the store.
func Seed(ctx context.Context, store eventstore.Store, now time.Time, log *slog.Logger) (int, error) {
	_, n, err := seed(ctx, store, now, log)
	return n, err
}

// seed is Seed returning the App that wrote the story, for tests.
func seed(ctx context.Context, store eventstore.Store, now time.Time, log *slog.Logger) (*app.App, int, error) {
	head, err := store.ReadAll(ctx, 0, 1)
	if err != nil {
		return nil, 0, err
	}
	if len(head) > 0 {
		return nil, 0, nil
	}
	if log == nil {
		log = slog.Default()
	}
	now = now.UTC().Truncate(time.Minute)
	first := now.Add(-History).In(kernel.Shanghai) // the story starts at midnight, Shanghai, of that day
	start := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, kernel.Shanghai).UTC()
	clock := kernel.NewManualClock(start)
	storyCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := &seeder{ctx: storyCtx, store: store, clock: clock, start: start, now: now,
		app: app.New(store, clock, log, app.Options{}), sched: app.NewScheduler(clock, log)}
	done := s.watch(cancel)
	story(s)
	s.at(now)
	cancel()
	if err := <-done; err != nil { // a failed watcher is the cause of what failed after it
		s.err = fmt.Errorf("demo: due watcher: %w", err)
	}
	if err := s.count(ctx); err != nil && s.err == nil { // what a failed story wrote counts too
		s.err = err
	}
	return s.app, s.events, s.err
}

// seeder drives an App through the story. Like bufio.Scanner it keeps the
// first error and turns every later step into a no-op, so the story reads as
// a plain script; Seed reports the error at the end.
type seeder struct {
	ctx   context.Context
	store eventstore.Store
	clock *kernel.ManualClock
	start time.Time // where the story begins
	now   time.Time // where the story ends
	app   *app.App
	// sched holds the time-driven commands. It is the demo's own, not the
	// App's: it sends commands only when the story calls RunDue, never from a
	// background loop, so no due command is in flight while the next step runs.
	sched   *app.Scheduler
	waiters []func(context.Context, uint64) error

	commands int    // commands sent so far; names the next command id
	last     uint64 // position of the last event seen in the store
	events   int    // events seen in the store
	err      error
}

// watch starts one due watcher per aggregate type with time-driven commands
// (as app.New does for the App's own scheduler) and returns a channel that
// yields their errors once s.ctx ends. A watcher that fails calls cancel, so
// the story stops instead of waiting for it.
func (s *seeder) watch(cancel context.CancelFunc) <-chan error {
	runs := []func(context.Context, eventstore.Store) error{
		addWatcher(s, s.app.Assets, registry.State.NextDue),
		addWatcher(s, s.app.Listings, listing.State.NextDue),
		addWatcher(s, s.app.Transfers, transfer.State.NextDue),
		addWatcher(s, s.app.Coops, coop.State.NextDue),
		addWatcher(s, s.app.Collateral, collateral.State.NextDue),
		addWatcher(s, s.app.Loans, lending.State.NextDue),
	}
	errs := make(chan error, len(runs))
	for _, run := range runs {
		go func() {
			err := run(s.ctx, s.store)
			if err != nil {
				cancel()
			}
			errs <- err
		}()
	}
	done := make(chan error, 1)
	go func() {
		var all []error
		for range runs {
			if err := <-errs; err != nil && !errors.Is(err, context.Canceled) {
				all = append(all, err)
			}
		}
		done <- errors.Join(all...)
	}()
	return done
}

func addWatcher[S any, C kernel.Command](s *seeder, h *app.Handler[S, C], next app.NextDueFunc[S, C]) func(context.Context, eventstore.Store) error {
	w := app.NewDueWatcher(h, s.sched, next)
	s.waiters = append(s.waiters, w.WaitFor)
	return w.Run
}

// at moves the story's clock to t and sends every time-driven command that
// fell due, until none is left.
func (s *seeder) at(t time.Time) {
	if s.err != nil {
		return
	}
	if t.Before(s.clock.Now()) || t.After(s.now) {
		s.err = fmt.Errorf("demo: step at %s lies outside %s – %s", t.Format(time.RFC3339), s.clock.Now().Format(time.RFC3339), s.now.Format(time.RFC3339))
		return
	}
	s.clock.Set(t)
	for s.settle() {
		if s.sched.RunDue(s.ctx) == 0 {
			return
		}
	}
}

// settle counts the events stored since the last look and waits until the
// due watchers have seen them, so the scheduler knows what is due. It reports
// whether the seeder is still without error.
func (s *seeder) settle() bool {
	if s.err != nil {
		return false
	}
	if err := s.count(s.ctx); err != nil {
		s.err = err
		return false
	}
	for _, wait := range s.waiters {
		if err := wait(s.ctx, s.last); err != nil {
			s.err = err
			return false
		}
	}
	return true
}

// count counts the events stored since the last look.
func (s *seeder) count(ctx context.Context) error {
	for {
		recs, err := s.store.ReadAll(ctx, s.last, 1024)
		if err != nil || len(recs) == 0 {
			return err
		}
		s.events += len(recs)
		s.last = recs[len(recs)-1].Position
	}
}

// send returns a function that handles a command of h's aggregate type as
// actor ("<role>:<party>") at the clock's time: send(s, h, actor)(cmd).
func send[S any, C kernel.Command](s *seeder, h *app.Handler[S, C], actor string) func(C) {
	return sendVia(s, h.Handle, actor)
}

// sendVia is send through handle: another sender than a Handler, such as
// app.PartyCommands.
func sendVia[C kernel.Command](s *seeder, handle func(context.Context, C, app.Meta) (app.Result, error), actor string) func(C) {
	return func(cmd C) {
		if s.err != nil {
			return
		}
		s.commands++
		meta := app.Meta{CommandID: id("command/" + strconv.Itoa(s.commands)), Actor: actor}
		if _, err := handle(s.ctx, cmd, meta); err != nil {
			s.err = fmt.Errorf("demo step %d at %s, %T: %w", s.commands, s.clock.Now().Format(time.RFC3339), cmd, err)
		}
	}
}

// read returns what f reads from the aggregate id's current state.
func read[S any, C kernel.Command, T any](s *seeder, h *app.Handler[S, C], id uuid.UUID, f func(S) T) T {
	var out T
	if s.err != nil {
		return out
	}
	if err := h.Inspect(s.ctx, id, func(st S, _ uint64) { out = f(st) }); err != nil {
		s.err = err
	}
	return out
}

// withFacts returns cmd with the facts of other aggregates that fill (one of
// app.Facts' methods) reads, as a resolver sends it.
func withFacts[C any](s *seeder, fill func(context.Context, C) (C, error), cmd C) C {
	if s.err != nil {
		return cmd
	}
	out, err := fill(s.ctx, cmd)
	if err != nil {
		s.err = err
	}
	return out
}

// calendar returns the working-day calendar in force, as the exchange's
// clerks count an announcement with it.
func (s *seeder) calendar() kernel.Calendar {
	if s.err != nil {
		return kernel.Calendar{}
	}
	cal, err := s.app.Facts().Calendar(s.ctx)
	if err != nil {
		s.err = err
	}
	return cal
}

// notBefore returns t, or the clock's time when that is later: a step that
// must follow what a holiday may have delayed.
func (s *seeder) notBefore(t time.Time) time.Time {
	if now := s.clock.Now(); now.After(t) {
		return now
	}
	return t
}

// day returns hour:minute, Shanghai time, on the n-th day of the story.
func (s *seeder) day(n, hour, minute int) time.Time {
	d := s.start.In(kernel.Shanghai).AddDate(0, 0, n)
	return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, kernel.Shanghai).UTC()
}

// actor names a party acting in role, as app.Meta.Actor wants it.
func actor(role string, party uuid.UUID) string { return role + ":" + party.String() }
