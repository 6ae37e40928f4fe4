package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/auth"
)

func TestQueriesOverGetAndPostNegotiateTheMediaType(t *testing.T) {
	s, _ := newTestServer(t, nil)
	cases := []struct {
		accept, want string
	}{
		{"", mediaJSON},
		{"*/*", mediaJSON},
		{"application/json", mediaJSON},
		{"application/graphql-response+json", mediaGraphQLResponse},
		{"application/graphql-response+json, application/json;q=0.9", mediaGraphQLResponse},
		{"application/json, application/graphql-response+json;q=0.5", mediaJSON},
	}
	for _, c := range cases {
		for _, rq := range []request{get(`{ hello(name: "农交") }`), post(`{ hello(name: "农交") }`)} {
			rq.accept = c.accept
			rep := do(t, s, rq)
			if rep.status != http.StatusOK || rep.contentType != c.want+"; charset=utf-8" {
				t.Errorf("%s Accept %q: status %d, Content-Type %q; want 200, %s", rq.method, c.accept, rep.status, rep.contentType, c.want)
			}
			if rep.Data["hello"] != "hello 农交" || len(rep.Errors) != 0 {
				t.Errorf("%s Accept %q: body %s", rq.method, c.accept, rep.raw)
			}
		}
	}
}

func TestNotAcceptableWhenAcceptAdmitsNeitherType(t *testing.T) {
	s, _ := newTestServer(t, nil)
	rq := post(`{ hello }`)
	rq.accept = "text/html"
	rep := do(t, s, rq)
	if rep.status != http.StatusNotAcceptable || !slices.Equal(rep.codes(), []string{CodeNotAcceptable}) {
		t.Errorf("status %d, codes %v; want 406 %s", rep.status, rep.codes(), CodeNotAcceptable)
	}
}

// TestRequestErrors checks each refusal's status under both media types, its
// code, and that no data entry is sent.
func TestRequestErrors(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.MaxBodyBytes = 512 })
	withVars := func(rq request, vars map[string]any) request { rq.vars = vars; return rq }
	withBody := func(body string) request { return request{method: http.MethodPost, body: body} }
	cases := []struct {
		name       string
		rq         request
		code       string
		gqlrStatus int // under application/graphql-response+json
		jsonStatus int // under application/json
		mentions   string
	}{
		{"parse failure", post(`{ hello`), CodeParseFailed, 400, 200, "Syntax Error"},
		{"validation failure names the field", post(`{ nosuchfield }`), CodeValidationFailed, 400, 200, `"nosuchfield"`},
		{"variable that does not coerce", withVars(post(`mutation($a: Int!) { placeBid(amount: $a) }`), map[string]any{"a": "lots"}), CodeInvalidScalar, 400, 200, "$a"},
		{"missing required variable", post(`mutation($a: Int!) { placeBid(amount: $a) }`), CodeBadRequest, 400, 200, "$a"},
		{"unknown operation name", request{method: http.MethodPost, body: `{"query":"query A { hello }","operationName":"B"}`}, CodeBadRequest, 400, 200, `"B"`},
		{"several operations and no name", post(`query A { hello } query B { hello }`), CodeBadRequest, 400, 200, "operationName"},
		{"subscription over HTTP", post(`subscription { countdown(from: 3) }`), CodeBadRequest, 400, 200, "WebSocket"},
		{"depth limit", post(`{ items { children { children { children { id } } } } }`), CodeDepthLimit, 400, 200, "limit is 4"},
		{"cost limit, literal first", post(`{ items(first: 20) { id children(first: 20) { id } } }`), CodeCostLimit, 400, 200, "costs 441"},
		{"cost limit, variable first", withVars(post(`query($n: Int) { items(first: $n) { id children(first: $n) { id } } }`), map[string]any{"n": 20}), CodeCostLimit, 400, 200, "costs 441"},
		{"mutation over GET", get(`mutation { placeBid(amount: 500) }`), CodeMethodNotAllowed, 405, 405, "POST"},
		{"body is not JSON", withBody(`{ "not a JSON`), CodeBadRequest, 400, 400, "JSON"},
		{"empty body", withBody(` `), CodeBadRequest, 400, 400, "JSON"},
		{"no query", withBody(`{"qeury":"{ hello }"}`), CodeBadRequest, 400, 400, "no query"},
		{"query not a string", withBody(`{"query":{"obj":"ect"}}`), CodeBadRequest, 400, 400, "string"},
		{"variables not a map", withBody(`{"query":"{ hello }","variables":"x"}`), CodeBadRequest, 400, 400, "variables"},
		{"extensions not a map", withBody(`{"query":"{ hello }","extensions":[1]}`), CodeBadRequest, 400, 400, "extensions"},
		{"operationName not a string", withBody(`{"query":"{ hello }","operationName":0}`), CodeBadRequest, 400, 400, "operationName"},
		{"body too large", post(`{ hello(name: "` + strings.Repeat("x", 600) + `") }`), CodeBodyTooLarge, 413, 413, "512 bytes"},
		{"method not allowed", request{method: http.MethodPut, body: `{}`}, CodeMethodNotAllowed, 405, 405, "GET or POST"},
	}
	s.opts.MaxDepth = 4
	s.opts.MaxCost = 400
	for _, c := range cases {
		for _, media := range []string{mediaGraphQLResponse, mediaJSON} {
			t.Run(c.name+" as "+media, func(t *testing.T) {
				rq := c.rq
				rq.accept = media
				rep := do(t, s, rq)
				want := map[string]int{mediaGraphQLResponse: c.gqlrStatus, mediaJSON: c.jsonStatus}[media]
				if rep.status != want {
					t.Errorf("status %d; want %d (%s)", rep.status, want, rep.raw)
				}
				if rep.HasData {
					t.Errorf("a data entry was sent: %s", rep.raw)
				}
				if len(rep.Errors) == 0 || rep.codes()[0] != c.code || !strings.Contains(rep.Errors[0].Message, c.mentions) {
					t.Errorf("errors %s; want code %s mentioning %q", rep.raw, c.code, c.mentions)
				}
			})
		}
	}
}

