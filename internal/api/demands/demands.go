package demands

import (
	"context"
	"math"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/demand"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/demandview"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// Register adds the area's mutations, queries and subscription to b.
func Register(b *api.Builder, d api.Deps) {
	a := area{d}
	a.mutations().Register(b)
	a.queries(b)
	a.alerts(b)
}

type area struct{ api.Deps }

// Who uses the area.
var (
	bidder  = []auth.Role{auth.RoleBidder}
	sellers = []auth.Role{auth.RoleCollective, auth.RoleExchange}
)

var kindEnum = api.Enum("DemandKind", "A posted demand, which sellers see, or a saved search, which only its owner sees.",
	demand.KindDemand, demand.KindSearch)

var criteriaFields = graphql.InputObjectConfigFieldMap{
	"province":        {Type: graphql.String},
	"county":          {Type: graphql.String},
	"township":        {Type: graphql.String},
	"village":         {Type: graphql.String},
	"assetTypes":      {Type: graphql.NewList(api.NonNull(api.AssetType)), Description: "Any of these asset types; all when absent."},
	"minArea":         {Type: api.Area, Description: "Area in mu at least this."},
	"maxArea":         {Type: api.Area, Description: "Area in mu at most this (DEMAND_RANGE_INVALID below minArea)."},
	"minTermMonths":   {Type: graphql.Int, Description: "Transfer term at least this."},
	"maxPrice":        {Type: api.Money, Description: "The listed price's total over the term (Listing.listedTotal) at most this."},
	"budgetPerMuYear": {Type: api.Money, Description: "At most this per mu per year, from the listed price in its own basis: a total over the area and the term's years, an annual rent over the area, a rent per mu per year as it is."},
	"contiguous":      {Type: graphql.Boolean, Description: "One contiguous parcel wanted: told to sellers, not matched."},
}

var criteriaInput = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "DemandCriteriaInput",
	Description: "What a listing must offer; absent fields do not narrow.",
	Fields:      criteriaFields,
})

var criteriaType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "DemandCriteria",
	Description: "What a listing must offer; null fields do not narrow.",
	Fields: graphql.Fields{
		"province":        api.Field(graphql.String, "", func(c demand.Criteria) any { return api.Nullable(c.Region.Province) }),
		"county":          api.Field(graphql.String, "", func(c demand.Criteria) any { return api.Nullable(c.Region.County) }),
		"township":        api.Field(graphql.String, "", func(c demand.Criteria) any { return api.Nullable(c.Region.Township) }),
		"village":         api.Field(graphql.String, "", func(c demand.Criteria) any { return api.Nullable(c.Region.Village) }),
		"assetTypes":      api.Field(api.ListOf(api.AssetType), "Empty: any type.", func(c demand.Criteria) any { return append([]kernel.AssetType{}, c.AssetTypes...) }),
		"minArea":         api.Field(api.Area, "", func(c demand.Criteria) any { return api.Nullable(c.MinArea) }),
		"maxArea":         api.Field(api.Area, "", func(c demand.Criteria) any { return api.Nullable(c.MaxArea) }),
		"minTermMonths":   api.Field(graphql.Int, "", func(c demand.Criteria) any { return api.Nullable(c.MinTermMonths) }),
		"maxPrice":        api.Field(api.Money, "", func(c demand.Criteria) any { return api.Nullable(c.MaxPrice) }),
		"budgetPerMuYear": api.Field(api.Money, "", func(c demand.Criteria) any { return api.Nullable(c.BudgetPerMuYear) }),
		"contiguous":      api.Field(api.NonNull(graphql.Boolean), "", func(c demand.Criteria) any { return c.Contiguous }),
	},
})

// mayKnowOwner: the owner and the exchange see who made a demand.
func mayKnowOwner(p auth.Principal, d demandview.Demand) bool {
	return p.Party == d.Owner || p.Role == auth.RoleExchange
}

