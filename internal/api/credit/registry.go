package credit

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
)

var (
	collateralKind = api.Enum("CollateralKind", "What a registration encumbers.",
		collateral.KindMortgage, collateral.KindSharePledge)
	registrationStatus = api.Enum("RegistrationStatus", "Where a registration is in its life (rule 21).",
		collateral.StatusRegistered, collateral.StatusDischarged, collateral.StatusExpired)
	noticeChange = api.Enum("RegistrationChange", "The step that opened a version of a notice.",
		creditview.ChangeRegistered, creditview.ChangeAmended, creditview.ChangeContinued,
		creditview.ChangeDischarged, creditview.ChangeExpired)

	noticeVersionType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "CollateralNoticeVersion",
		Description: "A registration as it stood between two changes.",
		Fields: graphql.Fields{
			"change":         api.Field(api.NonNull(noticeChange), "", func(n creditview.Notice) any { return n.Change }),
			"reason":         api.Field(graphql.String, "Of an amendment or discharge.", func(n creditview.Notice) any { return n.Reason }),
			"grantorId":      api.Field(api.NonNull(graphql.ID), "", func(n creditview.Notice) any { return n.Grantor.String() }),
			"securedPartyId": api.Field(api.NonNull(graphql.ID), "", func(n creditview.Notice) any { return n.SecuredParty.String() }),
			"securedAmount":  api.Field(api.NonNull(api.Money), "", func(n creditview.Notice) any { return n.SecuredAmount }),
			"end":            api.Field(api.NonNull(api.DateTime), "", func(n creditview.Notice) any { return n.End }),
			"status":         api.Field(api.NonNull(registrationStatus), "", func(n creditview.Notice) any { return n.Status }),
			"effectiveFrom":  api.Field(api.NonNull(api.DateTime), "", func(n creditview.Notice) any { return n.EffectiveFrom }),
			"effectiveTo":    api.Field(api.DateTime, "Null for the current version.", func(n creditview.Notice) any { return n.EffectiveTo }),
		},
	})

	noticeType = graphql.NewObject(graphql.ObjectConfig{
		Name: "CollateralNotice",
		Description: "A collateral registration as a public notice (rule 20): who granted security to whom over what, " +
			"for how much and how long. The security agreement and loan terms stay with the bank.",
		Fields: graphql.Fields{
			"id":             api.Field(api.NonNull(graphql.ID), "The registration id.", func(n noticeNode) any { return n.RegistrationID.String() }),
			"number":         api.Field(api.NonNull(graphql.String), "The registration number, e.g. DJ-1A2B3C4D5E6F.", func(n noticeNode) any { return n.Number }),
			"kind":           api.Field(api.NonNull(collateralKind), "", func(n noticeNode) any { return n.Kind }),
			"grantorId":      api.Field(api.NonNull(graphql.ID), "", func(n noticeNode) any { return n.Grantor.String() }),
			"securedPartyId": api.Field(api.NonNull(graphql.ID), "", func(n noticeNode) any { return n.SecuredParty.String() }),
			"assetId":        api.Field(api.NonNull(graphql.ID), "The mortgaged asset, or the cooperative whose shares are pledged.", func(n noticeNode) any { return n.Asset.String() }),
			"memberId":       api.Field(graphql.ID, "Whose shares are pledged (share pledges only).", func(n noticeNode) any { return api.Nullable(n.Member) }),
			"shares": api.Field(graphql.Int, "How many shares are pledged (share pledges only).", func(n noticeNode) any {
				if n.Kind != collateral.KindSharePledge {
					return nil
				}
				return n.Shares
			}),
			"securedAmount": api.Field(api.NonNull(api.Money), "For an all-sums notice, the maximum the loans it secures may total.", func(n noticeNode) any { return n.SecuredAmount }),
			"allSums":       api.Field(api.NonNull(graphql.Boolean), "An all-sums notice (最高额抵押), which may secure several loans (rule 31).", func(n noticeNode) any { return n.AllSums }),
			"start":         api.Field(api.NonNull(api.DateTime), "", func(n noticeNode) any { return n.Start }),
			"end":           api.Field(api.NonNull(api.DateTime), "", func(n noticeNode) any { return n.End }),
			"registeredAt":  api.Field(api.NonNull(api.DateTime), "Sets priority (rule 8).", func(n noticeNode) any { return n.RegisteredAt }),
			"status":        api.Field(api.NonNull(registrationStatus), "At the instant searched.", func(n noticeNode) any { return n.StatusAt(n.at) }),
			"effectiveFrom": api.Field(api.NonNull(api.DateTime), "Since when the notice read as shown.", func(n noticeNode) any { return n.EffectiveFrom }),
			"effectiveTo":   api.Field(api.DateTime, "Until when it read as shown; null while it still does.", func(n noticeNode) any { return n.EffectiveTo }),
			"history": api.Load(api.ListOf(noticeVersionType), "Every version of the registration, oldest first.", func(ctx context.Context, n noticeNode) (any, error) {
				return n.history.Of(ctx, n.RegistrationID)
			}),
		},
	})

	priorityType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "CollateralPriority",
		Description: "The answer of an ordinal search: of two registrations, which ranks first (rule 8).",
		Fields: graphql.Fields{
			"first":  api.Field(api.NonNull(noticeType), "The registration that ranks first: registered earlier (then the smaller number).", func(p priority) any { return p.first }),
			"second": api.Field(api.NonNull(noticeType), "", func(p priority) any { return p.second }),
		},
	})
)

