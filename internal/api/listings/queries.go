package listings

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/listingview"
)

// node is a listing as a query returns it, with the database its bids are
// read from and its page's bidders, loaded together for the whole page (types
// are built once per process; deps per server).
type node struct {
	*listingview.Listing // a row of the page nodes was made from, not a copy of its 900 bytes
	db                   *readmodel.DB
	app                  *app.App // its Store and Events: the bid history is read from the listing's stream
	bidders              *api.Batch[listingview.Bidder]
}

// nodes makes the nodes of one page of listings.
func nodes(db *readmodel.DB, app *app.App, ls []listingview.Listing) []node {
	bidders := api.NewBatch(func(ctx context.Context) (map[uuid.UUID][]listingview.Bidder, error) {
		return listingview.BiddersOf(ctx, db, ls)
	})
	out := make([]node, len(ls))
	for i := range ls {
		out[i] = node{Listing: &ls[i], db: db, app: app, bidders: bidders}
	}
	return out
}

var listingType = newListingType()

func newListingType() *graphql.Object {
	l := func(typ graphql.Output, description string, get func(*listingview.Listing) any) *graphql.Field {
		return api.Field(typ, description, func(n node) any { return get(n.Listing) })
	}
	return graphql.NewObject(graphql.ObjectConfig{
		Name:        "Listing",
		Description: "A listing on the exchange's board with its auction. The reserve price (底价) is never shown.",
		Fields: graphql.Fields{
			"id":                 l(api.NonNull(graphql.ID), "", func(x *listingview.Listing) any { return x.ID.String() }),
			"round":              l(api.NonNull(graphql.Int), "1, then +1 per relisting.", func(x *listingview.Listing) any { return x.Round }),
			"status":             l(api.NonNull(statusEnum), "", func(x *listingview.Listing) any { return x.Status }),
			"title":              l(api.NonNull(graphql.String), "", func(x *listingview.Listing) any { return x.Title }),
			"description":        l(api.NonNull(graphql.String), "", func(x *listingview.Listing) any { return x.Description }),
			"sellerId":           l(api.NonNull(graphql.ID), "The owning collective, a secured party disposing of collateral, or the fund selling a right it holds.", func(x *listingview.Listing) any { return x.Seller.String() }),
			"assetType":          l(api.NonNull(api.AssetType), "", func(x *listingview.Listing) any { return x.AssetType }),
			"assetIds":           l(api.ListOf(graphql.ID), "", func(x *listingview.Listing) any { return api.IDStrings(x.AssetIDs) }),
			"owningCollectiveId": l(api.NonNull(graphql.ID), "", func(x *listingview.Listing) any { return x.OwningCollective.String() }),
			"region":             l(api.NonNull(regionType), "", func(x *listingview.Listing) any { return x.Region }),
			"area":               l(api.NonNull(api.Area), "", func(x *listingview.Listing) any { return x.Area }),
			"listedPrice":        l(api.NonNull(api.Money), "挂牌价, in sale.basis: negotiation may not go below it; a percentage deposit is a share of it (depositDue).", func(x *listingview.Listing) any { return x.ListedPrice }),
			"startingPrice":      l(api.NonNull(api.Money), "The first bid's minimum.", func(x *listingview.Listing) any { return x.StartingPrice }),
			"increment":          l(api.NonNull(api.Money), "Bids are the starting price plus whole increments.", func(x *listingview.Listing) any { return x.Increment }),
			"termMonths":         l(api.NonNull(graphql.Int), "The transfer term.", func(x *listingview.Listing) any { return x.TermMonths }),
			"sale":               l(api.NonNull(saleType), "How the lot is sold: price basis, deposit, method, priority and unpaid-winner rules.", func(x *listingview.Listing) any { return x.Sale }),
			"depositDue":         l(api.NonNull(api.Money), "What a bidder deposits to take part (rule 26): sale.fixedDeposit, else the listing's percentage (30 % by default) of the listed price for the whole lot, rounded up to the fen; registerBidder asks for this sum.", func(x *listingview.Listing) any { return x.Sale.DepositDue }),
			"listedTotal":        l(api.NonNull(api.Money), "What the listed price comes to over the whole term (rule 25): the price itself for a total, else each year's rent with its step-ups.", func(x *listingview.Listing) any { return x.TermTotal(x.ListedPrice) }),
			"resolution": l(resolutionType, "Null before submission or when none was given.", func(x *listingview.Listing) any {
				if x.Resolution.Total == 0 {
					return nil
				}
				return x.Resolution
			}),
			"rejectReason":         l(graphql.String, "", func(x *listingview.Listing) any { return api.Nullable(x.RejectReason) }),
			"suspendReason":        l(graphql.String, "", func(x *listingview.Listing) any { return api.Nullable(x.SuspendReason) }),
			"unsoldReason":         l(graphql.String, "", func(x *listingview.Listing) any { return api.Nullable(x.UnsoldReason) }),
			"registrationClosesAt": l(api.DateTime, "The announcement's end: bidders register until then.", func(x *listingview.Listing) any { return api.Nullable(x.AnnouncementEnds) }),
			"biddingOpensAt":       l(api.DateTime, "As announced.", func(x *listingview.Listing) any { return api.Nullable(x.BiddingOpensAt) }),
			"negotiationEndsAt":    l(api.DateTime, "With one qualified bidder: agree a price by then.", func(x *listingview.Listing) any { return api.Nullable(x.NegotiationEnds) }),
			"auctionOpensAt":       l(api.DateTime, "", func(x *listingview.Listing) any { return api.Nullable(x.OpensAt) }),
			"freeBiddingEndsAt":    l(api.DateTime, "The timed round follows.", func(x *listingview.Listing) any { return api.Nullable(x.FreeBiddingEnds) }),
			"auctionClosesAt":      l(api.DateTime, "Moves later with every anti-sniping extension (rule 12).", func(x *listingview.Listing) any { return api.Nullable(x.AuctionClosesAt) }),
			"closingAt":            l(api.DateTime, "What the board sorts and filters by: the auction's close once scheduled, else the registration close.", func(x *listingview.Listing) any { return api.Nullable(x.ClosingAt) }),
			"bidderCount":          l(api.NonNull(graphql.Int), "Registered bidders this round.", func(x *listingview.Listing) any { return x.BidderCount }),
			"bidCount":             l(api.NonNull(graphql.Int), "", func(x *listingview.Listing) any { return x.BidCount }),
			"highestBid":           l(api.Money, "Null before the first bid.", func(x *listingview.Listing) any { return api.Nullable(x.HighestBid) }),
			"leadingBidderNumber":  l(graphql.Int, "", func(x *listingview.Listing) any { return api.Nullable(x.Leader.Number) }),
			"leadingBidderId":      bidderID("The leading bidder.", func(x node) uuid.UUID { return x.Leader.ID }),
			"priorityEndsAt":       l(api.DateTime, "The open priority window ends then: the right sale.priorityRight names (members, rule 3, or the sitting lessee, rule 28) may match the winning price until it.", func(x *listingview.Listing) any { return api.Nullable(x.PriorityEnds) }),
			"award": l(awardType, "Null until the auction has a winner or a price is agreed.", func(x *listingview.Listing) any {
				if x.Award.Buyer.Number == 0 {
					return nil
				}
				return x.Award
			}),
			"awardTotal": l(api.Money, "What the award price comes to over the whole term; null without an award.", func(x *listingview.Listing) any {
				if x.Award.Buyer.Number == 0 {
					return nil
				}
				return x.TermTotal(x.Award.Price)
			}),
			"contractId":        l(graphql.ID, "", func(x *listingview.Listing) any { return api.Nullable(x.ContractID) }),
			"certificateNumber": l(graphql.String, "Transaction certificate (交易鉴证书).", func(x *listingview.Listing) any { return api.Nullable(x.CertificateNo) }),
			"createdAt":         l(api.NonNull(api.DateTime), "", func(x *listingview.Listing) any { return x.CreatedAt }),
			"updatedAt":         l(api.NonNull(api.DateTime), "", func(x *listingview.Listing) any { return x.UpdatedAt }),
			"bidders": {
				Type:        api.ListOf(bidderType),
				Description: "The current round's bidders in registration order; ids masked (rule 14).",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					n := p.Source.(node)
					return n.bidders.Of(p.Context, n.ID)
				},
			},
			"quotes": {
				Type:        api.ListOf(quoteType),
				Description: "The round's sealed quotes in rank order, published at the opening (rule 27): empty for everyone, the exchange included, before it. Ids masked (rule 14).",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					n := p.Source.(node)
					return listingview.Quotes(p.Context, n.db, n.ID, n.Round)
				},
			},
			"bids": {
				Type:        api.NonNull(api.Connection(bidType)),
				Description: "The current round's bid history, newest first; ids masked (rule 14).",
				Args:        api.ConnectionArgs(nil),
				Resolve:     bids,
			},
		},
	})
}

