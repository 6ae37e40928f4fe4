package listings

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// Who sends which listing command.
var (
	exchange = []auth.Role{auth.RoleExchange}
	bidder   = []auth.Role{auth.RoleBidder}
	// sellers list: a collective its own assets, a bank (secured party) its
	// collateral for disposal, the fund's operator a right the fund holds.
	sellers = []auth.Role{auth.RoleCollective, auth.RoleBank, auth.RoleFund}
)

// bySeller decodes a mutation on the listing named by listingId that only
// the listing's seller may send; build gets the seller. A listing that offers
// its assets again (submit, relist) needs a fund selling to hold them still.
func (a area) bySeller(offers bool, build func(ctx context.Context, c api.Call, id, seller uuid.UUID) (listing.Command, error)) func(context.Context, api.Call) (listing.Command, error) {
	return api.On("listingId", func(ctx context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
		seller, err := a.requireSeller(ctx, c.Principal, id, offers)
		if err != nil {
			return nil, err
		}
		return build(ctx, c, id, seller)
	})
}

// facts are what the API needs to know about a listing before sending a command.
type facts struct {
	exists             bool
	seller, collective uuid.UUID
	assets             []uuid.UUID
}

// listing reads the listing's current facts from its aggregate: NOT_FOUND when there is none.
func (a area) listing(ctx context.Context, id uuid.UUID) (facts, error) {
	f, err := api.Inspect(ctx, a.App.Listings, id, func(s listing.State) facts {
		return facts{exists: s.Status != listing.StatusNone, seller: s.Details.Seller, collective: s.Details.Asset.OwningCollective,
			assets: s.Details.Asset.AssetIDs}
	})
	if err != nil {
		return facts{}, err
	}
	if !f.exists {
		return facts{}, kernel.FieldErrorf(kernel.CodeNotFound, "listingId", "listing %s does not exist", id)
	}
	return f, nil
}

// requireSeller returns the seller of the listing if the caller acts for it:
// the seller itself, or the operator of the fund selling, which must still
// hold the right when the listing offers it (app.Facts.FundSale).
func (a area) requireSeller(ctx context.Context, p auth.Principal, id uuid.UUID, offers bool) (uuid.UUID, error) {
	f, err := a.listing(ctx, id)
	if err != nil {
		return uuid.Nil, err
	}
	if p.Role != auth.RoleFund {
		return f.seller, api.RequireParty(p, f.seller, false)
	}
	if offers {
		_, err = a.App.Facts().FundSale(ctx, f.seller, p.Party, f.assets)
	} else {
		err = a.App.Facts().FundOperator(ctx, f.seller, p.Party)
	}
	if kernel.ErrorCode(err) == kernel.CodeNotFound { // the seller is no fund
		err = api.RequireParty(p, f.seller, false)
	}
	return f.seller, err
}

var consentInput = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "ListingConsentInput",
	Description: "A secured party's written consent to listing an encumbered asset.",
	Fields: graphql.InputObjectConfigFieldMap{
		"registrationId": {Type: api.NonNull(graphql.ID), Description: "The restriction's registration id."},
		"securedPartyId": {Type: api.NonNull(graphql.ID)},
		"document":       {Type: api.NonNull(graphql.String), Description: "Reference of the signed consent."},
	},
})

var resolutionInput = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "ListingResolutionInput",
	Description: "The members' resolution (rule 4): at least 2/3 of the votes when a collective lists its own assets.",
	Fields: graphql.InputObjectConfigFieldMap{
		"body":     {Type: api.NonNull(graphql.String), Description: "e.g. 村民会议 (villagers' assembly) or 村民代表会议 (representatives)."},
		"votesFor": {Type: api.NonNull(graphql.Int)},
		"total":    {Type: api.NonNull(graphql.Int)},
		"date":     {Type: api.NonNull(api.DateTime)},
	},
})

