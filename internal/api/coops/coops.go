package coops

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Register adds the area's queries and mutations to b.
func Register(b *api.Builder, d api.Deps) {
	registerQueries(b, d)
	m := mutations{d}
	for _, spec := range withRoles(m.specs()) {
		b.Mutation(spec)
	}
}

// Roles lists, for each mutation of the area, the roles that may call it
// (party checks come on top; see the package doc).
var Roles = map[string][]auth.Role{
	"foundCooperative": {auth.RoleCollective},
	"admitMember":      {auth.RoleCollective},
	"allocateShares":   {auth.RoleCollective},
	"transferShares":   {auth.RoleCollective, auth.RoleExchange},
	"redeemShares":     {auth.RoleCollective},
	"recordDeath":      {auth.RoleCollective},
	"inheritShares":    {auth.RoleCollective},
	"pledgeShares":     {auth.RoleBank},
	"releasePledge":    {auth.RoleBank},
	"declareDividend":  {auth.RoleCollective},
	"payDividend":      {auth.RoleCollective},
}

type mutations struct{ d api.Deps }

// Input field types shared by the mutations.
var (
	idIn     = &graphql.InputObjectFieldConfig{Type: nonNullID}
	sharesIn = &graphql.InputObjectFieldConfig{Type: graphql.NewNonNull(graphql.Int), Description: "A positive number of shares."}
	classIn  = &graphql.InputObjectFieldConfig{Type: graphql.NewNonNull(shareClassEnum)}
	priceIn  = &graphql.InputObjectFieldConfig{Type: api.Money, Description: "The agreed consideration; omit for none."}
	coopIn   = &graphql.InputObjectFieldConfig{Type: nonNullID, Description: "The cooperative."}
	coopOut  = &graphql.Field{Type: nonNullID, Description: "The cooperative."}
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

func (m mutations) specs() []api.MutationSpec {
	return []api.MutationSpec{{
		Name:        "foundCooperative",
		Description: "The calling collective founds a share cooperative.",
		Input: graphql.InputObjectConfigFieldMap{
			"name":     {Type: graphql.NewNonNull(graphql.String)},
			"settings": {Type: settingsInput},
		},
		Output: graphql.Fields{"cooperativeId": coopOut},
		Run:    m.found,
	}, {
		Name:        "admitMember",
		Description: "Confirms a member (成员身份确认), e.g. at a birth; an outside heir admitted gets full rights.",
		Input: graphql.InputObjectConfigFieldMap{
			"cooperativeId": coopIn,
			"member":        {Type: graphql.ID, Description: "The person; omit to have an id made."},
			"household":     idIn,
		},
		Output: graphql.Fields{"cooperativeId": coopOut, "memberId": {Type: nonNullID}},
		Run: m.onCooperative(false, func(c api.Call, id uuid.UUID) (coop.Command, map[string]any, error) {
			member, err := api.OptionalID(c.Input, "member")
			if err != nil {
				return nil, nil, err
			}
			if member == uuid.Nil {
				member = c.NewID("member")
			}
			household, err := api.ID(c.Input, "household")
			return coop.AdmitMember{CoopID: id, Member: member, Household: household}, map[string]any{"memberId": member.String()}, err
		}),
	}, {
		Name:        "allocateShares",
		Description: "Quantifies shares to members by class (折股量化, rule 15).",
		Input: graphql.InputObjectConfigFieldMap{
			"cooperativeId": coopIn,
			"allocations":   {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(allocationInput)))},
		},
		Output: graphql.Fields{"cooperativeId": coopOut},
		Run: m.onCooperative(false, func(c api.Call, id uuid.UUID) (coop.Command, map[string]any, error) {
			list, _ := c.Input["allocations"].([]any)
			cmd := coop.AllocateShares{CoopID: id, Allocations: make([]coop.Allocation, len(list))}
			for i, v := range list {
				in, _ := v.(map[string]any)
				member, err := api.ID(in, "member")
				if err != nil {
					return nil, nil, kernel.FieldErrorf(kernel.CodeInvalid, fmt.Sprintf("allocations[%d].member", i), "must be a UUID")
				}
				cmd.Allocations[i] = coop.Allocation{Member: member, Class: in["class"].(coop.ShareClass), Shares: int64(in["shares"].(int))}
			}
			return cmd, nil, nil
		}),
	}, {
		Name:        "transferShares",
		Description: "Records a transfer of free shares to a member, under the per-holder cap (rule 16). The collective or the exchange (the trading platform) records it.",
		Input: graphql.InputObjectConfigFieldMap{
			"cooperativeId": coopIn, "from": idIn, "to": idIn, "class": classIn, "shares": sharesIn, "price": priceIn,
		},
		Output: graphql.Fields{"cooperativeId": coopOut},
		Run: m.onCooperative(true, func(c api.Call, id uuid.UUID) (coop.Command, map[string]any, error) {
			from, err := api.ID(c.Input, "from")
			if err != nil {
				return nil, nil, err
			}
			to, err := api.ID(c.Input, "to")
			price, _ := c.Input["price"].(kernel.Money)
			return coop.TransferShares{CoopID: id, From: from, To: to, Class: c.Input["class"].(coop.ShareClass),
				Shares: shares(c), Price: price}, nil, err
		}),
	}, {
		Name:        "redeemShares",
		Description: "The cooperative buys free shares back into the collective's line, under the yearly cap (rule 16).",
		Input: graphql.InputObjectConfigFieldMap{
			"cooperativeId": coopIn, "holder": idIn, "class": classIn, "shares": sharesIn, "price": priceIn,
		},
		Output: graphql.Fields{"cooperativeId": coopOut},
		Run: m.onCooperative(false, func(c api.Call, id uuid.UUID) (coop.Command, map[string]any, error) {
			holder, err := api.ID(c.Input, "holder")
			price, _ := c.Input["price"].(kernel.Money)
			return coop.RedeemShares{CoopID: id, Holder: holder, Class: c.Input["class"].(coop.ShareClass),
				Shares: shares(c), Price: price}, nil, err
		}),
	}, {
		Name:        "recordDeath",
		Description: "Records a holder's death; the heirs' claim period opens (rule 17).",
		Input: graphql.InputObjectConfigFieldMap{
			"cooperativeId": coopIn, "holder": idIn, "diedOn": {Type: graphql.NewNonNull(api.DateTime)},
		},
		Output: graphql.Fields{"cooperativeId": coopOut},
		Run: m.onCooperative(false, func(c api.Call, id uuid.UUID) (coop.Command, map[string]any, error) {
			holder, err := api.ID(c.Input, "holder")
			return coop.RecordDeath{CoopID: id, Holder: holder, DiedOn: c.Input["diedOn"].(time.Time)}, nil, err
		}),
	}, {
		Name:        "inheritShares",
		Description: "Passes a deceased holder's whole holding, with its pledges, to one heir: full rights for a member, income rights only for anyone else (rule 17).",
		Input: graphql.InputObjectConfigFieldMap{
			"cooperativeId": coopIn, "deceased": idIn, "heir": idIn,
			"heirHousehold": {Type: graphql.ID, Description: "Required for an heir from outside the cooperative."},
		},
		Output: graphql.Fields{"cooperativeId": coopOut},
		Run: m.onCooperative(false, func(c api.Call, id uuid.UUID) (coop.Command, map[string]any, error) {
			deceased, err := api.ID(c.Input, "deceased")
			if err != nil {
				return nil, nil, err
			}
			heir, err := api.ID(c.Input, "heir")
			if err != nil {
				return nil, nil, err
			}
			household, err := api.OptionalID(c.Input, "heirHousehold")
			return coop.InheritShares{CoopID: id, Deceased: deceased, Heir: heir, HeirHousehold: household}, nil, err
		}),
	}, {
		Name: "pledgeShares",
		Description: "The calling bank takes a pledge on a member's free shares (rule 18), under its own collateral registration " +
			"giving notice of a SHARE_PLEDGE on this member's shares in this cooperative, in force and covering the shares.",
		Input: graphql.InputObjectConfigFieldMap{
			"cooperativeId": coopIn, "holder": idIn, "shares": sharesIn,
			"registrationId": {Type: nonNullID, Description: "The bank's collateral registration of the pledge."},
			"loanMaturity":   {Type: graphql.NewNonNull(api.DateTime), Description: "Within the cooperative's pledgedLoanTermYears."},
		},
		Output: graphql.Fields{"cooperativeId": coopOut, "pledgeId": {Type: nonNullID}},
		Run:    m.pledge,
	}, {
		Name:        "releasePledge",
		Description: "The pledgee bank releases its pledge; the shares are free again.",
		Input:       graphql.InputObjectConfigFieldMap{"cooperativeId": coopIn, "pledgeId": idIn},
		Output:      graphql.Fields{"cooperativeId": coopOut},
		Run: func(ctx context.Context, c api.Call) (api.Payload, error) {
			id, err := api.ID(c.Input, "cooperativeId")
			if err != nil {
				return api.Payload{}, err
			}
			pledge, err := api.ID(c.Input, "pledgeId")
			if err != nil {
				return api.Payload{}, err
			}
			return m.send(ctx, c, coop.ReleasePledge{CoopID: id, PledgeID: pledge, By: c.Principal.Party}, nil)
		},
	}, {
		Name:        "declareDividend",
		Description: "Declares a dividend against the register as it stands now; the payouts sum exactly to the amount (rule 19).",
		Input:       graphql.InputObjectConfigFieldMap{"cooperativeId": coopIn, "amount": {Type: graphql.NewNonNull(api.Money)}},
		Output:      graphql.Fields{"cooperativeId": coopOut, "dividendId": {Type: nonNullID}},
		Run: m.onCooperative(false, func(c api.Call, id uuid.UUID) (coop.Command, map[string]any, error) {
			dividend := c.NewID("dividend")
			return coop.DeclareDividend{CoopID: id, DividendID: dividend, Amount: c.Input["amount"].(kernel.Money)},
				map[string]any{"dividendId": dividend.String()}, nil
		}),
	}, {
		Name:        "payDividend",
		Description: "Records that a declared dividend's payouts were paid.",
		Input:       graphql.InputObjectConfigFieldMap{"cooperativeId": coopIn, "dividendId": idIn},
		Output:      graphql.Fields{"cooperativeId": coopOut},
		Run: m.onCooperative(false, func(c api.Call, id uuid.UUID) (coop.Command, map[string]any, error) {
			dividend, err := api.ID(c.Input, "dividendId")
			return coop.PayDividend{CoopID: id, DividendID: dividend}, nil, err
		}),
	}}
}