var demandType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "Demand",
	Description: "What a farm business wants: a posted demand or a saved search.",
	Fields: graphql.Fields{
		"id":       api.Field(api.NonNull(graphql.ID), "", func(d demandview.Demand) any { return d.ID.String() }),
		"kind":     api.Field(api.NonNull(kindEnum), "", func(d demandview.Demand) any { return d.Kind }),
		"ownerId":  api.Private(graphql.ID, "Who made it: null unless you are that party or the exchange.", mayKnowOwner, func(d demandview.Demand) any { return d.Owner.String() }),
		"title":    api.Field(api.NonNull(graphql.String), "", func(d demandview.Demand) any { return d.Title }),
		"note":     api.Field(api.NonNull(graphql.String), "What else sellers should know.", func(d demandview.Demand) any { return d.Note }),
		"criteria": api.Field(api.NonNull(criteriaType), "", func(d demandview.Demand) any { return d.Criteria }),
		"closed":   api.Field(api.NonNull(graphql.Boolean), "Withdrawn or deleted by its owner.", func(d demandview.Demand) any { return d.Closed }),
		"postedAt": api.Field(api.NonNull(api.DateTime), "", func(d demandview.Demand) any { return d.At }),
	},
})

var alertType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "DemandAlert",
	Description: "A listing approved for the board that matched one of your saved searches.",
	Fields: graphql.Fields{
		"searchId":     api.Field(api.NonNull(graphql.ID), "", func(a demandview.Alert) any { return a.SearchID.String() }),
		"listingId":    api.Field(api.NonNull(graphql.ID), "", func(a demandview.Alert) any { return a.ListingID.String() }),
		"listingTitle": api.Field(api.NonNull(graphql.String), "", func(a demandview.Alert) any { return a.ListingTitle }),
		"at":           api.Field(api.NonNull(api.DateTime), "When the listing was approved.", func(a demandview.Alert) any { return a.At }),
		"position":     api.Field(api.NonNull(api.Position), "The approval's store position.", func(a demandview.Alert) any { return a.Position }),
	},
})

// criteria decodes a DemandCriteriaInput.
func criteria(in map[string]any) demand.Criteria {
	return demand.Criteria{
		Region: demand.Region{Province: api.Arg[string](in, "province"), County: api.Arg[string](in, "county"),
			Township: api.Arg[string](in, "township"), Village: api.Arg[string](in, "village")},
		AssetTypes: api.Args[kernel.AssetType](in, "assetTypes"),
		MinArea:    api.Arg[kernel.Area](in, "minArea"), MaxArea: api.Arg[kernel.Area](in, "maxArea"),
		MinTermMonths: api.Arg[int](in, "minTermMonths"), MaxPrice: api.Arg[kernel.Money](in, "maxPrice"),
		BudgetPerMuYear: api.Arg[kernel.Money](in, "budgetPerMuYear"), Contiguous: api.Arg[bool](in, "contiguous"),
	}
}

