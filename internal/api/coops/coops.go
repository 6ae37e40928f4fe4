package coops

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Register adds the area's queries and mutations to b.
func Register(b *api.Builder, d api.Deps) {
	a := area{d}
	a.queries(b)
	a.coopMutations().Register(b)
}

// area is the coops area's resolvers over their dependencies.
type area struct{ api.Deps }

// Input field types shared by the mutations.
var (
	idIn     = &graphql.InputObjectFieldConfig{Type: nonNullID}
	sharesIn = &graphql.InputObjectFieldConfig{Type: api.NonNull(graphql.Int), Description: "A positive number of shares."}
	classIn  = &graphql.InputObjectFieldConfig{Type: api.NonNull(shareClassEnum)}
	priceIn  = &graphql.InputObjectFieldConfig{Type: api.Money, Description: "The agreed consideration; omit for none."}
	coopIn   = &graphql.InputObjectFieldConfig{Type: nonNullID, Description: "The cooperative."}
)

// Who calls the area's mutations; party checks come on top (see the package doc).
var (
	collective = []auth.Role{auth.RoleCollective}
	bank       = []auth.Role{auth.RoleBank}
)

var settingsInput = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "CooperativeSettingsInput",
	Description: "Local-practice numbers; an omitted field keeps the default (see CooperativeSettings).",
	Fields: graphql.InputObjectConfigFieldMap{
		"holdingCapBP":         {Type: graphql.Int, Description: "Default 1000 (10 %)."},
		"redemptionCapBP":      {Type: graphql.Int, Description: "Default 500 (5 %)."},
		"pledgeTermYears":      {Type: graphql.Int, Description: "Default 3."},
		"pledgedLoanTermYears": {Type: graphql.Int, Description: "Default 1."},
		"claimPeriodMonths":    {Type: graphql.Int, Description: "Default 12."},
		"dynamicRegister":      {Type: graphql.Boolean, Description: "Default false."},
	},
})

var allocationInput = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "ShareAllocationInput",
	Description: "Shares of one class quantified to one member.",
	Fields: graphql.InputObjectConfigFieldMap{
		"member": idIn,
		"class":  classIn,
		"shares": sharesIn,
	},
})

