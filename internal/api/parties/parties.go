package parties

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/party"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/partyview"
)

var (
	kindEnum = api.DescribedEnum("PartyKind", "What a party is; it decides its identifier and the roles its tokens carry.", map[party.Kind]string{
		party.Individual:    "A natural person; resident identity number; acts as bidder.",
		party.Household:     "A contracting household (承包农户), by its head's resident identity number; acts as bidder.",
		party.FarmBusiness:  "A farm business or farmers' cooperative; unified social credit code; acts as bidder.",
		party.Collective:    "A collective economic organisation; unified social credit code; acts as collective.",
		party.Bank:          "A lending financial institution; unified social credit code; acts as bank.",
		party.Fund:          "A rural property operation fund; unified social credit code; acts as fund.",
		party.ExchangeOwner: "The exchange operator; unified social credit code; acts as exchange or fund.",
	})

	signInType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "SignIn",
		Description: "An account at an OpenID Connect provider that signs a party in.",
		Fields: graphql.Fields{
			"issuer":  api.Field(api.NonNull(graphql.String), "The provider's issuer URL.", func(s party.SignIn) any { return s.Issuer }),
			"subject": api.Field(api.NonNull(graphql.String), "The subject (sub) the provider names the account by.", func(s party.SignIn) any { return s.Subject }),
		},
	})

	partyType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Party",
		Description: "A party in the exchange's register (rule 30).",
		Fields: graphql.Fields{
			"id":   api.Field(api.NonNull(graphql.ID), "", func(n node) any { return n.ID.String() }),
			"kind": api.Field(api.NonNull(kindEnum), "", func(n node) any { return n.Kind }),
			"name": api.Field(api.NonNull(graphql.String), "The legal name.", func(n node) any { return n.Name }),
			"identifier": api.Field(api.NonNull(graphql.String), "The unified social credit code or resident identity number; masked (first and last four characters) for everyone but the exchange.",
				func(n node) any {
					if n.viewer.Role == auth.RoleExchange {
						return n.Identifier
					}
					return party.Mask(n.Identifier)
				}),
			"roles": api.Field(api.ListOf(graphql.String), "The roles the party's tokens may carry, its main role first.", func(n node) any {
				var names []string
				for _, r := range auth.RolesFor(n.Kind) {
					names = append(names, r.String())
				}
				return names
			}),
			"suspended":    api.Field(api.NonNull(graphql.Boolean), "A suspended party may read but not act.", func(n node) any { return n.Suspended }),
			"registeredAt": api.Field(api.DateTime, "When the exchange registered it; null where the register's aggregate answered (the party query).", func(n node) any { return n.registeredAt }),
			"signIns": api.Load(graphql.NewList(api.NonNull(signInType)), "Its sign-ins, from the register's aggregate; shown to the exchange and the party itself, null for others.",
				func(ctx context.Context, n node) (any, error) {
					if n.viewer.Role != auth.RoleExchange && n.viewer.Party != n.ID {
						return nil, nil
					}
					s, err := n.app.Party(ctx, n.ID)
					return s.SignIns, err
				}),
		},
	})
)

// node is a party as one viewer sees it: from its aggregate (party) or
// from the register's read model (parties, with registeredAt).
type node struct {
	party.State
	registeredAt time.Time
	viewer       auth.Principal
	app          *app.App
}