func (a area) mutations() api.Mutations[demand.Command] {
	opening := graphql.InputObjectConfigFieldMap{
		"title":    {Type: api.NonNull(graphql.String)},
		"criteria": {Type: api.NonNull(criteriaInput)},
	}
	return api.Mutations[demand.Command]{
		Handler: a.App.Demands, ID: "demandId", IDDescription: "The demand or saved search.",
		Rows: []api.Mutation[demand.Command]{{
			Name:        "postDemand",
			Description: "Publish what you want (for example 300–500 mu of farmland in 寿光市 for ten years within a budget per mu per year): collectives preparing a listing see it.",
			Roles:       bidder,
			Input:       api.Inputs(opening, graphql.InputObjectConfigFieldMap{"note": {Type: graphql.String, Description: "What else sellers should know."}}),
			Decode: func(_ context.Context, c api.Call) (demand.Command, error) {
				return demand.PostDemand{DemandID: c.NewID("demand"), By: c.Principal.Party, Title: api.Arg[string](c.Input, "title"),
					Note: api.Arg[string](c.Input, "note"), Criteria: criteria(api.Arg[map[string]any](c.Input, "criteria"))}, nil
			},
		}, {
			Name:        "saveSearch",
			Description: "Save a search of the board: each listing approved from now on that matches it comes to you (listingAlerts, demandAlerts).",
			Roles:       bidder,
			Input:       opening,
			Decode: func(_ context.Context, c api.Call) (demand.Command, error) {
				return demand.SaveSearch{DemandID: c.NewID("search"), By: c.Principal.Party, Title: api.Arg[string](c.Input, "title"),
					Criteria: criteria(api.Arg[map[string]any](c.Input, "criteria"))}, nil
			},
		}, {
			Name:        "closeDemand",
			Description: "Withdraw your demand or delete your saved search (FORBIDDEN for another party's, DEMAND_CLOSED when closed already).",
			Roles:       bidder,
			Input:       graphql.InputObjectConfigFieldMap{"demandId": {Type: api.NonNull(graphql.ID)}},
			Decode: api.On("demandId", func(_ context.Context, c api.Call, id uuid.UUID) (demand.Command, error) {
				return demand.CloseDemand{DemandID: id, By: c.Principal.Party}, nil
			}),
		}},
	}
}

func (a area) queries(b *api.Builder) {
	b.CacheableQuery("myDemands", &graphql.Field{
		Type:        api.NonNull(api.Connection(demandType)),
		Description: "Your demands and saved searches, newest first.",
		Args:        api.ConnectionArgs(nil),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			me, err := api.Require(p.Context, bidder...)
			if err != nil {
				return nil, err
			}
			return api.Connect(p.Args, 2, func(pg readmodel.Page) (readmodel.Result[demandview.Demand], error) {
				return demandview.Owned(p.Context, a.DB, me.Party, pg)
			}, demandview.Demand.Cursor, func(d demandview.Demand) any { return d })
		},
	})
	b.CacheableQuery("demandAlerts", &graphql.Field{
		Type:        api.NonNull(api.Connection(alertType)),
		Description: "Listings that matched your saved searches when approved, newest first.",
		Args:        api.ConnectionArgs(nil),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			me, err := api.Require(p.Context, bidder...)
			if err != nil {
				return nil, err
			}
			return api.Connect(p.Args, 2, func(pg readmodel.Page) (readmodel.Result[demandview.Alert], error) {
				return demandview.Alerts(p.Context, a.DB, me.Party, pg)
			}, demandview.Alert.Cursor, func(x demandview.Alert) any { return x })
		},
	})
	b.Query("matchingDemands", &graphql.Field{
		Type:        api.ListOf(demandType),
		Description: "The open demands an asset would meet, oldest first: for its collective (FORBIDDEN for another's) and the exchange. The asset is not priced yet, so budgets do not narrow.",
		Args:        graphql.FieldConfigArgument{"assetId": {Type: api.NonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			me, err := api.Require(p.Context, sellers...)
			if err != nil {
				return nil, err
			}
			id, err := api.ID(p.Args, "assetId")
			if err != nil {
				return nil, err
			}
			now := a.Clock.Now()
			type facts struct {
				registered bool
				owner      uuid.UUID
				offer      demand.Offer
			}
			asset, err := api.Inspect(p.Context, a.App.Assets, id, func(s registry.State) facts {
				return facts{s.Registered, s.Owner, assetOffer(s, now)}
			})
			if err != nil {
				return nil, err
			}
			if !asset.registered {
				return nil, kernel.FieldErrorf(kernel.CodeNotFound, "assetId", "asset %s does not exist", id)
			}
			if err := api.RequireParty(me, asset.owner, true); err != nil {
				return nil, err
			}
			open, err := demandview.Open(p.Context, a.DB, demand.KindDemand, uuid.Nil)
			if err != nil {
				return nil, err
			}
			out := []any{}
			for _, d := range open {
				if d.Criteria.Matches(asset.offer) {
					out = append(out, d)
				}
			}
			return out, nil
		},
	})
}

