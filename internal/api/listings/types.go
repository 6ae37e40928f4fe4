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
	viaEnum = api.Enum("AwardRoute", "How the buyer won: the highest bid or quote, a member's priority (rule 3), the sitting lessee's priority (rule 28), "+
		"negotiation with the only bidder, or the runner-up's offer after the buyer did not pay.",
		listing.ViaAuction, listing.ViaMemberPriority, listing.ViaSittingLessee, listing.ViaNegotiation, listing.ViaRunnerUp)
	basisEnum = api.DescribedEnum("PriceBasis", "What a listing's prices state (rule 25); increments, reserve and deposits are in the same basis.",
		map[listing.PriceBasis]string{
			listing.BasisTotal:         "One price for the whole term (the default).",
			listing.BasisAnnualRent:    "Yuan per year for the whole lot: the award makes a lease paying that rent.",
			listing.BasisRentPerMuYear: "Yuan per mu per year: the award makes a lease paying that rent.",
		})
	frequencyEnum = api.Enum("ListingRentFrequency", "How often the lease made from a rent-basis award pays, in advance.",
		listing.Annual, listing.SemiAnnual, listing.Quarterly, listing.OneOff)
	methodEnum = api.DescribedEnum("SaleMethod", "How the lot is sold among enough qualified bidders.", map[listing.Method]string{
		listing.MethodLadder: "Live ladder bidding in whole increments (rules 11, 12; the default).",
		listing.MethodSealed: "One-time sealed quotes opened together at the deadline (rule 27).",
	})
	rightEnum       = api.Enum("PriorityRight", "A right to match the winning price under equal conditions (rules 3, 28).", listing.RightMember, listing.RightSittingLessee)
	priorityEnum    = api.Enum("PriorityOrder", "Which priority right is offered first when both apply (the default MEMBERS_FIRST).", listing.MembersFirst, listing.LesseeFirst)
	unpaidEnum      = api.Enum("UnpaidWinnerRule", "What follows an unpaid award: RELIST (the default: no sale this round) or RUNNER_UP (offered once to the runner-up at its own last bid).", listing.UnpaidRelist, listing.UnpaidRunnerUp)
	forfeitToEnum   = api.Enum("ForfeitDestination", "Who receives a forfeited deposit: the SELLER, or in a disposal the secured loans' RECOVERY by rank (the disposal default).", listing.ForfeitSeller, listing.ForfeitRecovery)
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

var saleType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "ListingSale",
	Description: "How the lot is sold (rules 25–28), defaults filled in.",
	Fields: graphql.Fields{
		"basis":            api.Field(api.NonNull(basisEnum), "What the prices state.", func(s listingview.Sale) any { return s.Basis }),
		"rentFrequency":    api.Field(frequencyEnum, "How the lease pays; null for a total price.", func(s listingview.Sale) any { return api.Nullable(s.Rent.Frequency) }),
		"stepUpEveryYears": api.Field(graphql.Int, "The yearly rent rises every so many years; null without a step-up.", func(s listingview.Sale) any { return api.Nullable(s.Rent.StepUp.EveryYears) }),
		"stepUpPercent":    api.Field(graphql.Int, "By this percentage, compounded.", func(s listingview.Sale) any { return api.Nullable(int(s.Rent.StepUp.Percent)) }),
		"fixedDeposit":     api.Field(api.Money, "A fixed deposit (rule 26); null when the deposit is a percentage of the listed price.", func(s listingview.Sale) any { return api.Nullable(s.Deposit) }),
		"method":           api.Field(api.NonNull(methodEnum), "", func(s listingview.Sale) any { return s.Method }),
		"revisable":        api.Field(api.NonNull(graphql.Boolean), "A sealed quote may be revised until the deadline.", func(s listingview.Sale) any { return s.Revisable }),
		"quoteCount":       api.Field(api.NonNull(graphql.Int), "Sealed quotes and revisions so far; their amounts and bidders stay sealed until the opening.", func(s listingview.Sale) any { return s.QuoteCount }),
		"priorityOrder":    api.Field(api.NonNull(priorityEnum), "", func(s listingview.Sale) any { return s.PriorityOrder }),
		"priorityRight":    api.Field(rightEnum, "Whose priority window is open; null outside one.", func(s listingview.Sale) any { return api.Nullable(s.PriorityRight) }),
		"unpaidWinner":     api.Field(api.NonNull(unpaidEnum), "", func(s listingview.Sale) any { return s.Unpaid }),
		"forfeitTo":        api.Field(api.NonNull(forfeitToEnum), "", func(s listingview.Sale) any { return s.ForfeitTo }),
	},
})

var quoteType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "SealedQuote",
	Description: "A bidder's final sealed quote as published at the opening (rule 27).",
	Fields: graphql.Fields{
		"rank":         api.Field(api.NonNull(graphql.Int), "1 for the highest; the earlier final quote first on equal amounts.", func(q listingview.Quote) any { return q.Rank }),
		"bidderNumber": api.Field(api.NonNull(graphql.Int), "", func(q listingview.Quote) any { return q.Bidder.Number }),
		"bidderId":     bidderID("The bidder.", func(q listingview.Quote) uuid.UUID { return q.Bidder.ID }),
		"amount":       api.Field(api.NonNull(api.Money), "In the listing's price basis.", func(q listingview.Quote) any { return q.Amount }),
		"submittedAt":  api.Field(api.NonNull(api.DateTime), "When the final quote (or revision) was submitted.", func(q listingview.Quote) any { return q.SubmittedAt }),
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
		"price":             api.Field(api.NonNull(api.Money), "In the listing's price basis.", func(t listingview.Trade) any { return t.Price }),
		"basis":             api.Field(api.NonNull(basisEnum), "What the price states (rule 25).", func(t listingview.Trade) any { return t.Basis }),
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