// coopMutations are the cooperative's register and dividends.
func (a area) coopMutations() api.Mutations[coop.Command] {
	return api.Mutations[coop.Command]{Handler: pledgeErrors{a.App.Coops}, ID: "cooperativeId", IDDescription: "The cooperative.", Rows: []api.Mutation[coop.Command]{
		{
			Name:        "foundCooperative",
			Description: "The calling collective founds a share cooperative.",
			Roles:       collective,
			Input: graphql.InputObjectConfigFieldMap{
				"name":     {Type: api.NonNull(graphql.String)},
				"settings": {Type: settingsInput},
			},
			Decode: found,
		}, {
			Name:        "admitMember",
			Description: "Confirms a member (成员身份确认), e.g. at a birth; an outside heir admitted gets full rights.",
			Roles:       collective,
			Input: graphql.InputObjectConfigFieldMap{
				"cooperativeId": coopIn,
				"member":        {Type: graphql.ID, Description: "The person; omit to have an id made."},
				"household":     idIn,
			},
			Output: graphql.Fields{"memberId": {Type: nonNullID}},
			Decode: a.onCooperative(false, func(_ context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
				member, err := api.OptionalID(c.Input, "member")
				if err != nil {
					return nil, err
				}
				if member == uuid.Nil {
					member = c.NewID("member")
				}
				household, err := api.ID(c.Input, "household")
				return coop.AdmitMember{CoopID: id, Member: member, Household: household}, err
			}),
			Payload: api.Created[coop.Command]("memberId", func(c coop.AdmitMember) uuid.UUID { return c.Member }),
		}, {
			Name:        "allocateShares",
			Description: "Quantifies shares to members by class (折股量化, rule 15).",
			Roles:       collective,
			Input: graphql.InputObjectConfigFieldMap{
				"cooperativeId": coopIn,
				"allocations":   {Type: api.ListOf(allocationInput)},
			},
			Decode: a.onCooperative(false, func(_ context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
				list := api.Args[map[string]any](c.Input, "allocations")
				cmd := coop.AllocateShares{CoopID: id, Allocations: make([]coop.Allocation, len(list))}
				for i, in := range list {
					member, err := api.ID(in, "member")
					if err != nil {
						return nil, kernel.FieldErrorf(kernel.CodeInvalid, fmt.Sprintf("allocations[%d].member", i), "must be a UUID")
					}
					cmd.Allocations[i] = coop.Allocation{Member: member, Class: api.Arg[coop.ShareClass](in, "class"), Shares: shares(in)}
				}
				return cmd, nil
			}),
		}, {
			Name:        "transferShares",
			Description: "Records a transfer of free shares to a member, under the per-holder cap (rule 16). The collective or the exchange (the trading platform) records it.",
			Roles:       []auth.Role{auth.RoleCollective, auth.RoleExchange},
			Input: graphql.InputObjectConfigFieldMap{
				"cooperativeId": coopIn, "from": idIn, "to": idIn, "class": classIn, "shares": sharesIn, "price": priceIn,
			},
			Decode: a.onCooperative(true, func(_ context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
				got, err := api.IDs(c.Input, "from", "to")
				if err != nil {
					return nil, err
				}
				return coop.TransferShares{CoopID: id, From: got[0], To: got[1], Class: api.Arg[coop.ShareClass](c.Input, "class"),
					Shares: shares(c.Input), Price: api.Arg[kernel.Money](c.Input, "price")}, nil
			}),
		}, {
			Name:        "redeemShares",
			Description: "The cooperative buys free shares back into the collective's line, under the yearly cap (rule 16).",
			Roles:       collective,
			Input: graphql.InputObjectConfigFieldMap{
				"cooperativeId": coopIn, "holder": idIn, "class": classIn, "shares": sharesIn, "price": priceIn,
			},
			Decode: a.onCooperative(false, func(_ context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
				holder, err := api.ID(c.Input, "holder")
				return coop.RedeemShares{CoopID: id, Holder: holder, Class: api.Arg[coop.ShareClass](c.Input, "class"),
					Shares: shares(c.Input), Price: api.Arg[kernel.Money](c.Input, "price")}, err
			}),
		}, {
			Name:        "recordDeath",
			Description: "Records a holder's death; the heirs' claim period opens (rule 17).",
			Roles:       collective,
			Input: graphql.InputObjectConfigFieldMap{
				"cooperativeId": coopIn, "holder": idIn, "diedOn": {Type: api.NonNull(api.DateTime)},
			},
			Decode: a.onCooperative(false, func(_ context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
				holder, err := api.ID(c.Input, "holder")
				return coop.RecordDeath{CoopID: id, Holder: holder, DiedOn: api.Arg[time.Time](c.Input, "diedOn")}, err
			}),
		}, {
			Name:        "inheritShares",
			Description: "Passes a deceased holder's whole holding, with its pledges, to one heir: full rights for a member, income rights only for anyone else (rule 17).",
			Roles:       collective,
			Input: graphql.InputObjectConfigFieldMap{
				"cooperativeId": coopIn, "deceased": idIn, "heir": idIn,
				"heirHousehold": {Type: graphql.ID, Description: "Required for an heir from outside the cooperative."},
			},
			Decode: a.onCooperative(false, func(_ context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
				got, err := api.IDs(c.Input, "deceased", "heir")
				if err != nil {
					return nil, err
				}
				household, err := api.OptionalID(c.Input, "heirHousehold")
				return coop.InheritShares{CoopID: id, Deceased: got[0], Heir: got[1], HeirHousehold: household}, err
			}),
		}, {
			Name: "pledgeShares",
			Description: "The calling bank takes a pledge on a member's free shares (rule 18), under its own collateral registration " +
				"giving notice of a SHARE_PLEDGE on this member's shares in this cooperative, in force and covering the shares.",
			Roles: bank,
			Input: graphql.InputObjectConfigFieldMap{
				"cooperativeId": coopIn, "holder": idIn, "shares": sharesIn,
				"registrationId": {Type: nonNullID, Description: "The bank's collateral registration of the pledge."},
				"loanMaturity":   {Type: api.NonNull(api.DateTime), Description: "Within the cooperative's pledgedLoanTermYears."},
			},
			Output:  graphql.Fields{"pledgeId": {Type: nonNullID}},
			Decode:  a.pledge,
			Payload: api.Created[coop.Command]("pledgeId", func(c coop.PledgeShares) uuid.UUID { return c.PledgeID }),
		}, {
			Name:        "releasePledge",
			Description: "The pledgee bank releases its pledge; the shares are free again.",
			Roles:       bank,
			Input:       graphql.InputObjectConfigFieldMap{"cooperativeId": coopIn, "pledgeId": idIn},
			Decode: api.On("cooperativeId", func(_ context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
				pledge, err := api.ID(c.Input, "pledgeId")
				return coop.ReleasePledge{CoopID: id, PledgeID: pledge, By: c.Principal.Party}, err
			}),
		}, {
			Name: "enforceSharePledge",
			Description: "The pledgee bank sells the pledged shares of its defaulted loan (the loan with the pledge's id) to a member, under the " +
				"per-holder cap, or to the collective (rule 18; LOAN_NOT_DEFAULTED otherwise); the price is paid to its notice by rank and the notice discharged.",
			Roles: bank,
			Input: graphql.InputObjectConfigFieldMap{"cooperativeId": coopIn, "pledgeId": idIn, "buyer": idIn, "price": {Type: api.NonNull(api.Money)}},
			Decode: api.On("cooperativeId", func(ctx context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
				got, err := api.IDs(c.Input, "pledgeId", "buyer")
				if err != nil {
					return nil, err
				}
				loan, err := a.App.Facts().DefaultedLoan(ctx, got[0])
				if kernel.ErrorCode(err) == kernel.CodeNotFound {
					err = nil // a pledge that secures no loan is never enforced
				}
				return coop.EnforcePledge{CoopID: id, PledgeID: got[0], By: c.Principal.Party, Buyer: got[1],
					Price: api.Arg[kernel.Money](c.Input, "price"), LoanDefaulted: loan.Defaulted}, err
			}),
		}, {
			Name:        "declareDividend",
			Description: "Declares a dividend against the register as it stands now; the payouts sum exactly to the amount (rule 19).",
			Roles:       collective,
			Input:       graphql.InputObjectConfigFieldMap{"cooperativeId": coopIn, "amount": {Type: api.NonNull(api.Money)}},
			Output:      graphql.Fields{"dividendId": {Type: nonNullID}},
			Decode: a.onCooperative(false, func(_ context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
				return coop.DeclareDividend{CoopID: id, DividendID: c.NewID("dividend"), Amount: api.Arg[kernel.Money](c.Input, "amount")}, nil
			}),
			Payload: api.Created[coop.Command]("dividendId", func(c coop.DeclareDividend) uuid.UUID { return c.DividendID }),
		}, {
			Name:        "payDividend",
			Description: "Records that a declared dividend's payouts were paid.",
			Roles:       collective,
			Input:       graphql.InputObjectConfigFieldMap{"cooperativeId": coopIn, "dividendId": idIn},
			Decode: a.onCooperative(false, func(_ context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
				dividend, err := api.ID(c.Input, "dividendId")
				return coop.PayDividend{CoopID: id, DividendID: dividend}, err
			}),
		},
	}}
}