// assetOffer is what an asset not yet listed offers: its place, type and
// area, no price, and the whole Shanghai calendar months its right has left
// at now (no end: any term).
func assetOffer(s registry.State, now time.Time) demand.Offer {
	l := s.Location
	term := math.MaxInt32
	if !s.RightsEnd.IsZero() {
		term = kernel.MonthsWithin(now.In(kernel.Shanghai), s.RightsEnd.In(kernel.Shanghai), term)
	}
	return demand.Offer{Region: demand.Region{Province: l.Province, County: l.County, Township: l.Township, Village: l.Village},
		Type: s.Type, Area: s.Area, TermMonths: term}
}

// alerts adds the listingAlerts subscription. It follows every listing from
// the moment it starts and, for each approval, matches the listing's terms
// (from its aggregate) against the subscriber's open saved searches. With
// after, it first sends the alerts recorded after that position (what a
// client that lost its connection missed), then only live approvals past
// the last one sent, so none comes twice.
func (a area) alerts(b *api.Builder) {
	b.Subscription("listingAlerts", &graphql.Field{
		Type: api.NonNull(alertType),
		Description: "Each listing approved for the board from now on that matches one of your open saved searches, once per search. " +
			"With after (the position of the last alert you have), the alerts recorded since come first.",
		Args: graphql.FieldConfigArgument{"after": {Type: api.Position}},
		Subscribe: func(p graphql.ResolveParams) (any, error) {
			me, err := api.Require(p.Context, bidder...)
			if err != nil {
				return nil, err
			}
			ctx, cancel := context.WithCancel(p.Context)
			// Follow the listings before reading what was recorded, and read
			// it once the read models hold every event the hub handed out
			// before: each approval then comes one way or the other.
			events, before := a.Live.SubscribeCategory(ctx, listing.Decider.Category)
			var missed []demandview.Alert
			if after, ok := p.Args["after"].(uint64); ok {
				if a.Projected != nil {
					err = a.Projected(ctx, before)
				}
				if err == nil {
					missed, err = demandview.AlertsAfter(ctx, a.DB, me.Party, after)
				}
				if err != nil {
					cancel()
					return nil, err
				}
			}
			return api.Stream(ctx, cancel, func(send func(demandview.Alert) bool) {
				var sent uint64 // the position of the last alert sent
				for _, x := range missed {
					if sent = x.Position; !send(x) {
						return
					}
				}
				for env := range events {
					approved, ok := env.Event.(listing.ListingApproved)
					if !ok || env.Position <= sent {
						continue
					}
					for _, x := range a.match(ctx, me.Party, approved, env.Position) {
						if sent = x.Position; !send(x) {
							return
						}
					}
				}
			}), nil
		},
		Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source, nil },
	})
}

// match returns the alerts of owner's open saved searches for an approved
// listing; none when either cannot be read (the alert stays in demandAlerts).
func (a area) match(ctx context.Context, owner uuid.UUID, e listing.ListingApproved, position uint64) []demandview.Alert {
	type terms struct {
		title string
		offer demand.Offer
	}
	l, err := api.Inspect(ctx, a.App.Listings, e.ListingID, func(s listing.State) terms {
		return terms{s.Details.Title, demandview.OfferOf(s.Details)}
	})
	if err != nil {
		return nil
	}
	searches, err := demandview.Open(ctx, a.DB, demand.KindSearch, owner)
	if err != nil {
		return nil
	}
	var out []demandview.Alert
	for _, s := range searches {
		if s.Criteria.Matches(l.offer) {
			out = append(out, demandview.Alert{SearchID: s.ID, ListingID: e.ListingID, ListingTitle: l.title, Position: position, At: e.At})
		}
	}
	return out
}
