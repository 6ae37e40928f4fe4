package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

func TestReadyzAnswersWhichCheckFails(t *testing.T) {
	storeErr := errors.New("event store down")
	var failing error
	s, _ := newTestServer(t, func(o *Options) {
		o.Readiness = []Check{
			{Name: "store", Check: func(context.Context) error { return failing }},
			{Name: "projections", Check: func(context.Context) error { return nil }},
		}
	})
	readyz := func() (int, readiness) {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		var r readiness
		if err := json.Unmarshal(w.Body.Bytes(), &r); err != nil {
			t.Fatalf("/readyz body %q: %v", w.Body, err)
		}
		return w.Code, r
	}
	if code, r := readyz(); code != http.StatusOK || !r.Ready || r.Checks["store"] != "ok" || r.Checks["projections"] != "ok" {
		t.Fatalf("ready: %d %+v; want 200 with every check ok", code, r)
	}
	failing = storeErr
	if code, r := readyz(); code != http.StatusServiceUnavailable || r.Ready || r.Checks["store"] != storeErr.Error() || r.Checks["projections"] != "ok" {
		t.Fatalf("store down: %d %+v; want 503 naming the store", code, r)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if w.Code != http.StatusOK {
		t.Fatalf("/healthz while not ready: %d; want 200 (the process lives)", w.Code)
	}
}

func TestAStoreThatIsDownAnswersStoreUnavailableWithoutLogging(t *testing.T) {
	s, logs := newTestServer(t, func(o *Options) {
		schema, err := graphql.NewSchema(graphql.SchemaConfig{
			Query: graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{"ok": {Type: graphql.Boolean}}}),
			Mutation: graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: graphql.Fields{
				"bid": {Type: graphql.Boolean, Resolve: func(graphql.ResolveParams) (any, error) {
					return nil, fmt.Errorf("append to listing-1: %w", fmt.Errorf("filestore: write failed: %w", eventstore.ErrUnavailable))
				}},
			}}),
		})
		if err != nil {
			t.Fatal(err)
		}
		o.Schema = &schema
	})
	for range 50 {
		r := do(t, s, post("mutation { bid }"))
		if codes := r.codes(); len(codes) != 1 || codes[0] != CodeStoreUnavailable {
			t.Fatalf("codes = %v; want [%s] (%s)", codes, CodeStoreUnavailable, r.raw)
		}
		if strings.Contains(r.raw, "filestore") {
			t.Fatalf("the store's error reached the client: %s", r.raw)
		}
	}
	if logged := logs.String(); logged != "" {
		t.Fatalf("refused requests logged:\n%s", logged)
	}
}
