package coops

import (
	"context"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/coopview"
)

// The types are built once per process: api.Connection caches connection
// types by node name, so nodes must be singletons. Resolvers therefore take
// the read-model database from their source value (coopNode, dividendNode),
// never from a closure.

// ShareCount is the scalar of share numbers: a whole number up to
// coop.MaxTotalShares (10^12), sent as a JSON number (exact in IEEE doubles).
// Inputs that count shares for one command use Int.
var ShareCount = graphql.NewScalar(graphql.ScalarConfig{
	Name:        "ShareCount",
	Description: "A number of shares: a whole number up to 10^12, sent as a JSON number (exact in IEEE doubles).",
	Serialize: func(v any) any {
		if n, ok := v.(int64); ok {
			return n
		}
		return nil
	},
})

var (
	shareClassEnum = api.DescribedEnum("ShareClass", "The basis on which shares were quantified to a member (rule 15).", map[coop.ShareClass]string{
		coop.ClassPopulation: "人口股: population shares.",
		coop.ClassLabourAge:  "劳龄股: labour-age shares.",
		coop.ClassLand:       "土地入股: contracted land contributed as shares.",
	})
	holderKindEnum = api.DescribedEnum("ShareHolderKind", "Who a register line belongs to.", map[coop.HolderKind]string{
		coop.KindMember:      "A confirmed member.",
		coop.KindOutsideHeir: "An heir from outside the cooperative (income rights only, rule 17).",
		coop.KindCollective:  "The collective's own shares (集体股).",
	})
	rightsEnum = api.DescribedEnum("ShareHolderRights", "What holding shares entitles a holder to (rule 17).", map[coop.Rights]string{
		coop.RightsFull:       "Dividends, a vote, transfer to members, pledge.",
		coop.RightsIncomeOnly: "Dividends only; transfer back to members or to the collective.",
	})
	pledgeStatusEnum = api.DescribedEnum("SharePledgeStatus", "Where a share pledge is in its life.", map[coopview.PledgeStatus]string{
		coopview.PledgeActive:   "The shares are pledged.",
		coopview.PledgeReleased: "The pledgee released the pledge.",
		coopview.PledgeExpired:  "The pledge's registration term ended.",
		coopview.PledgeEnforced: "The pledgee sold the shares after the loan defaulted.",
	})
	movementKindEnum = api.DescribedEnum("ShareMovementKind", "How shares came to a holder.", map[coopview.MovementKind]string{
		coopview.MovementAllocation:  "Quantified to a member (from is null).",
		coopview.MovementTransfer:    "Transferred between holders.",
		coopview.MovementRedemption:  "Redeemed into the collective's line.",
		coopview.MovementInheritance: "A deceased holder's estate passed to an heir.",
		coopview.MovementReversion:   "An unclaimed estate reverted to the collective.",
		coopview.MovementEnforcement: "Pledged shares the pledgee sold to a member or the collective.",
	})
	dividendStatusEnum = api.DescribedEnum("DividendStatus", "Whether a declared dividend was paid.", map[dividendStatus]string{
		dividendDeclared: "Declared against the register's snapshot; not yet paid.",
		dividendPaid:     "The payouts were paid.",
	})
)

type dividendStatus string

const (
	dividendDeclared dividendStatus = "DECLARED"
	dividendPaid     dividendStatus = "PAID"
)

// classShare is one entry of a holding by class.
type classShare struct {
	class  coop.ShareClass
	shares int64
}

// byClass lists cs in the order of coopview.Classes, every class included.
func byClass(cs coop.ClassShares) []classShare {
	out := make([]classShare, len(coopview.Classes))
	for i, c := range coopview.Classes {
		out[i] = classShare{c, cs[c]}
	}
	return out
}

var nonNullID = api.NonNull(graphql.ID)

var classSharesType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ClassShares",
	Description: "Shares of one class.",
	Fields: graphql.Fields{
		"class":  api.Field(api.NonNull(shareClassEnum), "", func(c classShare) any { return c.class }),
		"shares": api.Field(api.NonNull(ShareCount), "", func(c classShare) any { return c.shares }),
	},
})

var classList = api.ListOf(classSharesType)

