package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/demo"
	"github.com/nongjiao/nongjiao/internal/httpapi"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/server"
	"github.com/nongjiao/nongjiao/internal/testenv"
)

// exchangeServer is the real server on a loopback port, on a manual clock.
type exchangeServer struct {
	t     *testing.T
	url   string
	clock *kernel.ManualClock // nil for a sandbox, which keeps its own
	s     *server.Server
	stop  func() // stops the server and closes it; the test's end does too
	// written is the furthest position a read that names none waits for the
	// read models to reach: the store's last position once the befores ran
	// (a seeded demo), then each position a mutation through mutate
	// acknowledged, as a client that keeps its own writes in view sends it.
	written atomic.Uint64
}

func startServer(t *testing.T, now time.Time, before ...func(*server.Server)) *exchangeServer {
	t.Helper()
	return startServerWith(t, now, server.Config{
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}, before...)
}

// startServerWith is startServer on cfg, to which it adds the data
// directory, the worker, the clock and, unless cfg sets one, a fast
// scheduler tick.
func startServerWith(t *testing.T, now time.Time, cfg server.Config, before ...func(*server.Server)) *exchangeServer {
	t.Helper()
	clock := kernel.NewManualClock(now)
	cfg.DataDir, cfg.Worker, cfg.Clock = t.TempDir(), true, clock
	if cfg.SchedulerTick == 0 {
		cfg.SchedulerTick = 10 * time.Millisecond
	}
	x := serveOn(t, cfg, before...)
	x.clock = clock
	return x
}

// seedDemo is a before of serveOn that loads the demo at the server's now,
// as serve --demo does before serving.
func seedDemo(t *testing.T) func(*server.Server) {
	return func(s *server.Server) {
		if _, err := demo.Seed(context.Background(), s.Store, s.Config.Clock.Now(), slog.New(slog.DiscardHandler)); err != nil {
			t.Fatal(err)
		}
	}
}

// serveOn opens the server cfg names and serves it on a loopback port until
// the test ends; before runs between the two.
func serveOn(t *testing.T, cfg server.Config, before ...func(*server.Server)) *exchangeServer {
	t.Helper()
	testenv.Starting(t)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := server.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range before { // e.g. seed the demo, as serve --demo does before serving
		f(s)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	stop := sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		s.Close()
	})
	t.Cleanup(stop)
	x := &exchangeServer{t: t, url: "http://" + ln.Addr().String() + "/graphql", s: s, stop: stop}
	x.written.Store(lastPosition(t, s.Store))
	return x
}

// token returns a token for role acting for party, which it first enters in
// the register as a kind that acts in role if it is not there.
func (x *exchangeServer) token(role auth.Role, party uuid.UUID) string {
	x.t.Helper()
	apitest.Register(x.t, x.s.App, role, party)
	tok, err := x.s.Issuer.Issue(auth.Principal{Role: role, Party: party}, 365*24*time.Hour)
	if err != nil {
		x.t.Fatal(err)
	}
	return tok
}