// withRoles fills each spec's Roles from the Roles table, so the table is
// the one place that says who may call what.
func withRoles(specs []api.MutationSpec) []api.MutationSpec {
	for i := range specs {
		specs[i].Roles = Roles[specs[i].Name]
	}
	return specs
}

func shares(c api.Call) int64 { n, _ := c.Input["shares"].(int); return int64(n) }

func (m mutations) found(ctx context.Context, c api.Call) (api.Payload, error) {
	settings := coop.DefaultSettings()
	in, _ := c.Input["settings"].(map[string]any)
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
	name, _ := c.Input["name"].(string)
	return m.send(ctx, c, coop.FoundCooperative{CoopID: c.NewID("cooperative"), Collective: c.Principal.Party, Name: name, Settings: settings}, nil)
}

// onCooperative makes the Run of a mutation on the cooperative named by the
// input's cooperativeId: it checks the caller is the cooperative's collective
// (or the exchange, when exchangeToo), then sends the command build makes.
func (m mutations) onCooperative(exchangeToo bool, build func(c api.Call, coopID uuid.UUID) (coop.Command, map[string]any, error)) func(context.Context, api.Call) (api.Payload, error) {
	return func(ctx context.Context, c api.Call) (api.Payload, error) {
		id, err := api.ID(c.Input, "cooperativeId")
		if err != nil {
			return api.Payload{}, err
		}
		var founded bool
		var collective uuid.UUID
		if err := m.d.App.Coops.Inspect(ctx, id, func(s coop.State, _ uint64) { founded, collective = s.Founded, s.Collective }); err != nil {
			return api.Payload{}, err
		}
		if !founded {
			return api.Payload{}, kernel.FieldErrorf(kernel.CodeNotFound, "cooperativeId", "no cooperative %s", id)
		}
		if err := api.RequireParty(c.Principal, collective, exchangeToo); err != nil {
			return api.Payload{}, err
		}
		cmd, fields, err := build(c, id)
		if err != nil {
			return api.Payload{}, err
		}
		return m.send(ctx, c, cmd, fields)
	}
}