var settingsType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "CooperativeSettings",
	Description: "A cooperative's local-practice numbers, fixed at founding.",
	Fields: graphql.Fields{
		"holdingCapBP":         api.Field(api.NonNull(graphql.Int), "Per-holder cap reached by transfer, in basis points of all shares (rule 16).", func(s coop.Settings) any { return s.HoldingCapBP }),
		"redemptionCapBP":      api.Field(api.NonNull(graphql.Int), "Yearly redemption cap (Asia/Shanghai calendar year), in basis points of all shares (rule 16).", func(s coop.Settings) any { return s.RedemptionCapBP }),
		"pledgeTermYears":      api.Field(api.NonNull(graphql.Int), "How long a share pledge stays registered (rule 18).", func(s coop.Settings) any { return s.PledgeTermYears }),
		"pledgedLoanTermYears": api.Field(api.NonNull(graphql.Int), "The longest loan secured by a share pledge (rule 18).", func(s coop.Settings) any { return s.PledgedLoanTermYears }),
		"claimPeriodMonths":    api.Field(api.NonNull(graphql.Int), "How long heirs may claim a deceased holder's shares (rule 17).", func(s coop.Settings) any { return s.ClaimPeriodMonths }),
		"dynamicRegister":      api.Field(api.NonNull(graphql.Boolean), "False: the register is static, a class is quantified once (rule 15).", func(s coop.Settings) any { return s.DynamicRegister }),
	},
})

var holderType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ShareHolder",
	Description: "One line of the share register: a member, an outside heir, or the collective's own shares.",
	Fields: graphql.Fields{
		"id":            api.Field(nonNullID, "The member, heir or collective.", func(h coopview.Holder) any { return h.ID.String() }),
		"kind":          api.Field(api.NonNull(holderKindEnum), "", func(h coopview.Holder) any { return h.Kind }),
		"household":     api.Field(graphql.ID, "The household the holder belongs to; null for the collective.", func(h coopview.Holder) any { return api.Nullable(h.Household) }),
		"admittedAt":    api.Field(api.DateTime, "When membership was confirmed; null for outside heirs and the collective.", func(h coopview.Holder) any { return h.AdmittedAt }),
		"rights":        api.Field(api.NonNull(rightsEnum), "", func(h coopview.Holder) any { return h.Rights() }),
		"votes":         api.Field(api.NonNull(graphql.Boolean), "Whether the holder votes in the members' assembly.", func(h coopview.Holder) any { return h.Votes() }),
		"deceased":      api.Field(api.NonNull(graphql.Boolean), "", func(h coopview.Holder) any { return h.Deceased }),
		"diedOn":        api.Field(api.DateTime, "", func(h coopview.Holder) any { return h.DiedOn }),
		"claimDeadline": api.Field(api.DateTime, "For a deceased holder: heirs claim before it, then the shares revert to the collective.", func(h coopview.Holder) any { return h.ClaimDeadline }),
		"holdings":      api.Field(classList, "Current shares by class, every class listed.", func(h coopview.Holder) any { return byClass(h.Shares) }),
		"quantified":    api.Field(classList, "Shares quantified to the holder by allocation, by class.", func(h coopview.Holder) any { return byClass(h.Quantified) }),
		"totalShares":   api.Field(api.NonNull(ShareCount), "", func(h coopview.Holder) any { return h.Shares.Total() }),
		"pledgedShares": api.Field(api.NonNull(ShareCount), "", func(h coopview.Holder) any { return h.Pledged }),
		"freeShares":    api.Field(api.NonNull(ShareCount), "Shares not under pledge: the ones that can move or be pledged.", func(h coopview.Holder) any { return h.Free() }),
	},
})

var pledgeType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "SharePledge",
	Description: "A registered pledge on a holder's shares (rule 18).",
	Fields: graphql.Fields{
		"id":                 api.Field(nonNullID, "", func(p coopview.Pledge) any { return p.ID.String() }),
		"holder":             api.Field(nonNullID, "Whose shares are pledged (an heir's after an inheritance).", func(p coopview.Pledge) any { return p.Holder.String() }),
		"pledgee":            api.Field(nonNullID, "The bank.", func(p coopview.Pledge) any { return p.Pledgee.String() }),
		"shares":             api.Field(api.NonNull(ShareCount), "", func(p coopview.Pledge) any { return p.Shares }),
		"registrationNumber": api.Field(api.NonNull(graphql.String), "The collateral registration's number.", func(p coopview.Pledge) any { return p.RegistrationNumber }),
		"loanMaturity":       api.Field(api.NonNull(api.DateTime), "", func(p coopview.Pledge) any { return p.LoanMaturity }),
		"registeredUntil":    api.Field(api.NonNull(api.DateTime), "When the pledge expires unless released before.", func(p coopview.Pledge) any { return p.RegisteredUntil }),
		"status":             api.Field(api.NonNull(pledgeStatusEnum), "", func(p coopview.Pledge) any { return p.Status }),
		"pledgedAt":          api.Field(api.NonNull(api.DateTime), "", func(p coopview.Pledge) any { return p.PledgedAt }),
		"endedAt":            api.Field(api.DateTime, "When released or expired.", func(p coopview.Pledge) any { return p.EndedAt }),
	},
})

