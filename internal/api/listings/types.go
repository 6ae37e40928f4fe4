package listings

import (
	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel/listingview"
)

var (
	statusEnum = api.Enum("ListingStatus", "Where a listing is in its lifecycle (rule 10).",
		listing.StatusDraft, listing.StatusSubmitted, listing.StatusRejected, listing.StatusAnnounced, listing.StatusSuspended,
		listing.StatusNegotiating, listing.StatusAuctionScheduled, listing.StatusAuctionOpen, listing.StatusPriorityWindow,
		listing.StatusAwaitingPayment, listing.StatusPaid, listing.StatusContractSigned, listing.StatusCertified,
		listing.StatusArchived, listing.StatusUnsold, listing.StatusEnded, listing.StatusWithdrawn)
	depositEnum = api.Enum("DepositStatus", "A bidder's deposit: due, held by the exchange, released for refund, refunded, applied to the price, forfeited.",
		listing.DepositStateDue, listing.DepositStateHeld, listing.DepositStateReleased, listingview.DepositRefunded,
		listing.DepositStateApplied, listing.DepositStateForfeited)
	viaEnum = api.Enum("AwardRoute", "How the buyer won: the highest bid, a member's priority (rule 3), or negotiation with the only bidder.",
		listing.ViaAuction, listing.ViaMemberPriority, listing.ViaNegotiation)
	tradeStatusEnum = api.Enum("TradeStatus", "Where an awarded listing is in settlement (rule 13).",
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

// bidderID is a field showing a bidder's id only to viewers that may see it
// (rule 14: the exchange and the bidder itself); others get null.
func bidderID[T any](description string, id func(T) uuid.UUID) *graphql.Field {
	return api.Private(graphql.ID, description+" Null unless you are the exchange or this bidder (rule 14).",
		func(p auth.Principal, src T) bool { return viewer(p).Sees(id(src)) },
		func(src T) any { return api.Nullable(id(src)) })
}

var regionType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ListingRegion",
	Description: "Where the listed asset lies: province → county → township → village.",
	Fields: graphql.Fields{
		"province": api.Field(api.NonNull(graphql.String), "", func(r listing.Region) any { return r.Province }),
		"county":   api.Field(api.NonNull(graphql.String), "", func(r listing.Region) any { return r.County }),
		"township": api.Field(api.NonNull(graphql.String), "", func(r listing.Region) any { return r.Township }),
		"village":  api.Field(api.NonNull(graphql.String), "", func(r listing.Region) any { return r.Village }),
	},
})

var resolutionType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ListingResolution",
	Description: "The members' resolution the listing was submitted with (rule 4).",
	Fields: graphql.Fields{
		"body":     api.Field(api.NonNull(graphql.String), "Who voted, e.g. the villagers' assembly.", func(r listing.Resolution) any { return r.Body }),
		"votesFor": api.Field(api.NonNull(graphql.Int), "", func(r listing.Resolution) any { return r.VotesFor }),
		"total":    api.Field(api.NonNull(graphql.Int), "", func(r listing.Resolution) any { return r.Total }),
	},
})

var awardType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ListingAward",
	Description: "Who buys at what price: the auction winner once bidding closed (provisional in a priority window), then the confirmed buyer.",
	Fields: graphql.Fields{
		"bidderNumber": api.Field(api.NonNull(graphql.Int), "", func(a listingview.Award) any { return a.Buyer.Number }),
		"bidderId":     bidderID("The buyer.", func(a listingview.Award) uuid.UUID { return a.Buyer.ID }),
		"price":        api.Field(api.NonNull(api.Money), "", func(a listingview.Award) any { return a.Price }),
		"via":          api.Field(viaEnum, "Null while provisional.", func(a listingview.Award) any { return api.Nullable(a.Via) }),
		"balanceDue":   api.Field(api.Money, "The price less the deposit, once confirmed.", func(a listingview.Award) any { return api.Nullable(a.BalanceDue) }),
		"paymentDue":   api.Field(api.DateTime, "Pay before this or forfeit the deposit (rule 13).", func(a listingview.Award) any { return a.PaymentDue }),
	},
})

