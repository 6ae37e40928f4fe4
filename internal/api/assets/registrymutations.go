package assets

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/registry"
)

var (
	documentInput = graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "DocumentInput", Description: "A written source document: its reference and the date it was signed or issued.",
		Fields: graphql.InputObjectConfigFieldMap{
			"reference": {Type: graphql.NewNonNull(graphql.String)},
			"date":      {Type: api.DateTime},
		},
	})
	locationInput = graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "LocationInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"province": {Type: graphql.NewNonNull(graphql.String)},
			"county":   {Type: graphql.NewNonNull(graphql.String)},
			"township": {Type: graphql.NewNonNull(graphql.String)},
			"village":  {Type: graphql.NewNonNull(graphql.String)},
		},
	})
	collectiveOnly = []auth.Role{auth.RoleCollective}
)

// Typed readers of a mutation's input; the schema has already checked types
// and required fields.

func str(in map[string]any, name string) string { s, _ := in[name].(string); return s }

func tm(in map[string]any, name string) time.Time { t, _ := in[name].(time.Time); return t }

func obj(in map[string]any, name string) map[string]any { m, _ := in[name].(map[string]any); return m }

func source(in map[string]any, name string) registry.Source {
	d := obj(in, name)
	return registry.Source{Reference: str(d, "reference"), Date: tm(d, "date")}
}

func forms(in map[string]any, name string) []registry.Form {
	vs, _ := in[name].([]any)
	out := make([]registry.Form, 0, len(vs))
	for _, v := range vs {
		s, _ := v.(string)
		out = append(out, registry.Form(s))
	}
	return out
}

