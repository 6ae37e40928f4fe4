package assets

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

var (
	contractPlotInput = graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "TransferContractPlotInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"assetId": {Type: api.NonNull(graphql.ID)},
			"area":    {Type: api.Area, Description: "The area transferred; default the whole asset."},
		},
	})
	resolutionInput = graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "ResolutionInput", Description: "The members' minuted vote approving contracting collective land to an outsider (rule 4).",
		Fields: graphql.InputObjectConfigFieldMap{
			"body":     {Type: api.NonNull(bodyEnum)},
			"votesFor": {Type: api.NonNull(graphql.Int)},
			"total":    {Type: api.NonNull(graphql.Int)},
			"document": {Type: api.NonNull(documentInput)},
		},
	})
	contractIn = graphql.InputObjectConfigFieldMap{"contractId": {Type: api.NonNull(graphql.ID)}}
	documentIn = graphql.InputObjectConfigFieldMap{"document": {Type: api.NonNull(documentInput)}}
	parties    = []auth.Role{auth.RoleCollective, auth.RoleBidder}
)

func document(in map[string]any, name string) transfer.Document {
	s := source(in, name)
	return transfer.Document{Reference: s.Reference, Signed: s.Date}
}

// inspectContract calls fn with the contract's authoritative state; NOT_FOUND
// (field contractId) when it does not exist.
func (a *area) inspectContract(ctx context.Context, id uuid.UUID, fn func(transfer.State)) error {
	found, err := api.Inspect(ctx, a.App.Transfers, id, func(s transfer.State) bool {
		if s.Status != "" {
			fn(s)
		}
		return s.Status != ""
	})
	if err == nil && !found {
		err = kernel.FieldErrorf(kernel.CodeNotFound, "contractId", "no transfer contract %s", id)
	}
	return err
}