func bids(p graphql.ResolveParams) (any, error) {
	x := p.Source.(node)
	return api.Connect(p.Args, 1, func(pg readmodel.Page) (readmodel.Result[listingview.Bid], error) {
		res, err := listingview.Bids(p.Context, x.app.Store, x.app.Events, x.Listing, pg)
		res.Total = x.BidCount
		return res, err
	}, listingview.Bid.Cursor, func(b listingview.Bid) any { return b })
}

var filterType = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "ListingFilter",
	Description: "Listings matching every field given.",
	Fields: graphql.InputObjectConfigFieldMap{
		"status":             {Type: graphql.NewList(api.NonNull(statusEnum)), Description: "Any of these statuses."},
		"assetType":          {Type: graphql.NewList(api.NonNull(api.AssetType)), Description: "Any of these asset types."},
		"province":           {Type: graphql.String},
		"county":             {Type: graphql.String},
		"township":           {Type: graphql.String},
		"village":            {Type: graphql.String},
		"minPrice":           {Type: api.Money, Description: "Listed price at least this."},
		"maxPrice":           {Type: api.Money, Description: "Listed price at most this."},
		"minArea":            {Type: api.Area, Description: "Area in mu at least this."},
		"maxArea":            {Type: api.Area, Description: "Area in mu at most this."},
		"closingFrom":        {Type: api.DateTime, Description: "closingAt at or after this."},
		"closingUntil":       {Type: api.DateTime, Description: "closingAt at or before this."},
		"text":               {Type: graphql.String, Description: "Appears in the title or description (case-insensitive substring; Chinese as written, e.g. 苹果园). At most 100 characters."},
		"sellerId":           {Type: graphql.ID},
		"owningCollectiveId": {Type: graphql.ID},
	},
})

