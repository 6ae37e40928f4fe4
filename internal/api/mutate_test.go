package api

import (
	"context"
	"fmt"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// TestCompiledMutationRunsEachResolverOnce runs compiled mutations directly:
// whatever a resolver does — answer, fail, panic, answer a payload that
// fails to complete — the run calls it exactly once and answers; only the
// variables are ever declined, before anything runs.
func TestCompiledMutationRunsEachResolverOnce(t *testing.T) {
	calls := 0
	answer := map[string]any{}
	var failure error
	mutation := graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: graphql.Fields{
		"act": {
			Type: graphql.NewNonNull(graphql.NewObject(graphql.ObjectConfig{Name: "ActPayload", Fields: graphql.Fields{
				"n":    {Type: graphql.NewNonNull(graphql.Int)},
				"note": {Type: Enum("Note", "", colour("X"))},
			}})),
			Args: graphql.FieldConfigArgument{"n": {Type: graphql.NewNonNull(graphql.Int)}},
			Resolve: mutationResolvers.mark(func(p graphql.ResolveParams) (any, error) {
				calls++
				if p.Args["n"] == 13 {
					panic("unlucky")
				}
				if answer == nil {
					return nil, failure
				}
				return answer, failure
			}),
		},
	}})
	schema, err := graphql.NewSchema(graphql.SchemaConfig{Query: graphql.NewObject(graphql.ObjectConfig{Name: "Query",
		Fields: graphql.Fields{"ping": {Type: graphql.String}}}), Mutation: mutation})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := parser.Parse(parser.ParseParams{Source: `mutation($n: Int!) { act(n: $n) { n note } }`})
	if err != nil {
		t.Fatal(err)
	}
	prepare := CompileMutation(&schema, doc, doc.Definitions[0].(*ast.OperationDefinition))
	if prepare == nil {
		t.Fatal("not compiled")
	}
	if _, ok := prepare(map[string]any{"n": "one"}); ok || calls != 0 {
		t.Fatalf("a variable graphql-go refuses was accepted (ok %v), or ran the resolver (%d calls)", ok, calls)
	}
	for _, c := range []struct {
		name    string
		n       int
		answer  map[string]any
		failure error
		want    string // the data, then each error's message and path
	}{
		{"answers", 1, map[string]any{"n": 1, "note": colour("X")}, nil, `{"act":{"n":1,"note":"X"}}`},
		{"fails", 1, nil, kernel.Errorf("NO", "refused"), `null NO: refused [act]`},
		{"panics", 13, nil, nil, `null unlucky [act]`},
		{"answers null", 1, nil, nil, `null Cannot return null for non-nullable field Mutation.act. [act]`},
		{"answers a payload with a null non-null field", 1, map[string]any{"note": colour("X")}, nil,
			`null Cannot return null for non-nullable field ActPayload.n. [act n]`},
		{"answers a payload with a nullable field that fails", 1, map[string]any{"n": 2, "note": []int{1}}, nil,
			`{"act":{"n":2,"note":null}} runtime error: hash of unhashable type []int [act note]`},
	} {
		calls, answer, failure = 0, c.answer, c.failure
		run, ok := prepare(map[string]any{"n": c.n})
		if !ok {
			t.Fatalf("%s: declined", c.name)
		}
		data, errs := run(context.Background(), nil)
		got := string(data)
		for _, e := range errs {
			got += fmt.Sprintf(" %s %v", e.Message, e.Path)
		}
		if calls != 1 || got != c.want {
			t.Errorf("%s: %d calls, %s; want 1 call, %s", c.name, calls, got, c.want)
		}
	}
}