var bidderType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ListingBidder",
	Description: "A bidder registered for the listing's current round.",
	Fields: graphql.Fields{
		"number":             api.Field(api.NonNull(graphql.Int), "The bidder number shown on the public board.", func(b listingview.Bidder) any { return b.Number }),
		"bidderId":           bidderID("The bidder.", func(b listingview.Bidder) uuid.UUID { return b.ID }),
		"isMember":           api.Field(api.NonNull(graphql.Boolean), "Member of the owning collective (rule 3).", func(b listingview.Bidder) any { return b.IsMember }),
		"depositDue":         api.Field(api.NonNull(api.Money), "", func(b listingview.Bidder) any { return b.DepositDue }),
		"deposit":            api.Field(api.Money, "The deposit the exchange confirmed.", func(b listingview.Bidder) any { return api.Nullable(b.Deposit) }),
		"depositStatus":      api.Field(api.NonNull(depositEnum), "", func(b listingview.Bidder) any { return b.DepositStatus }),
		"refundDue":          api.Field(api.DateTime, "When a released deposit must be refunded.", func(b listingview.Bidder) any { return b.RefundDue }),
		"qualified":          api.Field(api.NonNull(graphql.Boolean), "", func(b listingview.Bidder) any { return b.Qualified }),
		"disqualifiedReason": api.Field(graphql.String, "", func(b listingview.Bidder) any { return api.Nullable(b.Disqualified) }),
		"registeredAt":       api.Field(api.NonNull(api.DateTime), "", func(b listingview.Bidder) any { return b.RegisteredAt }),
	},
})

var bidType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "Bid",
	Description: "An accepted bid; each leads when placed.",
	Fields: graphql.Fields{
		"seq":          api.Field(api.NonNull(graphql.Int), "1 for the round's first bid.", func(b listingview.Bid) any { return b.Seq }),
		"bidderNumber": api.Field(api.NonNull(graphql.Int), "", func(b listingview.Bid) any { return b.Bidder.Number }),
		"bidderId":     bidderID("The bidder.", func(b listingview.Bid) uuid.UUID { return b.Bidder.ID }),
		"amount":       api.Field(api.NonNull(api.Money), "", func(b listingview.Bid) any { return b.Amount }),
		"at":           api.Field(api.NonNull(api.DateTime), "", func(b listingview.Bid) any { return b.At }),
	},
})

var tradeType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "Trade",
	Description: "An awarded listing (one per round that reached an award) through payment, contract, certificate and archive.",
	Fields: graphql.Fields{
		"listingId":         api.Field(api.NonNull(graphql.ID), "", func(t listingview.Trade) any { return t.ListingID.String() }),
		"round":             api.Field(api.NonNull(graphql.Int), "", func(t listingview.Trade) any { return t.Round }),
		"title":             api.Field(api.NonNull(graphql.String), "", func(t listingview.Trade) any { return t.Title }),
		"sellerId":          api.Field(api.NonNull(graphql.ID), "", func(t listingview.Trade) any { return t.Seller.String() }),
		"assetType":         api.Field(api.NonNull(api.AssetType), "", func(t listingview.Trade) any { return t.AssetType }),
		"region":            api.Field(api.NonNull(regionType), "County, township and village (province is empty).", func(t listingview.Trade) any { return t.Region }),
		"buyerNumber":       api.Field(api.NonNull(graphql.Int), "", func(t listingview.Trade) any { return t.Buyer.Number }),
		"buyerId":           bidderID("The buyer.", func(t listingview.Trade) uuid.UUID { return t.Buyer.ID }),
		"price":             api.Field(api.NonNull(api.Money), "", func(t listingview.Trade) any { return t.Price }),
		"via":               api.Field(api.NonNull(viaEnum), "", func(t listingview.Trade) any { return t.Via }),
		"depositApplied":    api.Field(api.NonNull(api.Money), "", func(t listingview.Trade) any { return t.DepositApply }),
		"balanceDue":        api.Field(api.NonNull(api.Money), "", func(t listingview.Trade) any { return t.BalanceDue }),
		"paymentDue":        api.Field(api.NonNull(api.DateTime), "", func(t listingview.Trade) any { return t.PaymentDue }),
		"status":            api.Field(api.NonNull(tradeStatusEnum), "", func(t listingview.Trade) any { return t.Status }),
		"contractId":        api.Field(graphql.ID, "", func(t listingview.Trade) any { return api.Nullable(t.ContractID) }),
		"certificateNumber": api.Field(graphql.String, "Transaction certificate (交易鉴证书).", func(t listingview.Trade) any { return api.Nullable(t.CertificateNo) }),
		"awardedAt":         api.Field(api.NonNull(api.DateTime), "", func(t listingview.Trade) any { return t.AwardedAt }),
		"paidAt":            api.Field(api.DateTime, "", func(t listingview.Trade) any { return t.PaidAt }),
		"updatedAt":         api.Field(api.NonNull(api.DateTime), "", func(t listingview.Trade) any { return t.UpdatedAt }),
	},
})