var payoutType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "DividendPayout",
	Description: "One holder's part of a dividend, to the fen.",
	Fields: graphql.Fields{
		"holder": api.Field(nonNullID, "", func(p coop.Payout) any { return p.Holder.String() }),
		"shares": api.Field(api.NonNull(ShareCount), "The holder's shares at the snapshot.", func(p coop.Payout) any { return p.Shares }),
		"amount": api.Field(api.NonNull(api.Money), "", func(p coop.Payout) any { return p.Amount }),
	},
})

var movementType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ShareMovement",
	Description: "One change of a holding in the register's history.",
	Fields: graphql.Fields{
		"kind":     api.Field(api.NonNull(movementKindEnum), "", func(m coopview.Movement) any { return m.Kind }),
		"from":     api.Field(graphql.ID, "Null for an allocation.", func(m coopview.Movement) any { return api.Nullable(m.From) }),
		"to":       api.Field(nonNullID, "", func(m coopview.Movement) any { return m.To.String() }),
		"class":    api.Field(api.NonNull(shareClassEnum), "", func(m coopview.Movement) any { return m.Class }),
		"shares":   api.Field(api.NonNull(ShareCount), "", func(m coopview.Movement) any { return m.Shares }),
		"price":    api.Field(api.Money, "The agreed price of a transfer or redemption; null otherwise.", func(m coopview.Movement) any { return m.Price }),
		"at":       api.Field(api.NonNull(api.DateTime), "", func(m coopview.Movement) any { return m.At }),
		"position": api.Field(api.NonNull(api.Position), "The event-store position of the event.", func(m coopview.Movement) any { return m.Position }),
	},
})

// coopNode is a cooperative with the database its nested fields read.
type coopNode struct {
	coopview.Cooperative
	db readmodel.Querier
}

// dividendNode is a dividend with its cooperative's collective (who may see
// the payouts) and the database.
type dividendNode struct {
	coopview.Dividend
	collective uuid.UUID
	db         readmodel.Querier
}

var dividendType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "Dividend",
	Description: "A dividend declared against a snapshot of the register (rule 19). Its payouts sum exactly to the amount.",
	Fields: graphql.Fields{
		"id":          api.Field(nonNullID, "", func(d dividendNode) any { return d.ID.String() }),
		"amount":      api.Field(api.NonNull(api.Money), "The declared amount.", func(d dividendNode) any { return d.Amount }),
		"totalShares": api.Field(api.NonNull(ShareCount), "All shares on the register at the snapshot.", func(d dividendNode) any { return d.TotalShares }),
		"declaredAt":  api.Field(api.NonNull(api.DateTime), "The snapshot time.", func(d dividendNode) any { return d.DeclaredAt }),
		"paidAt":      api.Field(api.DateTime, "", func(d dividendNode) any { return d.PaidAt }),
		"status": api.Field(api.NonNull(dividendStatusEnum), "", func(d dividendNode) any {
			if d.PaidAt.IsZero() {
				return dividendDeclared
			}
			return dividendPaid
		}),
		"payoutCount": api.Field(api.NonNull(graphql.Int), "How many holders are paid.", func(d dividendNode) any { return d.PayoutCount }),
		"payouts": {
			Type:        api.NonNull(api.Connection(payoutType)),
			Description: "The payouts in holder id order. Shown to the collective and the exchange; a bank sees those of holders it holds a live pledge on.",
			Args:        api.ConnectionArgs(graphql.FieldConfigArgument{"holder": {Type: graphql.ID, Description: "Only this holder's payout."}}),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				d := p.Source.(dividendNode)
				return registerPage(p, d.collective, 1, coopview.PayoutCursor, func(pledgee, holder uuid.UUID, pg readmodel.Page) (readmodel.Result[coop.Payout], error) {
					return coopview.Payouts(p.Context, d.db, d.CoopID, d.ID, coopview.PayoutFilter{Holder: holder, PledgedTo: pledgee}, pg)
				})
			},
		},
	},
})

