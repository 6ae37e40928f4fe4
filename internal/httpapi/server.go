package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel/changes"
)

// WaitFunc blocks until the read models have applied every event up to and
// including position, or ctx ends (then it returns ctx's error).
type WaitFunc func(ctx context.Context, position uint64) error

// Defaults for the zero values of Options' limits.
const (
	DefaultMaxDepth       = 15
	DefaultMaxCost        = 5000
	DefaultMaxBodyBytes   = 1 << 20
	DefaultTimeout        = 10 * time.Second
	DefaultWaitTimeout    = 2 * time.Second
	DefaultCacheSize      = 1024
	DefaultCacheBytes     = 4 << 20
	DefaultInitTimeout    = 10 * time.Second
	DefaultMaxSubscribers = 100
)

// Options configure a Server. Schema is required; zero limits take the
// defaults above.
type Options struct {
	Schema *graphql.Schema
	// Verifier checks bearer tokens (HTTP Authorization header, WebSocket
	// connection_init payload). Nil means every caller is anonymous and any
	// token is refused.
	Verifier auth.TokenVerifier
	// MaxDepth bounds how deeply an operation's fields nest.
	MaxDepth int
	// MaxCost bounds an operation's cost (see the package documentation).
	MaxCost int
	// MaxBodyBytes bounds a POST body and a WebSocket message.
	MaxBodyBytes int64
	// Timeout bounds the execution of one query or mutation.
	Timeout time.Duration
	// WaitFunc, when set, is called before a query that names a position
	// (PositionHeader); WaitTimeout bounds the wait.
	WaitFunc    WaitFunc
	WaitTimeout time.Duration
	// CacheSize is how many distinct documents stay parsed and validated, and
	// CacheBytes bounds the total length of their query texts.
	CacheSize  int
	CacheBytes int
	// InitTimeout is how long a WebSocket client may take to send connection_init.
	InitTimeout time.Duration
	// MaxSubscribers bounds the operations running at once on one WebSocket.
	MaxSubscribers int
	// Logger receives internal errors; nil means slog.Default().
	Logger *slog.Logger
	// Changes, with Cacheable, enables the result cache: the read models'
	// change log, and the root query fields whose resolvers read only read
	// models (never the clock or the event store). A query made of such
	// fields is answered from the response computed for the same caller,
	// variables and document until the log reports a change to something
	// it read (see package changes).
	Changes   *changes.Log
	Cacheable map[string]bool
	// Clock times requests for the metrics; nil means kernel.SystemClock.
	Clock kernel.Clock
	// Registry receives the metrics served at /metrics; nil means a new
	// registry with the Go and process collectors.
	Registry *prometheus.Registry
	// Readiness are the checks /readyz runs; with none it is always ready.
	Readiness []Check
	// SignIn, when its Issuer is set, is the provider the board signs in
	// through; without it the board takes pasted tokens only.
	SignIn BoardSignIn
	// Compile, when set, compiles each query operation of a valid document
	// once, when the document is cached (api.Compile); a query with a Plan is
	// answered by it, and by graphql-go whenever it declines or when Compile
	// returned nil.
	Compile func(*graphql.Schema, *ast.Document, *ast.OperationDefinition) Plan
	// CompileMutation, when set, compiles each mutation operation of a
	// valid document once, when the document is cached
	// (api.CompileMutation); a mutation with a MutationPlan is executed by
	// it unless it declines the request's variables, and by graphql-go
	// otherwise.
	CompileMutation func(*graphql.Schema, *ast.Document, *ast.OperationDefinition) MutationPlan
}

// Plan answers a query compiled by Options.Compile: it appends the
// response's data, as JSON, to buf; false means graphql-go must answer the
// request instead (the Plan has only read). It must give the bytes
// graphql-go's path would give.
type Plan = func(ctx context.Context, vars map[string]any, buf []byte) ([]byte, bool)

// MutationPlan starts a mutation compiled by Options.CompileMutation: it
// coerces the request's variables and returns the run, or false when
// graphql-go must execute the request instead — before any resolver has
// run, so the mutation is executed once either way.
type MutationPlan = func(vars map[string]any) (MutationRun, bool)

// MutationRun executes a prepared mutation and cannot decline: it appends
// the response's data, as JSON, to buf (null when an error reached the root)
// and returns the errors graphql-go would report, which the server maps as
// it maps graphql-go's. Together they must give the bytes graphql-go's path
// would give.
type MutationRun = func(ctx context.Context, buf []byte) ([]byte, []gqlerrors.FormattedError)

