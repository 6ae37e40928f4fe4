package app

import (
	"context"
	"log/slog"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/nongjiao/nongjiao/internal/calendar"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/demand"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/party"
	"github.com/nongjiao/nongjiao/internal/process/workflow"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// App is the exchange's command side: one Handler per aggregate type over one
// event store, the codec registry of every context's events, and the
// scheduler of time-driven commands.
type App struct {
	Store  eventstore.Store
	Events *kernel.Registry
	Clock  kernel.Clock
	Log    *slog.Logger

	Assets     *Handler[registry.State, registry.Command]
	Packages   *Handler[registry.PackageState, registry.PackageCommand]
	Listings   *Handler[listing.State, listing.Command]
	Transfers  *Handler[transfer.State, transfer.Command]
	Coops      *Handler[coop.State, coop.Command]
	Collateral *Handler[collateral.State, collateral.Command]
	Loans      *Handler[lending.State, lending.Command]
	Products   *Handler[lending.ProductState, lending.ProductCommand]
	Funds      *Handler[fund.State, fund.Command]
	Parties    *Handler[party.State, party.Command]
	PartyKeys  *Handler[party.KeyState, party.KeyCommand]
	Calendar   *Handler[calendar.State, calendar.Command]
	Demands    *Handler[demand.State, demand.Command]
	Scheduler  *Scheduler
	watchers   []watcher
}

// watcher is a DueWatcher of any aggregate type.
type watcher interface {
	Watch(ctx context.Context, rec eventstore.RecordedEvent) error
	WaitFor(ctx context.Context, pos uint64) error
}

// Options tune an App.
type Options struct {
	// CacheSize bounds how many aggregates of each type stay in memory
	// (default 10,000): the hot ones; a cold one is folded again from its
	// stream on its next command, which costs one short read.
	CacheSize int
}

// Registry returns a codec registry with every context's events.
func Registry() *kernel.Registry {
	r := kernel.NewRegistry()
	registry.RegisterEvents(r)
	listing.RegisterEvents(r)
	transfer.RegisterEvents(r)
	coop.RegisterEvents(r)
	collateral.RegisterEvents(r)
	lending.RegisterEvents(r)
	fund.RegisterEvents(r)
	demand.RegisterEvents(r)
	party.RegisterEvents(r)
	calendar.RegisterEvents(r)
	workflow.RegisterEvents(r)
	return r
}

// New wires an App over store.
func New(store eventstore.Store, clock kernel.Clock, log *slog.Logger, opts Options) *App {
	if opts.CacheSize == 0 {
		opts.CacheSize = 10_000
	}
	reg := Registry()
	a := &App{Store: store, Events: reg, Clock: clock, Log: log, Scheduler: NewScheduler(clock, log)}
	a.Assets = NewHandler(store, reg, registry.Decider, clock, opts.CacheSize)
	a.Packages = NewHandler(store, reg, registry.PackageDecider, clock, opts.CacheSize)
	a.Listings = NewHandler(store, reg, listing.Decider, clock, opts.CacheSize)
	a.Transfers = NewHandler(store, reg, transfer.Decider, clock, opts.CacheSize)
	a.Coops = NewHandler(store, reg, coop.Decider, clock, opts.CacheSize)
	a.Collateral = NewHandler(store, reg, collateral.Decider, clock, opts.CacheSize)
	a.Loans = NewHandler(store, reg, lending.Decider, clock, opts.CacheSize)
	a.Products = NewHandler(store, reg, lending.ProductDecider, clock, opts.CacheSize)
	a.Funds = NewHandler(store, reg, fund.Decider, clock, opts.CacheSize)
	a.Demands = NewHandler(store, reg, demand.Decider, clock, opts.CacheSize)
	a.Parties = NewHandler(store, reg, party.Decider, clock, opts.CacheSize)
	a.PartyKeys = NewHandler(store, reg, party.KeyDecider, clock, opts.CacheSize)
	a.Calendar = NewHandler(store, reg, calendar.Decider, clock, opts.CacheSize)
	// Every listing deadline counts working days: each batch of listing
	// commands is decided under the calendar in force at that moment.
	a.Listings.facts = func(ctx context.Context) (func(listing.State) listing.State, error) {
		cal, err := a.Facts().Calendar(ctx)
		return func(s listing.State) listing.State { s.Calendar = cal; return s }, err
	}
	watch(a, a.Assets, registry.State.NextDue)
	watch(a, a.Listings, listing.State.NextDue)
	watch(a, a.Transfers, transfer.State.NextDue)
	watch(a, a.Coops, coop.State.NextDue)
	watch(a, a.Collateral, collateral.State.NextDue)
	watch(a, a.Loans, lending.State.NextDue)
	return a
}

func watch[S any, C kernel.Command](a *App, h *Handler[S, C], next NextDueFunc[S, C]) {
	a.watchers = append(a.watchers, NewDueWatcher(h, a.Scheduler, next))
}

// RunScheduler follows the store to learn every aggregate's next due command
// and sends each when it falls due, checking at least every tick, until ctx ends.
// Run it in exactly one process per deployment (the worker).
func (a *App) RunScheduler(ctx context.Context, tick time.Duration) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return a.RunDueWatchers(ctx) })
	g.Go(func() error { a.Scheduler.Run(ctx, tick); return nil })
	return g.Wait()
}

// RunDueWatchers keeps the scheduler's entries current without sending
// anything: whoever drives time (a test moving a manual clock) calls
// Scheduler.RunDue itself. The watchers of every aggregate type follow the
// store through one subscription, each event handed to each in turn.
func (a *App) RunDueWatchers(ctx context.Context) error {
	return eventstore.Follow(ctx, a.Store, 0, func(ctx context.Context, rec eventstore.RecordedEvent) error {
		for _, w := range a.watchers {
			if err := w.Watch(ctx, rec); err != nil {
				return err
			}
		}
		return nil
	})
}

// SchedulerCaughtUp blocks until the scheduler has seen the store up to pos.
// Tests call it before moving a manual clock and running due commands.
func (a *App) SchedulerCaughtUp(ctx context.Context, pos uint64) error {
	for _, w := range a.watchers {
		if err := w.WaitFor(ctx, pos); err != nil {
			return err
		}
	}
	return nil
}