// termsInput are the fields of createListing and reviseListing.
var termsInput = graphql.InputObjectConfigFieldMap{
	"assetIds":      {Type: api.ListOf(graphql.ID), Description: "One asset, or the plots of a consolidated package, all of one collective and one type."},
	"title":         {Type: api.NonNull(graphql.String)},
	"description":   {Type: graphql.String},
	"listedPrice":   {Type: api.NonNull(api.Money), Description: "挂牌价."},
	"startingPrice": {Type: api.Money, Description: "The auction's starting price, at least the listed price; the listed price when not given."},
	"increment":     {Type: api.NonNull(api.Money)},
	"reservePrice":  {Type: api.Money, Description: "底价: confidential, never shown; below it there is no sale."},
	"termMonths":    {Type: api.NonNull(graphql.Int), Description: "The transfer term; it must end within the right (rule 1)."},
	"disposalOf":    {Type: graphql.ID, Description: "A secured party disposing of its collateral: the registration id of its restriction."},
	"consents":      {Type: graphql.NewList(api.NonNull(consentInput)), Description: "Written consents of the secured parties of encumbered assets."},
	"basis":         {Type: basisEnum, Description: "What the prices state (rule 25); TOTAL when not given."},
	"rent":          {Type: rentInput, Description: "How the lease of a rent-basis award pays; only with a rent basis."},
	"deposit":       {Type: api.Money, Description: "A fixed deposit for the whole lot (rule 26); when not given, 30 % of the listed price for the whole lot (a rent per mu times the area). Never below 20 % of it."},
	"method":        {Type: methodEnum, Description: "LADDER when not given."},
	"revisable":     {Type: graphql.Boolean, Description: "Sealed quotes only: a quote may be revised until the deadline."},
	"priorityOrder": {Type: priorityEnum, Description: "MEMBERS_FIRST when not given."},
	"unpaidWinner":  {Type: unpaidEnum, Description: "RELIST when not given."},
	"forfeitTo":     {Type: forfeitToEnum, Description: "SELLER when not given, RECOVERY for a disposal."},
}

var rentInput = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "ListingRentInput",
	Description: "How the lease made from a rent-basis award pays (rule 25).",
	Fields: graphql.InputObjectConfigFieldMap{
		"frequency":        {Type: frequencyEnum, Description: "ANNUAL when not given."},
		"stepUpEveryYears": {Type: graphql.Int, Description: "The yearly rent rises every so many years; with stepUpPercent."},
		"stepUpPercent":    {Type: graphql.Int, Description: "By this percentage (1–100), compounded."},
	},
})

// listingIn is the input field naming the listing a mutation acts on.
var listingIn = graphql.InputObjectConfigFieldMap{"listingId": {Type: api.NonNull(graphql.ID)}}

