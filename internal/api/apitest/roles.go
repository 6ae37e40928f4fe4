package apitest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/party"
)

// CheckRoles calls every mutation of the schema as an anonymous caller and
// as each role, with a minimal well-typed input, and checks the outcome
// against table (mutation name → the roles allowed to call it): anonymous
// callers get UNAUTHENTICATED, other roles a FORBIDDEN role refusal, and
// nothing is written for either; allowed roles get past the role check (any
// error they get is about the input or the state, not who they are). Each
// mutation is also called in its first allowed role for a party that is not
// registered (PARTY_NOT_REGISTERED), one that is suspended
// (PARTY_SUSPENDED) and one registered as a kind that does not act in that
// role (FORBIDDEN), and nothing is written for them. Every mutation must be
// in the table, so a new mutation cannot skip the check.
func (h *Harness) CheckRoles(t *testing.T, table map[string][]auth.Role) {
	t.Helper()
	fields := h.Schema.MutationType().Fields()
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	suspended := map[auth.Role]uuid.UUID{} // one suspended party per role
	for _, name := range names {
		allowed, ok := table[name]
		if !ok {
			t.Errorf("mutation %s is missing from the role table", name)
			continue
		}
		input := MinimalInput(fields[name].Args[0].Type)
		query := fmt.Sprintf("mutation($input: %s) { %s(input: $input) { position } }", fields[name].Args[0].Type, name)
		callers := append([]auth.Role{{}}, auth.Roles()...)
		for _, role := range callers {
			t.Run(name+"/"+roleName(role), func(t *testing.T) {
				token := ""
				if !role.IsZero() {
					token = h.Token(role, uuid.New())
				}
				before := h.head()
				r := h.post(token, query, map[string]any{"input": input})
				switch {
				case role.IsZero():
					if r.Code() != kernel.CodeUnauthenticated {
						t.Fatalf("anonymous call: %+v, want UNAUTHENTICATED", r.Errors)
					}
				case !slices.Contains(allowed, role):
					if r.Code() != kernel.CodeForbidden || !strings.Contains(r.Errors[0].Message, api.RoleRefusal) {
						t.Fatalf("%s: %+v, want a FORBIDDEN role refusal", role, r.Errors)
					}
				default:
					if r.Code() == kernel.CodeUnauthenticated || (len(r.Errors) > 0 && strings.Contains(r.Errors[0].Message, api.RoleRefusal)) {
						t.Fatalf("%s is allowed but was refused: %+v", role, r.Errors)
					}
					return
				}
				if after := h.head(); after != before {
					t.Fatalf("a refused call wrote events (head %d → %d)", before, after)
				}
			})
		}
		if len(allowed) == 0 {
			continue
		}
		role := allowed[0]
		if _, ok := suspended[role]; !ok {
			suspended[role] = uuid.New()
			Register(h.T, h.App, role, suspended[role])
			Suspend(h.T, h.App, suspended[role])
		}
		otherKind := uuid.New()
		Register(h.T, h.App, otherRole(role), otherKind)
		for _, c := range []struct {
			caller, token, code string
		}{
			{"unregistered", h.UnregisteredToken(role, uuid.New()), party.CodeNotRegistered},
			{"suspended", h.UnregisteredToken(role, suspended[role]), party.CodeSuspended},
			{"another kind", h.UnregisteredToken(role, otherKind), kernel.CodeForbidden},
		} {
			t.Run(name+"/"+c.caller+" "+role.String(), func(t *testing.T) {
				before := h.head()
				r := h.post(c.token, query, map[string]any{"input": input})
				if r.Code() != c.code || strings.Contains(r.Errors[0].Message, api.RoleRefusal) {
					t.Fatalf("%+v, want %s before any check of the input", r.Errors, c.code)
				}
				if after := h.head(); after != before {
					t.Fatalf("a refused call wrote events (head %d → %d)", before, after)
				}
			})
		}
	}
	for name := range table {
		if _, ok := fields[name]; !ok {
			t.Errorf("the role table names %s, which the schema does not have", name)
		}
	}
}

// otherRole is a role whose test party's kind does not act in role.
func otherRole(role auth.Role) auth.Role {
	if role == auth.RoleBidder {
		return auth.RoleBank
	}
	return auth.RoleBidder
}

func roleName(r auth.Role) string {
	if r.IsZero() {
		return "anonymous"
	}
	return r.String()
}

// head is the store's last position.
func (h *Harness) head() uint64 {
	h.T.Helper()
	var last uint64
	for {
		recs, err := h.App.Store.ReadAll(context.Background(), last, 4096)
		if err != nil {
			h.T.Fatal(err)
		}
		if len(recs) == 0 {
			return last
		}
		last = recs[len(recs)-1].Position
	}
}

// MinimalInput returns the smallest value of type t that passes GraphQL input
// coercion: required fields only, placeholder scalars, fresh ids.
func MinimalInput(t graphql.Input) any {
	switch t := t.(type) {
	case *graphql.NonNull:
		return MinimalInput(t.OfType)
	case *graphql.List:
		return []any{}
	case *graphql.Enum:
		return t.Values()[0].Name
	case *graphql.InputObject:
		out := map[string]any{}
		for name, f := range t.Fields() {
			if _, required := f.Type.(*graphql.NonNull); required {
				out[name] = MinimalInput(f.Type)
			}
		}
		return out
	case *graphql.Scalar:
		switch t.Name() {
		case "ID":
			return uuid.NewString()
		case "Int":
			return 1
		case "Float":
			return 1.0
		case "Boolean":
			return false
		case "Money", "Area":
			return "1.00"
		case "DateTime":
			return Start.AddDate(0, 0, 1).Format("2006-01-02T15:04:05Z")
		case "Position":
			return "1"
		}
		return "x"
	}
	return nil
}
