package api

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"
	gqlerrors "github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// payDeposit is the command of the test schema's one mutation.
type payDeposit struct {
	DepositID uuid.UUID
	Amount    kernel.Money
}

func (c payDeposit) AggregateID() uuid.UUID { return c.DepositID }

// recorder is a Sender that records the calls it gets.
type recorder struct{ calls *[]Call }

var _ Sender[payDeposit] = recorder{}

func (r recorder) Handle(_ context.Context, cmd payDeposit, meta app.Meta) (app.Result, error) {
	*r.calls = append(*r.calls, Call{Meta: meta})
	return app.Result{Position: 42}, nil
}

// testSchema has one mutation that records the calls it gets.
func testSchema(t *testing.T, calls *[]Call) graphql.Schema {
	t.Helper()
	b := NewBuilder()
	b.SetStanding(func(context.Context, auth.Principal) error { return nil })
	b.Query("ping", &graphql.Field{Type: graphql.String, Resolve: func(graphql.ResolveParams) (any, error) { return "pong", nil }})
	Mutations[payDeposit]{Handler: recorder{calls}, ID: "depositId", Rows: []Mutation[payDeposit]{{
		Name:   "payDeposit",
		Roles:  []auth.Role{auth.RoleBidder},
		Input:  graphql.InputObjectConfigFieldMap{"amount": {Type: NonNull(Money)}},
		Output: graphql.Fields{"amount": {Type: NonNull(Money)}},
		Decode: func(_ context.Context, c Call) (payDeposit, error) {
			amount := Arg[kernel.Money](c.Input, "amount")
			if amount <= 0 {
				return payDeposit{}, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "must be positive")
			}
			return payDeposit{DepositID: c.NewID("deposit"), Amount: amount}, nil
		},
		Payload: func(cmd payDeposit, _ app.Result) map[string]any { return map[string]any{"amount": cmd.Amount} },
	}}}.Register(b)
	s, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func run(s graphql.Schema, p *auth.Principal, query string) *graphql.Result {
	ctx := context.Background()
	if p != nil {
		ctx = auth.WithPrincipal(ctx, *p)
	}
	return graphql.Do(graphql.Params{Schema: s, RequestString: query, Context: ctx})
}

func TestMutationIdempotencyKeyScopesCommandAndNewIDs(t *testing.T) {
	var calls []Call
	s := testSchema(t, &calls)
	alice := auth.Principal{Role: auth.RoleBidder, Party: uuid.New()}
	bob := auth.Principal{Role: auth.RoleBidder, Party: uuid.New()}
	q := `mutation { payDeposit(input: {amount: "3000.50", idempotencyKey: "k1", clientMutationId: "c"}) { depositId amount position duplicate clientMutationId } }`
	first := run(s, &alice, q)
	again := run(s, &alice, q)
	other := run(s, &bob, q)
	fresh := run(s, &alice, strings.Replace(q, "k1", "k2", 1))
	for _, r := range []*graphql.Result{first, again, other, fresh} {
		if r.HasErrors() {
			t.Fatal(r.Errors)
		}
	}
	if calls[0].Meta.CommandID != calls[1].Meta.CommandID {
		t.Fatal("the same key from the same caller gave two command ids")
	}
	if calls[0].Meta.CommandID == calls[2].Meta.CommandID || calls[0].Meta.CommandID == calls[3].Meta.CommandID {
		t.Fatal("another caller or another key shares a command id")
	}
	payload := func(r *graphql.Result) map[string]any {
		return r.Data.(map[string]any)["payDeposit"].(map[string]any)
	}
	if payload(first)["depositId"] != payload(again)["depositId"] || payload(first)["depositId"] == payload(other)["depositId"] {
		t.Fatal("new ids do not follow the idempotency key")
	}
	p := payload(first)
	if p["amount"] != "3000.50" || p["position"] != "42" || p["clientMutationId"] != "c" || p["duplicate"] != false {
		t.Fatalf("payload = %v", p)
	}
	if calls[0].Meta.Actor != "bidder:"+alice.Party.String() {
		t.Fatalf("actor = %q", calls[0].Meta.Actor)
	}
	noKey := `mutation { payDeposit(input: {amount: "1"}) { position } }`
	run(s, &alice, noKey)
	run(s, &alice, noKey)
	if n := len(calls); calls[n-1].Meta.CommandID == calls[n-2].Meta.CommandID {
		t.Fatal("calls without a key share a command id")
	}
}