// contractMutations are the steps of a land transfer contract. Commands
// that name the caller as their actor (By) leave the party check to the
// contract's decider.
func (a *area) contractMutations() api.Mutations[transfer.Command] {
	return api.Mutations[transfer.Command]{Handler: a.App.Transfers, ID: "contractId", Rows: []api.Mutation[transfer.Command]{
		{
			Name: "signTransferContract",
			Description: "The transferor (the caller: a collective for its own or entrusted plots, or a transferee re-transferring) records a contract " +
				"signed directly with the transferee. The plots' facts (holder, contract end, entrustment, consents, renewal priority) come from the registry. " +
				"The management right moves to the transferee when a process manager sees the contract signed.",
			Roles: parties,
			Input: graphql.InputObjectConfigFieldMap{
				"transfereeId":  {Type: api.NonNull(graphql.ID)},
				"plots":         {Type: api.ListOf(contractPlotInput)},
				"form":          {Type: api.NonNull(formEnum)},
				"use":           {Type: api.NonNull(useEnum)},
				"start":         {Type: api.NonNull(api.DateTime)},
				"end":           {Type: api.NonNull(api.DateTime)},
				"rentPerMuYear": {Type: api.NonNull(api.Money)},
				"frequency":     {Type: api.NonNull(frequencyEnum)},
				"resolution":    {Type: resolutionInput, Description: "Required when a collective contracts land it holds itself to an outsider."},
				"document":      {Type: api.NonNull(documentInput), Description: "The written, signed contract (rule 6)."},
			},
			Decode: func(ctx context.Context, c api.Call) (transfer.Command, error) {
				transferee, err := api.ID(c.Input, "transfereeId")
				if err != nil {
					return nil, err
				}
				t := transfer.Terms{
					Transferor: c.Principal.Party, Transferee: transferee, Form: api.Arg[transfer.Form](c.Input, "form"),
					Use: api.Arg[transfer.Use](c.Input, "use"), Start: api.Arg[time.Time](c.Input, "start"), End: api.Arg[time.Time](c.Input, "end"),
					RentPerMuYear: api.Arg[kernel.Money](c.Input, "rentPerMuYear"), Frequency: api.Arg[transfer.Frequency](c.Input, "frequency"),
				}
				if r := api.Arg[map[string]any](c.Input, "resolution"); r != nil {
					t.Resolution = &transfer.Resolution{Body: api.Arg[transfer.ResolutionBody](r, "body"), VotesFor: api.Arg[int](r, "votesFor"),
						Total: api.Arg[int](r, "total"), Document: document(r, "document")}
				}
				if t.Plots, t.Consents, err = a.plotFacts(ctx, c.Principal, c.Input["plots"]); err != nil {
					return nil, err
				}
				return transfer.SignDirect{ContractID: c.NewID("contract"), Terms: t, Document: document(c.Input, "document")}, nil
			},
		}, {
			Name:        "signAwardedTransferContract",
			Description: "A party (the winner as transferee, or the transferor) records the written, signed contract drafted from an award on the exchange.",
			Roles:       parties,
			Input:       api.Inputs(contractIn, documentIn),
			Decode: api.On("contractId", func(ctx context.Context, c api.Call, id uuid.UUID) (transfer.Command, error) {
				var t transfer.Terms
				if err := a.inspectContract(ctx, id, func(s transfer.State) { t = s.Terms }); err != nil {
					return nil, err
				}
				if c.Principal.Party != t.Transferor && c.Principal.Party != t.Transferee {
					return nil, kernel.Errorf(kernel.CodeForbidden, "only the contract's parties sign it")
				}
				return transfer.SignContract{ContractID: id, Document: document(c.Input, "document")}, nil
			}),
		}, {
			Name:        "fileTransferContract",
			Description: "The owning collective records the contract's filing (备案) with it.",
			Roles:       collectiveOnly,
			Input:       api.Inputs(contractIn, graphql.InputObjectConfigFieldMap{"filingNo": {Type: api.NonNull(graphql.String)}}),
			Decode: api.On("contractId", func(_ context.Context, c api.Call, id uuid.UUID) (transfer.Command, error) {
				return transfer.FileContract{ContractID: id, By: c.Principal.Party, FilingNo: api.Arg[string](c.Input, "filingNo")}, nil
			}),
		}, {
			Name:        "registerTransferContract",
			Description: "The exchange, as registration authority, registers a contract of 5 years or more (REGISTRATION_TERM_TOO_SHORT otherwise).",
			Roles:       []auth.Role{auth.RoleExchange},
			Input:       api.Inputs(contractIn, graphql.InputObjectConfigFieldMap{"registrationNo": {Type: api.NonNull(graphql.String)}}),
			Decode: api.On("contractId", func(_ context.Context, c api.Call, id uuid.UUID) (transfer.Command, error) {
				return transfer.RegisterContract{ContractID: id, RegistrationNo: api.Arg[string](c.Input, "registrationNo")}, nil
			}),
		}, {
			Name: "payRent",
			Description: "The transferee pays rent, applied to the oldest instalments first (RENT_OVERPAID above what is owed). " +
				"The fund's rent advances reach the contract through a process manager, not through this mutation.",
			Roles: []auth.Role{auth.RoleBidder},
			Input: api.Inputs(contractIn, graphql.InputObjectConfigFieldMap{"amount": {Type: api.NonNull(api.Money)}}),
			Decode: api.On("contractId", func(ctx context.Context, c api.Call, id uuid.UUID) (transfer.Command, error) {
				var transferee uuid.UUID
				if err := a.inspectContract(ctx, id, func(s transfer.State) { transferee = s.Terms.Transferee }); err != nil {
					return nil, err
				}
				if err := api.RequireParty(c.Principal, transferee, false); err != nil {
					return nil, err
				}
				return transfer.PayRent{ContractID: id, Payer: c.Principal.Party, Amount: api.Arg[kernel.Money](c.Input, "amount")}, nil
			}),
		}, {
			Name: "terminateTransferContract",
			Description: "Ends a contract early: for cause (CHANGED_USE, LAND_IDLE with idleSince 2+ years ago, SERIOUS_DAMAGE, RENT_UNPAID) by the transferor or the owning collective, " +
				"or by MUTUAL_AGREEMENT by either party, with the written notice or agreement. The right returns to the transferor through a process manager.",
			Roles: parties,
			Input: api.Inputs(contractIn, documentIn, graphql.InputObjectConfigFieldMap{
				"reason":    {Type: api.NonNull(reasonEnum)},
				"idleSince": {Type: api.DateTime, Description: "For LAND_IDLE: when the land was last farmed."},
			}),
			Decode: api.On("contractId", func(_ context.Context, c api.Call, id uuid.UUID) (transfer.Command, error) {
				return transfer.Terminate{ContractID: id, By: c.Principal.Party, Reason: api.Arg[transfer.Reason](c.Input, "reason"),
					Document: document(c.Input, "document"), IdleSince: api.Arg[time.Time](c.Input, "idleSince")}, nil
			}),
		}, {
			Name:        "offerRenewal",
			Description: "The transferor offers the existing transferee, who has priority under equal conditions, a renewal.",
			Roles:       parties,
			Input: api.Inputs(contractIn, graphql.InputObjectConfigFieldMap{
				"end":           {Type: api.NonNull(api.DateTime)},
				"rentPerMuYear": {Type: api.NonNull(api.Money)},
				"frequency":     {Type: api.NonNull(frequencyEnum)},
				"respondBy":     {Type: api.NonNull(api.DateTime)},
			}),
			Decode: api.On("contractId", func(_ context.Context, c api.Call, id uuid.UUID) (transfer.Command, error) {
				return transfer.OfferRenewal{ContractID: id, By: c.Principal.Party, End: api.Arg[time.Time](c.Input, "end"),
					RentPerMuYear: api.Arg[kernel.Money](c.Input, "rentPerMuYear"), Frequency: api.Arg[transfer.Frequency](c.Input, "frequency"),
					RespondBy: api.Arg[time.Time](c.Input, "respondBy")}, nil
			}),
		}, {
			Name:        "acceptRenewal",
			Description: "The transferee accepts the renewal offer in writing before its deadline.",
			Roles:       parties,
			Input:       api.Inputs(contractIn, documentIn),
			Decode: api.On("contractId", func(_ context.Context, c api.Call, id uuid.UUID) (transfer.Command, error) {
				return transfer.AcceptRenewal{ContractID: id, By: c.Principal.Party, Document: document(c.Input, "document")}, nil
			}),
		}, {
			Name:        "declineRenewal",
			Description: "The transferee waives its renewal priority.",
			Roles:       parties,
			Input:       contractIn,
			Decode: api.On("contractId", func(_ context.Context, c api.Call, id uuid.UUID) (transfer.Command, error) {
				return transfer.DeclineRenewal{ContractID: id, By: c.Principal.Party}, nil
			}),
		}, {
			Name:        "mortgageTransferredRight",
			Description: "The transferee records on its contract that it mortgaged the management right; each contracted plot needs its household's consent recorded in the registry (MORTGAGE_WITHOUT_CONSENT).",
			Roles:       []auth.Role{auth.RoleBidder},
			Input: api.Inputs(contractIn, graphql.InputObjectConfigFieldMap{
				"registrationId": {Type: api.NonNull(graphql.ID), Description: "The collateral registration."},
				"securedPartyId": {Type: api.NonNull(graphql.ID)},
			}),
			Decode: func(ctx context.Context, c api.Call) (transfer.Command, error) {
				in, err := api.IDs(c.Input, "contractId", "registrationId", "securedPartyId")
				if err != nil {
					return nil, err
				}
				var plots []uuid.UUID
				if err := a.inspectContract(ctx, in[0], func(s transfer.State) {
					for _, p := range s.Terms.Plots {
						plots = append(plots, p.AssetID)
					}
				}); err != nil {
					return nil, err
				}
				var consents []transfer.Consent
				for _, asset := range plots {
					if err := a.inspectAsset(ctx, asset, func(s registry.State) {
						if k, ok := s.ConsentFor(c.Principal.Party, registry.ConsentMortgage); ok {
							consents = append(consents, consentFact(asset, k, transfer.ConsentMortgage))
						}
					}); err != nil {
						return nil, err
					}
				}
				return transfer.MortgageRight{ContractID: in[0], By: c.Principal.Party,
					RegistrationID: in[1], SecuredParty: in[2], Consents: consents}, nil
			},
		},
	}}
}