var tradeFilterType = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "TradeFilter",
	Description: "Trades matching every field given.",
	Fields: graphql.InputObjectConfigFieldMap{
		"status":   {Type: graphql.NewList(api.NonNull(tradeStatusEnum))},
		"buyerId":  {Type: graphql.ID, Description: "Only the exchange and the buyer itself may filter by buyer (rule 14)."},
		"sellerId": {Type: graphql.ID},
	},
})

// queries adds listings, listing and trades.
func (a area) queries(b *api.Builder) {
	b.CacheableQuery("listings", &graphql.Field{
		Type:        api.NonNull(api.Connection(listingType)),
		Description: "Search the listing board: filter, sort and page with cursors.",
		Args: api.ConnectionArgs(graphql.FieldConfigArgument{
			"filter": {Type: filterType},
			"sort":   {Type: sortEnum, Description: "CREATED_AT_DESC when not given."},
		}),
		Resolve: api.Plain(a.listings),
	})
	b.CacheableQuery("listing", &graphql.Field{
		Type:        listingType,
		Description: "One listing with its bidders and bid history, or null.",
		Args:        graphql.FieldConfigArgument{"id": {Type: api.NonNull(graphql.ID)}},
		Resolve: api.Plain(func(p graphql.ResolveParams) (any, error) {
			id, err := api.ID(p.Args, "id")
			if err != nil {
				return nil, err
			}
			l, ok, err := listingview.ListingByID(p.Context, a.DB, id)
			if err != nil || !ok || !a.sees(p.Context, l.Seller, l.Status, l.Announced()) {
				return nil, err
			}
			return nodes(a.DB, a.App, []listingview.Listing{l})[0], nil
		}),
	})
	b.CacheableQuery("trades", &graphql.Field{
		Type:        api.NonNull(api.Connection(tradeType)),
		Description: "Awarded listings, newest award first.",
		Args:        api.ConnectionArgs(graphql.FieldConfigArgument{"filter": {Type: tradeFilterType}}),
		Resolve:     a.trades,
	})
}

