// Package apitest runs one or more API areas behind the real HTTP transport
// for tests: an embedded event store in a temporary directory, the command
// side, the areas' projections kept current by a running projector, the live
// hub, and httpapi on a loopback port, all on a manual clock.
//
// Tests talk to it only over HTTP (Do), mint tokens for any role and party
// (Token registers the party; UnregisteredToken does not),
// move time and run the scheduler (Advance), and check every mutation × role
// pair against a table (CheckRoles).
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/httpapi"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/feed"
)

// Area is what an API area contributes, as server.Open takes it.
type Area struct {
	Register    func(*api.Builder, api.Deps)
	Projections func() []readmodel.Projection
}

// Harness is a running API for tests.
type Harness struct {
	T         testing.TB
	URL       string // the /graphql endpoint
	Clock     *kernel.ManualClock
	App       *app.App
	DB        *readmodel.DB
	Projector *readmodel.Projector
	Schema    graphql.Schema
	Verifier  auth.TokenVerifier // checks the tokens Token issues
	issuer    *auth.Issuer
}

// Start is the harness's initial clock time: a Wednesday, 08:00 UTC.
var Start = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)

// New starts the areas on SQLite read models. Everything stops when the test ends.
func New(tb testing.TB, areas ...Area) *Harness {
	tb.Helper()
	dir := tb.TempDir()
	db, err := readmodel.OpenSQLite(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return NewWithDB(tb, dir, db, areas...)
}

// NewWithDB starts the areas on the given read-model database.
func NewWithDB(tb testing.TB, dir string, db *readmodel.DB, areas ...Area) *Harness {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	clock := kernel.NewManualClock(Start)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := filestore.Open(filestore.Options{Dir: dir + "/events", Clock: clock})
	if err != nil {
		tb.Fatal(err)
	}
	a := app.New(store, clock, log, app.Options{})
	var projs []readmodel.Projection
	for _, ar := range areas {
		projs = append(projs, ar.Projections()...)
	}
	projector, err := readmodel.NewProjector(ctx, db, a.Events, projs...)
	if err != nil {
		tb.Fatal(err)
	}
	hub := api.NewHub(store, a.Events, 256)
	b := api.NewBuilder()
	api.RegisterViewer(b)
	b.SetStanding(api.PartyStanding(a))
	for _, ar := range areas {
		ar.Register(b, api.Deps{App: a, DB: db, Live: hub, Clock: clock, Projected: projector.WaitFor})
	}
	schema, err := b.Build()
	if err != nil {
		tb.Fatal(err)
	}
	secret := bytes.Repeat([]byte{7}, auth.SecretSize)
	verifier := auth.NewVerifier(secret, clock)
	srv, err := httpapi.New(httpapi.Options{
		Schema: &schema, Verifier: verifier, WaitFunc: projector.WaitFor,
		Logger: log, Clock: clock, Compile: api.Compile, CompileMutation: api.CompileMutation,
	})
	if err != nil {
		tb.Fatal(err)
	}
	go feed.Run(ctx, store, projector) //nolint:errcheck // ends with ctx
	go hub.Run(ctx, 0)                 //nolint:errcheck // ends with ctx
	go a.RunDueWatchers(ctx)           //nolint:errcheck // Advance sends what falls due
	ts := httptest.NewServer(srv)
	tb.Cleanup(func() {
		srv.Shutdown(context.Background()) //nolint:errcheck
		ts.Close()
		cancel()
		db.Close()
		store.Close()
	})
	return &Harness{T: tb, URL: ts.URL + "/graphql", Clock: clock, App: a, DB: db, Projector: projector,
		Schema: schema, Verifier: verifier, issuer: auth.NewIssuer(secret, clock)}
}

// Token returns a bearer token for role acting for party, first entering
// party in the register as a kind that acts in role when it is not there
// (Register). UnregisteredToken leaves the register alone.
func (h *Harness) Token(role auth.Role, party uuid.UUID) string {
	h.T.Helper()
	Register(h.T, h.App, role, party)
	return h.UnregisteredToken(role, party)
}

// UnregisteredToken returns a bearer token for role acting for party, as
// `nongjiao token` would sign it, whether or not party is registered.
func (h *Harness) UnregisteredToken(role auth.Role, party uuid.UUID) string {
	h.T.Helper()
	tok, err := h.issuer.Issue(auth.Principal{Role: role, Party: party}, 24*365*time.Hour)
	if err != nil {
		h.T.Fatal(err)
	}
	return tok
}

// Response is a GraphQL response.
type Response struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// Code returns the first error's extensions.code, or "" without errors.
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	code, _ := r.Errors[0].Extensions["code"].(string)
	return code
}