func TestMutationRefusesAnonymousAndOtherRoles(t *testing.T) {
	var calls []Call
	s := testSchema(t, &calls)
	q := `mutation { payDeposit(input: {amount: "1"}) { position } }`
	bank := auth.Principal{Role: auth.RoleBank, Party: uuid.New()}
	for _, tc := range []struct {
		p    *auth.Principal
		code string
	}{{nil, kernel.CodeUnauthenticated}, {&bank, kernel.CodeForbidden}} {
		r := run(s, tc.p, q)
		if len(r.Errors) != 1 || errorCode(r.Errors[0]) != tc.code {
			t.Fatalf("errors = %v, want %s", r.Errors, tc.code)
		}
	}
	if len(calls) != 0 {
		t.Fatal("a refused caller reached the resolver")
	}
}

func TestScalarsRefuseBadInputBeforeResolvers(t *testing.T) {
	var calls []Call
	s := testSchema(t, &calls)
	bidder := auth.Principal{Role: auth.RoleBidder, Party: uuid.New()}
	for _, bad := range []string{`"1.005"`, `"ten"`, `12`} {
		r := run(s, &bidder, `mutation { payDeposit(input: {amount: `+bad+`}) { position } }`)
		if !r.HasErrors() || !strings.Contains(r.Errors[0].Message, "amount") {
			t.Fatalf("amount %s: errors %v", bad, r.Errors)
		}
	}
	if len(calls) != 0 {
		t.Fatal("bad input reached the resolver")
	}
}

func TestCursorRoundTripAndRefusal(t *testing.T) {
	c := encodeCursor("2026-11-25T08:00:00Z", "abc")
	parts, err := decodeCursor(map[string]any{"after": c}, 2)
	if err != nil || parts[0] != "2026-11-25T08:00:00Z" || parts[1] != "abc" {
		t.Fatalf("parts %v, err %v", parts, err)
	}
	if _, err := decodeCursor(map[string]any{"after": "!!"}, 2); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Fatalf("garbage cursor: %v", err)
	}
	if _, err := decodeCursor(map[string]any{"after": c}, 3); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Fatalf("cursor of another connection: %v", err)
	}
	if n, err := pageSize(map[string]any{"first": MaxPageSize}); err != nil || n != MaxPageSize {
		t.Fatalf("a page of MaxPageSize: %d, %v", n, err)
	}
	if _, err := pageSize(map[string]any{"first": MaxPageSize + 1}); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Fatal("oversized page accepted")
	}
	if _, err := pageSize(map[string]any{"first": 0}); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Fatal("empty page accepted")
	}
}

// The printed SDL must parse, and declare exactly the schema's named types.
func TestPrintSDLParsesBackToTheSameTypes(t *testing.T) {
	var calls []Call
	s := testSchema(t, &calls)
	sdl := PrintSDL(s)
	doc, err := parser.Parse(parser.ParseParams{Source: sdl})
	if err != nil {
		t.Fatalf("printed SDL does not parse: %v\n%s", err, sdl)
	}
	declared := map[string]bool{}
	for _, def := range doc.Definitions {
		switch d := def.(type) {
		case *ast.ObjectDefinition:
			declared[d.Name.Value] = true
		case *ast.InputObjectDefinition:
			declared[d.Name.Value] = true
		case *ast.ScalarDefinition:
			declared[d.Name.Value] = true
		case *ast.EnumDefinition:
			declared[d.Name.Value] = true
		}
	}
	for name := range s.TypeMap() {
		if strings.HasPrefix(name, "__") || builtinScalar[name] {
			continue
		}
		if !declared[name] {
			t.Errorf("type %s missing from the SDL", name)
		}
		delete(declared, name)
	}
	if len(declared) != 0 {
		t.Errorf("SDL declares types the schema lacks: %v", declared)
	}
	if PrintSDL(s) != sdl {
		t.Error("printing is not deterministic")
	}
}

// errorCode digs the resolver's error out of graphql-go's wrapping.
func errorCode(fe gqlerrors.FormattedError) string {
	var located *gqlerrors.Error
	if err := fe.OriginalError(); errors.As(err, &located) && located.OriginalError != nil {
		return kernel.ErrorCode(located.OriginalError)
	}
	return kernel.ErrorCode(fe.OriginalError())
}