var cooperativeType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "Cooperative",
	Description: "A share cooperative (股份经济合作社). Name, totals and declared dividends are public; register lines, pledges, payouts and history are not.",
	Fields: graphql.Fields{
		"id":            api.Field(nonNullID, "", func(c coopNode) any { return c.ID.String() }),
		"collective":    api.Field(nonNullID, "The collective that founded and runs it; it also holds the collective's own shares.", func(c coopNode) any { return c.Collective.String() }),
		"name":          api.Field(api.NonNull(graphql.String), "", func(c coopNode) any { return c.Name }),
		"settings":      api.Field(api.NonNull(settingsType), "", func(c coopNode) any { return c.Settings }),
		"foundedAt":     api.Field(api.NonNull(api.DateTime), "", func(c coopNode) any { return c.FoundedAt }),
		"totalShares":   api.Field(api.NonNull(ShareCount), "All shares on the register.", func(c coopNode) any { return c.Shares.Total() }),
		"sharesByClass": api.Field(classList, "All shares on the register by class.", func(c coopNode) any { return byClass(c.Shares) }),
		"memberCount":   api.Field(api.NonNull(graphql.Int), "Living confirmed members.", func(c coopNode) any { return c.Members }),
		"members": {
			Type:        api.NonNull(api.Connection(holderType)),
			Description: "The register lines in the order they were opened. Shown to the collective and the exchange; a bank sees the holders it holds a live pledge on.",
			Args: api.ConnectionArgs(graphql.FieldConfigArgument{
				"holder": {Type: graphql.ID, Description: "Only this holder's line."},
			}),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				c := p.Source.(coopNode)
				return registerPage(p, c.Collective, 2, coopview.Holder.Cursor, func(pledgee, holder uuid.UUID, pg readmodel.Page) (readmodel.Result[coopview.Holder], error) {
					return coopview.Holders(p.Context, c.db, c.ID, coopview.HolderFilter{Holder: holder, PledgedTo: pledgee}, pg)
				})
			},
		},
		"pledges": {
			Type:        api.NonNull(api.Connection(pledgeType)),
			Description: "Pledges in the order they were made. Shown to the collective and the exchange; a bank sees its own.",
			Args: api.ConnectionArgs(graphql.FieldConfigArgument{
				"status": {Type: pledgeStatusEnum, Description: "Only pledges in this status."},
				"holder": {Type: graphql.ID, Description: "Only pledges on this holder's shares."},
			}),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				c := p.Source.(coopNode)
				status := api.Arg[coopview.PledgeStatus](p.Args, "status")
				return registerPage(p, c.Collective, 2, coopview.Pledge.Cursor, func(pledgee, holder uuid.UUID, pg readmodel.Page) (readmodel.Result[coopview.Pledge], error) {
					return coopview.Pledges(p.Context, c.db, c.ID, coopview.PledgeFilter{Pledgee: pledgee, Holder: holder, Status: status}, pg)
				})
			},
		},
		"dividends": {
			Type:        api.NonNull(api.Connection(dividendType)),
			Description: "Declared dividends in the order they were declared. Public; their payouts are not.",
			Args:        api.ConnectionArgs(nil),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				c := p.Source.(coopNode)
				return api.Connect(p.Args, 2, func(pg readmodel.Page) (readmodel.Result[coopview.Dividend], error) {
					return coopview.Dividends(p.Context, c.db, c.ID, pg)
				}, coopview.Dividend.Cursor, c.dividend)
			},
		},
		"dividend": {
			Type:        dividendType,
			Description: "One dividend, or null.",
			Args:        graphql.FieldConfigArgument{"id": {Type: nonNullID}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				c := p.Source.(coopNode)
				id, err := api.ID(p.Args, "id")
				if err != nil {
					return nil, err
				}
				d, ok, err := coopview.DividendByID(p.Context, c.db, c.ID, id)
				if err != nil || !ok {
					return nil, err
				}
				return c.dividend(d), nil
			},
		},
		"history": {
			Type:        api.NonNull(api.Connection(movementType)),
			Description: "Share movements (allocations, transfers, redemptions, inheritances, reversions) in the order they happened. Shown to the collective and the exchange; a bank sees those of holders it holds a live pledge on.",
			Args: api.ConnectionArgs(graphql.FieldConfigArgument{
				"holder": {Type: graphql.ID, Description: "Only movements from or to this holder."},
			}),
			Resolve: func(p graphql.ResolveParams) (any, error) {
				c := p.Source.(coopNode)
				return registerPage(p, c.Collective, 2, coopview.Movement.Cursor, func(pledgee, holder uuid.UUID, pg readmodel.Page) (readmodel.Result[coopview.Movement], error) {
					return coopview.Movements(p.Context, c.db, c.ID, coopview.MovementFilter{Holder: holder, PledgedTo: pledgee}, pg)
				})
			},
		},
	},
})

