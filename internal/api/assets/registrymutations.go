package assets

import (
	"context"
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
	documentInput = graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "DocumentInput", Description: "A written source document: its reference and the date it was signed or issued.",
		Fields: graphql.InputObjectConfigFieldMap{
			"reference": {Type: api.NonNull(graphql.String)},
			"date":      {Type: api.DateTime},
		},
	})
	locationInput = graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "LocationInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"province": {Type: api.NonNull(graphql.String)},
			"county":   {Type: api.NonNull(graphql.String)},
			"township": {Type: api.NonNull(graphql.String)},
			"village":  {Type: api.NonNull(graphql.String)},
		},
	})
	collectiveOnly = []auth.Role{auth.RoleCollective}
)

func source(in map[string]any, name string) registry.Source {
	d := api.Arg[map[string]any](in, name)
	return registry.Source{Reference: api.Arg[string](d, "reference"), Date: api.Arg[time.Time](d, "date")}
}

// inspectAsset calls fn with the asset's authoritative state; NOT_FOUND
// (field assetId) when it is not registered.
func (a *area) inspectAsset(ctx context.Context, id uuid.UUID, fn func(registry.State)) error {
	found, err := api.Inspect(ctx, a.App.Assets, id, func(s registry.State) bool {
		if s.Registered {
			fn(s)
		}
		return s.Registered
	})
	if err == nil && !found {
		err = kernel.FieldErrorf(kernel.CodeNotFound, "assetId", "no asset %s", id)
	}
	return err
}

// ownAsset is inspectAsset for the owning collective only (FORBIDDEN for anyone else).
func (a *area) ownAsset(ctx context.Context, p auth.Principal, id uuid.UUID, fn func(registry.State)) error {
	var owner uuid.UUID
	if err := a.inspectAsset(ctx, id, func(s registry.State) { owner = s.Owner; fn(s) }); err != nil {
		return err
	}
	return api.RequireParty(p, owner, false)
}

// The inputs rows share.
var (
	assetIn   = graphql.InputObjectConfigFieldMap{"assetId": {Type: api.NonNull(graphql.ID)}}
	packageIn = graphql.InputObjectConfigFieldMap{"packageId": {Type: api.NonNull(graphql.ID)}}
)

