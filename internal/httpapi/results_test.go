package httpapi

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/readmodel/changes"
)

// commit records a read-model commit changing keys in log.
func commit(log *changes.Log, keys ...changes.Key) {
	ctx, set := changes.Collect(context.Background())
	changes.Changed(ctx, keys...)
	log.Record(set)
}

func TestResultCacheAnswersTheSameQueryUntilWhatItReadChanges(t *testing.T) {
	var calls atomic.Int64
	log := changes.NewLog(100)
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		// board reads without naming what: it depends on every change.
		"board": {Type: graphql.Int, Args: graphql.FieldConfigArgument{"n": {Type: graphql.Int}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				changes.Read(p.Context)
				return int(calls.Add(1)), nil
			}},
		// item reads the key named by its argument only.
		"item": {Type: graphql.Int, Args: graphql.FieldConfigArgument{"key": {Type: graphql.String}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				changes.Read(changes.Depend(p.Context, changes.Key(p.Args["key"].(string))))
				return int(calls.Add(1)), nil
			}},
		"clock": {Type: graphql.Int, Resolve: func(graphql.ResolveParams) (any, error) { return int(calls.Add(1)), nil }},
	}})
	schema, err := graphql.NewSchema(graphql.SchemaConfig{Query: query})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := newTestServer(t, func(o *Options) {
		o.Schema = &schema
		o.Changes = log
		o.Cacheable = map[string]bool{"board": true, "item": true}
	})
	field := func(name string, rq request) float64 {
		t.Helper()
		r := do(t, s, rq)
		if len(r.Errors) > 0 {
			t.Fatal(r.Errors)
		}
		return r.Data[name].(float64)
	}
	board := func(rq request) float64 { t.Helper(); return field("board", rq) }
	q := post(`query($n: Int) { board(n: $n) }`)
	q.vars = map[string]any{"n": 1}
	first := board(q)
	if again := board(q); again != first {
		t.Fatalf("the same query with nothing changed was computed again (%v, then %v)", first, again)
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
	commit(log) // a commit that names no key
	if board(q) == first {
		t.Fatal("a result that read without naming keys was served after a commit")
	}

	itemA, itemB := post(`{ item(key: "a") }`), post(`{ item(key: "b") }`)
	a, b := field("item", itemA), field("item", itemB)
	commit(log, "a")
	if field("item", itemB) != b {
		t.Fatal("a change to a evicted a result that read only b")
	}
	if field("item", itemA) == a {
		t.Fatal("a result that read a was served after a changed")
	}
	log.Everything()
	if field("item", itemB) == b {
		t.Fatal("a result was served after a commit that may have changed anything")
	}

	before := calls.Load()
	do(t, s, post(`{ board clock }`))
	do(t, s, post(`{ board clock }`))
	if calls.Load()-before != 4 {
		t.Fatal("a query with a root field not declared cacheable was cached")
	}
}