func TestPostBodyMustBeJSONInUTF8(t *testing.T) {
	s, _ := newTestServer(t, nil)
	for _, ct := range []string{"", "text/plain", "application/json; charset=latin1"} {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(`{"query":"{ hello }"}`))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusUnsupportedMediaType || !strings.Contains(w.Body.String(), CodeUnsupportedMedia) {
			t.Errorf("Content-Type %q: %d %s; want 415", ct, w.Code, w.Body)
		}
	}
}

func TestMutationOverGetAnswersAllowPost(t *testing.T) {
	s, _ := newTestServer(t, nil)
	rep := do(t, s, get(`mutation { placeBid(amount: 500) }`))
	if rep.header.Get("Allow") != "POST" {
		t.Errorf("Allow = %q; want POST", rep.header.Get("Allow"))
	}
}

func TestFieldErrors(t *testing.T) {
	s, logs := newTestServer(t, nil)

	t.Run("a domain error keeps its code, message and field", func(t *testing.T) {
		rep := do(t, s, post(`mutation { placeBid(amount: 5) }`))
		if rep.status != http.StatusOK || !rep.HasData || len(rep.Errors) != 1 {
			t.Fatalf("status %d body %s; want 200 with data and one error", rep.status, rep.raw)
		}
		e := rep.Errors[0]
		if e.Extensions["code"] != codeBidTooLow || e.Extensions["field"] != "amount" || e.Message != "a bid must be at least 100 fen" {
			t.Errorf("error %+v", e)
		}
		if fmt.Sprint(e.Path) != "[placeBid]" {
			t.Errorf("path %v; want [placeBid]", e.Path)
		}
	})
	t.Run("a wrapped domain error is found in the chain", func(t *testing.T) {
		rep := do(t, s, post(`{ listing }`))
		if !slices.Equal(rep.codes(), []string{"NOT_FOUND"}) || rep.Errors[0].Extensions["field"] != "id" {
			t.Errorf("body %s; want NOT_FOUND on field id", rep.raw)
		}
	})
	t.Run("any other error is internal, hidden and logged", func(t *testing.T) {
		rep := do(t, s, post(`{ hello broken }`))
		if !slices.Equal(rep.codes(), []string{CodeInternal}) || rep.Errors[0].Message != "Internal error." {
			t.Errorf("body %s; want one INTERNAL error", rep.raw)
		}
		if strings.Contains(rep.raw, "10.0.0.7") {
			t.Errorf("the internal error leaked: %s", rep.raw)
		}
		if rep.Data["hello"] != "hello world" {
			t.Errorf("the other field was lost: %s", rep.raw)
		}
		if !strings.Contains(logs.String(), "10.0.0.7") {
			t.Errorf("the internal error was not logged: %q", logs.String())
		}
	})
}

