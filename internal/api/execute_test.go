package api

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
)

// TestLeavesAreWrittenAsEncodingJSONWrites compares a compiled plan's JSON
// for strings and numbers with encoding/json's, which graphql-go's path uses:
// every ASCII byte, HTML characters, invalid UTF-8, U+2028/U+2029, Chinese,
// and floats across the switch to exponents.
func TestLeavesAreWrittenAsEncodingJSONWrites(t *testing.T) {
	strs := []string{"", "plain", "苹果园 <b>&amp;</b>", "a\u2028b\u2029c", "破折号——省略…\u2028尾", "bad \xff\xfe utf-8", "\xe6\x9e", "tab\tnew\nline\r\\\"q\""}
	for b := range 128 {
		strs = append(strs, string([]byte{'x', byte(b), 'y'}))
	}
	for _, s := range strs {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
	for _, f := range []float64{0, 1, -1.5, 1e-7, 123456789e-15, 1e20, 1e21, -3.4e38, math.SmallestNonzeroFloat64, 0.1 + 0.2} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := appendFloat(nil, f); !ok || string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, %v, want %s", f, got, ok, want)
		}
	}
	if _, ok := appendFloat(nil, math.Inf(1)); ok {
		t.Error("appendFloat(+Inf) wrote a value encoding/json refuses")
	}
}

// TestPlansDeclineWhatGraphQLGoMustAnswer runs plans over a schema whose
// fields panic, fail, return null for a non-null type or are not Plain:
// a plan answers the plain fields alone and declines (or is never made for)
// every other, so graphql-go reports it.
func TestPlansDeclineWhatGraphQLGoMustAnswer(t *testing.T) {
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"ok":     {Type: graphql.String, Resolve: Plain(func(graphql.ResolveParams) (any, error) { return "yes", nil })},
		"panics": {Type: graphql.String, Resolve: Plain(func(graphql.ResolveParams) (any, error) { panic("resolver panics") })},
		"fails":  {Type: graphql.String, Resolve: Plain(func(graphql.ResolveParams) (any, error) { return nil, errors.New("no") })},
		"null": {Type: graphql.NewNonNull(graphql.String),
			Resolve: Plain(func(graphql.ResolveParams) (any, error) { return nil, nil })},
		"unmarked": {Type: graphql.String, Resolve: func(graphql.ResolveParams) (any, error) { return "yes", nil }},
	}})
	schema, err := graphql.NewSchema(graphql.SchemaConfig{Query: query})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query    string
		compiles bool
		want     string // the plan's JSON; "" when it declines
	}{
		{`{ ok }`, true, `{"ok":"yes"}`},
		{`{ ok panics }`, true, ""},
		{`{ ok fails }`, true, ""},
		{`{ ok null }`, true, ""},
		{`{ ok unmarked }`, false, ""},
	} {
		doc, err := parser.Parse(parser.ParseParams{Source: c.query})
		if err != nil {
			t.Fatal(err)
		}
		run := Compile(&schema, doc, doc.Definitions[0].(*ast.OperationDefinition))
		if (run != nil) != c.compiles {
			t.Errorf("%s: compiled %v, want %v", c.query, run != nil, c.compiles)
			continue
		}
		if run == nil {
			continue
		}
		got, ok := run(context.Background(), nil, nil)
		if ok != (c.want != "") || ok && string(got) != c.want {
			t.Errorf("%s: plan gave %s, %v; want %q", c.query, got, ok, c.want)
		}
	}
}