// Server serves the GraphQL API over HTTP and WebSocket, GraphiQL, metrics,
// a liveness and a readiness check. Create it with New; it is an
// http.Handler. Call Shutdown after http.Server.Shutdown: the HTTP server
// does not close WebSockets.
type Server struct {
	opts    Options
	schema  *graphql.Schema
	log     *slog.Logger
	clock   kernel.Clock
	cache   *documentCache
	compile compilers    // from Options.Compile and Options.CompileMutation
	results *resultCache // nil without Options.Changes
	metrics *metrics
	mux     *http.ServeMux

	// WebSocket connections, closed by Shutdown.
	base     context.Context
	stop     context.CancelFunc
	sockets  sync.WaitGroup
	shutdown sync.Once
}

// New returns a Server for opts, or an error when opts has no schema.
func New(opts Options) (*Server, error) {
	if opts.Schema == nil {
		return nil, errors.New("httpapi: Options.Schema is required")
	}
	opts.MaxDepth = defaultTo(opts.MaxDepth, DefaultMaxDepth)
	opts.MaxCost = defaultTo(opts.MaxCost, DefaultMaxCost)
	opts.MaxBodyBytes = defaultTo(opts.MaxBodyBytes, DefaultMaxBodyBytes)
	opts.Timeout = defaultTo(opts.Timeout, DefaultTimeout)
	opts.WaitTimeout = defaultTo(opts.WaitTimeout, DefaultWaitTimeout)
	opts.CacheSize = defaultTo(opts.CacheSize, DefaultCacheSize)
	opts.CacheBytes = defaultTo(opts.CacheBytes, DefaultCacheBytes)
	opts.InitTimeout = defaultTo(opts.InitTimeout, DefaultInitTimeout)
	opts.MaxSubscribers = defaultTo(opts.MaxSubscribers, DefaultMaxSubscribers)
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Clock == nil {
		opts.Clock = kernel.SystemClock{}
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
		opts.Registry.MustRegister(prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	}
	m, err := newMetrics(opts.Registry)
	if err != nil {
		return nil, err
	}
	s := &Server{
		opts:    opts,
		schema:  opts.Schema,
		log:     opts.Logger,
		clock:   opts.Clock,
		cache:   newDocumentCache(opts.CacheSize, opts.CacheBytes),
		metrics: m,
		mux:     http.NewServeMux(),
	}
	if opts.Changes != nil {
		s.results = newResultCache(opts.CacheSize, opts.Changes)
	}
	if opts.Compile != nil {
		s.compile.query = func(doc *ast.Document, op *ast.OperationDefinition) Plan { return opts.Compile(opts.Schema, doc, op) }
	}
	if opts.CompileMutation != nil {
		s.compile.mutation = func(doc *ast.Document, op *ast.OperationDefinition) MutationPlan {
			return opts.CompileMutation(opts.Schema, doc, op)
		}
	}
	s.base, s.stop = context.WithCancel(context.Background())
	var verifier auth.TokenVerifier = refuseAll{}
	if opts.Verifier != nil {
		verifier = opts.Verifier
	}
	s.opts.Verifier = verifier
	s.mux.Handle("/graphql", auth.Middleware(verifier, http.HandlerFunc(s.serveGraphQL)))
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(opts.Registry, promhttp.HandlerOpts{}))
	s.mux.HandleFunc("GET /healthz", serveHealth)
	s.mux.HandleFunc("GET /readyz", s.serveReady)
	board, config := boardHandlers(opts.SignIn)
	s.mux.HandleFunc("GET /{$}", board)
	s.mux.HandleFunc("GET "+SignInCallback, board)
	s.mux.HandleFunc("GET /config.json", config)
	s.mux.HandleFunc("GET /graphiql", serveGraphiQL)
	s.mux.HandleFunc("GET /assets/{hash}/{name}", serveAsset)
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Shutdown closes every WebSocket (code 1001, going away) and waits for their
// operations to end, or for ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdown.Do(s.stop)
	done := make(chan struct{})
	go func() { s.sockets.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// refuseAll is the verifier of a server without one.
type refuseAll struct{}

func (refuseAll) Verify(string) (auth.Principal, error) {
	return auth.Principal{}, kernel.Errorf(kernel.CodeUnauthenticated, "this server accepts no tokens")
}

func defaultTo[T int | int64 | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