func TestTimeout(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.Timeout = 20 * time.Millisecond })
	rq := post(`{ slow }`)
	rq.accept = mediaGraphQLResponse
	rep := do(t, s, rq)
	if rep.status != http.StatusGatewayTimeout || rep.HasData || !slices.Equal(rep.codes(), []string{CodeTimeout}) {
		t.Errorf("status %d body %s; want 504 TIMEOUT without data", rep.status, rep.raw)
	}
}

func TestReadYourWrites(t *testing.T) {
	var reached atomic.Uint64
	reached.Store(10)
	var waitedFor atomic.Uint64
	wait := func(ctx context.Context, pos uint64) error {
		waitedFor.Store(pos)
		if pos <= reached.Load() {
			return nil
		}
		<-ctx.Done()
		return fmt.Errorf("waiting for position %d: %w", pos, ctx.Err())
	}
	s, _ := newTestServer(t, func(o *Options) { o.WaitFunc = wait; o.WaitTimeout = 20 * time.Millisecond })
	withHeader := func(rq request, v string) request {
		rq.headers = map[string]string{PositionHeader: v}
		rq.accept = mediaGraphQLResponse
		return rq
	}

	rep := do(t, s, withHeader(post(`{ hello }`), "10"))
	if rep.status != http.StatusOK || rep.Data["hello"] != "hello world" || waitedFor.Load() != 10 {
		t.Errorf("reached position: status %d body %s waited for %d", rep.status, rep.raw, waitedFor.Load())
	}
	rep = do(t, s, withHeader(post(`{ hello }`), "11"))
	if rep.status != http.StatusGatewayTimeout || rep.HasData || !slices.Equal(rep.codes(), []string{CodeReadModelTimeout}) {
		t.Errorf("unreached position: status %d body %s; want 504 READ_MODEL_TIMEOUT", rep.status, rep.raw)
	}
	rep = do(t, s, withHeader(post(`{ hello }`), "-1"))
	if rep.status != http.StatusBadRequest || !slices.Equal(rep.codes(), []string{CodeBadRequest}) || !strings.Contains(rep.Errors[0].Message, PositionHeader) {
		t.Errorf("bad header: status %d body %s; want 400 naming the header", rep.status, rep.raw)
	}
	ext := request{method: http.MethodPost, accept: mediaGraphQLResponse, body: `{"query":"{ hello }","extensions":{"afterPosition":"12"}}`}
	rep = do(t, s, ext)
	if rep.status != http.StatusGatewayTimeout || waitedFor.Load() != 12 {
		t.Errorf("extension: status %d, waited for %d; want 504 after waiting for 12", rep.status, waitedFor.Load())
	}
	waitedFor.Store(0)
	rep = do(t, s, withHeader(post(`mutation { placeBid(amount: 500) }`), "99"))
	if rep.status != http.StatusOK || waitedFor.Load() != 0 {
		t.Errorf("mutation: status %d, waited for %d; want 200 without waiting", rep.status, waitedFor.Load())
	}
}

func TestReadYourWritesFailureIsInternal(t *testing.T) {
	s, logs := newTestServer(t, func(o *Options) {
		o.WaitFunc = func(context.Context, uint64) error { return errors.New("projection store closed") }
	})
	rq := post(`{ hello }`)
	rq.headers = map[string]string{PositionHeader: "3"}
	rq.accept = mediaGraphQLResponse
	rep := do(t, s, rq)
	if rep.status != http.StatusInternalServerError || !slices.Equal(rep.codes(), []string{CodeInternal}) || strings.Contains(rep.raw, "closed") {
		t.Errorf("status %d body %s; want a 500 INTERNAL that hides the cause", rep.status, rep.raw)
	}
	if !strings.Contains(logs.String(), "projection store closed") {
		t.Errorf("not logged: %q", logs.String())
	}
}

func TestAuthentication(t *testing.T) {
	s, _ := newTestServer(t, nil)
	rq := post(`{ me }`)
	rep := do(t, s, rq)
	if rep.status != http.StatusOK || rep.Data["me"] != nil {
		t.Errorf("anonymous: status %d body %s; want me = null", rep.status, rep.raw)
	}
	rq.headers = map[string]string{"Authorization": "Bearer " + testToken(t, auth.RoleBank)}
	rep = do(t, s, rq)
	if rep.Data["me"] != "bank:"+testParty.String() {
		t.Errorf("with a token: body %s; want the bank principal", rep.raw)
	}
	rq.headers = map[string]string{"Authorization": "Bearer " + testToken(t, auth.RoleBank) + "tampered"}
	rep = do(t, s, rq)
	if rep.status != http.StatusUnauthorized || rep.HasData || !slices.Equal(rep.codes(), []string{CodeUnauthenticated}) {
		t.Errorf("bad token: status %d body %s; want 401 UNAUTHENTICATED", rep.status, rep.raw)
	}
}