// Register adds the party register's queries and mutations to b and makes
// every mutation of b check the caller's standing in it.
func Register(b *api.Builder, d api.Deps) {
	b.SetStanding(api.PartyStanding(d.App))
	b.Query("party", &graphql.Field{
		Type:        partyType,
		Description: "A party of the register, or null. Needs a signed-in caller; the identifier is masked for everyone but the exchange.",
		Args:        graphql.FieldConfigArgument{"id": {Type: api.NonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			viewer, err := api.Require(p.Context, auth.Roles()...)
			if err != nil {
				return nil, err
			}
			id, err := api.ID(p.Args, "id")
			if err != nil {
				return nil, err
			}
			s, err := d.App.Party(p.Context, id)
			if err != nil || !s.Registered() {
				return nil, err
			}
			return node{State: s, viewer: viewer, app: d.App}, nil
		},
	})
	b.Query("parties", &graphql.Field{
		Type:        api.NonNull(api.Connection(partyType)),
		Description: "The register, in the order parties were registered (exchange only), identifiers whole.",
		Args: api.ConnectionArgs(graphql.FieldConfigArgument{
			"kind":      {Type: kindEnum, Description: "Only parties of this kind."},
			"suspended": {Type: graphql.Boolean, Description: "Only suspended (true) or only unsuspended (false) parties."},
		}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			viewer, err := api.Require(p.Context, auth.RoleExchange)
			if err != nil {
				return nil, err
			}
			f := partyview.Filter{Kind: api.Arg[party.Kind](p.Args, "kind")}
			if v, ok := p.Args["suspended"].(bool); ok {
				f.Suspended = &v
			}
			return api.Connect(p.Args, 2, func(pg readmodel.Page) (readmodel.Result[partyview.Party], error) {
				return partyview.Parties(p.Context, d.DB, f, pg)
			}, partyview.Party.Cursor, func(r partyview.Party) any {
				return node{State: party.State{ID: r.ID, Kind: r.Kind, Name: r.Name, Identifier: r.Identifier, Suspended: r.Suspended},
					registeredAt: r.RegisteredAt, viewer: viewer, app: d.App}
			})
		},
	})
	exchange := []auth.Role{auth.RoleExchange}
	signIn := graphql.InputObjectConfigFieldMap{
		"issuer":  {Type: api.NonNull(graphql.String), Description: "The provider's issuer URL, as its tokens' iss claim has it."},
		"subject": {Type: api.NonNull(graphql.String), Description: "The subject (sub claim) the provider names the account by."},
	}
	signInInput := graphql.NewInputObject(graphql.InputObjectConfig{Name: "SignInInput", Fields: signIn})
	partyID := graphql.InputObjectConfigFieldMap{"partyId": {Type: api.NonNull(graphql.ID)}}
	reason := graphql.InputObjectConfigFieldMap{"reason": {Type: graphql.String}}
	api.Mutations[party.Command]{Handler: d.App.PartyCommands(), ID: "partyId", IDDescription: "The party.", Rows: []api.Mutation[party.Command]{
		{
			Name:        "registerParty",
			Description: "Enter a party in the register (exchange). Its identifier must be free (IDENTIFIER_TAKEN) and valid for its kind (INVALID_IDENTIFIER).",
			Roles:       exchange,
			Input: graphql.InputObjectConfigFieldMap{
				"kind":       {Type: api.NonNull(kindEnum)},
				"name":       {Type: api.NonNull(graphql.String), Description: "The legal name."},
				"identifier": {Type: api.NonNull(graphql.String), Description: "18-character unified social credit code (organisations) or resident identity number (people)."},
				"partyId":    {Type: graphql.ID, Description: "The id the party has acted under before the register existed; a new id by default."},
				"signIn":     {Type: signInInput, Description: "Its first sign-in."},
			},
			Decode: func(_ context.Context, c api.Call) (party.Command, error) {
				id, err := api.OptionalID(c.Input, "partyId")
				if err != nil {
					return nil, err
				}
				if id == uuid.Nil {
					id = c.NewID("party")
				}
				return party.RegisterParty{Party: id, Kind: api.Arg[party.Kind](c.Input, "kind"), Name: api.Arg[string](c.Input, "name"),
					Identifier: identifier(c.Input), SignIn: readSignIn(api.Arg[map[string]any](c.Input, "signIn"))}, nil
			},
		},
		{
			Name: "suspendParty", Description: "Stop a party acting until it is reinstated (exchange); it may still read. The exchange does not suspend itself.",
			Roles: exchange, Input: api.Inputs(partyID, graphql.InputObjectConfigFieldMap{"reason": {Type: api.NonNull(graphql.String)}}),
			Decode: api.On("partyId", func(_ context.Context, c api.Call, id uuid.UUID) (party.Command, error) {
				if id == c.Principal.Party {
					return nil, kernel.FieldErrorf(kernel.CodeForbidden, "partyId", "the exchange does not suspend itself")
				}
				return party.SuspendParty{Party: id, Reason: api.Arg[string](c.Input, "reason")}, nil
			}),
		},
		{
			Name: "reinstateParty", Description: "Let a suspended party act again (exchange).", Roles: exchange, Input: api.Inputs(partyID, reason),
			Decode: api.On("partyId", func(_ context.Context, c api.Call, id uuid.UUID) (party.Command, error) {
				return party.ReinstateParty{Party: id, Reason: api.Arg[string](c.Input, "reason")}, nil
			}),
		},
		{
			Name: "linkSignIn", Description: "Let a provider account sign the party in (exchange); one account signs in one party (SIGN_IN_TAKEN).",
			Roles: exchange, Input: api.Inputs(partyID, signIn),
			Decode: api.On("partyId", func(_ context.Context, c api.Call, id uuid.UUID) (party.Command, error) {
				return party.LinkSignIn{Party: id, SignIn: readSignIn(c.Input)}, nil
			}),
		},
		{
			Name: "unlinkSignIn", Description: "Stop a provider account signing the party in (exchange).", Roles: exchange, Input: api.Inputs(partyID, signIn),
			Decode: api.On("partyId", func(_ context.Context, c api.Call, id uuid.UUID) (party.Command, error) {
				return party.UnlinkSignIn{Party: id, SignIn: readSignIn(c.Input)}, nil
			}),
		},
	}}.Register(b)
}

var _ api.Sender[party.Command] = app.PartyCommands{}

// identifier reads the identifier in the form the register keeps it.
func identifier(in map[string]any) string {
	return strings.ToUpper(strings.TrimSpace(api.Arg[string](in, "identifier")))
}

func readSignIn(in map[string]any) party.SignIn {
	return party.SignIn{Issuer: api.Arg[string](in, "issuer"), Subject: api.Arg[string](in, "subject")}
}