func (a area) listings(p graphql.ResolveParams) (any, error) {
	f, err := decodeFilter(p.Args)
	if err != nil {
		return nil, err
	}
	v := viewer(api.Viewer(p.Context))
	if a.operates(p.Context, f.Seller) {
		v.Party = f.Seller // a fund's operator asking for its fund's listings
	}
	f.Viewer = &v
	s := api.Arg[listingview.Sort](p.Args, "sort")
	read := listingview.Listings
	if nodesSelectOnly(p, cardFields) {
		read = listingview.Cards
	}
	return api.Connect(p.Args, 3, func(pg readmodel.Page) (readmodel.Result[node], error) {
		res, err := read(p.Context, a.DB, f, s, pg)
		if err != nil {
			return readmodel.Result[node]{}, err
		}
		total, err := count(p, func() (int, error) { return listingview.CountListings(p.Context, a.DB, f) })
		return readmodel.Result[node]{Rows: nodes(a.DB, a.App, res.Rows), HasNext: res.HasNext, Total: total}, err
	}, func(n node) readmodel.Cursor { return s.Cursor(*n.Listing) }, func(n node) any { return n })
}

// sees reports whether the caller may see a listing that seller offers, in
// status (announced as listing.Public has it): as listing.Viewer.SeesListing
// has it, and a fund's operator sees what it offers for the fund.
func (a area) sees(ctx context.Context, seller uuid.UUID, status listing.Status, announced bool) bool {
	return viewer(api.Viewer(ctx)).SeesListing(seller, status, announced) || a.operates(ctx, seller)
}

// operates reports whether the caller is the operator of the fund seller,
// from the fund's stream.
func (a area) operates(ctx context.Context, seller uuid.UUID) bool {
	p := api.Viewer(ctx)
	return p.Role == auth.RoleFund && seller != uuid.Nil && seller != p.Party && a.App.Facts().FundOperator(ctx, seller, p.Party) == nil
}

// count counts a connection's items only when the query selects totalCount.
func count(p graphql.ResolveParams, count func() (int, error)) (int, error) {
	if !selects(p, "totalCount") {
		return 0, nil
	}
	return count()
}

func decodeFilter(args map[string]any) (listingview.Filter, error) {
	in, _ := args["filter"].(map[string]any)
	var f listingview.Filter
	f.Statuses = api.Args[listing.Status](in, "status")
	f.AssetTypes = api.Args[kernel.AssetType](in, "assetType")
	f.Province = api.Arg[string](in, "province")
	f.County = api.Arg[string](in, "county")
	f.Township = api.Arg[string](in, "township")
	f.Village = api.Arg[string](in, "village")
	f.MinPrice = api.Arg[kernel.Money](in, "minPrice")
	f.MaxPrice = api.Arg[kernel.Money](in, "maxPrice")
	f.MinArea = api.Arg[kernel.Area](in, "minArea")
	f.MaxArea = api.Arg[kernel.Area](in, "maxArea")
	f.ClosingFrom = api.Arg[time.Time](in, "closingFrom")
	f.ClosingUntil = api.Arg[time.Time](in, "closingUntil")
	f.Text = api.Arg[string](in, "text")
	if err := kernel.CheckText(kernel.Text{Field: "filter.text", Kind: kernel.Name, Value: f.Text}); err != nil {
		return f, err
	}
	var err error
	if f.Seller, err = api.OptionalID(in, "sellerId"); err != nil {
		return f, err
	}
	if f.OwningCollective, err = api.OptionalID(in, "owningCollectiveId"); err != nil {
		return f, err
	}
	return f, nil
}