func TestServerWithoutVerifierRefusesTokens(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.Verifier = nil })
	rq := post(`{ me }`)
	rq.headers = map[string]string{"Authorization": "Bearer " + testToken(t, auth.RoleBank)}
	if rep := do(t, s, rq); rep.status != http.StatusUnauthorized {
		t.Errorf("status %d; want 401", rep.status)
	}
}

func TestNewNeedsASchema(t *testing.T) {
	if _, err := New(Options{}); err == nil {
		t.Fatal("New accepted options without a schema")
	}
}

func TestOtherEndpoints(t *testing.T) {
	s, _ := newTestServer(t, nil)
	do(t, s, post(`{ hello }`))
	do(t, s, post(`{ hello`))
	get := func(path string) (int, string, string) {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, nil))
		return w.Code, w.Header().Get("Content-Type"), w.Body.String()
	}
	if code, _, body := get("/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	code, ct, body := get("/graphiql")
	if code != http.StatusOK || !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, `id="graphiql"`) {
		t.Errorf("/graphiql: %d %s", code, ct)
	}
	code, ct, body = get("/")
	if code != http.StatusOK || !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, `id="app"`) {
		t.Errorf("/: %d %s", code, ct)
	}
	if code, _, _ := get("/nothing-here"); code != http.StatusNotFound {
		t.Errorf("/nothing-here: %d; want 404", code)
	}
	code, _, body = get("/metrics")
	for _, series := range []string{
		`nongjiao_graphql_requests_total{operation="query",status="200"} 1`,
		`nongjiao_graphql_requests_total{operation="unknown",status="200"} 1`,
		`nongjiao_graphql_request_duration_seconds_count{operation="query",status="200"} 1`,
		`go_goroutines`,
	} {
		if code != http.StatusOK || !strings.Contains(body, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}
}

func TestGetParametersDecodeTheirJSONObjects(t *testing.T) {
	cases := []struct {
		query    string
		vars     map[string]any
		ext      map[string]any
		refusal  string // a word of the refusal; "" for none
		operName string
	}{
		{query: `variables={"a":1,"b":"x"}`, vars: map[string]any{"a": 1.0, "b": "x"}},
		{query: `variables=null&extensions=null`},
		{query: `extensions={"afterPosition":"7"}&operationName=Q`, ext: map[string]any{"afterPosition": "7"}, operName: "Q"},
		{query: `variables=[1]`, refusal: "variables"},
		{query: `variables=+{"a":1}`, refusal: "variables"},
		{query: `variables={"a":`, refusal: "variables"},
		{query: `extensions="x"`, refusal: "extensions"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "/graphql?query={hello}&"+strings.ReplaceAll(c.query, `"`, "%22"), nil)
		p, herr := readParams(r, DefaultMaxBodyBytes)
		if c.refusal != "" {
			if herr == nil || herr.errs[0].Extensions["code"] != CodeBadRequest || !strings.Contains(herr.errs[0].Message, c.refusal) {
				t.Errorf("%s: refusal %v; want %s mentioning %q", c.query, herr, CodeBadRequest, c.refusal)
			}
			continue
		}
		if herr != nil {
			t.Errorf("%s: refused: %v", c.query, herr.errs)
			continue
		}
		if p.Query != "{hello}" || p.OperationName != c.operName || fmt.Sprint(p.Variables) != fmt.Sprint(c.vars) || fmt.Sprint(p.Extensions) != fmt.Sprint(c.ext) {
			t.Errorf("%s: params %+v; want variables %v, extensions %v, operationName %q", c.query, p, c.vars, c.ext, c.operName)
		}
	}
}

// BenchmarkReadParams reads the parameters of a placeBid POST as a bidding
// client sends it.
func BenchmarkReadParams(b *testing.B) {
	body := `{"query":"mutation($input: PlaceBidInput!) { placeBid(input: $input) { position } }",` +
		`"variables":{"input":{"amount":"1234500","listingId":"6f1c1f0e-8a53-4d43-9a4e-5a1c9d1b2e01"}}}`
	r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
	r.Header.Set("Content-Type", "application/json")
	b.ReportAllocs()
	for b.Loop() {
		r.Body = io.NopCloser(strings.NewReader(body))
		p, herr := readParams(r, DefaultMaxBodyBytes)
		if herr != nil || p.Variables["input"] == nil {
			b.Fatal(herr, p)
		}
	}
}