func (c coopNode) dividend(d coopview.Dividend) any {
	return dividendNode{Dividend: d, collective: c.Collective, db: c.db}
}

// registerAudience authorises reading register lines, payouts, pledges and
// history of the cooperative of collective: the collective and the exchange
// see everything (uuid.Nil), a bank what concerns its own live pledges (its
// party id). Anyone else is refused.
func registerAudience(ctx context.Context, collective uuid.UUID) (pledgee uuid.UUID, err error) {
	v, ok := auth.FromContext(ctx)
	switch {
	case !ok:
		return uuid.Nil, kernel.Errorf(kernel.CodeUnauthenticated, "sign in: the share register is not public")
	case v.Role == auth.RoleExchange || (v.Role == auth.RoleCollective && v.Party == collective):
		return uuid.Nil, nil
	case v.Role == auth.RoleBank:
		return v.Party, nil
	}
	return uuid.Nil, kernel.Errorf(kernel.CodeForbidden,
		"the share register is shown to the cooperative's collective, the exchange and banks holding a pledge on it")
}

// registerPage answers a connection over the private part of the register of
// collective's cooperative, with cursors of parts parts: read gets the
// pledgee whose pledges bound what the caller sees (uuid.Nil for everything,
// see registerAudience) and the holder argument (uuid.Nil when absent).
func registerPage[T any](p graphql.ResolveParams, collective uuid.UUID, parts int, cursor func(T) readmodel.Cursor,
	read func(pledgee, holder uuid.UUID, pg readmodel.Page) (readmodel.Result[T], error)) (any, error) {
	pledgee, err := registerAudience(p.Context, collective)
	if err != nil {
		return nil, err
	}
	holder, err := api.OptionalID(p.Args, "holder")
	if err != nil {
		return nil, err
	}
	return api.Connect(p.Args, parts, func(pg readmodel.Page) (readmodel.Result[T], error) { return read(pledgee, holder, pg) },
		cursor, func(v T) any { return v })
}

// queries adds cooperative(id) and cooperatives(filter, first, after).
func (a area) queries(b *api.Builder) {
	b.Query("cooperative", &graphql.Field{
		Type:        cooperativeType,
		Description: "A share cooperative, or null.",
		Args:        graphql.FieldConfigArgument{"id": {Type: nonNullID}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := api.ID(p.Args, "id")
			if err != nil {
				return nil, err
			}
			c, ok, err := coopview.Get(p.Context, a.DB, id)
			if err != nil || !ok {
				return nil, err
			}
			return coopNode{c, a.DB}, nil
		},
	})
	filter := graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "CooperativeFilter",
		Fields: graphql.InputObjectConfigFieldMap{
			"collective": {Type: graphql.ID, Description: "Only this collective's cooperatives."},
		},
	})
	b.Query("cooperatives", &graphql.Field{
		Type:        api.NonNull(api.Connection(cooperativeType)),
		Description: "Share cooperatives in founding order.",
		Args:        api.ConnectionArgs(graphql.FieldConfigArgument{"filter": {Type: filter}}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			f := api.Arg[map[string]any](p.Args, "filter")
			collective, err := api.OptionalID(f, "collective")
			if err != nil {
				return nil, err
			}
			return api.Connect(p.Args, 2, func(pg readmodel.Page) (readmodel.Result[coopview.Cooperative], error) {
				return coopview.List(p.Context, a.DB, coopview.Filter{Collective: collective}, pg)
			}, coopview.Cooperative.Cursor, func(c coopview.Cooperative) any { return coopNode{c, a.DB} })
		},
	})
}