func (a area) trades(p graphql.ResolveParams) (any, error) {
	in := api.Arg[map[string]any](p.Args, "filter")
	f := listingview.TradeFilter{Statuses: api.Args[listingview.TradeStatus](in, "status")}
	var err error
	if f.Buyer, err = api.OptionalID(in, "buyerId"); err != nil {
		return nil, err
	}
	if f.Buyer != uuid.Nil && !viewer(api.Viewer(p.Context)).Sees(f.Buyer) {
		return nil, kernel.FieldErrorf(kernel.CodeForbidden, "buyerId", "only the exchange and the buyer itself may search by buyer")
	}
	if f.Seller, err = api.OptionalID(in, "sellerId"); err != nil {
		return nil, err
	}
	return api.Connect(p.Args, 3, func(pg readmodel.Page) (readmodel.Result[listingview.Trade], error) {
		res, err := listingview.Trades(p.Context, a.DB, f, pg)
		if err != nil {
			return res, err
		}
		res.Total, err = count(p, func() (int, error) { return listingview.CountTrades(p.Context, a.DB, f) })
		return res, err
	}, listingview.Trade.Cursor, func(t listingview.Trade) any { return t })
}

// selects reports whether the field being resolved selects name directly
// (through fragments too), so a connection counts its items only when asked.
func selects(p graphql.ResolveParams, name string) bool {
	for _, f := range p.Info.FieldASTs {
		if !eachField(f.SelectionSet, p.Info.Fragments, func(f *ast.Field) bool { return f.Name.Value != name }) {
			return true
		}
	}
	return false
}

// cardFields are the Listing fields listingview.Cards fills (region's own
// fields all come from it).
var cardFields = map[string]bool{
	"__typename": true, "id": true, "round": true, "status": true, "title": true, "assetType": true, "region": true,
	"area": true, "listedPrice": true, "startingPrice": true, "increment": true, "closingAt": true, "bidderCount": true,
	"highestBid": true, "bidCount": true, "leadingBidderNumber": true, "leadingBidderId": true, "createdAt": true, "updatedAt": true,
}

// nodesSelectOnly reports whether the connection being resolved selects, of
// its edges' nodes, only fields in allowed (through fragments too; a field
// left out by a directive still counts).
func nodesSelectOnly(p graphql.ResolveParams, allowed map[string]bool) bool {
	for _, f := range p.Info.FieldASTs {
		if !onlyBelow(f.SelectionSet, p.Info.Fragments, []string{"edges", "node"}, allowed) {
			return false
		}
	}
	return true
}

// onlyBelow reports whether every field that set selects at the end of path
// is in allowed.
func onlyBelow(set *ast.SelectionSet, fragments map[string]ast.Definition, path []string, allowed map[string]bool) bool {
	return eachField(set, fragments, func(f *ast.Field) bool {
		if len(path) == 0 {
			return allowed[f.Name.Value]
		}
		return f.Name.Value != path[0] || onlyBelow(f.SelectionSet, fragments, path[1:], allowed)
	})
}

// eachField calls visit with each field set selects, through fragments, while
// visit returns true; it reports whether every call did.
func eachField(set *ast.SelectionSet, fragments map[string]ast.Definition, visit func(*ast.Field) bool) bool {
	if set == nil {
		return true
	}
	for _, s := range set.Selections {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name != nil && !visit(s) {
				return false
			}
		case *ast.InlineFragment:
			if !eachField(s.SelectionSet, fragments, visit) {
				return false
			}
		case *ast.FragmentSpread:
			if def, ok := fragments[s.Name.Value].(*ast.FragmentDefinition); ok && !eachField(def.SelectionSet, fragments, visit) {
				return false
			}
		}
	}
	return true
}
