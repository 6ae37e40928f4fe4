package httpapi

import (
	"sync/atomic"
	"testing"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/auth"
)

func TestResultCacheAnswersTheSameQueryAtTheSamePosition(t *testing.T) {
	var calls atomic.Int64
	var pos atomic.Uint64
	pos.Store(1)
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"board": {Type: graphql.Int, Args: graphql.FieldConfigArgument{"n": {Type: graphql.Int}},
			Resolve: func(p graphql.ResolveParams) (any, error) { return int(calls.Add(1)), nil }},
		"clock": {Type: graphql.Int, Resolve: func(graphql.ResolveParams) (any, error) { return int(calls.Add(1)), nil }},
	}})
	schema, err := graphql.NewSchema(graphql.SchemaConfig{Query: query})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, func(o *Options) {
		o.Schema = &schema
		o.Position = pos.Load
		o.Cacheable = map[string]bool{"board": true}
	})
	board := func(rq request) float64 {
		t.Helper()
		r := do(t, s, rq)
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		return r.Data["board"].(float64)
	}
	q := post(`query($n: Int) { board(n: $n) }`)
	q.vars = map[string]any{"n": 1}
	first := board(q)
	if again := board(q); again != first {
		t.Fatalf("the same query at the same position was computed again (%v, then %v)", first, again)
	}
	other := q
	other.vars = map[string]any{"n": 2}
	if board(other) == first {
		t.Fatal("other variables were answered from the cache")
	}
	signedIn := q
	signedIn.headers = map[string]string{"Authorization": "Bearer " + testToken(t, auth.RoleExchange)}
	if board(signedIn) == first {
		t.Fatal("another caller was answered from the anonymous caller's result")
	}
	pos.Store(2)
	if board(q) == first {
		t.Fatal("a result of an older position was served after the read models moved")
	}
	before := calls.Load()
	do(t, s, post(`{ board clock }`))
	do(t, s, post(`{ board clock }`))
	if calls.Load()-before != 4 {
		t.Fatal("a query with a root field not declared cacheable was cached")
	}
}
