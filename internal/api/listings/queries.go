package listings

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/listingview"
)

// queries holds the read side's resolvers.
type queries struct{ d api.Deps }

// node is a listing as a query returns it, with the database its bids are
// read from and the page it came in, whose bidders are read together (types
// are built once per process; deps per server).
type node struct {
	listingview.Listing
	db    *readmodel.DB
	batch *batch
}

// batch is the listings of one result; the first node asked for its bidders
// loads every node's in one query (no query per row).
type batch struct {
	db       *readmodel.DB
	listings []listingview.Listing
	once     sync.Once
	bidders  map[uuid.UUID][]listingview.Bidder
	err      error
}

func newBatch(db *readmodel.DB, ls []listingview.Listing) []any {
	b := &batch{db: db, listings: ls}
	nodes := make([]any, len(ls))
	for i, l := range ls {
		nodes[i] = node{Listing: l, db: db, batch: b}
	}
	return nodes
}

func (n node) bidders(ctx context.Context) ([]listingview.Bidder, error) {
	b := n.batch
	b.once.Do(func() { b.bidders, b.err = listingview.BiddersOf(ctx, b.db, b.listings) })
	if b.err != nil {
		return nil, b.err
	}
	return append([]listingview.Bidder{}, b.bidders[n.ID]...), nil
}

var listingType = newListingType()

func newListingType() *graphql.Object {
	l := func(typ graphql.Output, description string, get func(listingview.Listing) any) *graphql.Field {
		return field(typ, description, func(n node) any { return get(n.Listing) })
	}
	return graphql.NewObject(graphql.ObjectConfig{
		Name:        "Listing",
		Description: "A listing on the exchange's board with its auction. The reserve price (底价) is never shown.",
		Fields: graphql.Fields{
			"id":                 l(nonNull(graphql.ID), "", func(x listingview.Listing) any { return x.ID.String() }),
			"round":              l(nonNull(graphql.Int), "1, then +1 per relisting.", func(x listingview.Listing) any { return x.Round }),
			"status":             l(nonNull(statusEnum), "", func(x listingview.Listing) any { return string(x.Status) }),
			"title":              l(nonNull(graphql.String), "", func(x listingview.Listing) any { return x.Title }),
			"description":        l(nonNull(graphql.String), "", func(x listingview.Listing) any { return x.Description }),
			"sellerId":           l(nonNull(graphql.ID), "The owning collective, or a secured party disposing of collateral.", func(x listingview.Listing) any { return x.Seller.String() }),
			"assetType":          l(nonNull(assetTypeEnum), "", func(x listingview.Listing) any { return string(x.AssetType) }),
			"assetIds":           l(listOf(graphql.ID), "", func(x listingview.Listing) any { return idStrings(x.AssetIDs) }),
			"owningCollectiveId": l(nonNull(graphql.ID), "", func(x listingview.Listing) any { return x.OwningCollective.String() }),
			"region":             l(nonNull(regionType), "", func(x listingview.Listing) any { return x.Region }),
			"area":               l(nonNull(api.Area), "", func(x listingview.Listing) any { return x.Area }),
			"listedPrice":        l(nonNull(api.Money), "挂牌价: negotiation may not go below it; deposits are 30 % of it.", func(x listingview.Listing) any { return x.ListedPrice }),
			"startingPrice":      l(nonNull(api.Money), "The first bid's minimum.", func(x listingview.Listing) any { return x.StartingPrice }),
			"increment":          l(nonNull(api.Money), "Bids are the starting price plus whole increments.", func(x listingview.Listing) any { return x.Increment }),
			"termMonths":         l(nonNull(graphql.Int), "The transfer term.", func(x listingview.Listing) any { return x.TermMonths }),
			"resolution": l(resolutionType, "Null before submission or when none was given.", func(x listingview.Listing) any {
				if x.Resolution.Total == 0 {
					return nil
				}
				return x.Resolution
			}),
			"rejectReason":         l(graphql.String, "", func(x listingview.Listing) any { return optString(x.RejectReason) }),
			"suspendReason":        l(graphql.String, "", func(x listingview.Listing) any { return optString(x.SuspendReason) }),
			"unsoldReason":         l(graphql.String, "", func(x listingview.Listing) any { return optString(x.UnsoldReason) }),
			"registrationClosesAt": l(api.DateTime, "The announcement's end: bidders register until then.", func(x listingview.Listing) any { return optTime(x.AnnouncementEnds) }),
			"biddingOpensAt":       l(api.DateTime, "As announced.", func(x listingview.Listing) any { return optTime(x.BiddingOpensAt) }),
			"negotiationEndsAt":    l(api.DateTime, "With one qualified bidder: agree a price by then.", func(x listingview.Listing) any { return optTime(x.NegotiationEnds) }),
			"auctionOpensAt":       l(api.DateTime, "", func(x listingview.Listing) any { return optTime(x.OpensAt) }),
			"freeBiddingEndsAt":    l(api.DateTime, "The timed round follows.", func(x listingview.Listing) any { return optTime(x.FreeBiddingEnds) }),
			"auctionClosesAt":      l(api.DateTime, "Moves later with every anti-sniping extension (rule 12).", func(x listingview.Listing) any { return optTime(x.AuctionClosesAt) }),
			"closingAt":            l(api.DateTime, "What the board sorts and filters by: the auction's close once scheduled, else the registration close.", func(x listingview.Listing) any { return optTime(x.ClosingAt) }),
			"bidderCount":          l(nonNull(graphql.Int), "Registered bidders this round.", func(x listingview.Listing) any { return x.BidderCount }),
			"bidCount":             l(nonNull(graphql.Int), "", func(x listingview.Listing) any { return x.BidCount }),
			"highestBid":           l(api.Money, "Null before the first bid.", func(x listingview.Listing) any { return optMoney(x.HighestBid) }),
			"leadingBidderNumber": l(graphql.Int, "", func(x listingview.Listing) any {
				if x.Leader.Number == 0 {
					return nil
				}
				return x.Leader.Number
			}),
			"leadingBidderId": bidderID("The leading bidder.", func(x node) uuid.UUID { return x.Leader.ID }),
			"priorityEndsAt":  l(api.DateTime, "Members may match the winning price until then (rule 3).", func(x listingview.Listing) any { return optTime(x.PriorityEnds) }),
			"award": l(awardType, "Null until the auction has a winner or a price is agreed.", func(x listingview.Listing) any {
				if x.Award.Buyer.Number == 0 {
					return nil
				}
				return x.Award
			}),
			"contractId":        l(graphql.ID, "", func(x listingview.Listing) any { return optID(x.ContractID) }),
			"certificateNumber": l(graphql.String, "Transaction certificate (交易鉴证书).", func(x listingview.Listing) any { return optString(x.CertificateNo) }),
			"createdAt":         l(nonNull(api.DateTime), "", func(x listingview.Listing) any { return x.CreatedAt }),
			"updatedAt":         l(nonNull(api.DateTime), "", func(x listingview.Listing) any { return x.UpdatedAt }),
			"bidders": {
				Type:        listOf(bidderType),
				Description: "The current round's bidders in registration order; ids masked (rule 14).",
				Resolve: func(p graphql.ResolveParams) (any, error) {
					return p.Source.(node).bidders(p.Context)
				},
			},
			"bids": {
				Type:        nonNull(api.Connection(bidType)),
				Description: "The current round's bid history, newest first; ids masked (rule 14).",
				Args:        api.ConnectionArgs(nil),
				Resolve:     bids,
			},
		},
	})
}

