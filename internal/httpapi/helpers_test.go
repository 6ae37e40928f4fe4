package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/logtest"
)

var (
	testSecret = bytes.Repeat([]byte{42}, auth.SecretSize)
	testNow    = time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	testParty  = uuid.MustParse("0b0e4a4c-4a53-4f7f-8f0a-2b3c4d5e6f70")
)

// newTestServer returns a server on the test schema with the test verifier;
// edit adjusts the options first.
func newTestServer(tb testing.TB, edit func(*Options)) (*Server, *logtest.Buffer) {
	tb.Helper()
	logs := &logtest.Buffer{}
	opts := Options{
		Schema:   newTestSchema(),
		Verifier: auth.NewVerifier(testSecret, kernel.NewManualClock(testNow)),
		Logger:   slog.New(slog.NewTextHandler(logs, nil)),
	}
	if edit != nil {
		edit(&opts)
	}
	s, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Shutdown(tb.Context()) })
	return s, logs
}

func testToken(tb testing.TB, role auth.Role) string {
	tb.Helper()
	token, err := auth.NewIssuer(testSecret, kernel.NewManualClock(testNow)).Issue(auth.Principal{Role: role, Party: testParty}, time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	return token
}

// reply is a decoded GraphQL response.
type reply struct {
	status      int
	contentType string
	header      http.Header
	raw         string
	HasData     bool
	Data        map[string]any
	Errors      []replyError
}

type replyError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

func (r reply) codes() []string {
	var out []string
	for _, e := range r.Errors {
		code, _ := e.Extensions["code"].(string)
		out = append(out, code)
	}
	return out
}

// request is one HTTP request to send to the server.
type request struct {
	method  string
	accept  string
	headers map[string]string
	query   string // for GET: the query parameter; for POST: marshalled with vars into the body
	vars    map[string]any
	body    string // raw POST body, used instead of query when set
}

func post(query string) request { return request{method: http.MethodPost, query: query} }
func get(query string) request  { return request{method: http.MethodGet, query: query} }

func (rq request) build(tb testing.TB) *http.Request {
	tb.Helper()
	var r *http.Request
	switch rq.method {
	case http.MethodGet:
		v := url.Values{"query": {rq.query}}
		if rq.vars != nil {
			b, _ := json.Marshal(rq.vars)
			v.Set("variables", string(b))
		}
		r = httptest.NewRequest(http.MethodGet, "/graphql?"+v.Encode(), nil)
	default:
		body := rq.body
		if body == "" {
			b, err := json.Marshal(map[string]any{"query": rq.query, "variables": rq.vars})
			if err != nil {
				tb.Fatal(err)
			}
			body = string(b)
		}
		r = httptest.NewRequest(rq.method, "/graphql", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
	}
	if rq.accept != "" {
		r.Header.Set("Accept", rq.accept)
	}
	for k, v := range rq.headers {
		r.Header.Set(k, v)
	}
	return r
}

// do sends rq to h and decodes the answer.
func do(tb testing.TB, h http.Handler, rq request) reply {
	tb.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, rq.build(tb))
	body, _ := io.ReadAll(w.Body)
	rep := reply{status: w.Code, contentType: w.Header().Get("Content-Type"), header: w.Header(), raw: truncate(string(body))}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		tb.Fatalf("response is not a JSON object: %v\n%s", err, body)
	}
	if d, ok := fields["data"]; ok {
		rep.HasData = true
		_ = json.Unmarshal(d, &rep.Data)
	}
	if e, ok := fields["errors"]; ok {
		if err := json.Unmarshal(e, &rep.Errors); err != nil {
			tb.Fatalf("errors: %v\n%s", err, body)
		}
	}
	return rep
}

// truncate keeps failure messages readable.
func truncate(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}