// listingMutations are the area's mutations: one per listing command a person sends.
func (a area) listingMutations() api.Mutations[listing.Command] {
	return api.Mutations[listing.Command]{Handler: a.App.Listings, ID: "listingId", Rows: []api.Mutation[listing.Command]{
		{
			Name:        "createListing",
			Description: "Draft a listing of assets: a collective lists only its own assets (contracted land on the household's entrustment), a bank only its collateral for disposal, the fund's operator only a right the fund holds on the register (the fund is the seller). The asset facts come from the registry.",
			Roles:       sellers,
			Input: api.Inputs(termsInput, graphql.InputObjectConfigFieldMap{
				"fundId": {Type: graphql.ID, Description: "Required of the fund's operator, and only of it: the fund selling a right it holds."},
			}),
			Decode: func(ctx context.Context, c api.Call) (listing.Command, error) {
				seller, err := createSeller(c)
				if err != nil {
					return nil, err
				}
				d, reserve, err := a.terms(ctx, c, seller)
				return listing.CreateListing{ListingID: c.NewID("listing"), Details: d, ReservePrice: reserve}, err
			},
		}, {
			Name:        "reviseListing",
			Description: "Replace the terms of a draft or rejected listing (the seller).",
			Roles:       sellers,
			Input:       api.Inputs(listingIn, termsInput),
			Decode: a.bySeller(false, func(ctx context.Context, c api.Call, id, seller uuid.UUID) (listing.Command, error) {
				d, reserve, err := a.terms(ctx, c, seller) // a fund's new terms are checked against its holdings here
				return listing.ReviseListing{ListingID: id, Details: d, ReservePrice: reserve}, err
			}),
		}, {
			Name:        "submitListing",
			Description: "Send the listing to the exchange for review with the members' resolution (rule 4).",
			Roles:       sellers,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"resolution": {Type: resolutionInput, Description: "Required when a collective lists its own assets."}}),
			Decode: a.bySeller(true, func(_ context.Context, c api.Call, id, _ uuid.UUID) (listing.Command, error) {
				var r listing.Resolution
				if in, ok := c.Input["resolution"].(map[string]any); ok {
					r.Body = api.Arg[string](in, "body")
					r.VotesFor = api.Arg[int](in, "votesFor")
					r.Total = api.Arg[int](in, "total")
					r.Date = api.Arg[time.Time](in, "date")
				}
				return listing.SubmitListing{ListingID: id, Resolution: r}, nil
			}),
		}, {
			Name:        "reviewListing",
			Description: "The exchange approves (announcing until announcementEnds, ≥ 7 working days, ≤ 6 months; bidding at biddingOpensAt) or rejects with a reason.",
			Roles:       exchange,
			Input: api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{
				"approve":          {Type: api.NonNull(graphql.Boolean)},
				"reason":           {Type: graphql.String, Description: "Required to reject."},
				"announcementEnds": {Type: api.DateTime, Description: "Required to approve: registration closes then."},
				"biddingOpensAt":   {Type: api.DateTime, Description: "Required to approve: after announcementEnds."},
			}),
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				return listing.ReviewListing{ListingID: id, Approve: api.Arg[bool](c.Input, "approve"), Reason: api.Arg[string](c.Input, "reason"),
					AnnouncementEnds: api.Arg[time.Time](c.Input, "announcementEnds"), BiddingOpensAt: api.Arg[time.Time](c.Input, "biddingOpensAt")}, nil
			}),
		}, {
			Name:        "withdrawListing",
			Description: "The seller withdraws the listing before bidding opens; held deposits are released.",
			Roles:       sellers,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"reason": {Type: graphql.String}}),
			Decode: a.bySeller(false, func(_ context.Context, c api.Call, id, seller uuid.UUID) (listing.Command, error) {
				return listing.WithdrawListing{ListingID: id, By: seller, Reason: api.Arg[string](c.Input, "reason")}, nil
			}),
		}, {
			Name:        "suspendListing",
			Description: "The exchange halts the listing on an objection.",
			Roles:       exchange,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"reason": {Type: api.NonNull(graphql.String)}}),
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				return listing.SuspendListing{ListingID: id, Reason: api.Arg[string](c.Input, "reason")}, nil
			}),
		}, {
			Name:        "resumeListing",
			Description: "The exchange ends a suspension; pending deadlines move later.",
			Roles:       exchange,
			Input:       listingIn,
			Decode: api.On("listingId", func(_ context.Context, _ api.Call, id uuid.UUID) (listing.Command, error) {
				return listing.ResumeListing{ListingID: id}, nil
			}),
		}, {
			Name:        "registerBidder",
			Description: "Register yourself for an announced listing; you owe the listing's deposit (30 % of the listed price unless it states a fixed sum). Name the owning collective's share cooperative to register as a member (rule 3).",
			Roles:       bidder,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"cooperativeId": {Type: graphql.ID, Description: "The owning collective's share cooperative whose register lists you as a member."}}),
			Output: graphql.Fields{
				"bidderNumber": {Type: graphql.Int, Description: "Your number on the board; null for a duplicate."},
				"depositDue":   {Type: api.Money, Description: "Null for a duplicate."},
			},
			Decode: api.On("listingId", a.registerBidder),
			Payload: func(_ listing.Command, res app.Result) map[string]any {
				for _, e := range res.Events {
					if r, ok := e.(listing.BidderRegistered); ok {
						return map[string]any{"bidderNumber": r.BidderNumber, "depositDue": r.DepositDue}
					}
				}
				return nil
			},
		}, {
			Name:        "confirmDeposit",
			Description: "The exchange confirms it holds a bidder's deposit.",
			Roles:       exchange,
			Input: api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{
				"bidderId": {Type: api.NonNull(graphql.ID)},
				"amount":   {Type: api.NonNull(api.Money)},
			}),
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				b, err := api.ID(c.Input, "bidderId")
				return listing.ConfirmDeposit{ListingID: id, BidderID: b, Amount: api.Arg[kernel.Money](c.Input, "amount")}, err
			}),
		}, {
			Name:        "qualifyBidder",
			Description: "The exchange qualifies a bidder with a confirmed deposit, or disqualifies one with a reason.",
			Roles:       exchange,
			Input: api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{
				"bidderId":  {Type: api.NonNull(graphql.ID)},
				"qualified": {Type: api.NonNull(graphql.Boolean)},
				"reason":    {Type: graphql.String, Description: "Required to disqualify."},
			}),
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				b, err := api.ID(c.Input, "bidderId")
				return listing.QualifyBidder{ListingID: id, BidderID: b, Qualified: api.Arg[bool](c.Input, "qualified"), Reason: api.Arg[string](c.Input, "reason")}, err
			}),
		}, {
			Name:        "agreeNegotiatedPrice",
			Description: "The exchange records the price agreed with the only qualified bidder (at least the listed price).",
			Roles:       exchange,
			Input: api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{
				"bidderId": {Type: api.NonNull(graphql.ID)},
				"price":    {Type: api.NonNull(api.Money)},
			}),
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				b, err := api.ID(c.Input, "bidderId")
				return listing.AgreeNegotiatedPrice{ListingID: id, BidderID: b, Price: api.Arg[kernel.Money](c.Input, "price")}, err
			}),
		}, {
			Name:        "placeBid",
			Description: "Bid as yourself: at least the starting price, on the increment grid, at least the leader plus one increment (rule 11). A bid in the last minutes extends the auction (rule 12).",
			Roles:       bidder,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"amount": {Type: api.NonNull(api.Money)}}),
			Output: graphql.Fields{
				"seq":             {Type: graphql.Int, Description: "The bid's number in the round; null for a duplicate."},
				"auctionClosesAt": {Type: api.DateTime, Description: "The new close when this bid extended the auction, else null."},
			},
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				return listing.PlaceBid{ListingID: id, BidderID: c.Principal.Party, Amount: api.Arg[kernel.Money](c.Input, "amount")}, nil
			}),
			Payload: func(_ listing.Command, res app.Result) map[string]any {
				out := map[string]any{}
				for _, e := range res.Events {
					switch e := e.(type) {
					case listing.BidPlaced:
						out["seq"] = e.Seq
					case listing.AuctionExtended:
						out["auctionClosesAt"] = e.NewClose
					}
				}
				return out
			},
		}, {
			Name:        "submitQuote",
			Description: "Submit your one-time sealed quote (rule 27): at least the starting price, before the quote deadline; revise it only where the listing allows. No one, the exchange included, reads it before the opening.",
			Roles:       bidder,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"amount": {Type: api.NonNull(api.Money), Description: "In the listing's price basis."}}),
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				return listing.SubmitQuote{ListingID: id, BidderID: c.Principal.Party, Amount: api.Arg[kernel.Money](c.Input, "amount")}, nil
			}),
		}, {
			Name:        "exerciseLesseePriority",
			Description: "As the qualified sitting lessee of the let asset, take the award at the winning price within your priority window (rule 28).",
			Roles:       bidder,
			Input:       listingIn,
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				return listing.ExerciseLesseePriority{ListingID: id, BidderID: c.Principal.Party}, nil
			}),
		}, {
			Name:        "exerciseMemberPriority",
			Description: "As a qualified member of the owning collective, take the award at the winning price within the priority window (rule 3).",
			Roles:       bidder,
			Input:       listingIn,
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				return listing.ExerciseMemberPriority{ListingID: id, BidderID: c.Principal.Party}, nil
			}),
		}, {
			Name:        "confirmPayment",
			Description: "The exchange confirms the buyer paid the balance due before the deadline (rule 13).",
			Roles:       exchange,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"amount": {Type: api.NonNull(api.Money)}}),
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				return listing.ConfirmPayment{ListingID: id, Amount: api.Arg[kernel.Money](c.Input, "amount")}, nil
			}),
		}, {
			Name:        "refundDeposit",
			Description: "The exchange records that a released deposit was paid back.",
			Roles:       exchange,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"bidderId": {Type: api.NonNull(graphql.ID)}}),
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				b, err := api.ID(c.Input, "bidderId")
				return listing.RefundDeposit{ListingID: id, BidderID: b}, err
			}),
		}, {
			Name:        "signListingContract",
			Description: "The exchange records the transfer contract signed for a paid listing.",
			Roles:       exchange,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"contractId": {Type: api.NonNull(graphql.ID)}}),
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				contract, err := api.ID(c.Input, "contractId")
				return listing.SignContract{ListingID: id, ContractID: contract}, err
			}),
		}, {
			Name:        "issueCertificate",
			Description: "The exchange issues the transaction certificate (交易鉴证书) after the contract.",
			Roles:       exchange,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"number": {Type: api.NonNull(graphql.String)}}),
			Decode: api.On("listingId", func(_ context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
				return listing.IssueCertificate{ListingID: id, Number: api.Arg[string](c.Input, "number")}, nil
			}),
		}, {
			Name:        "archiveListing",
			Description: "The exchange closes a certified listing's file.",
			Roles:       exchange,
			Input:       listingIn,
			Decode: api.On("listingId", func(_ context.Context, _ api.Call, id uuid.UUID) (listing.Command, error) {
				return listing.Archive{ListingID: id}, nil
			}),
		}, {
			Name:        "relistListing",
			Description: "The seller starts a new round of an unsold listing, back in draft.",
			Roles:       sellers,
			Input:       listingIn,
			Decode: a.bySeller(true, func(_ context.Context, _ api.Call, id, _ uuid.UUID) (listing.Command, error) {
				return listing.Relist{ListingID: id}, nil
			}),
		}, {
			Name:        "endListing",
			Description: "The seller gives up an unsold listing.",
			Roles:       sellers,
			Input:       api.Inputs(listingIn, graphql.InputObjectConfigFieldMap{"reason": {Type: graphql.String}}),
			Decode: a.bySeller(false, func(_ context.Context, c api.Call, id, _ uuid.UUID) (listing.Command, error) {
				return listing.EndListing{ListingID: id, Reason: api.Arg[string](c.Input, "reason")}, nil
			}),
		},
	}}
}