func bids(p graphql.ResolveParams) (any, error) {
	x := p.Source.(node)
	n, err := api.PageSize(p.Args)
	if err != nil {
		return nil, err
	}
	after, err := api.DecodeCursor(p.Args, 1)
	if err != nil {
		return nil, err
	}
	res, err := listingview.Bids(p.Context, x.db, x.ID, x.Round, readmodel.Page{First: n, After: after})
	if err != nil {
		return nil, err
	}
	page := api.Page{HasNext: res.HasNext, TotalCount: x.BidCount}
	for _, b := range res.Rows {
		page.Nodes = append(page.Nodes, b)
		page.Cursors = append(page.Cursors, api.EncodeCursor(b.Cursor()...))
	}
	return page.Resolve(), nil
}

var filterType = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "ListingFilter",
	Description: "Listings matching every field given.",
	Fields: graphql.InputObjectConfigFieldMap{
		"status":             {Type: graphql.NewList(graphql.NewNonNull(statusEnum)), Description: "Any of these statuses."},
		"assetType":          {Type: graphql.NewList(graphql.NewNonNull(assetTypeEnum)), Description: "Any of these asset types."},
		"province":           {Type: graphql.String},
		"county":             {Type: graphql.String},
		"township":           {Type: graphql.String},
		"village":            {Type: graphql.String},
		"minPrice":           {Type: api.Money, Description: "Listed price at least this."},
		"maxPrice":           {Type: api.Money, Description: "Listed price at most this."},
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
		"status":   {Type: graphql.NewList(graphql.NewNonNull(tradeStatusEnum))},
		"buyerId":  {Type: graphql.ID, Description: "Only the exchange and the buyer itself may filter by buyer (rule 14)."},
		"sellerId": {Type: graphql.ID},
	},
})

