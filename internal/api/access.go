package api

import (
	"context"
	"slices"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/party"
)

// RoleRefusal ends the message of a FORBIDDEN error refusing a caller's role
// (as opposed to refusing the party it acts for).
const RoleRefusal = "may not do this"

// Require returns the caller if it acts in one of roles: anonymous callers get
// UNAUTHENTICATED, others FORBIDDEN.
func Require(ctx context.Context, roles ...auth.Role) (auth.Principal, error) {
	p, ok := auth.FromContext(ctx)
	if !ok {
		return auth.Principal{}, kernel.Errorf(kernel.CodeUnauthenticated, "sign in: this needs a bearer token")
	}
	if !slices.Contains(roles, p.Role) {
		return auth.Principal{}, kernel.Errorf(kernel.CodeForbidden, "a %s %s", p.Role, RoleRefusal)
	}
	return p, nil
}

// PartyStanding is the exchange's Standing: it reads the caller's party from
// the register in the event store (not a read model) and refuses a party
// that is not registered (PARTY_NOT_REGISTERED), is suspended
// (PARTY_SUSPENDED), or whose kind does not act in the caller's role
// (FORBIDDEN, auth.MayAct).
func PartyStanding(a *app.App) Standing {
	return func(ctx context.Context, p auth.Principal) error {
		s, err := a.Party(ctx, p.Party)
		if err != nil {
			return err
		}
		if err := s.CanAct(); err != nil {
			return err
		}
		return auth.MayAct(s.Kind, p.Role)
	}
}

// SignIns is the exchange's auth.SignInResolver: it finds the party a
// sign-in is linked to in the register's key streams and the roles of the
// party's kind, from the event store.
func SignIns(a *app.App) auth.SignInResolver {
	return func(ctx context.Context, in party.SignIn) (auth.PartyRoles, error) {
		id, ok, err := a.SignedIn(ctx, in)
		if err != nil {
			return auth.PartyRoles{}, err
		}
		if !ok {
			return auth.PartyRoles{}, kernel.Errorf(kernel.CodeUnauthenticated, "the account %q of %s signs in no party: the exchange links it with linkSignIn", in.Subject, in.Issuer)
		}
		s, err := a.Party(ctx, id)
		if err != nil {
			return auth.PartyRoles{}, err
		}
		roles := auth.RolesFor(s.Kind)
		return auth.PartyRoles{Principal: auth.Principal{Role: roles[0], Party: id}, Roles: roles}, nil
	}
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

// viewerType is what `me` returns.
var viewerType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "Viewer",
	Description: "The caller as its bearer token names it.",
	Fields: graphql.Fields{
		"role":  {Type: graphql.NewNonNull(graphql.String), Description: "exchange, collective, bidder, bank or fund."},
		"party": {Type: graphql.NewNonNull(graphql.ID), Description: "The party (collective, bidder, bank, fund) the caller acts for."},
	},
})

// RegisterViewer adds the `me` query: the caller, or null when anonymous.
func RegisterViewer(b *Builder) {
	b.Query("me", &graphql.Field{
		Type:        viewerType,
		Description: "The caller, or null for anonymous callers.",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			v, ok := auth.FromContext(p.Context)
			if !ok {
				return nil, nil
			}
			return map[string]any{"role": v.Role.String(), "party": v.Party.String()}, nil
		},
	})
}