// registerBidder builds RegisterBidder for the caller; with a cooperativeId the
// membership comes from that cooperative's register, which must be the owning
// collective's (NOT_A_MEMBER otherwise).
func (a area) registerBidder(ctx context.Context, c api.Call, id uuid.UUID) (listing.Command, error) {
	cmd := listing.RegisterBidder{ListingID: id, BidderID: c.Principal.Party}
	coopID, err := api.OptionalID(c.Input, "cooperativeId")
	if err != nil || coopID == uuid.Nil {
		return cmd, err
	}
	f, err := a.listing(ctx, id)
	if err != nil {
		return nil, err
	}
	err = a.App.Coops.Inspect(ctx, coopID, func(s coop.State, _ uint64) {
		cmd.IsMember = s.Founded && s.Collective == f.collective && s.IsMember(c.Principal.Party)
	})
	if err != nil {
		return nil, err
	}
	if !cmd.IsMember {
		return nil, kernel.FieldErrorf(listing.CodeNotAMember, "cooperativeId",
			"the cooperative's register does not list you as a member of the owning collective")
	}
	return cmd, nil
}

// createSeller is the seller of a new listing: the fund named by fundId for
// the fund's operator (INVALID without one), the caller otherwise (FORBIDDEN
// when it names a fund).
func createSeller(c api.Call) (uuid.UUID, error) {
	fundID, err := api.OptionalID(c.Input, "fundId")
	switch {
	case err != nil:
		return uuid.Nil, err
	case c.Principal.Role == auth.RoleFund && fundID == uuid.Nil:
		return uuid.Nil, kernel.FieldErrorf(kernel.CodeInvalid, "fundId", "the fund's operator names the fund that sells")
	case c.Principal.Role == auth.RoleFund:
		return fundID, nil
	case fundID != uuid.Nil:
		return uuid.Nil, kernel.FieldErrorf(kernel.CodeForbidden, "fundId", "only the fund's operator sells for a fund")
	}
	return c.Principal.Party, nil
}