func (q queries) register(b *api.Builder) {
	b.CacheableQuery("listings", &graphql.Field{
		Type:        nonNull(api.Connection(listingType)),
		Description: "Search the listing board: filter, sort and page with cursors.",
		Args: api.ConnectionArgs(graphql.FieldConfigArgument{
			"filter": {Type: filterType},
			"sort":   {Type: sortEnum, Description: "CREATED_AT_DESC when not given."},
		}),
		Resolve: q.listings,
	})
	b.CacheableQuery("listing", &graphql.Field{
		Type:        listingType,
		Description: "One listing with its bidders and bid history, or null.",
		Args:        graphql.FieldConfigArgument{"id": {Type: graphql.NewNonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			id, err := api.ID(p.Args, "id")
			if err != nil {
				return nil, err
			}
			l, ok, err := listingview.ListingByID(p.Context, q.d.DB, id)
			if err != nil || !ok {
				return nil, err
			}
			return newBatch(q.d.DB, []listingview.Listing{l})[0], nil
		},
	})
	b.CacheableQuery("trades", &graphql.Field{
		Type:        nonNull(api.Connection(tradeType)),
		Description: "Awarded listings, newest award first.",
		Args:        api.ConnectionArgs(graphql.FieldConfigArgument{"filter": {Type: tradeFilterType}}),
		Resolve:     q.trades,
	})
}

func (q queries) listings(p graphql.ResolveParams) (any, error) {
	n, err := api.PageSize(p.Args)
	if err != nil {
		return nil, err
	}
	f, err := decodeFilter(p.Args)
	if err != nil {
		return nil, err
	}
	s, _ := p.Args["sort"].(listingview.Sort)
	after, err := api.DecodeCursor(p.Args, 3)
	if err != nil {
		return nil, err
	}
	res, err := listingview.Listings(p.Context, q.d.DB, f, s, readmodel.Page{First: n, After: after})
	if err != nil {
		return nil, err
	}
	page := api.Page{HasNext: res.HasNext}
	page.Nodes = newBatch(q.d.DB, res.Rows)
	for _, l := range res.Rows {
		page.Cursors = append(page.Cursors, api.EncodeCursor(s.Cursor(l)...))
	}
	if selects(p, "totalCount") {
		if page.TotalCount, err = listingview.CountListings(p.Context, q.d.DB, f); err != nil {
			return nil, err
		}
	}
	return page.Resolve(), nil
}

func decodeFilter(args map[string]any) (listingview.Filter, error) {
	in, _ := args["filter"].(map[string]any)
	var f listingview.Filter
	for _, s := range list(in["status"]) {
		f.Statuses = append(f.Statuses, listing.Status(s.(string)))
	}
	for _, t := range list(in["assetType"]) {
		f.AssetTypes = append(f.AssetTypes, kernel.AssetType(t.(string)))
	}
	f.Province, _ = in["province"].(string)
	f.County, _ = in["county"].(string)
	f.Township, _ = in["township"].(string)
	f.Village, _ = in["village"].(string)
	f.MinPrice, _ = in["minPrice"].(kernel.Money)
	f.MaxPrice, _ = in["maxPrice"].(kernel.Money)
	f.ClosingFrom, _ = in["closingFrom"].(time.Time)
	f.ClosingUntil, _ = in["closingUntil"].(time.Time)
	f.Text, _ = in["text"].(string)
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

func (q queries) trades(p graphql.ResolveParams) (any, error) {
	n, err := api.PageSize(p.Args)
	if err != nil {
		return nil, err
	}
	in, _ := p.Args["filter"].(map[string]any)
	var f listingview.TradeFilter
	for _, s := range list(in["status"]) {
		f.Statuses = append(f.Statuses, listingview.TradeStatus(s.(string)))
	}
	if f.Buyer, err = api.OptionalID(in, "buyerId"); err != nil {
		return nil, err
	}
	if f.Buyer != uuid.Nil && !viewer(api.Viewer(p.Context)).Sees(f.Buyer) {
		return nil, kernel.FieldErrorf(kernel.CodeForbidden, "buyerId", "only the exchange and the buyer itself may search by buyer")
	}
	if f.Seller, err = api.OptionalID(in, "sellerId"); err != nil {
		return nil, err
	}
	after, err := api.DecodeCursor(p.Args, 3)
	if err != nil {
		return nil, err
	}
	res, err := listingview.Trades(p.Context, q.d.DB, f, readmodel.Page{First: n, After: after})
	if err != nil {
		return nil, err
	}
	page := api.Page{HasNext: res.HasNext}
	for _, t := range res.Rows {
		page.Nodes = append(page.Nodes, t)
		page.Cursors = append(page.Cursors, api.EncodeCursor(t.Cursor()...))
	}
	if selects(p, "totalCount") {
		if page.TotalCount, err = listingview.CountTrades(p.Context, q.d.DB, f); err != nil {
			return nil, err
		}
	}
	return page.Resolve(), nil
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func idStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// selects reports whether the field being resolved selects name directly
// (through fragments too), so a connection counts its items only when asked.
func selects(p graphql.ResolveParams, name string) bool {
	for _, f := range p.Info.FieldASTs {
		if f.SelectionSet != nil && selectionHas(f.SelectionSet, name, p.Info.Fragments) {
			return true
		}
	}
	return false
}

func selectionHas(set *ast.SelectionSet, name string, fragments map[string]ast.Definition) bool {
	for _, s := range set.Selections {
		switch s := s.(type) {
		case *ast.Field:
			if s.Name != nil && s.Name.Value == name {
				return true
			}
		case *ast.InlineFragment:
			if s.SelectionSet != nil && selectionHas(s.SelectionSet, name, fragments) {
				return true
			}
		case *ast.FragmentSpread:
			if def, ok := fragments[s.Name.Value].(*ast.FragmentDefinition); ok && def.SelectionSet != nil &&
				selectionHas(def.SelectionSet, name, fragments) {
				return true
			}
		}
	}
	return false
}