// noticeNode is a notice as searched at an instant, with its page's
// histories, loaded in one query when asked for.
type noticeNode struct {
	creditview.Notice
	at      time.Time
	history *api.Batch[creditview.Notice]
}

// priority is the answer of an ordinal search.
type priority struct{ first, second noticeNode }

// noticeNodes makes the nodes of notices searched at the instant at.
func (a area) noticeNodes(notices []creditview.Notice, at time.Time) []noticeNode {
	history := api.PageBatch(notices, func(n creditview.Notice) uuid.UUID { return n.RegistrationID },
		func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]creditview.Notice, error) {
			return creditview.NoticeHistories(ctx, a.DB, ids)
		})
	out := make([]noticeNode, len(notices))
	for i, n := range notices {
		out[i] = noticeNode{Notice: n, at: at, history: history}
	}
	return out
}

// collateralQueries adds the collateral registry's public searches.
func (a area) collateralQueries(b *api.Builder) {
	b.Query("collateralRegistrations", &graphql.Field{
		Type: api.ListOf(noticeType),
		Description: "The public search of the collateral registry (rules 20, 21), in priority order (rule 8: registration time, " +
			"then number). Give exactly one of assetId (with memberId for a member's pledged shares in a cooperative), grantorId " +
			"or registrationNumber. Asset and grantor searches return the notices in force at asOf (default: now) exactly as " +
			"they stood then, before any later amendment or discharge; a number search returns that registration in any status.",
		Args: graphql.FieldConfigArgument{
			"assetId":            {Type: graphql.ID, Description: "The asset, or the cooperative of a share pledge."},
			"memberId":           {Type: graphql.ID, Description: "With assetId: the member whose pledged shares are searched."},
			"grantorId":          {Type: graphql.ID},
			"registrationNumber": {Type: graphql.String},
			"asOf":               {Type: api.DateTime, Description: "The instant searched; now when absent."},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			s, err := noticeSearch(p.Args, a.Clock.Now())
			if err != nil {
				return nil, err
			}
			notices, err := creditview.SearchNotices(p.Context, a.DB, s)
			if err != nil {
				return nil, err
			}
			return a.noticeNodes(notices, s.At), nil
		},
	})
	b.Query("collateralPriority", &graphql.Field{
		Type:        api.NonNull(priorityType),
		Description: "The ordinal search (rules 8, 20): which of two registrations, named by number, ranks first.",
		Args: graphql.FieldConfigArgument{
			"a": {Type: api.NonNull(graphql.String), Description: "A registration number."},
			"b": {Type: api.NonNull(graphql.String), Description: "Another registration number."},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			now := a.Clock.Now()
			var pair []creditview.Notice
			for _, arg := range []string{"a", "b"} {
				found, err := creditview.SearchNotices(p.Context, a.DB, creditview.NoticeSearch{Number: p.Args[arg].(string), At: now})
				if err != nil {
					return nil, err
				}
				if len(found) == 0 {
					return nil, kernel.FieldErrorf(kernel.CodeNotFound, arg, "no registration numbered %q", p.Args[arg])
				}
				pair = append(pair, found[0])
			}
			if collateral.Priority(pair[0].State(), pair[1].State()) > 0 {
				pair[0], pair[1] = pair[1], pair[0]
			}
			nodes := a.noticeNodes(pair, now)
			return priority{first: nodes[0], second: nodes[1]}, nil
		},
	})
}

// registrationIn is the input field naming the registration a mutation acts on.
var registrationIn = graphql.InputObjectConfigFieldMap{"registrationId": {Type: api.NonNull(graphql.ID)}}

