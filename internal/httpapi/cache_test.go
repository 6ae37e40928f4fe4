package httpapi

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/graphql-go/graphql/language/parser"
	"github.com/graphql-go/handler"

	"github.com/nongjiao/nongjiao/internal/procstat"
)

func TestDocumentCacheEvictsTheLeastRecentlyUsed(t *testing.T) {
	c := newDocumentCache(2, 100)
	a, b, d := &document{}, &document{}, &document{}
	c.put("a", a)
	c.put("b", b)
	if got, _ := c.get("a"); got != a {
		t.Fatal("a missing")
	}
	c.put("d", d) // evicts b, the least recently used
	if _, ok := c.get("b"); ok {
		t.Error("b survived although it was the least recently used")
	}
	for key, want := range map[string]*document{"a": a, "d": d} {
		if got, ok := c.get(key); !ok || got != want {
			t.Errorf("%s: got %p, %v; want %p", key, got, ok, want)
		}
	}
	if c.len() != 2 {
		t.Errorf("len %d; want 2", c.len())
	}
}

func TestDocumentCacheIsBoundedInQueryBytes(t *testing.T) {
	c := newDocumentCache(10, 100)
	c.put(strings.Repeat("a", 101), &document{})
	if c.len() != 0 {
		t.Error("a query longer than the whole budget was cached")
	}
	c.put(strings.Repeat("b", 60), &document{})
	c.put(strings.Repeat("c", 30), &document{})
	c.put(strings.Repeat("d", 20), &document{}) // 110 bytes: evicts b
	if _, ok := c.get(strings.Repeat("b", 60)); ok || c.len() != 2 {
		t.Errorf("len %d, oldest kept %v; want b evicted and 2 left", c.len(), ok)
	}
}

// TestCachedDocumentsAreNeitherParsedNorValidatedAgain plants a parsed
// document under a query text that does not even parse: the request succeeds
// only if the server takes the document from the cache.
func TestCachedDocumentsAreNeitherParsedNorValidatedAgain(t *testing.T) {
	s, _ := newTestServer(t, nil)
	parsed, err := parser.Parse(parser.ParseParams{Source: `{ hello(name: "cache") }`})
	if err != nil {
		t.Fatal(err)
	}
	s.cache.put("{ not graphql", newDocument(parsed, nil, compilers{}))
	rep := do(t, s, post("{ not graphql"))
	if rep.Data["hello"] != "hello cache" {
		t.Errorf("body %s; want the cached document's result", rep.raw)
	}

	// Invalid documents are cached with their validation errors.
	first := do(t, s, post(`{ nosuchfield }`))
	second := do(t, s, post(`{ nosuchfield }`))
	if first.raw != second.raw || !slices.Equal(second.codes(), []string{CodeValidationFailed}) {
		t.Errorf("validation errors differ on the cached path: %s vs %s", first.raw, second.raw)
	}
	if s.cache.len() != 2 {
		t.Errorf("cache holds %d documents; want 2", s.cache.len())
	}
	// Parse failures are not cached: they cost little and would crowd the cache.
	do(t, s, post(`{ broken`))
	if s.cache.len() != 2 {
		t.Errorf("a parse failure was cached")
	}
}

func TestDefaultLimitsAdmitTheIntrospectionQuery(t *testing.T) {
	query, err := os.ReadFile("testdata/introspection.graphql") // graphql-js getIntrospectionQuery(), as GraphiQL sends it
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, nil)
	rep := do(t, s, post(string(query)))
	if rep.status != http.StatusOK || len(rep.Errors) != 0 || rep.Data["__schema"] == nil {
		t.Errorf("introspection: status %d, errors %v", rep.status, rep.Errors)
	}
}

func TestMeasure(t *testing.T) {
	s, _ := newTestServer(t, nil)
	cases := []struct {
		query       string
		vars        map[string]any
		depth, cost int
	}{
		{`{ hello }`, nil, 1, 1},
		{`{ items { id } }`, nil, 2, 2},
		{`{ items(first: 10) { id children(first: 5) { id } } }`, nil, 3, 1 + 10*(1+1+5)},
		{`query($n: Int) { items(first: $n) { id } }`, map[string]any{"n": float64(7)}, 2, 1 + 7},
		{`query($n: Int) { items(first: $n) { id } }`, nil, 2, 2},
		{`{ items(first: -3) { id } }`, nil, 2, 1},
		{`{ ...F items { ... on Item { id } } } fragment F on Query { hello items { id } }`, nil, 2, 1 + 2 + 2},
	}
	for _, c := range cases {
		op, herr := s.prepare(params{Query: c.query, Variables: c.vars})
		if herr != nil {
			t.Fatalf("%s: %v", c.query, herr.errs)
		}
		depth, cost := measure(op.def.SelectionSet, op.doc.fragments, c.vars)
		if depth != c.depth || cost != c.cost {
			t.Errorf("%s %v: depth %d cost %d; want %d %d", c.query, c.vars, depth, cost, c.depth, c.cost)
		}
	}
}

const benchQuery = `query Items { hello items(first: 10) { id children(first: 2) { id } } }`

// BenchmarkPrepare shows what the cache saves: "cached" skips parsing and
// validation, "uncached" does both every time.
func BenchmarkPrepare(b *testing.B) {
	s, _ := newTestServer(b, nil)
	p := params{Query: benchQuery}
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, herr := s.prepare(p); herr != nil {
				b.Fatal(herr.errs)
			}
		}
	})
	b.Run("uncached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			s.cache = newDocumentCache(1, DefaultCacheBytes)
			if _, herr := s.prepare(p); herr != nil {
				b.Fatal(herr.errs)
			}
		}
	})
}

// BenchmarkServe compares one in-process POST through this package's handler
// with graphql-go/handler v0.2.4 on the same schema.
func BenchmarkServe(b *testing.B) {
	s, _ := newTestServer(b, nil)
	gh := handler.New(&handler.Config{Schema: s.schema, Pretty: false})
	body := fmt.Sprintf(`{"query":%q}`, benchQuery)
	for _, c := range []struct {
		name string
		h    http.Handler
	}{{"httpapi", s}, {"graphql-go-handler", gh}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu := procstat.CPUTime()
			for b.Loop() {
				r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				c.h.ServeHTTP(w, r)
				if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `"hello":"hello world"`) {
					b.Fatalf("%d %s", w.Code, w.Body)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			// CPU time (garbage collection included) is steadier than wall
			// time on a machine shared with other work.
			b.ReportMetric(float64(procstat.CPUTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