type gqlResponse struct {
	Data   map[string]any `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// do sends one GraphQL request over HTTP; after names a position the read
// models must have reached first (read-your-writes).
func (x *exchangeServer) do(token, query string, vars map[string]any, after string) gqlResponse {
	x.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, x.url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/graphql-response+json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if w := x.written.Load(); after == "" && w > 0 {
		after = strconv.FormatUint(w, 10)
	}
	if after != "" {
		req.Header.Set(httpapi.PositionHeader, after)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		x.t.Fatal(err)
	}
	defer res.Body.Close()
	var out gqlResponse
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
		x.t.Fatalf("decode (status %d): %v", res.StatusCode, err)
	}
	return out
}

// mutate runs a mutation that must succeed and returns its payload.
func (x *exchangeServer) mutate(token, name string, input map[string]any, fields string) map[string]any {
	x.t.Helper()
	q := "mutation($input: " + strings.ToUpper(name[:1]) + name[1:] + "Input!) { " + name + "(input: $input) { position " + fields + " } }"
	r := x.do(token, q, map[string]any{"input": input}, "")
	if len(r.Errors) > 0 {
		x.t.Fatalf("%s: %+v", name, r.Errors)
	}
	payload := r.Data[name].(map[string]any)
	if pos, err := strconv.ParseUint(fmt.Sprint(payload["position"]), 10, 64); err == nil {
		for w := x.written.Load(); w < pos && !x.written.CompareAndSwap(w, pos); w = x.written.Load() {
		}
	}
	return payload
}

// refused sends a mutation that must be refused with code and returns nothing.
func (x *exchangeServer) refused(token, name string, input map[string]any, code string) {
	x.t.Helper()
	q := "mutation($input: " + strings.ToUpper(name[:1]) + name[1:] + "Input!) { " + name + "(input: $input) { position } }"
	if r := x.do(token, q, map[string]any{"input": input}, ""); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != code {
		x.t.Fatalf("%s %v: %+v, want %s", name, input, r.Errors, code)
	}
}

// query runs a query that must succeed, after position after.
func (x *exchangeServer) query(token, q string, vars map[string]any, after string) map[string]any {
	x.t.Helper()
	r := x.do(token, q, vars, after)
	if len(r.Errors) > 0 {
		x.t.Fatalf("%s: %+v", q, r.Errors)
	}
	return r.Data
}

// eventually polls cond (a time-driven step the scheduler takes in the
// background) for up to ten seconds; on a manual clock it runs the due
// commands before each poll, so a test on a slow scheduler tick moves on.
func (x *exchangeServer) eventually(what string, cond func() bool) {
	x.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if x.clock != nil {
			x.s.App.Scheduler.RunDue(context.Background())
		}
		if cond() {
			return
		}
	}
	x.t.Fatalf("timed out waiting for %s", what)
}

// feed is a graphql-transport-ws subscription.
type feed struct {
	t    *testing.T
	conn *websocket.Conn
	ctx  context.Context
}

func (x *exchangeServer) subscribe(token, query string, vars map[string]any) *feed {
	x.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	x.t.Cleanup(cancel)
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(x.url, "http"), &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		x.t.Fatal(err)
	}
	x.t.Cleanup(func() { conn.Close(websocket.StatusNormalClosure, "") })
	f := &feed{t: x.t, conn: conn, ctx: ctx}
	f.send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + token}})
	if m := f.read(); m["type"] != "connection_ack" {
		x.t.Fatalf("got %v, want connection_ack", m)
	}
	f.send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": query, "variables": vars}})
	return f
}

func (f *feed) send(m map[string]any) {
	f.t.Helper()
	b, _ := json.Marshal(m)
	if err := f.conn.Write(f.ctx, websocket.MessageText, b); err != nil {
		f.t.Fatal(err)
	}
}

func (f *feed) read() map[string]any {
	f.t.Helper()
	_, b, err := f.conn.Read(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		f.t.Fatal(err)
	}
	return m
}

// next returns the next auction event of the feed.
func (f *feed) next() map[string]any {
	f.t.Helper()
	for {
		m := f.read()
		switch m["type"] {
		case "ping":
			f.send(map[string]any{"type": "pong"})
		case "next":
			return m["payload"].(map[string]any)["data"].(map[string]any)["auctionFeed"].(map[string]any)
		default:
			f.t.Fatalf("unexpected message %v", m)
		}
	}
}

// expect reads feed events until one of kind arrives, failing on any kind not in skip.
func (f *feed) expect(kind string, skip ...string) map[string]any {
	f.t.Helper()
	for {
		ev := f.next()
		if ev["kind"] == kind {
			return ev
		}
		allowed := false
		for _, s := range skip {
			allowed = allowed || ev["kind"] == s
		}
		if !allowed {
			f.t.Fatalf("feed sent %v while waiting for %s", ev, kind)
		}
	}
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func mustUUID(t *testing.T, s string) uuid.UUID {
	t.Helper()
	id, err := uuid.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