// send handles cmd and returns its payload: cooperativeId and fields.
func (m mutations) send(ctx context.Context, c api.Call, cmd coop.Command, fields map[string]any) (api.Payload, error) {
	res, err := m.d.App.Coops.Handle(ctx, cmd, c.Meta)
	if err != nil {
		return api.Payload{}, err
	}
	if fields == nil {
		fields = map[string]any{}
	}
	fields["cooperativeId"] = cmd.AggregateID().String()
	return api.Payload{Result: res, Fields: fields}, nil
}

// pledge checks the bank's collateral registration against the pledge, from
// the registration's own state, then pledges under the registration's id.
func (m mutations) pledge(ctx context.Context, c api.Call) (api.Payload, error) {
	id, err := api.ID(c.Input, "cooperativeId")
	if err != nil {
		return api.Payload{}, err
	}
	holder, err := api.ID(c.Input, "holder")
	if err != nil {
		return api.Payload{}, err
	}
	regID, err := api.ID(c.Input, "registrationId")
	if err != nil {
		return api.Payload{}, err
	}
	var reg struct {
		registered, inForce bool
		number              string
		securedParty        uuid.UUID
		collateral          collateral.Collateral
	}
	now := m.d.Clock.Now()
	if err := m.d.App.Collateral.Inspect(ctx, regID, func(s collateral.State, _ uint64) {
		reg.registered, reg.inForce, reg.number = s.Registered(), s.Status == collateral.StatusRegistered && s.EffectiveAt(now), s.Number
		reg.securedParty, reg.collateral = s.SecuredParty, s.Collateral
	}); err != nil {
		return api.Payload{}, err
	}
	switch {
	case !reg.registered:
		return api.Payload{}, kernel.FieldErrorf(kernel.CodeNotFound, "registrationId", "no collateral registration %s", regID)
	case reg.securedParty != c.Principal.Party:
		return api.Payload{}, kernel.FieldErrorf(kernel.CodeForbidden, "registrationId", "the registration secures another party")
	case !reg.inForce:
		return api.Payload{}, kernel.FieldErrorf(kernel.CodeInvalidState, "registrationId", "registration %s is not in force", reg.number)
	case reg.collateral.Target() != collateral.SharesTarget(id, holder) || reg.collateral.Kind != collateral.KindSharePledge:
		return api.Payload{}, kernel.FieldErrorf(kernel.CodeInvalid, "registrationId",
			"registration %s is not a share pledge on this holder's shares in this cooperative", reg.number)
	}
	n := shares(c)
	if n > reg.collateral.Shares {
		return api.Payload{}, kernel.FieldErrorf(kernel.CodeInvalid, "shares", "registration %s covers %d shares", reg.number, reg.collateral.Shares)
	}
	// The pledge takes the registration's id, as the process manager's pledges
	// do: one live pledge per notice (the decider refuses a second), and the
	// notice's discharge releases it.
	out, err := m.send(ctx, c, coop.PledgeShares{CoopID: id, PledgeID: regID, Holder: holder, Pledgee: c.Principal.Party,
		Shares: n, RegistrationNumber: reg.number, LoanMaturity: c.Input["loanMaturity"].(time.Time)},
		map[string]any{"pledgeId": regID.String()})
	var ke *kernel.Error
	if errors.As(err, &ke) && ke.Field == "pledgeId" {
		return api.Payload{}, kernel.FieldErrorf(ke.Code, "registrationId", "registration %s already backs a live pledge", reg.number)
	}
	return out, err
}
