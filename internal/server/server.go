// Package server assembles nongjiao from its parts: the event store, the
// command side (internal/app), the read models and their projector, the live
// hub, the GraphQL schema of every area and the HTTP transport. cmd/nongjiao
// and the end-to-end tests both start the exchange through Open.
//
// Every component logs through Config.Log (NewLogger builds it, text or
// JSON). The embedded store is wrapped in eventstore/reopen, so a write or
// fsync failure is followed by an in-process reopen while queries go on.
// /readyz answers ready only while the store accepts appends and the read
// models trail it by at most Config.MaxProjectionLag events; /healthz only
// says the process lives. The token secret is created (durably) on first
// Open.
//
// The embedded store's data directory is marked a sandbox's or a real
// exchange's when first opened, and refuses the other mode (ErrWrongMode of
// package sandbox). With Config.Sandbox the exchange runs on the sandbox's
// clock, which Server.Sandbox moves (the schema's advanceClock); the process
// managers then run under a messaging.Idle, so an advance can tell when they
// have settled.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/graphql-go/graphql"
	"golang.org/x/sync/errgroup"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/api/assets"
	"github.com/nongjiao/nongjiao/internal/api/calendar"
	"github.com/nongjiao/nongjiao/internal/api/coops"
	"github.com/nongjiao/nongjiao/internal/api/credit"
	"github.com/nongjiao/nongjiao/internal/api/demands"
	"github.com/nongjiao/nongjiao/internal/api/listings"
	"github.com/nongjiao/nongjiao/internal/api/parties"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/eventstore/kurrentdb"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/reopen"
	"github.com/nongjiao/nongjiao/internal/httpapi"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lease"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/process"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/assetview"
	"github.com/nongjiao/nongjiao/internal/readmodel/coopview"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
	"github.com/nongjiao/nongjiao/internal/readmodel/demandview"
	"github.com/nongjiao/nongjiao/internal/readmodel/feed"
	"github.com/nongjiao/nongjiao/internal/readmodel/listingview"
	"github.com/nongjiao/nongjiao/internal/readmodel/partyview"
	"github.com/nongjiao/nongjiao/internal/sandbox"
)

// Config says which backends to use and where.
type Config struct {
	DataDir      string // the embedded store, embedded read models and the token secret
	Store        string // "file" (default), "postgres" or "kurrentdb"
	KurrentDBURL string // with Store "kurrentdb"
	ReadModel    string // "sqlite" (default) or "postgres"
	PostgresURL  string // with Store or ReadModel "postgres"
	// PostgresSchema holds the PostgreSQL tables, events and read models ("nongjiao" when empty).
	PostgresSchema string
	// Worker runs the projector, the scheduler and the workflows in
	// this process; `serve` is one by default. With PostgreSQL (the store or
	// the read models) any number of workers may run: they compete for a
	// lease (package lease), and only its holder works; the others serve the
	// API until they take over. Without it a deployment runs exactly one.
	Worker bool
	// LeasePoll is how often a standby worker tries to take the lease (500 ms when 0).
	LeasePoll time.Duration
	Clock     kernel.Clock // kernel.SystemClock when nil
	Log       *slog.Logger // slog.Default() when nil
	// SchedulerTick is how often the scheduler looks for due commands (1 s when 0).
	SchedulerTick time.Duration
	// MaxProjectionLag is how many events the read models may trail the
	// store by while /readyz still answers ready (DefaultMaxProjectionLag when 0).
	MaxProjectionLag uint64
	// ProjectionLinger is how long the projector gathers events nobody
	// waits for into one transaction (when 0: readmodel.DefaultLinger on
	// SQLite, none on PostgreSQL, whose API replicas cannot hurry it).
	ProjectionLinger time.Duration
	// Sandbox runs the exchange on a clock that moves only with the
	// advanceClock mutation (package sandbox): the data directory must be
	// a sandbox's, or new, and Clock stays the wall clock (when a new
	// sandbox starts, tokens, request timings). Without it the data
	// directory must not be a sandbox's.
	Sandbox bool
	// OIDCIssuer, when set, is an OpenID Connect provider whose ID and
	// access tokens (JWT) sign parties in beside the built-in tokens; they
	// must name OIDCClientID in their audience. A token's subject signs in
	// the party the register links it to (linkSignIn).
	OIDCIssuer   string
	OIDCClientID string

	// wrapBackend, when set, wraps every embedded store backend opened
	// (tests inject faults with it).
	wrapBackend func(eventstore.Store) eventstore.Store
}