// ids reads the required ID fields names of in.
func ids(in map[string]any, names ...string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, len(names))
	for i, n := range names {
		id, err := api.ID(in, n)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

// inspectAsset calls fn with the asset's authoritative state; NOT_FOUND
// (field assetId) when it is not registered.
func (a *area) inspectAsset(ctx context.Context, id uuid.UUID, fn func(registry.State)) error {
	found := false
	err := a.App.Assets.Inspect(ctx, id, func(s registry.State, _ uint64) {
		if found = s.Registered; found {
			fn(s)
		}
	})
	if err != nil {
		return err
	}
	if !found {
		return kernel.FieldErrorf(kernel.CodeNotFound, "assetId", "no asset %s", id)
	}
	return nil
}

// ownAsset is inspectAsset for the owning collective only (FORBIDDEN for anyone else).
func (a *area) ownAsset(ctx context.Context, p auth.Principal, id uuid.UUID, fn func(registry.State)) error {
	var owner uuid.UUID
	if err := a.inspectAsset(ctx, id, func(s registry.State) { owner = s.Owner; fn(s) }); err != nil {
		return err
	}
	return api.RequireParty(p, owner, false)
}

func idPayload(res app.Result, name string, id uuid.UUID) api.Payload {
	return api.Payload{Result: res, Fields: map[string]any{name: id.String()}}
}

func (a *area) registryMutations(b *api.Builder) {
	b.Mutation(api.MutationSpec{
		Name: "registerAsset", Roles: collectiveOnly,
		Description: "A collective registers one of its assets. Collective land ownership and the household contracting right are refused (ASSET_NOT_TRADABLE).",
		Input: graphql.InputObjectConfigFieldMap{
			"type":          {Type: graphql.NewNonNull(assetTypeEnum)},
			"title":         {Type: graphql.NewNonNull(graphql.String)},
			"description":   {Type: graphql.String},
			"location":      {Type: graphql.NewNonNull(locationInput)},
			"area":          {Type: graphql.NewNonNull(api.Area)},
			"certificateNo": {Type: graphql.NewNonNull(graphql.String)},
			"rightsEnd":     {Type: graphql.NewNonNull(api.DateTime)},
			"contractorId":  {Type: graphql.ID, Description: "The contracting household; required for LAND_MANAGEMENT_RIGHT."},
			"holderId":      {Type: graphql.ID, Description: "The management-right holder; default the contracting household, else the collective."},
			"source":        {Type: graphql.NewNonNull(documentInput), Description: "The rights certificate or contract."},
		},
		Output: graphql.Fields{"assetId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, c api.Call) (api.Payload, error) {
			contractor, err := api.OptionalID(c.Input, "contractorId")
			if err != nil {
				return api.Payload{}, err
			}
			holder, err := api.OptionalID(c.Input, "holderId")
			if err != nil {
				return api.Payload{}, err
			}
			if holder == uuid.Nil {
				holder = contractor
			}
			if holder == uuid.Nil {
				holder = c.Principal.Party
			}
			l := obj(c.Input, "location")
			id := c.NewID("asset")
			area, _ := c.Input["area"].(kernel.Area)
			res, err := a.App.Assets.Handle(ctx, registry.RegisterAsset{
				AssetID: id, By: c.Principal.Party, Type: kernel.AssetType(str(c.Input, "type")),
				Location: registry.Location{Province: str(l, "province"), County: str(l, "county"), Township: str(l, "township"), Village: str(l, "village")},
				Area:     area, CertificateNo: str(c.Input, "certificateNo"), RightsEnd: tm(c.Input, "rightsEnd"),
				Title: str(c.Input, "title"), Description: str(c.Input, "description"), Contractor: contractor, Holder: holder,
				Source: source(c.Input, "source"),
			}, c.Meta)
			return idPayload(res, "assetId", id), err
		},
	})
	b.Mutation(api.MutationSpec{
		Name: "entrustLand", Roles: collectiveOnly,
		Description: "The owning collective records its household's written entrustment of the plot (rule 5): to whom (default the collective), the forms allowed and the term.",
		Input: graphql.InputObjectConfigFieldMap{
			"assetId":     {Type: graphql.NewNonNull(graphql.ID)},
			"entrusteeId": {Type: graphql.ID, Description: "The collective or its farmland company; default the collective."},
			"scope":       {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(formEnum)))},
			"start":       {Type: graphql.NewNonNull(api.DateTime)},
			"end":         {Type: graphql.NewNonNull(api.DateTime)},
			"document":    {Type: graphql.NewNonNull(documentInput), Description: "The household's signed entrustment letter."},
		},
		Output: graphql.Fields{"assetId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, c api.Call) (api.Payload, error) {
			id, err := api.ID(c.Input, "assetId")
			if err != nil {
				return api.Payload{}, err
			}
			entrustee, err := api.OptionalID(c.Input, "entrusteeId")
			if err != nil {
				return api.Payload{}, err
			}
			if entrustee == uuid.Nil {
				entrustee = c.Principal.Party
			}
			var household uuid.UUID
			if err := a.ownAsset(ctx, c.Principal, id, func(s registry.State) { household = s.Contractor }); err != nil {
				return api.Payload{}, err
			}
			res, err := a.App.Assets.Handle(ctx, registry.EntrustPlot{
				AssetID: id, By: household, Entrustee: entrustee, Collective: c.Principal.Party, Scope: forms(c.Input, "scope"),
				Start: tm(c.Input, "start"), End: tm(c.Input, "end"), Source: source(c.Input, "document"),
			}, c.Meta)
			return idPayload(res, "assetId", id), err
		},
	})
	b.Mutation(api.MutationSpec{
		Name: "revokeEntrustment", Roles: collectiveOnly,
		Description: "The owning collective records the household's written revocation of its entrustment.",
		Input: graphql.InputObjectConfigFieldMap{
			"assetId":  {Type: graphql.NewNonNull(graphql.ID)},
			"document": {Type: graphql.NewNonNull(documentInput), Description: "The household's signed revocation."},
		},
		Output: graphql.Fields{"assetId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, c api.Call) (api.Payload, error) {
			id, err := api.ID(c.Input, "assetId")
			if err != nil {
				return api.Payload{}, err
			}
			var household uuid.UUID
			if err := a.ownAsset(ctx, c.Principal, id, func(s registry.State) {
				if household = s.Contractor; s.Entrustment != nil {
					household = s.Entrustment.Household
				}
			}); err != nil {
				return api.Payload{}, err
			}
			res, err := a.App.Assets.Handle(ctx, registry.RevokeEntrustment{AssetID: id, By: household, Source: source(c.Input, "document")}, c.Meta)
			return idPayload(res, "assetId", id), err
		},
	})
	b.Mutation(api.MutationSpec{
		Name: "recordConsent", Roles: collectiveOnly,
		Description: "The owning collective records the contracting household's written consent for a transferee to re-transfer or mortgage the management right (rule 7).",
		Input: graphql.InputObjectConfigFieldMap{
			"assetId":   {Type: graphql.NewNonNull(graphql.ID)},
			"granteeId": {Type: graphql.NewNonNull(graphql.ID), Description: "The transferee the consent is given to."},
			"purpose":   {Type: graphql.NewNonNull(purposeEnum)},
			"document":  {Type: graphql.NewNonNull(documentInput), Description: "The household's signed consent."},
		},
		Output: graphql.Fields{"assetId": {Type: nonNull(graphql.ID)}, "consentId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, c api.Call) (api.Payload, error) {
			in, err := ids(c.Input, "assetId", "granteeId")
			if err != nil {
				return api.Payload{}, err
			}
			var contractor uuid.UUID
			if err := a.ownAsset(ctx, c.Principal, in[0], func(s registry.State) { contractor = s.Contractor }); err != nil {
				return api.Payload{}, err
			}
			consent := c.NewID("consent")
			res, err := a.App.Assets.Handle(ctx, registry.RecordConsent{
				AssetID: in[0], By: c.Principal.Party, ConsentID: consent, Contractor: contractor, Grantee: in[1],
				Purpose: registry.ConsentPurpose(str(c.Input, "purpose")), Source: source(c.Input, "document"),
			}, c.Meta)
			return api.Payload{Result: res, Fields: map[string]any{"assetId": in[0].String(), "consentId": consent.String()}}, err
		},
	})
	b.Mutation(api.MutationSpec{
		Name: "createAssetPackage", Roles: collectiveOnly,
		Description: "A collective starts a consolidation package for one transfer of entrusted plots in a form and term.",
		Input: graphql.InputObjectConfigFieldMap{
			"title": {Type: graphql.NewNonNull(graphql.String)},
			"form":  {Type: graphql.NewNonNull(formEnum)},
			"start": {Type: graphql.NewNonNull(api.DateTime)},
			"end":   {Type: graphql.NewNonNull(api.DateTime)},
		},
		Output: graphql.Fields{"packageId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, c api.Call) (api.Payload, error) {
			id := c.NewID("package")
			res, err := a.App.Packages.Handle(ctx, registry.CreatePackage{
				PackageID: id, By: c.Principal.Party, Title: str(c.Input, "title"), Form: registry.Form(str(c.Input, "form")),
				Start: tm(c.Input, "start"), End: tm(c.Input, "end"),
			}, c.Meta)
			return idPayload(res, "packageId", id), err
		},
	})
	b.Mutation(api.MutationSpec{
		Name: "addPlotToPackage", Roles: collectiveOnly,
		Description: "The package's collective adds a plot entrusted to it, with a scope and term covering the package (NOT_ENTRUSTED, ENTRUSTMENT_DOES_NOT_COVER, PLOT_NOT_AVAILABLE).",
		Input: graphql.InputObjectConfigFieldMap{
			"packageId": {Type: graphql.NewNonNull(graphql.ID)},
			"assetId":   {Type: graphql.NewNonNull(graphql.ID)},
		},
		Output: graphql.Fields{"packageId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, c api.Call) (api.Payload, error) {
			in, err := ids(c.Input, "packageId", "assetId")
			if err != nil {
				return api.Payload{}, err
			}
			var plot registry.Plot
			if err := a.ownAsset(ctx, c.Principal, in[1], func(s registry.State) { plot = s.Plot() }); err != nil {
				return api.Payload{}, err
			}
			res, err := a.App.Packages.Handle(ctx, registry.AddPlot{PackageID: in[0], By: c.Principal.Party, Plot: plot}, c.Meta)
			return idPayload(res, "packageId", in[0]), err
		},
	})
	b.Mutation(api.MutationSpec{
		Name: "removePlotFromPackage", Roles: collectiveOnly,
		Description: "The package's collective takes a plot out of an unsealed package.",
		Input: graphql.InputObjectConfigFieldMap{
			"packageId": {Type: graphql.NewNonNull(graphql.ID)},
			"assetId":   {Type: graphql.NewNonNull(graphql.ID)},
		},
		Output: graphql.Fields{"packageId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, c api.Call) (api.Payload, error) {
			in, err := ids(c.Input, "packageId", "assetId")
			if err != nil {
				return api.Payload{}, err
			}
			res, err := a.App.Packages.Handle(ctx, registry.RemovePlot{PackageID: in[0], By: c.Principal.Party, AssetID: in[1]}, c.Meta)
			return idPayload(res, "packageId", in[0]), err
		},
	})
	b.Mutation(api.MutationSpec{
		Name: "sealPackage", Roles: collectiveOnly,
		Description: "The package's collective closes it for listing; it must hold a plot.",
		Input:       graphql.InputObjectConfigFieldMap{"packageId": {Type: graphql.NewNonNull(graphql.ID)}},
		Output:      graphql.Fields{"packageId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, c api.Call) (api.Payload, error) {
			id, err := api.ID(c.Input, "packageId")
			if err != nil {
				return api.Payload{}, err
			}
			res, err := a.App.Packages.Handle(ctx, registry.SealPackage{PackageID: id, By: c.Principal.Party}, c.Meta)
			return idPayload(res, "packageId", id), err
		},
	})
}
