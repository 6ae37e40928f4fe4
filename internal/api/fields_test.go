package api

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"
	gqlerrors "github.com/graphql-go/graphql/gqlerrors"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// fieldSchema has one mutation whose resolver fails with the domain field
// named in its input's "fail".
func fieldSchema(t *testing.T) graphql.Schema {
	t.Helper()
	doc := graphql.NewInputObject(graphql.InputObjectConfig{Name: "DocInput", Fields: graphql.InputObjectConfigFieldMap{
		"reference": {Type: graphql.String},
	}})
	b := NewBuilder()
	b.SetStanding(func(context.Context, auth.Principal) error { return nil })
	b.Query("ping", &graphql.Field{Type: graphql.String})
	Mutations[payDeposit]{Handler: recorder{&[]Call{}}, Rows: []Mutation[payDeposit]{{
		Name:  "fileThing",
		Roles: []auth.Role{auth.RoleBidder},
		Input: graphql.InputObjectConfigFieldMap{
			"fail":         {Type: NonNull(graphql.String)},
			"title":        {Type: graphql.String},
			"contractorId": {Type: graphql.ID},
			"plots":        {Type: graphql.NewList(doc)},
			"document":     {Type: doc},
		},
		Decode: func(_ context.Context, c Call) (payDeposit, error) {
			return payDeposit{}, fmt.Errorf("deciding: %w", kernel.FieldErrorf(kernel.CodeInvalid, Arg[string](c.Input, "fail"), "refused"))
		},
	}}}.Register(b)
	s, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestMutationErrorsNameAFieldOfTheInput(t *testing.T) {
	s := fieldSchema(t)
	bidder := auth.Principal{Role: auth.RoleBidder, Party: uuid.New()}
	for domain, want := range map[string]string{
		"title":                 "title",              // an input field as it is
		"document.reference":    "document.reference", // a nested one
		"plots.0.reference":     "plots.0.reference",  // with a list index
		"plots[1].reference":    "plots[1].reference",
		"details.title":         "title",        // the tail that is an input field
		"contractor":            "contractorId", // the input's id of the domain's party
		"seller":                "",             // the caller: not an input field
		"bidderId":              "",             // not an input field: named nowhere
		"document.signed":       "",
		"asset.encumbrances.id": "",
	} {
		r := run(s, &bidder, `mutation { fileThing(input: {fail: "`+domain+`"}) { position } }`)
		if len(r.Errors) != 1 {
			t.Fatalf("%s: errors %v", domain, r.Errors)
		}
		var kerr *kernel.Error
		err := r.Errors[0].OriginalError()
		var located *gqlerrors.Error
		if errors.As(err, &located) {
			err = located.OriginalError
		}
		if !errors.As(err, &kerr) || kerr.Code != kernel.CodeInvalid || kerr.Message != "refused" {
			t.Fatalf("%s: error %v lost its code or message", domain, err)
		}
		if kerr.Field != want {
			t.Errorf("domain field %q: extensions.field %q, want %q", domain, kerr.Field, want)
		}
	}
}

func TestIdempotencyKeyAndClientMutationIdAreLimited(t *testing.T) {
	var calls []Call
	s := testSchema(t, &calls)
	bidder := auth.Principal{Role: auth.RoleBidder, Party: uuid.New()}
	for _, field := range []string{"idempotencyKey", "clientMutationId"} {
		at := strings.Repeat("键", kernel.MaxReferenceRunes)
		ok := run(s, &bidder, `mutation { payDeposit(input: {amount: "1", `+field+`: "`+at+`"}) { position } }`)
		if ok.HasErrors() {
			t.Fatalf("%s of %d characters: %v", field, kernel.MaxReferenceRunes, ok.Errors)
		}
		n := len(calls)
		r := run(s, &bidder, `mutation { payDeposit(input: {amount: "1", `+field+`: "`+at+`键"}) { position } }`)
		if len(r.Errors) != 1 || errorCode(r.Errors[0]) != kernel.CodeTextTooLong || !strings.Contains(r.Errors[0].Message, "at most 64 characters") {
			t.Fatalf("%s of %d characters: %v", field, kernel.MaxReferenceRunes+1, r.Errors)
		}
		if len(calls) != n {
			t.Fatalf("an oversized %s reached the resolver", field)
		}
	}
}