// terms builds the Details seller lists with from the input and the
// registry's asset facts.
func (a area) terms(ctx context.Context, c api.Call, seller uuid.UUID) (listing.Details, kernel.Money, error) {
	in := c.Input
	d := listing.Details{Seller: seller, Settings: listing.DefaultSettings()}
	d.Title = api.Arg[string](in, "title")
	d.Description = api.Arg[string](in, "description")
	d.ListedPrice = api.Arg[kernel.Money](in, "listedPrice")
	d.StartingPrice = api.Arg[kernel.Money](in, "startingPrice")
	if d.StartingPrice == 0 {
		d.StartingPrice = d.ListedPrice
	}
	d.Increment = api.Arg[kernel.Money](in, "increment")
	d.TermMonths = api.Arg[int](in, "termMonths")
	d.Basis, d.Deposit, d.Method = api.Arg[listing.PriceBasis](in, "basis"), api.Arg[kernel.Money](in, "deposit"), api.Arg[listing.Method](in, "method")
	d.Revisable, d.PriorityOrder = api.Arg[bool](in, "revisable"), api.Arg[listing.PriorityOrder](in, "priorityOrder")
	d.Unpaid, d.ForfeitTo = api.Arg[listing.Unpaid](in, "unpaidWinner"), api.Arg[listing.ForfeitTo](in, "forfeitTo")
	if r, ok := in["rent"].(map[string]any); ok {
		d.Rent = listing.Rent{Frequency: api.Arg[listing.Frequency](r, "frequency"),
			StepUp: kernel.StepUp{EveryYears: api.Arg[int](r, "stepUpEveryYears"), Percent: int64(api.Arg[int](r, "stepUpPercent"))}}
	}
	reserve := api.Arg[kernel.Money](in, "reservePrice")
	var err error
	if d.DisposalOf, err = api.OptionalID(in, "disposalOf"); err != nil {
		return d, 0, err
	}
	for _, consent := range api.Args[map[string]any](in, "consents") {
		got, err := api.IDs(consent, "registrationId", "securedPartyId")
		if err != nil {
			return d, 0, err
		}
		d.Consents = append(d.Consents, listing.Consent{RegistrationID: got[0], SecuredParty: got[1], Document: api.Arg[string](consent, "document")})
	}
	var ids []uuid.UUID
	for _, s := range api.Args[string](in, "assetIds") {
		id, err := uuid.Parse(s)
		if err != nil {
			return d, 0, kernel.FieldErrorf(kernel.CodeInvalid, "assetIds", "asset id %q is not a UUID", s)
		}
		if slices.Contains(ids, id) {
			return d, 0, kernel.FieldErrorf(kernel.CodeInvalid, "assetIds", "asset %s is named twice", id)
		}
		ids = append(ids, id)
	}
	d.Asset, err = a.assetFacts(ctx, c.Principal, seller, ids, d.DisposalOf != uuid.Nil)
	return d, reserve, err
}