// area is one part of the API: its GraphQL fields and its projections.
type area struct {
	register    func(*api.Builder, api.Deps)
	projections func() []readmodel.Projection
}

var areas = []area{
	{assets.Register, assetview.Projections},
	{listings.Register, listingview.Projections},
	{coops.Register, coopview.Projections},
	{credit.Register, creditview.Projections},
	{demands.Register, demandview.Projections},
	{parties.Register, partyview.Projections},
	{calendar.Register, calendar.Projections},
}

// Server is an assembled exchange.
type Server struct {
	Config    Config
	Store     eventstore.Store // its subscriptions share one (messaging.Shared)
	App       *app.App
	DB        *readmodel.DB
	Projector *readmodel.Projector
	Live      *api.Hub
	Schema    graphql.Schema
	HTTP      *httpapi.Server
	Issuer    *auth.Issuer
	// Sandbox moves the clock of a sandbox; nil otherwise.
	Sandbox *sandbox.Advancer

	backend eventstore.Store // the store Store shares the subscriptions of
	lease   *lease.Postgres  // a worker's, when several may run; nil otherwise
	wall    kernel.Clock     // Config.Clock as given: on a sandbox, not the exchange's clock
	idle    *messaging.Idle  // a sandbox's view of the workflows
	running chan struct{}    // closed once a sandbox's router runs its handlers
}