// registryMutations are the collective's records on its assets.
func (a *area) registryMutations() api.Mutations[registry.Command] {
	return api.Mutations[registry.Command]{Handler: a.App.Assets, ID: "assetId", Rows: []api.Mutation[registry.Command]{
		{
			Name:        "registerAsset",
			Description: "A collective registers one of its assets. Collective land ownership and the household contracting right are refused (ASSET_NOT_TRADABLE).",
			Roles:       collectiveOnly,
			Input: graphql.InputObjectConfigFieldMap{
				"type":          {Type: api.NonNull(api.AssetType)},
				"title":         {Type: api.NonNull(graphql.String)},
				"description":   {Type: graphql.String},
				"location":      {Type: api.NonNull(locationInput)},
				"area":          {Type: api.NonNull(api.Area)},
				"certificateNo": {Type: api.NonNull(graphql.String)},
				"rightsEnd":     {Type: api.NonNull(api.DateTime)},
				"contractorId":  {Type: graphql.ID, Description: "The contracting household; required for LAND_MANAGEMENT_RIGHT."},
				"holderId":      {Type: graphql.ID, Description: "The management-right holder; default the contracting household, else the collective."},
				"source":        {Type: api.NonNull(documentInput), Description: "The rights certificate or contract."},
			},
			Decode: func(_ context.Context, c api.Call) (registry.Command, error) {
				contractor, err := api.OptionalID(c.Input, "contractorId")
				if err != nil {
					return nil, err
				}
				holder, err := api.OptionalID(c.Input, "holderId")
				if err != nil {
					return nil, err
				}
				if holder == uuid.Nil {
					holder = contractor
				}
				if holder == uuid.Nil {
					holder = c.Principal.Party
				}
				l := api.Arg[map[string]any](c.Input, "location")
				return registry.RegisterAsset{
					AssetID: c.NewID("asset"), By: c.Principal.Party, Type: api.Arg[kernel.AssetType](c.Input, "type"),
					Location: registry.Location{Province: api.Arg[string](l, "province"), County: api.Arg[string](l, "county"),
						Township: api.Arg[string](l, "township"), Village: api.Arg[string](l, "village")},
					Area: api.Arg[kernel.Area](c.Input, "area"), CertificateNo: api.Arg[string](c.Input, "certificateNo"),
					RightsEnd: api.Arg[time.Time](c.Input, "rightsEnd"), Title: api.Arg[string](c.Input, "title"),
					Description: api.Arg[string](c.Input, "description"), Contractor: contractor, Holder: holder,
					Source: source(c.Input, "source"),
				}, nil
			},
		}, {
			Name:        "entrustLand",
			Description: "The owning collective records its household's written entrustment of the plot (rule 5): to whom (default the collective), the forms allowed and the term.",
			Roles:       collectiveOnly,
			Input: api.Inputs(assetIn, graphql.InputObjectConfigFieldMap{
				"entrusteeId": {Type: graphql.ID, Description: "The collective or its farmland company; default the collective."},
				"scope":       {Type: api.ListOf(formEnum)},
				"start":       {Type: api.NonNull(api.DateTime)},
				"end":         {Type: api.NonNull(api.DateTime)},
				"document":    {Type: api.NonNull(documentInput), Description: "The household's signed entrustment letter."},
			}),
			Decode: api.On("assetId", func(ctx context.Context, c api.Call, id uuid.UUID) (registry.Command, error) {
				entrustee, err := api.OptionalID(c.Input, "entrusteeId")
				if err != nil {
					return nil, err
				}
				if entrustee == uuid.Nil {
					entrustee = c.Principal.Party
				}
				var household uuid.UUID
				if err := a.ownAsset(ctx, c.Principal, id, func(s registry.State) { household = s.Contractor }); err != nil {
					return nil, err
				}
				scope := []registry.Form{}
				for _, f := range api.Args[transfer.Form](c.Input, "scope") {
					scope = append(scope, registry.Form(f))
				}
				return registry.EntrustPlot{
					AssetID: id, By: household, Entrustee: entrustee, Collective: c.Principal.Party, Scope: scope,
					Start: api.Arg[time.Time](c.Input, "start"), End: api.Arg[time.Time](c.Input, "end"), Source: source(c.Input, "document"),
				}, nil
			}),
		}, {
			Name:        "revokeEntrustment",
			Description: "The owning collective records the household's written revocation of its entrustment.",
			Roles:       collectiveOnly,
			Input: api.Inputs(assetIn, graphql.InputObjectConfigFieldMap{
				"document": {Type: api.NonNull(documentInput), Description: "The household's signed revocation."},
			}),
			Decode: api.On("assetId", func(ctx context.Context, c api.Call, id uuid.UUID) (registry.Command, error) {
				var household uuid.UUID
				if err := a.ownAsset(ctx, c.Principal, id, func(s registry.State) {
					if household = s.Contractor; s.Entrustment != nil {
						household = s.Entrustment.Household
					}
				}); err != nil {
					return nil, err
				}
				return registry.RevokeEntrustment{AssetID: id, By: household, Source: source(c.Input, "document")}, nil
			}),
		}, {
			Name:        "recordConsent",
			Description: "The owning collective records the contracting household's written consent for a transferee to re-transfer or mortgage the management right (rule 7).",
			Roles:       collectiveOnly,
			Input: api.Inputs(assetIn, graphql.InputObjectConfigFieldMap{
				"granteeId": {Type: api.NonNull(graphql.ID), Description: "The transferee the consent is given to."},
				"purpose":   {Type: api.NonNull(purposeEnum)},
				"document":  {Type: api.NonNull(documentInput), Description: "The household's signed consent."},
			}),
			Output: graphql.Fields{"consentId": {Type: api.NonNull(graphql.ID)}},
			Decode: func(ctx context.Context, c api.Call) (registry.Command, error) {
				in, err := api.IDs(c.Input, "assetId", "granteeId")
				if err != nil {
					return nil, err
				}
				var contractor uuid.UUID
				if err := a.ownAsset(ctx, c.Principal, in[0], func(s registry.State) { contractor = s.Contractor }); err != nil {
					return nil, err
				}
				return registry.RecordConsent{
					AssetID: in[0], By: c.Principal.Party, ConsentID: c.NewID("consent"), Contractor: contractor, Grantee: in[1],
					Purpose: api.Arg[registry.ConsentPurpose](c.Input, "purpose"), Source: source(c.Input, "document"),
				}, nil
			},
			Payload: api.Created[registry.Command]("consentId", func(c registry.RecordConsent) uuid.UUID { return c.ConsentID }),
		},
	}}
}