// assetFacts reads the assets' facts (app.Facts.ListingAssets) and checks the
// caller may list them for seller: the fund's operator only what the fund
// holds (app.Facts.FundSale); outside a disposal, anyone else only as the
// owning collective holding the right to transfer (NOT_RIGHT_HOLDER when the
// right is with a transferee, NOT_ENTRUSTED for a household's plot it was not
// entrusted with).
func (a area) assetFacts(ctx context.Context, p auth.Principal, seller uuid.UUID, ids []uuid.UUID, disposal bool) (listing.AssetFacts, error) {
	if p.Role == auth.RoleFund {
		return a.App.Facts().FundSale(ctx, seller, p.Party, ids)
	}
	out, err := a.App.Facts().ListingAssets(ctx, ids)
	if err != nil || disposal {
		return out, err
	}
	if p.Role != auth.RoleCollective || out.OwningCollective != p.Party {
		return out, kernel.FieldErrorf(kernel.CodeForbidden, "assetIds", "a collective lists only its own assets")
	}
	for _, id := range ids {
		var entrusted, held, contracted bool
		err := a.App.Assets.Inspect(ctx, id, func(st registry.State, _ uint64) {
			contracted = st.Contractor != uuid.Nil
			entrusted = st.Entrustment != nil && st.Entrustment.Collective == p.Party
			held = st.Holder() == st.Owner || (contracted && !st.HeldByTransferee())
		})
		switch {
		case err != nil:
			return out, err
		case !held:
			return out, kernel.FieldErrorf(registry.CodeNotRightHolder, "assetIds", "the management right of asset %s is held by a transferee", id)
		case contracted && !entrusted:
			return out, kernel.FieldErrorf(registry.CodeNotEntrusted, "assetIds", "the household has not entrusted plot %s to this collective (rule 5)", id)
		}
	}
	return out, nil
}