func consentFact(asset uuid.UUID, k registry.Consent, purpose transfer.ConsentPurpose) transfer.Consent {
	return transfer.Consent{AssetID: asset, Contractor: k.Contractor, Grantee: k.Grantee, Purpose: purpose,
		Document: transfer.Document{Reference: k.Source.Reference, Signed: k.Source.Date}}
}

// plotFacts takes each plot's facts from the registry's authoritative state
// (never a read model), with the recorded re-transfer consents the caller, as
// transferor, holds. A collective acts only on plots it owns or that were
// entrusted to it.
func (a *area) plotFacts(ctx context.Context, p auth.Principal, input any) ([]transfer.Plot, []transfer.Consent, error) {
	items, _ := input.([]any)
	now := a.Clock.Now()
	var plots []transfer.Plot
	var consents []transfer.Consent
	for i, item := range items {
		in, _ := item.(map[string]any)
		id, err := api.ID(in, "assetId")
		if err != nil {
			return nil, nil, kernel.FieldErrorf(kernel.CodeInvalid, fmt.Sprintf("plots.%d.assetId", i), "must be a UUID")
		}
		plot, consent, err := a.App.Facts().ContractPlot(ctx, id, p.Party)
		if err != nil {
			return nil, nil, err
		}
		if consent != nil {
			consents = append(consents, *consent)
		}
		whole, owner, entrustee := plot.Area, plot.Collective, uuid.Nil
		if plot.Entrustment != nil {
			entrustee = plot.Entrustment.Entrustee
		}
		if p.Role == auth.RoleCollective && p.Party != owner && p.Party != entrustee {
			return nil, nil, kernel.FieldErrorf(kernel.CodeForbidden, "plots", "plot %s belongs to another collective", id)
		}
		if area, ok := in["area"].(kernel.Area); ok {
			if area > whole {
				return nil, nil, kernel.FieldErrorf(kernel.CodeInvalid, fmt.Sprintf("plots.%d.area", i), "the asset has only %s mu", whole)
			}
			plot.Area = area
		}
		if plot.PriorityHolder, err = a.App.Facts().PriorityHolder(ctx, id, now); err != nil {
			return nil, nil, err
		}
		if plot.PriorityHolder == p.Party { // a transferee re-transferring has no priority against itself
			plot.PriorityHolder = uuid.Nil
		}
		plots = append(plots, plot)
	}
	return plots, consents, nil
}
