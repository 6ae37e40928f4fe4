package listings

import (
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel/listingview"
)

var (
	statusEnum = api.StringEnum("ListingStatus", "Where a listing is in its lifecycle (rule 10).",
		listing.StatusDraft, listing.StatusSubmitted, listing.StatusRejected, listing.StatusAnnounced, listing.StatusSuspended,
		listing.StatusNegotiating, listing.StatusAuctionScheduled, listing.StatusAuctionOpen, listing.StatusPriorityWindow,
		listing.StatusAwaitingPayment, listing.StatusPaid, listing.StatusContractSigned, listing.StatusCertified,
		listing.StatusArchived, listing.StatusUnsold, listing.StatusEnded, listing.StatusWithdrawn)
	// assetTypeEnum has the values of the assets area's AssetType; it is a
	// type of its own because areas cannot share unexported types.
	assetTypeEnum = api.StringEnum("ListingAssetType", "The kind of rural property right a listing sells.", kernel.AssetTypes()...)
	depositEnum   = api.StringEnum("DepositStatus", "A bidder's deposit: due, held by the exchange, released for refund, refunded, applied to the price, forfeited.",
		listing.DepositStateDue, listing.DepositStateHeld, listing.DepositStateReleased, listingview.DepositRefunded,
		listing.DepositStateApplied, listing.DepositStateForfeited)
	viaEnum = api.StringEnum("AwardRoute", "How the buyer won: the highest bid, a member's priority (rule 3), or negotiation with the only bidder.",
		listing.ViaAuction, listing.ViaMemberPriority, listing.ViaNegotiation)
	tradeStatusEnum = api.StringEnum("TradeStatus", "Where an awarded listing is in settlement (rule 13).",
		listingview.TradeAwaitingPayment, listingview.TradePaid, listingview.TradeContractSigned, listingview.TradeCertified,
		listingview.TradeArchived, listingview.TradeForfeited)
	sortEnum = graphql.NewEnum(graphql.EnumConfig{Name: "ListingSort", Description: "The order of listings; ties are broken by id.",
		Values: graphql.EnumValueConfigMap{
			"CREATED_AT_DESC": {Value: listingview.SortCreatedDesc, Description: "Newest first (the default)."},
			"CREATED_AT_ASC":  {Value: listingview.SortCreatedAsc},
			"CLOSING_AT_ASC":  {Value: listingview.SortClosingAsc, Description: "Soonest closing first; listings without a closing time last."},
			"CLOSING_AT_DESC": {Value: listingview.SortClosingDesc},
			"PRICE_ASC":       {Value: listingview.SortPriceAsc, Description: "By listed price."},
			"PRICE_DESC":      {Value: listingview.SortPriceDesc},
		}})
)

// viewer is the rule 14 viewer of the caller.
func viewer(p auth.Principal) listing.Viewer {
	return listing.Viewer{Exchange: p.Role == auth.RoleExchange, Party: p.Party}
}

// field resolves a field of a T source with get.
func field[T any](typ graphql.Output, description string, get func(T) any) *graphql.Field {
	return &graphql.Field{Type: typ, Description: description, Resolve: func(p graphql.ResolveParams) (any, error) {
		return get(p.Source.(T)), nil
	}}
}

// bidderID is a field showing a bidder's id only to viewers that may see it
// (rule 14: the exchange and the bidder itself); others get null.
func bidderID[T any](description string, id func(T) uuid.UUID) *graphql.Field {
	return &graphql.Field{Type: graphql.ID, Description: description + " Null unless you are the exchange or this bidder (rule 14).",
		Resolve: func(p graphql.ResolveParams) (any, error) {
			v := id(p.Source.(T))
			if !viewer(api.Viewer(p.Context)).Sees(v) {
				return nil, nil
			}
			return optID(v), nil
		}}
}

// optID is an id for the API: null for uuid.Nil.
func optID(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id.String()
}

// optMoney is null for zero.
func optMoney(m kernel.Money) any {
	if m == 0 {
		return nil
	}
	return m
}

// optString is null for "".
func optString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNull(t graphql.Output) graphql.Output { return graphql.NewNonNull(t) }

func listOf(t graphql.Output) graphql.Output {
	return graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(t)))
}

var regionType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ListingRegion",
	Description: "Where the listed asset lies: province → county → township → village.",
	Fields: graphql.Fields{
		"province": field(nonNull(graphql.String), "", func(r listing.Region) any { return r.Province }),
		"county":   field(nonNull(graphql.String), "", func(r listing.Region) any { return r.County }),
		"township": field(nonNull(graphql.String), "", func(r listing.Region) any { return r.Township }),
		"village":  field(nonNull(graphql.String), "", func(r listing.Region) any { return r.Village }),
	},
})

var resolutionType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ListingResolution",
	Description: "The members' resolution the listing was submitted with (rule 4).",
	Fields: graphql.Fields{
		"body":     field(nonNull(graphql.String), "Who voted, e.g. the villagers' assembly.", func(r listing.Resolution) any { return r.Body }),
		"votesFor": field(nonNull(graphql.Int), "", func(r listing.Resolution) any { return r.VotesFor }),
		"total":    field(nonNull(graphql.Int), "", func(r listing.Resolution) any { return r.Total }),
	},
})

