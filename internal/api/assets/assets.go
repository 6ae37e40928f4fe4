package assets

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/assetview"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// area is the assets area's resolvers over its dependencies.
type area struct {
	api.Deps
	read assetview.Reader
}

// Register adds the area's queries and mutations to b.
func Register(b *api.Builder, d api.Deps) {
	a := &area{Deps: d, read: assetview.Reader{DB: d.DB}}
	a.queries(b)
	a.registryMutations().Register(b)
	a.packageMutations().Register(b)
	a.contractMutations().Register(b)
}

func filterInput(name, description string, fields graphql.InputObjectConfigFieldMap) *graphql.ArgumentConfig {
	return &graphql.ArgumentConfig{Type: graphql.NewInputObject(graphql.InputObjectConfig{Name: name, Fields: fields}), Description: description}
}

// filterID reads an optional ID field of a filter.
func filterID(f map[string]any, name string) (uuid.UUID, error) {
	id, err := api.OptionalID(f, name)
	if err != nil {
		return uuid.Nil, kernel.FieldErrorf(kernel.CodeInvalid, "filter."+name, "%s must be a UUID", name)
	}
	return id, nil
}

func (a *area) queries(b *api.Builder) {
	b.Query("assets", &graphql.Field{
		Type:        api.NonNull(api.Connection(assetType)),
		Description: "Registered assets in registration order.",
		Args: api.ConnectionArgs(graphql.FieldConfigArgument{"filter": filterInput("AssetFilter", "", graphql.InputObjectConfigFieldMap{
			"collectiveId": {Type: graphql.ID, Description: "The owning collective."},
			"type":         {Type: api.AssetType},
			"county":       {Type: graphql.String},
			"township":     {Type: graphql.String},
			"village":      {Type: graphql.String},
			"holderId":     {Type: graphql.ID, Description: "The current management-right holder."},
			"encumbered":   {Type: graphql.Boolean, Description: "Whether a restriction burdens the asset now."},
		})}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			in := api.Arg[map[string]any](p.Args, "filter")
			var f assetview.AssetFilter
			var err error
			if f.Collective, err = filterID(in, "collectiveId"); err != nil {
				return nil, err
			}
			if f.Holder, err = filterID(in, "holderId"); err != nil {
				return nil, err
			}
			f.Type = api.Arg[kernel.AssetType](in, "type")
			f.County, f.Township, f.Village = api.Arg[string](in, "county"), api.Arg[string](in, "township"), api.Arg[string](in, "village")
			if e, ok := in["encumbered"].(bool); ok {
				f.Encumbered = &e
			}
			now := a.Clock.Now()
			return api.Connect(p.Args, 2, func(pg readmodel.Page) (readmodel.Result[assetview.Asset], error) {
				return a.read.Assets(p.Context, f, pg, now)
			}, assetview.Asset.Cursor, func(x assetview.Asset) any { return assetNode{Asset: x, at: now, read: a.read} })
		},
	})
	b.Query("asset", &graphql.Field{
		Type: assetType,
		Description: "One asset, or null. With asOf, the asset as it stood then, folded from its own events " +
			"(holder, restrictions, entrustments and history as of that time).",
		Args: graphql.FieldConfigArgument{
			"id":   {Type: api.NonNull(graphql.ID)},
			"asOf": {Type: api.DateTime, Description: "A past time, read to the microsecond inclusive (as read models show times); omitted: now."},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := api.ID(p.Args, "id")
			if err != nil {
				return nil, err
			}
			if at, ok := p.Args["asOf"].(time.Time); ok {
				return a.assetAt(p.Context, id, at)
			}
			x, err := a.read.Asset(p.Context, id)
			return orNull(assetNode{Asset: x, at: a.Clock.Now(), read: a.read}, err)
		},
	})
	b.Query("assetPackages", &graphql.Field{
		Type:        api.NonNull(api.Connection(packageType)),
		Description: "Consolidation packages, oldest first.",
		Args: api.ConnectionArgs(graphql.FieldConfigArgument{"filter": filterInput("AssetPackageFilter", "", graphql.InputObjectConfigFieldMap{
			"collectiveId": {Type: graphql.ID},
			"sealed":       {Type: graphql.Boolean},
			"assetId":      {Type: graphql.ID, Description: "Packages holding this plot."},
		})}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			in := api.Arg[map[string]any](p.Args, "filter")
			var f assetview.PackageFilter
			var err error
			if f.Collective, err = filterID(in, "collectiveId"); err != nil {
				return nil, err
			}
			if f.AssetID, err = filterID(in, "assetId"); err != nil {
				return nil, err
			}
			if s, ok := in["sealed"].(bool); ok {
				f.Sealed = &s
			}
			return api.Connect(p.Args, 2, func(pg readmodel.Page) (readmodel.Result[assetview.Package], error) {
				return a.read.Packages(p.Context, f, pg)
			}, assetview.Package.Cursor, func(x assetview.Package) any { return x })
		},
	})
	b.Query("assetPackage", &graphql.Field{
		Type: packageType, Description: "One consolidation package, or null.",
		Args: graphql.FieldConfigArgument{"id": {Type: api.NonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := api.ID(p.Args, "id")
			if err != nil {
				return nil, err
			}
			return orNull(a.read.Package(p.Context, id))
		},
	})
	b.Query("transferContracts", &graphql.Field{
		Type:        api.NonNull(api.Connection(contractType)),
		Description: "Land transfer contracts, oldest first.",
		Args: api.ConnectionArgs(graphql.FieldConfigArgument{"filter": filterInput("TransferContractFilter", "", graphql.InputObjectConfigFieldMap{
			"collectiveId": {Type: graphql.ID},
			"transferorId": {Type: graphql.ID},
			"transfereeId": {Type: graphql.ID},
			"partyId":      {Type: graphql.ID, Description: "Contracts where this party is transferor, transferee or owning collective."},
			"assetId":      {Type: graphql.ID, Description: "Contracts covering this plot."},
			"status":       {Type: statusEnum},
		})}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			in := api.Arg[map[string]any](p.Args, "filter")
			var f assetview.ContractFilter
			for _, x := range []struct {
				name string
				dst  *uuid.UUID
			}{{"collectiveId", &f.Collective}, {"transferorId", &f.Transferor}, {"transfereeId", &f.Transferee}, {"partyId", &f.Party}, {"assetId", &f.AssetID}} {
				id, err := filterID(in, x.name)
				if err != nil {
					return nil, err
				}
				*x.dst = id
			}
			f.Status = api.Arg[transfer.Status](in, "status")
			now := a.Clock.Now()
			return api.Connect(p.Args, 2, func(pg readmodel.Page) (readmodel.Result[assetview.Contract], error) {
				return a.read.Contracts(p.Context, f, pg)
			}, assetview.Contract.Cursor, func(x assetview.Contract) any { return contractNode{Contract: x, now: now} })
		},
	})
	b.Query("transferContract", &graphql.Field{
		Type: contractType, Description: "One transfer contract, or null.",
		Args: graphql.FieldConfigArgument{"id": {Type: api.NonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := api.ID(p.Args, "id")
			if err != nil {
				return nil, err
			}
			c, err := a.read.Contract(p.Context, id)
			return orNull(contractNode{Contract: c, now: a.Clock.Now()}, err)
		},
	})
}

// orNull answers v, or null on NOT_FOUND (v is then discarded).
func orNull[T any](v T, err error) (any, error) {
	if kernel.ErrorCode(err) == kernel.CodeNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return v, nil
}

// assetAt folds the asset's own stream up to at (registry.StateAt through
// assetview.AssetAt): the point-in-time view does not depend on a read model.
// It reads no further than the first event after at, and returns null when
// the asset did not exist then. at covers its whole microsecond, so a time a
// read model showed (stored to the microsecond) includes the event it came from.
func (a *area) assetAt(ctx context.Context, id uuid.UUID, asOf time.Time) (any, error) {
	at := asOf.Truncate(time.Microsecond).Add(time.Microsecond - time.Nanosecond)
	stream := kernel.StreamName(registry.Decider.Category, id)
	var events []kernel.Event
	const page = 512
	for from, more := uint64(1), true; more; {
		recs, err := a.App.Store.ReadStream(ctx, stream, eventstore.Forwards, from, page)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", stream, err)
		}
		more = len(recs) == page
		for _, rec := range recs {
			ev, err := a.App.Events.Decode(rec.Type, rec.Data)
			if err != nil {
				return nil, fmt.Errorf("%s@%d: %w", stream, rec.Version, err)
			}
			if t, ok := ev.(interface{ OccurredAt() time.Time }); ok && t.OccurredAt().After(at) {
				more = false
				break
			}
			events = append(events, ev)
			from = rec.Version + 1
		}
	}
	x, ok := assetview.AssetAt(events, at)
	if !ok {
		return nil, nil
	}
	return assetNode{Asset: x, at: asOf, asOf: true, read: a.read}, nil
}