// collateralMutations are the secured party's notices in the collateral registry.
func (a area) collateralMutations() api.Mutations[collateral.Command] {
	return api.Mutations[collateral.Command]{Handler: a.App.Collateral, ID: "registrationId", Rows: []api.Mutation[collateral.Command]{
		{
			Name: "registerCollateral",
			Description: "A bank files a notice of its mortgage on an asset right or pledge on a member's shares (rule 20); the " +
				"registration time sets priority (rule 8). The bank is the secured party. When the grantor of a mortgage is not the " +
				"contracting household, the household's written consent to that grantor must be recorded with the collective " +
				"(rule 7, REGISTRATION_WITHOUT_CONSENT otherwise). The grantor must hold what it grants at filing (rule 31): the asset's " +
				"management right, or for a share pledge a place on the cooperative's register as a member (GRANTOR_NOT_HOLDER otherwise) " +
				"holding at least the pledged shares (SHARES_NOT_HELD otherwise).",
			Roles: bank,
			Input: graphql.InputObjectConfigFieldMap{
				"grantorId":     {Type: api.NonNull(graphql.ID), Description: "Who grants the security: the right's holder, or the member pledging shares."},
				"kind":          {Type: api.NonNull(collateralKind)},
				"assetId":       {Type: api.NonNull(graphql.ID), Description: "The asset mortgaged, or the cooperative whose shares are pledged."},
				"memberId":      {Type: graphql.ID, Description: "SHARE_PLEDGE: the member (the grantor) whose shares are pledged."},
				"shares":        {Type: graphql.Int, Description: "SHARE_PLEDGE: how many shares."},
				"securedAmount": {Type: api.NonNull(api.Money)},
				"start":         {Type: api.NonNull(api.DateTime)},
				"end":           {Type: api.NonNull(api.DateTime)},
				"allSums": {Type: graphql.Boolean, Description: "An all-sums notice (最高额抵押): it may secure several of the bank's loans to " +
					"the grantor over the collateral, together up to securedAmount, its maximum (rule 31). Otherwise a notice secures one loan."},
				"loanId": {Type: graphql.ID, Description: "The bank's loan this notice secures: the registration then takes the loan's id, " +
					"which links it to the loan (the loan records it once approved), and must name the loan's borrower as grantor and its asset."},
			},
			Output: graphql.Fields{"number": {Type: api.NonNull(graphql.String)}},
			Decode: func(ctx context.Context, c api.Call) (collateral.Command, error) {
				in := c.Input
				got, err := api.IDs(in, "grantorId", "assetId")
				if err != nil {
					return nil, err
				}
				grantor, asset := got[0], got[1]
				col := collateral.Collateral{Kind: api.Arg[collateral.Kind](in, "kind"), Asset: asset}
				id, err := a.registrationFor(ctx, c, grantor, asset)
				if err != nil {
					return nil, err
				}
				cmd := collateral.RegisterCollateral{RegistrationID: id, By: c.Principal.Party, Number: registrationNumber(id),
					Grantor: grantor, SecuredParty: c.Principal.Party, SecuredAmount: api.Arg[kernel.Money](in, "securedAmount"),
					Start: api.Arg[time.Time](in, "start"), End: api.Arg[time.Time](in, "end"), AllSums: api.Arg[bool](in, "allSums")}
				if col.Kind == collateral.KindSharePledge {
					if col.Member, err = api.ID(in, "memberId"); err != nil {
						return nil, err
					}
					col.Shares = int64(api.Arg[int](in, "shares"))
				}
				cmd.Collateral = col
				return a.App.Facts().Filing(ctx, cmd)
			},
			Payload: func(cmd collateral.Command, _ app.Result) map[string]any {
				return map[string]any{"number": cmd.(collateral.RegisterCollateral).Number}
			},
		}, {
			Name: "amendCollateral",
			Description: "The secured party changes its notice: secured amount, end date or parties (fields left out stay). Priority " +
				"keeps the original registration time. A new grantor of a mortgage needs the contractor's consent as at registration (rule 7).",
			Roles: bank,
			Input: api.Inputs(registrationIn, graphql.InputObjectConfigFieldMap{
				"reason":         {Type: api.NonNull(graphql.String)},
				"securedAmount":  {Type: api.Money},
				"end":            {Type: api.DateTime},
				"grantorId":      {Type: graphql.ID},
				"securedPartyId": {Type: graphql.ID},
			}),
			Decode: func(ctx context.Context, c api.Call) (collateral.Command, error) {
				in := c.Input
				id, err := api.ID(in, "registrationId")
				if err != nil {
					return nil, err
				}
				cmd := collateral.AmendCollateral{RegistrationID: id, By: c.Principal.Party, SecuredAmount: api.Arg[kernel.Money](in, "securedAmount"),
					End: api.Arg[time.Time](in, "end"), Reason: api.Arg[string](in, "reason")}
				if cmd.Grantor, err = api.OptionalID(in, "grantorId"); err != nil {
					return nil, err
				}
				if cmd.SecuredParty, err = api.OptionalID(in, "securedPartyId"); err != nil {
					return nil, err
				}
				// Copy out only what is read: State.Loans is updated in place by later events.
				type facts struct {
					registered   bool
					securedParty uuid.UUID
					collateral   collateral.Collateral
				}
				reg, err := api.Inspect(ctx, a.App.Collateral, id, func(s collateral.State) facts {
					return facts{registered: s.Registered(), securedParty: s.SecuredParty, collateral: s.Collateral}
				})
				if err != nil {
					return nil, err
				}
				if !reg.registered {
					return nil, kernel.FieldErrorf(kernel.CodeNotFound, "registrationId", "no registration %s", id)
				}
				if err := api.RequireParty(c.Principal, reg.securedParty, false); err != nil {
					return nil, err
				}
				return a.App.Facts().Amendment(ctx, cmd, reg.collateral)
			},
		}, {
			Name:        "continueCollateral",
			Description: "The secured party extends its registration's end date, before it ends (rule 21; REGISTRATION_EXPIRED after).",
			Roles:       bank,
			Input: api.Inputs(registrationIn, graphql.InputObjectConfigFieldMap{
				"end": {Type: api.NonNull(api.DateTime), Description: "The new end date, after the current one."},
			}),
			Decode: api.On("registrationId", func(_ context.Context, c api.Call, id uuid.UUID) (collateral.Command, error) {
				return collateral.ContinueCollateral{RegistrationID: id, By: c.Principal.Party, End: api.Arg[time.Time](c.Input, "end")}, nil
			}),
		}, {
			Name:        "dischargeCollateral",
			Description: "The secured party discharges its registration; discharge is final (rule 21).",
			Roles:       bank,
			Input:       api.Inputs(registrationIn, graphql.InputObjectConfigFieldMap{"reason": {Type: api.NonNull(graphql.String)}}),
			Decode: api.On("registrationId", func(_ context.Context, c api.Call, id uuid.UUID) (collateral.Command, error) {
				return collateral.DischargeCollateral{RegistrationID: id, By: c.Principal.Party, Reason: api.Arg[string](c.Input, "reason")}, nil
			}),
		},
	}}
}