var awardType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ListingAward",
	Description: "Who buys at what price: the auction winner once bidding closed (provisional in a priority window), then the confirmed buyer.",
	Fields: graphql.Fields{
		"bidderNumber": field(nonNull(graphql.Int), "", func(a listingview.Award) any { return a.Buyer.Number }),
		"bidderId":     bidderID("The buyer.", func(a listingview.Award) uuid.UUID { return a.Buyer.ID }),
		"price":        field(nonNull(api.Money), "", func(a listingview.Award) any { return a.Price }),
		"via":          field(viaEnum, "Null while provisional.", func(a listingview.Award) any { return optString(string(a.Via)) }),
		"balanceDue":   field(api.Money, "The price less the deposit, once confirmed.", func(a listingview.Award) any { return optMoney(a.BalanceDue) }),
		"paymentDue":   field(api.DateTime, "Pay before this or forfeit the deposit (rule 13).", func(a listingview.Award) any { return a.PaymentDue }),
	},
})

var bidderType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ListingBidder",
	Description: "A bidder registered for the listing's current round.",
	Fields: graphql.Fields{
		"number":             field(nonNull(graphql.Int), "The bidder number shown on the public board.", func(b listingview.Bidder) any { return b.Number }),
		"bidderId":           bidderID("The bidder.", func(b listingview.Bidder) uuid.UUID { return b.ID }),
		"isMember":           field(nonNull(graphql.Boolean), "Member of the owning collective (rule 3).", func(b listingview.Bidder) any { return b.IsMember }),
		"depositDue":         field(nonNull(api.Money), "", func(b listingview.Bidder) any { return b.DepositDue }),
		"deposit":            field(api.Money, "The deposit the exchange confirmed.", func(b listingview.Bidder) any { return optMoney(b.Deposit) }),
		"depositStatus":      field(nonNull(depositEnum), "", func(b listingview.Bidder) any { return string(b.DepositStatus) }),
		"refundDue":          field(api.DateTime, "When a released deposit must be refunded.", func(b listingview.Bidder) any { return b.RefundDue }),
		"qualified":          field(nonNull(graphql.Boolean), "", func(b listingview.Bidder) any { return b.Qualified }),
		"disqualifiedReason": field(graphql.String, "", func(b listingview.Bidder) any { return optString(b.Disqualified) }),
		"registeredAt":       field(nonNull(api.DateTime), "", func(b listingview.Bidder) any { return b.RegisteredAt }),
	},
})

var bidType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "Bid",
	Description: "An accepted bid; each leads when placed.",
	Fields: graphql.Fields{
		"seq":          field(nonNull(graphql.Int), "1 for the round's first bid.", func(b listingview.Bid) any { return b.Seq }),
		"bidderNumber": field(nonNull(graphql.Int), "", func(b listingview.Bid) any { return b.Bidder.Number }),
		"bidderId":     bidderID("The bidder.", func(b listingview.Bid) uuid.UUID { return b.Bidder.ID }),
		"amount":       field(nonNull(api.Money), "", func(b listingview.Bid) any { return b.Amount }),
		"at":           field(nonNull(api.DateTime), "", func(b listingview.Bid) any { return b.At }),
	},
})

var tradeType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "Trade",
	Description: "An awarded listing (one per round that reached an award) through payment, contract, certificate and archive.",
	Fields: graphql.Fields{
		"listingId":         field(nonNull(graphql.ID), "", func(t listingview.Trade) any { return t.ListingID.String() }),
		"round":             field(nonNull(graphql.Int), "", func(t listingview.Trade) any { return t.Round }),
		"title":             field(nonNull(graphql.String), "", func(t listingview.Trade) any { return t.Title }),
		"sellerId":          field(nonNull(graphql.ID), "", func(t listingview.Trade) any { return t.Seller.String() }),
		"assetType":         field(nonNull(assetTypeEnum), "", func(t listingview.Trade) any { return string(t.AssetType) }),
		"region":            field(nonNull(regionType), "County, township and village (province is empty).", func(t listingview.Trade) any { return t.Region }),
		"buyerNumber":       field(nonNull(graphql.Int), "", func(t listingview.Trade) any { return t.Buyer.Number }),
		"buyerId":           bidderID("The buyer.", func(t listingview.Trade) uuid.UUID { return t.Buyer.ID }),
		"price":             field(nonNull(api.Money), "", func(t listingview.Trade) any { return t.Price }),
		"via":               field(nonNull(viaEnum), "", func(t listingview.Trade) any { return string(t.Via) }),
		"depositApplied":    field(nonNull(api.Money), "", func(t listingview.Trade) any { return t.DepositApply }),
		"balanceDue":        field(nonNull(api.Money), "", func(t listingview.Trade) any { return t.BalanceDue }),
		"paymentDue":        field(nonNull(api.DateTime), "", func(t listingview.Trade) any { return t.PaymentDue }),
		"status":            field(nonNull(tradeStatusEnum), "", func(t listingview.Trade) any { return string(t.Status) }),
		"contractId":        field(graphql.ID, "", func(t listingview.Trade) any { return optID(t.ContractID) }),
		"certificateNumber": field(graphql.String, "Transaction certificate (交易鉴证书).", func(t listingview.Trade) any { return optString(t.CertificateNo) }),
		"awardedAt":         field(nonNull(api.DateTime), "", func(t listingview.Trade) any { return t.AwardedAt }),
		"paidAt":            field(api.DateTime, "", func(t listingview.Trade) any { return t.PaidAt }),
		"updatedAt":         field(nonNull(api.DateTime), "", func(t listingview.Trade) any { return t.UpdatedAt }),
	},
})

// optTime is null for the zero time (the DateTime scalar prints zero as null too;
// this keeps nullable object fields explicit).
func optTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
