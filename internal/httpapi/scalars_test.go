package httpapi

import (
	"strings"
	"testing"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
)

// scalarSchema has one query taking every input scalar of the exchange's
// schema (ShareCount is output only), the built-ins it uses and an enum.
func scalarSchema() *graphql.Schema {
	kind := graphql.NewEnum(graphql.EnumConfig{Name: "Kind", Values: graphql.EnumValueConfigMap{"LAND": {}, "FOREST": {}}})
	args := graphql.FieldConfigArgument{}
	for name, t := range map[string]graphql.Input{
		"money": api.Money, "area": api.Area, "at": api.DateTime, "pos": api.Position,
		"id": graphql.ID, "n": graphql.Int, "yes": graphql.Boolean, "kind": kind,
	} {
		args[name] = &graphql.ArgumentConfig{Type: t}
	}
	s, err := graphql.NewSchema(graphql.SchemaConfig{Query: graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"echo": {Type: graphql.Boolean, Args: args, Resolve: func(graphql.ResolveParams) (any, error) { return true, nil }},
	}})})
	if err != nil {
		panic(err)
	}
	return &s
}

// A value a scalar refuses, as a literal or as a variable, is INVALID_SCALAR
// with what was found and what form is expected; the example the message
// gives is accepted.
func TestScalarErrorsStateTheExpectedForm(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.Schema = scalarSchema() })
	for _, tc := range []struct {
		arg, typ   string
		bad        any    // sent as the variable; its literal is literal
		literal    string // the bad value as a GraphQL literal
		form, good string // a part of the message; an example it gives, as a literal
	}{
		{"money", "Money", "1.005", `"1.005"`, `money is an amount of renminbi yuan as a decimal string with at most two decimals, e.g. "1250.50"`, `"1250.50"`},
		{"money", "Money", 12, `12`, `decimal string`, `"12"`},
		{"area", "Area", "12,5", `"12,5"`, `area is a land area in mu (亩) as a decimal string with at most two decimals, e.g. "12.50"`, `"12.50"`},
		{"at", "DateTime", "2026-05-01", `"2026-05-01"`, `datetime is an instant as an RFC 3339 string with its offset, e.g. "2026-05-01T08:00:00+08:00"`, `"2026-05-01T08:00:00+08:00"`},
		{"at", "DateTime", "2026-05-01 08:00", `"2026-05-01 08:00"`, `or "2026-05-01T00:00:00Z"`, `"2026-05-01T00:00:00Z"`},
		{"pos", "Position", "-1", `"-1"`, `position is a global event-store position as a decimal string`, `"17"`},
		{"id", "ID", true, `true`, `id is a string such as "6f1f3c2e-8a4e-4f7e-9a51-2d0c5b7e9a10"`, `"6f1f3c2e-8a4e-4f7e-9a51-2d0c5b7e9a10"`},
		{"n", "Int", "seven", `"seven"`, `int is a whole number from -2147483648 to 2147483647`, `7`},
		{"yes", "Boolean", "yes", `"yes"`, `boolean is true or false`, `true`},
		{"kind", "Kind", "GARDEN", `GARDEN`, `kind is one of FOREST, LAND`, `FOREST`},
	} {
		check := func(how string, rep reply) {
			t.Helper()
			if rep.status != 400 || len(rep.Errors) != 1 || rep.codes()[0] != CodeInvalidScalar {
				t.Fatalf("%s %s %v: status %d, %s", tc.typ, how, tc.bad, rep.status, rep.raw)
			}
			msg := strings.ToLower(rep.Errors[0].Message)
			if !strings.Contains(msg, `expected type "`+strings.ToLower(tc.typ)+`", found`) || !strings.Contains(msg, strings.ToLower(tc.form)) {
				t.Errorf("%s %s: message %q does not say %q", tc.typ, how, rep.Errors[0].Message, tc.form)
			}
		}
		accept := "application/graphql-response+json"
		if rep := do(t, s, request{method: "POST", accept: accept, query: `{ echo(` + tc.arg + `: ` + tc.good + `) }`}); len(rep.Errors) != 0 {
			t.Errorf("%s: the example %s is refused: %s", tc.typ, tc.good, rep.raw)
		}
		check("literal", do(t, s, request{method: "POST", accept: accept, query: `{ echo(` + tc.arg + `: ` + tc.literal + `) }`}))
		if tc.typ == "ID" || tc.typ == "Boolean" {
			continue // graphql-go coerces any variable to these (api.ID then refuses what is not a UUID, with an example)
		}
		check("variable", do(t, s, request{method: "POST", accept: accept, query: `query($v: ` + tc.typ + `) { echo(` + tc.arg + `: $v) }`,
			vars: map[string]any{"v": tc.bad}}))
	}
}

// Errors about other things than a refused value keep their code.
func TestOtherValidationErrorsKeepTheirCode(t *testing.T) {
	s, _ := newTestServer(t, func(o *Options) { o.Schema = scalarSchema() })
	rep := do(t, s, request{method: "POST", accept: "application/graphql-response+json", query: `{ echo(nope: 1) }`})
	if len(rep.Errors) != 1 || rep.codes()[0] != CodeValidationFailed {
		t.Fatalf("unknown argument: %s", rep.raw)
	}
}