// shares reads the shares field of in.
func shares(in map[string]any) int64 { return int64(api.Arg[int](in, "shares")) }

// found decodes foundCooperative: omitted settings keep the defaults.
func found(_ context.Context, c api.Call) (coop.Command, error) {
	settings := coop.DefaultSettings()
	in := api.Arg[map[string]any](c.Input, "settings")
	for field, set := range map[string]func(int){
		"holdingCapBP":         func(v int) { settings.HoldingCapBP = int64(v) },
		"redemptionCapBP":      func(v int) { settings.RedemptionCapBP = int64(v) },
		"pledgeTermYears":      func(v int) { settings.PledgeTermYears = v },
		"pledgedLoanTermYears": func(v int) { settings.PledgedLoanTermYears = v },
		"claimPeriodMonths":    func(v int) { settings.ClaimPeriodMonths = v },
	} {
		if v, ok := in[field].(int); ok {
			set(v)
		}
	}
	if v, ok := in["dynamicRegister"].(bool); ok {
		settings.DynamicRegister = v
	}
	return coop.FoundCooperative{CoopID: c.NewID("cooperative"), Collective: c.Principal.Party, Name: api.Arg[string](c.Input, "name"), Settings: settings}, nil
}

// onCooperative decodes a mutation on the cooperative named by the input's
// cooperativeId: it checks the caller is the cooperative's collective (or the
// exchange, when exchangeToo), then builds the command.
func (a area) onCooperative(exchangeToo bool, build func(ctx context.Context, c api.Call, id uuid.UUID) (coop.Command, error)) func(context.Context, api.Call) (coop.Command, error) {
	return api.On("cooperativeId", func(ctx context.Context, c api.Call, id uuid.UUID) (coop.Command, error) {
		var founded bool
		var collective uuid.UUID
		if err := a.App.Coops.Inspect(ctx, id, func(s coop.State, _ uint64) { founded, collective = s.Founded, s.Collective }); err != nil {
			return nil, err
		}
		if !founded {
			return nil, kernel.FieldErrorf(kernel.CodeNotFound, "cooperativeId", "no cooperative %s", id)
		}
		if err := api.RequireParty(c.Principal, collective, exchangeToo); err != nil {
			return nil, err
		}
		return build(ctx, c, id)
	})
}