// noticeSearch reads the search arguments: exactly one criterion.
func noticeSearch(args map[string]any, now time.Time) (creditview.NoticeSearch, error) {
	s := creditview.NoticeSearch{At: now}
	if at, ok := args["asOf"].(time.Time); ok {
		s.At = at
	}
	given := 0
	if _, ok := args["assetId"]; ok {
		given++
		asset, err := api.ID(args, "assetId")
		if err != nil {
			return s, err
		}
		member, err := api.OptionalID(args, "memberId")
		if err != nil {
			return s, err
		}
		t := collateral.Target{Asset: asset, Member: member}
		s.Target = &t
	}
	if _, ok := args["grantorId"]; ok {
		given++
		grantor, err := api.ID(args, "grantorId")
		if err != nil {
			return s, err
		}
		s.Grantor = grantor
	}
	if n, ok := args["registrationNumber"].(string); ok {
		given++
		s.Number = n
	}
	if given != 1 {
		return s, kernel.FieldErrorf(kernel.CodeInvalid, "assetId", "give exactly one of assetId, grantorId or registrationNumber")
	}
	return s, nil
}

// registrationFor returns the id of a new registration: the loan's id when it
// secures a loan of the calling bank (the link process managers follow), a
// new id otherwise.
func (a area) registrationFor(ctx context.Context, c api.Call, grantor, asset uuid.UUID) (uuid.UUID, error) {
	loanID, err := api.OptionalID(c.Input, "loanId")
	if err != nil || loanID == uuid.Nil {
		return c.NewID("registration"), err
	}
	loan, err := a.readLoan(ctx, loanID)
	switch {
	case err != nil:
		return uuid.Nil, err
	case loan.bank != c.Principal.Party:
		return uuid.Nil, kernel.FieldErrorf(kernel.CodeForbidden, "loanId", "loan %s is another bank's", loanID)
	case loan.borrower != grantor:
		return uuid.Nil, kernel.FieldErrorf(kernel.CodeInvalid, "grantorId", "the grantor of a loan's collateral is its borrower")
	case loan.asset != asset:
		return uuid.Nil, kernel.FieldErrorf(kernel.CodeInvalid, "assetId", "loan %s is secured by asset %s", loanID, loan.asset)
	}
	return loanID, nil
}

// registrationNumber is the public number of a registration, derived from its
// id so that a retried registration keeps its number.
func registrationNumber(id uuid.UUID) string {
	return "DJ-" + strings.ToUpper(strings.ReplaceAll(id.String(), "-", "")[:12])
}