// packageMutations are the collective's consolidation of entrusted plots.
func (a *area) packageMutations() api.Mutations[registry.PackageCommand] {
	return api.Mutations[registry.PackageCommand]{Handler: a.App.Packages, ID: "packageId", Rows: []api.Mutation[registry.PackageCommand]{
		{
			Name:        "createAssetPackage",
			Description: "A collective starts a consolidation package for one transfer of entrusted plots in a form and term.",
			Roles:       collectiveOnly,
			Input: graphql.InputObjectConfigFieldMap{
				"title": {Type: api.NonNull(graphql.String)},
				"form":  {Type: api.NonNull(formEnum)},
				"start": {Type: api.NonNull(api.DateTime)},
				"end":   {Type: api.NonNull(api.DateTime)},
			},
			Decode: func(_ context.Context, c api.Call) (registry.PackageCommand, error) {
				return registry.CreatePackage{
					PackageID: c.NewID("package"), By: c.Principal.Party, Title: api.Arg[string](c.Input, "title"),
					Form: registry.Form(api.Arg[transfer.Form](c.Input, "form")), Start: api.Arg[time.Time](c.Input, "start"), End: api.Arg[time.Time](c.Input, "end"),
				}, nil
			},
		}, {
			Name:        "addPlotToPackage",
			Description: "The package's collective adds a plot entrusted to it, with a scope and term covering the package (NOT_ENTRUSTED, ENTRUSTMENT_DOES_NOT_COVER, PLOT_NOT_AVAILABLE).",
			Roles:       collectiveOnly,
			Input:       api.Inputs(packageIn, assetIn),
			Decode: func(ctx context.Context, c api.Call) (registry.PackageCommand, error) {
				in, err := api.IDs(c.Input, "packageId", "assetId")
				if err != nil {
					return nil, err
				}
				var plot registry.Plot
				if err := a.ownAsset(ctx, c.Principal, in[1], func(s registry.State) { plot = s.Plot() }); err != nil {
					return nil, err
				}
				return registry.AddPlot{PackageID: in[0], By: c.Principal.Party, Plot: plot}, nil
			},
		}, {
			Name:        "removePlotFromPackage",
			Description: "The package's collective takes a plot out of an unsealed package.",
			Roles:       collectiveOnly,
			Input:       api.Inputs(packageIn, assetIn),
			Decode: func(_ context.Context, c api.Call) (registry.PackageCommand, error) {
				in, err := api.IDs(c.Input, "packageId", "assetId")
				if err != nil {
					return nil, err
				}
				return registry.RemovePlot{PackageID: in[0], By: c.Principal.Party, AssetID: in[1]}, nil
			},
		}, {
			Name:        "sealPackage",
			Description: "The package's collective closes it for listing; it must hold a plot.",
			Roles:       collectiveOnly,
			Input:       packageIn,
			Decode: api.On("packageId", func(_ context.Context, c api.Call, id uuid.UUID) (registry.PackageCommand, error) {
				return registry.SealPackage{PackageID: id, By: c.Principal.Party}, nil
			}),
		},
	}}
}