// Do sends one GraphQL request as token's holder (anonymous for ""). After a
// mutation it waits until the read models show what the mutation wrote, so
// the next query reads it.
func (h *Harness) Do(token, query string, vars map[string]any) Response {
	h.T.Helper()
	resp := h.post(token, query, vars)
	for _, v := range resp.Data {
		if m, ok := v.(map[string]any); ok {
			if pos, ok := m["position"].(string); ok {
				h.WaitFor(pos)
			}
		}
	}
	return resp
}

// MustDo is Do that fails the test on any GraphQL error.
func (h *Harness) MustDo(token, query string, vars map[string]any) map[string]any {
	h.T.Helper()
	r := h.Do(token, query, vars)
	if len(r.Errors) > 0 {
		h.T.Fatalf("%s\nerrors: %+v", query, r.Errors)
	}
	return r.Data
}

// WaitFor waits until the projections and the scheduler have seen position pos.
func (h *Harness) WaitFor(pos string) {
	h.T.Helper()
	p, err := strconv.ParseUint(pos, 10, 64)
	if err != nil {
		h.T.Fatalf("position %q: %v", pos, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Projector.WaitFor(ctx, p); err != nil {
		h.T.Fatalf("read models did not reach %d: %v", p, err)
	}
	if err := h.App.SchedulerCaughtUp(ctx, p); err != nil {
		h.T.Fatalf("scheduler did not reach %d: %v", p, err)
	}
}

// Advance moves the clock by d and sends every command that fell due, then
// waits for the read models to show their effects.
func (h *Harness) Advance(d time.Duration) {
	h.T.Helper()
	h.Clock.Advance(d)
	ctx := context.Background()
	for h.App.Scheduler.RunDue(ctx) > 0 { // a due command may make the next one due at once
		h.settle()
	}
	h.settle()
}

// settle waits until the projector and scheduler have seen everything stored.
func (h *Harness) settle() {
	h.T.Helper()
	recs, err := h.App.Store.ReadAll(context.Background(), h.Projector.Position(), 1<<20)
	if err != nil {
		h.T.Fatal(err)
	}
	if len(recs) > 0 {
		h.WaitFor(strconv.FormatUint(recs[len(recs)-1].Position, 10))
	}
}

func (h *Harness) post(token, query string, vars map[string]any) Response {
	h.T.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, h.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.T.Fatal(err)
	}
	defer res.Body.Close()
	var out Response
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		h.T.Fatalf("decode response (status %d): %v", res.StatusCode, err)
	}
	if strings.HasPrefix(strings.TrimSpace(query), "mutation") {
		h.checkErrorFields(out)
	}
	return out
}

// checkErrorFields fails the test when a mutation's error names in
// extensions.field something that is not a field of that mutation's input:
// every error any test provokes through the harness is checked.
func (h *Harness) checkErrorFields(r Response) {
	h.T.Helper()
	for _, e := range r.Errors {
		field, _ := e.Extensions["field"].(string)
		if field == "" || len(e.Path) == 0 {
			continue
		}
		name, _ := e.Path[0].(string)
		def, ok := h.Schema.MutationType().Fields()[name]
		if !ok || len(def.Args) == 0 {
			continue // an alias: the response key is not the mutation's name
		}
		if !api.IsInputPath(api.InputPaths(def.Args[0].Type), field) {
			h.T.Errorf("%s: extensions.field %q is not a field of %s (error %s: %s)", name, field, def.Args[0].Type, e.Extensions["code"], e.Message)
		}
	}
}

// CompiledOutcome reads, from the registry of an httpapi.Server, how many
// compiled operations had outcome: "answered" or "declined".
func CompiledOutcome(tb testing.TB, reg *prometheus.Registry, outcome string) float64 {
	tb.Helper()
	families, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "nongjiao_graphql_compiled_executions_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" && l.GetValue() == outcome {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// Post sends body to h's /graphql as a JSON POST by the caller of token
// ("" for anonymous), in process, and returns the answer.
func Post(h http.Handler, token string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return Send(h, token, r)
}

// Send sends r to h by the caller of token ("" for anonymous), in process,
// and returns the answer.
func Send(h http.Handler, token string, r *http.Request) *httptest.ResponseRecorder {
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