// Open opens the store and read models and builds the API. Close releases them.
func Open(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Clock == nil {
		cfg.Clock = kernel.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.SchedulerTick == 0 {
		cfg.SchedulerTick = time.Second
	}
	if cfg.MaxProjectionLag == 0 {
		cfg.MaxProjectionLag = DefaultMaxProjectionLag
	}
	if cfg.PostgresSchema == "" {
		cfg.PostgresSchema = "nongjiao"
	}
	// On a sandbox only the exchange's decisions follow its clock; tokens,
	// request timings and the store's reopen back-off keep the wall clock.
	wall := cfg.Clock
	clock, err := markDataDir(cfg)
	if err != nil {
		return nil, err
	}
	if clock != nil {
		cfg.Clock = clock
	}
	s := &Server{Config: cfg, wall: wall}
	if cfg.Worker && (cfg.Store == "postgres" || cfg.ReadModel == "postgres") {
		s.lease = &lease.Postgres{URL: cfg.PostgresURL, Name: "worker/" + cfg.PostgresSchema, Poll: cfg.LeasePoll, Log: cfg.Log}
	}
	if s.backend, err = openStore(ctx, cfg, wall); err != nil {
		return nil, err
	}
	// The projector, the workflows, the scheduler's watchers and the live
	// hub each subscribe with their own position; they share one
	// subscription of the store.
	s.Store = messaging.NewShared(s.backend)
	if clock != nil { // the sandbox's now is never before its last event
		last, err := sandbox.LastRecorded(ctx, s.Store)
		if err != nil {
			s.Store.Close()
			return nil, err
		}
		if last.After(clock.Now()) {
			clock.Set(last)
		}
	}
	if s.DB, err = openReadModels(ctx, cfg); err != nil {
		s.Store.Close()
		return nil, err
	}
	if err := s.build(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// markDataDir checks that the embedded store's data directory was made in
// the mode cfg asks for, marking a new one (package sandbox), and returns a
// sandbox's clock: at the time saved by its last advance or, for a new one,
// when it was made. Another store keeps no events there and is not marked;
// it cannot run a sandbox.
func markDataDir(cfg Config) (*sandbox.Clock, error) {
	if cfg.Store != "" && cfg.Store != "file" {
		if cfg.Sandbox {
			return nil, errors.New("--sandbox needs the embedded store (--store file): another store records events at its own time")
		}
		return nil, nil
	}
	created, err := sandbox.Mark(cfg.DataDir, cfg.Sandbox, cfg.Clock.Now())
	if err != nil || !cfg.Sandbox {
		return nil, err
	}
	return sandbox.OpenClock(cfg.DataDir, created)
}

// openStore opens the configured store. The embedded one is reopened in
// the background after a write failure (see package reopen).
func openStore(ctx context.Context, cfg Config, wall kernel.Clock) (eventstore.Store, error) {
	switch cfg.Store {
	case "", "file":
		return reopen.Open(func() (eventstore.Store, error) {
			st, err := filestore.Open(filestore.Options{Dir: filepath.Join(cfg.DataDir, "events"), Clock: cfg.Clock, Log: cfg.Log})
			switch {
			case err != nil:
				return nil, err
			case cfg.wrapBackend != nil:
				return cfg.wrapBackend(st), nil
			}
			return st, nil
		}, reopen.Options{Log: cfg.Log, Clock: wall})
	case "postgres":
		return pgstore.Open(ctx, pgstore.Options{URL: cfg.PostgresURL, Schema: cfg.PostgresSchema, Clock: cfg.Clock, Log: cfg.Log})
	case "kurrentdb":
		return kurrentdb.Open(ctx, cfg.KurrentDBURL, cfg.Log)
	default:
		return nil, fmt.Errorf("unknown store %q: want file, postgres or kurrentdb", cfg.Store)
	}
}

func openReadModels(ctx context.Context, cfg Config) (*readmodel.DB, error) {
	switch cfg.ReadModel {
	case "", "sqlite":
		return readmodel.OpenSQLite(cfg.DataDir)
	case "postgres":
		return readmodel.OpenPostgres(ctx, cfg.PostgresURL, cfg.PostgresSchema)
	default:
		return nil, fmt.Errorf("unknown read model backend %q: want sqlite or postgres", cfg.ReadModel)
	}
}

func (s *Server) build(ctx context.Context) error {
	cfg := s.Config
	s.App = app.New(s.Store, cfg.Clock, cfg.Log, app.Options{})
	var projs []readmodel.Projection
	for _, a := range areas {
		projs = append(projs, a.projections()...)
	}
	var err error
	if s.Projector, err = readmodel.NewProjector(ctx, s.DB, s.App.Events, projs...); err != nil {
		return err
	}
	s.Projector.Log = cfg.Log
	switch {
	case cfg.ProjectionLinger > 0:
		s.Projector.Linger = cfg.ProjectionLinger
	case s.DB.Dialect == readmodel.Postgres:
		// API replicas wait for the worker's commits (Follow) and cannot ask
		// it to commit sooner, so their read-your-writes would wait out the
		// linger: on shared read models the worker commits at once.
		s.Projector.Linger = 0
	}
	// Only the process that projects may drop and rebuild tables: with a
	// lease, the worker that takes it, when it does.
	if cfg.Worker && s.lease == nil {
		if err := s.Projector.RebuildStale(ctx, feed.Source(s.Store)); err != nil {
			return err
		}
	}
	s.Live = api.NewHub(s.Store, s.App.Events, 256)
	s.Live.Hidden = messaging.Internal // what a category subscriber waits for must reach the read models
	deps := api.Deps{App: s.App, DB: s.DB, Live: s.Live, Clock: cfg.Clock, Projected: s.Projector.WaitFor}
	if clock, ok := cfg.Clock.(*sandbox.Clock); ok && cfg.Sandbox {
		s.idle, s.running = messaging.NewIdle(s.Store), make(chan struct{})
		settler := sandbox.Settler{
			Store:      s.idle,
			Watchers:   s.App.SchedulerCaughtUp,
			Managers:   s.managersIdle,
			Projection: s.Projector.WaitFor,
			Live:       s.Live.WaitFor,
		}
		s.Sandbox = sandbox.NewAdvancer(clock, s.App.Scheduler, settler.Settle)
		deps.Sandbox = s.Sandbox
	}
	var cacheable map[string]bool
	if s.Schema, cacheable, err = buildSchema(deps); err != nil {
		return err
	}
	secret, err := auth.CreateSecret(cfg.DataDir)
	if err != nil {
		return err
	}
	s.Issuer = auth.NewIssuer(secret, s.wall)
	verifier := auth.Verifiers{Local: auth.NewVerifier(secret, s.wall)}
	if cfg.OIDCIssuer != "" {
		verifier.OIDC, err = auth.NewOIDC(ctx, auth.OIDCConfig{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, Clock: s.wall, Resolve: api.SignIns(s.App)})
		if err != nil {
			return err
		}
	}
	s.HTTP, err = httpapi.New(httpapi.Options{
		Schema:   &s.Schema,
		Verifier: verifier,
		WaitFunc: s.Projector.WaitFor,
		// Board queries at an unchanged read-model position are answered
		// from the response already computed for the same caller.
		Changes:         s.Projector.Changes(),
		Cacheable:       cacheable,
		Compile:         api.Compile,
		CompileMutation: api.CompileMutation,
		Logger:          cfg.Log,
		Clock:           s.wall,
		Readiness:       s.readiness(),
		SignIn:          httpapi.BoardSignIn{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID},
	})
	return err
}

// buildSchema assembles the GraphQL schema of every area, resolving through
// deps, and returns it with the names of its cacheable query fields.
func buildSchema(deps api.Deps) (graphql.Schema, map[string]bool, error) {
	b := api.NewBuilder()
	api.RegisterViewer(b)
	api.RegisterClock(b, deps.Clock, deps.Sandbox)
	for _, a := range areas {
		a.register(b, deps)
	}
	schema, err := b.Build()
	if err != nil {
		return schema, nil, fmt.Errorf("build schema: %w", err)
	}
	return schema, b.Cacheable(), nil
}

// SDL returns the GraphQL schema the server serves in the schema definition
// language: what schema/schema.graphql holds. Building it opens nothing: the
// mutation tables are bound to an application over an empty in-memory store,
// and no resolver is ever called.
func SDL() (string, error) {
	clock := kernel.SystemClock{}
	schema, _, err := buildSchema(api.Deps{App: app.New(memstore.New(clock), clock, slog.New(slog.DiscardHandler), app.Options{}), Clock: clock})
	if err != nil {
		return "", err
	}
	return api.PrintSDL(schema), nil
}

// Run serves HTTP on ln and, for a worker, keeps read models, the scheduler
// and the live hub current, until ctx ends or one of them fails. It returns
// nil when ctx ends, at whatever moment of start-up that happens.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	if s.Sandbox != nil && !s.Config.Worker {
		return errors.New("--sandbox runs the whole exchange in one process: it cannot be used with --worker=false")
	}
	g, ctx := errgroup.WithContext(ctx)
	// part runs f in g; an error f reports once ctx has ended is the
	// cancellation reaching a part still starting (the watermill router,
	// say, fails to load a checkpoint with context.Canceled), not a failure.
	part := func(f func() error) {
		g.Go(func() error {
			if err := f(); ctx.Err() == nil {
				return err
			}
			return nil
		})
	}
	switch {
	case s.Config.Worker && s.lease != nil:
		part(func() error { return s.standBy(ctx) })
	case s.Config.Worker:
		if err := s.work(ctx, part); err != nil {
			return err
		}
	default: // the worker elsewhere commits the read models this replica serves
		part(func() error { return s.Projector.Follow(ctx, followEvery) })
	}
	part(func() error { return s.Live.Run(ctx, s.Projector.Position()) })
	srv := &http.Server{Handler: s.HTTP, ReadHeaderTimeout: 10 * time.Second}
	g.Go(func() error {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.HTTP.Shutdown(shutdown) //nolint:errcheck // best effort on the way out
		return srv.Shutdown(shutdown)
	})
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	return g.Wait()
}

// followEvery is how often a process that does not project reads the
// read models' committed checkpoints.
const followEvery = 20 * time.Millisecond

// work starts, through part, what the active worker runs: the router of
// the projector and the workflows, and the scheduler.
func (s *Server) work(ctx context.Context, part func(func() error)) error {
	router, err := messaging.NewRouter(messaging.RouterConfig{Logger: watermill.NewSlogLogger(s.Config.Log)})
	if err != nil {
		return err
	}
	var opts []process.Option
	if s.idle != nil { // a sandbox settles on what the managers have handled
		opts = append(opts, process.WithCheckpoints(s.idle.Checkpoints(messaging.NewStoreCheckpoints(s.Store))))
		router.AddMiddleware(s.idle.Middleware)
		go func() {
			select {
			case <-router.Running():
				close(s.running)
			case <-ctx.Done():
			}
		}()
	}
	if err := process.AddTo(router, s.App, s.Config.Log, opts...); err != nil {
		return err
	}
	feed.AddTo(ctx, router, s.Store, s.Projector)
	part(func() error { return router.Run(ctx) })
	part(func() error { return s.App.RunScheduler(ctx, s.Config.SchedulerTick) })
	return nil
}

// errLeaseLost ends a worker that lost its lease: another may hold it now,
// and this process's projector and scheduler may be behind what that one
// has done. A supervisor restarts it, as a standby.
var errLeaseLost = errors.New("the worker lease was lost: stopping, so that the worker holding it now is the only one")

// standBy follows the read models as an API replica does until this
// process holds the worker lease, then reloads the checkpoints committed by
// the previous holder, rebuilds stale projections, and works until ctx ends
// (nil) or the lease is lost (errLeaseLost).
func (s *Server) standBy(ctx context.Context) error {
	following, stopFollowing := context.WithCancel(ctx)
	followed := make(chan error, 1)
	go func() { followed <- s.Projector.Follow(following, followEvery) }()
	held, release, err := s.lease.Acquire(ctx)
	stopFollowing()
	<-followed
	if err != nil {
		return err
	}
	defer release()
	if err := s.Projector.Reload(held); err != nil {
		return err
	}
	if err := s.Projector.RebuildStale(held, feed.Source(s.Store)); err != nil {
		return err
	}
	g, gctx := errgroup.WithContext(held)
	if err := s.work(gctx, func(f func() error) { g.Go(f) }); err != nil {
		return err
	}
	err = g.Wait()
	if ctx.Err() == nil && errors.Is(context.Cause(held), lease.ErrLost) {
		return errLeaseLost
	}
	return err
}

// managersIdle blocks until the router runs and every workflow has
// handled what the sandbox's last scan of the store read.
func (s *Server) managersIdle(ctx context.Context) error {
	select {
	case <-s.running:
	case <-ctx.Done():
		return ctx.Err()
	}
	return s.idle.WaitFor(ctx)
}

// Replay rebuilds every read model from the store, from the events the
// worker's projector is fed, in one transaction: when it fails, the previous
// tables are left as they were. It returns the number of events read. No
// worker may run on the same read models meanwhile.
func (s *Server) Replay(ctx context.Context) (int, error) {
	return s.Projector.Replay(ctx, feed.Source(s.Store), 1024)
}

// Close releases the read models and the store.
func (s *Server) Close() error {
	var errs []error
	if s.DB != nil {
		errs = append(errs, s.DB.Close())
	}
	if s.Store != nil {
		errs = append(errs, s.Store.Close())
	}
	return errors.Join(errs...)
}