// pledgeErrors sends coop commands, naming the registration in the error of a
// pledge the decider refuses as a second live pledge of one notice.
type pledgeErrors struct {
	api.Sender[coop.Command]
}

// Handle sends cmd.
func (h pledgeErrors) Handle(ctx context.Context, cmd coop.Command, meta app.Meta) (app.Result, error) {
	res, err := h.Sender.Handle(ctx, cmd, meta)
	var ke *kernel.Error
	if p, ok := cmd.(coop.PledgeShares); ok && errors.As(err, &ke) && ke.Field == "pledgeId" {
		return res, kernel.FieldErrorf(ke.Code, "registrationId", "registration %s already backs a live pledge", p.RegistrationNumber)
	}
	return res, err
}

// pledge checks the bank's collateral registration against the pledge, from
// the registration's own state, then pledges under the registration's id.
func (a area) pledge(ctx context.Context, c api.Call) (coop.Command, error) {
	got, err := api.IDs(c.Input, "cooperativeId", "holder", "registrationId")
	if err != nil {
		return nil, err
	}
	id, holder, regID := got[0], got[1], got[2]
	var reg struct {
		registered, inForce bool
		number              string
		securedParty        uuid.UUID
		collateral          collateral.Collateral
	}
	now := a.Clock.Now()
	if err := a.App.Collateral.Inspect(ctx, regID, func(s collateral.State, _ uint64) {
		reg.registered, reg.inForce, reg.number = s.Registered(), s.Status == collateral.StatusRegistered && s.EffectiveAt(now), s.Number
		reg.securedParty, reg.collateral = s.SecuredParty, s.Collateral
	}); err != nil {
		return nil, err
	}
	switch {
	case !reg.registered:
		return nil, kernel.FieldErrorf(kernel.CodeNotFound, "registrationId", "no collateral registration %s", regID)
	case reg.securedParty != c.Principal.Party:
		return nil, kernel.FieldErrorf(kernel.CodeForbidden, "registrationId", "the registration secures another party")
	case !reg.inForce:
		return nil, kernel.FieldErrorf(kernel.CodeInvalidState, "registrationId", "registration %s is not in force", reg.number)
	case reg.collateral.Target() != collateral.SharesTarget(id, holder) || reg.collateral.Kind != collateral.KindSharePledge:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "registrationId",
			"registration %s is not a share pledge on this holder's shares in this cooperative", reg.number)
	}
	n := shares(c.Input)
	if n > reg.collateral.Shares {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "shares", "registration %s covers %d shares", reg.number, reg.collateral.Shares)
	}
	// The pledge takes the registration's id, as the process manager's pledges
	// do: one live pledge per notice (the decider refuses a second), and the
	// notice's discharge releases it.
	return coop.PledgeShares{CoopID: id, PledgeID: regID, Holder: holder, Pledgee: c.Principal.Party,
		Shares: n, RegistrationNumber: reg.number, LoanMaturity: api.Arg[time.Time](c.Input, "loanMaturity")}, nil
}
