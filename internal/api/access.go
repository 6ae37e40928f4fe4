package api

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Require returns the caller if it acts in one of roles: anonymous callers get
// UNAUTHENTICATED, others FORBIDDEN.
func Require(ctx context.Context, roles ...auth.Role) (auth.Principal, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return auth.Principal{}, kernel.Errorf(kernel.CodeUnauthenticated, "sign in: this needs a bearer token")
	}
	if !slices.Contains(roles, p.Role) {
		return auth.Principal{}, kernel.Errorf(kernel.CodeForbidden, "a %s may not do this", p.Role)
	}
	return p, nil
}

// RequireParty checks that the caller acts for party, or is the exchange
// operator when exchangeToo is set.
func RequireParty(p auth.Principal, party uuid.UUID, exchangeToo bool) error {
	if p.Party == party || (exchangeToo && p.Role == auth.RoleExchange) {
		return nil
	}
	return kernel.Errorf(kernel.CodeForbidden, "this belongs to another party")
}

// Viewer returns the caller, or the zero Principal for anonymous callers.
func Viewer(ctx context.Context) auth.Principal {
	p, _ := auth.FromContext(ctx)
	return p
}
