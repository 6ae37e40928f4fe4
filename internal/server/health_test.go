package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/logtest"
	"github.com/nongjiao/nongjiao/internal/server"
)

// faultyBackend fails every append, as the filestore does after a write
// error, once broken.
type faultyBackend struct {
	eventstore.Store
	broken atomic.Bool
}

func (b *faultyBackend) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if b.broken.Load() {
		return eventstore.AppendResult{}, fmt.Errorf("injected fsync failure: %w", eventstore.ErrUnavailable)
	}
	return b.Store.Append(ctx, stream, expected, events...)
}

// injector wraps each backend the server opens; a reopen waits for hold to
// be closed.
type injector struct {
	mu   sync.Mutex
	cur  *faultyBackend
	hold chan struct{}
}

func (in *injector) wrap(st eventstore.Store) eventstore.Store {
	in.mu.Lock()
	hold := in.hold
	in.mu.Unlock()
	if hold != nil {
		<-hold
	}
	b := &faultyBackend{Store: st}
	in.mu.Lock()
	in.cur = b
	in.mu.Unlock()
	return b
}

// fail breaks the current backend and holds the reopen until the returned
// function is called.
func (in *injector) fail() (release func()) {
	in.mu.Lock()
	defer in.mu.Unlock()
	hold := make(chan struct{})
	in.hold = hold
	in.cur.broken.Store(true)
	return func() { close(hold) }
}

// probe GETs path on the server and returns the status and body.
func (x *exchangeServer) probe(path string) (int, string) {
	x.t.Helper()
	res, err := http.Get(strings.TrimSuffix(x.url, "/graphql") + path)
	if err != nil {
		x.t.Fatal(err)
	}
	defer res.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(res.Body)
	return res.StatusCode, body.String()
}

// TestAFailedStoreIsReopenedWhileTheServerServes breaks the event store as
// a write error would: the server stops being ready and refuses commands
// with STORE_UNAVAILABLE, logging the fault once, while it stays alive and
// answers queries; once the store is reopened it is ready again, commands
// work, and the read models follow them.
func TestAFailedStoreIsReopenedWhileTheServerServes(t *testing.T) {
	in := &injector{}
	logs, log := logtest.New()
	cfg := server.WithBackendWrapper(server.Config{Log: log}, in.wrap)
	x := startServerWith(t, time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC), cfg)
	tc := x.token(auth.RoleCollective, uuid.New())
	found := func(name string) gqlResponse {
		return x.do(tc, `mutation($in: FoundCooperativeInput!) { foundCooperative(input: $in) { position } }`,
			map[string]any{"in": map[string]any{"name": name}}, "")
	}
	first := found("王家庄村股份经济合作社")
	if len(first.Errors) > 0 {
		t.Fatal(first.Errors)
	}
	// The read models hold the first cooperative before the store fails.
	x.query("", `{ cooperatives { totalCount } }`, nil, first.Data["foundCooperative"].(map[string]any)["position"].(string))
	x.eventually("ready", func() bool { code, _ := x.probe("/readyz"); return code == http.StatusOK })

	release := in.fail()
	for i := range 100 {
		r := found(fmt.Sprintf("合作社 %d", i))
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "STORE_UNAVAILABLE" {
			t.Fatalf("command %d while the store is down: %+v; want STORE_UNAVAILABLE", i, r)
		}
	}
	code, body := x.probe("/readyz")
	var ready struct {
		Ready  bool
		Checks map[string]string
	}
	if err := json.Unmarshal([]byte(body), &ready); err != nil {
		t.Fatalf("/readyz body %q: %v", body, err)
	}
	if code != http.StatusServiceUnavailable || ready.Ready || !strings.Contains(ready.Checks["store"], "unavailable") {
		t.Fatalf("/readyz while the store is down: %d %s; want 503 naming the store", code, body)
	}
	if code, _ := x.probe("/healthz"); code != http.StatusOK {
		t.Fatalf("/healthz while the store is down: %d; want 200", code)
	}
	if got := x.query("", `{ cooperatives { totalCount } }`, nil, ""); got["cooperatives"].(map[string]any)["totalCount"] != 1.0 {
		t.Fatalf("query while the store is down: %v; want the one cooperative", got)
	}

	release()
	x.eventually("ready after the reopen", func() bool { code, _ := x.probe("/readyz"); return code == http.StatusOK })
	r := found("车道峪村股份经济合作社")
	if len(r.Errors) > 0 {
		t.Fatalf("command after the reopen: %+v", r.Errors)
	}
	pos := r.Data["foundCooperative"].(map[string]any)["position"].(string)
	if got := x.query("", `{ cooperatives { totalCount } }`, nil, pos); got["cooperatives"].(map[string]any)["totalCount"] != 2.0 {
		t.Fatalf("read models after the reopen: %v; want both cooperatives", got)
	}

	got := logs.Counts(t)
	for msg, want := range map[string]int{
		"ERROR event store failed; refusing appends until it is reopened": 1,
		"INFO event store reopened; accepting appends":                    1,
	} {
		if got[msg] != want {
			t.Errorf("%d × %q; want %d", got[msg], msg, want)
		}
	}
	for msg, n := range got {
		if strings.HasPrefix(msg, "ERROR") && n > 1 || strings.HasPrefix(msg, "WARN") {
			t.Errorf("logged %d × %q", n, msg)
		}
	}
}
