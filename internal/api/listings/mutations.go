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
	// sellers list: a collective its own assets, a bank (secured party) its collateral for disposal.
	sellers = []auth.Role{auth.RoleCollective, auth.RoleBank}
)

// mutations holds the command side's resolvers.
type mutations struct{ d api.Deps }

// command is one listing mutation: its input and payload besides listingId,
// who may send it, and how it becomes a listing command.
type command struct {
	name, description string
	roles             []auth.Role
	// creates: the listing id is new (derived from the idempotency key), not an input.
	creates bool
	// bySeller: only the listing's seller may send it.
	bySeller bool
	input    graphql.InputObjectConfigFieldMap
	output   graphql.Fields
	build    func(ctx context.Context, call api.Call, id uuid.UUID) (listing.Command, error)
	payload  func(res app.Result) map[string]any // extra payload fields; nil for none
}

func (m mutations) add(b *api.Builder, c command) {
	input := graphql.InputObjectConfigFieldMap{}
	if !c.creates {
		input["listingId"] = &graphql.InputObjectFieldConfig{Type: graphql.NewNonNull(graphql.ID)}
	}
	for k, v := range c.input {
		input[k] = v
	}
	output := graphql.Fields{"listingId": {Type: nonNull(graphql.ID)}}
	for k, v := range c.output {
		output[k] = v
	}
	b.Mutation(api.MutationSpec{
		Name: c.name, Description: c.description, Roles: c.roles, Input: input, Output: output,
		Run: func(ctx context.Context, call api.Call) (api.Payload, error) {
			id := call.NewID("listing")
			if !c.creates {
				var err error
				if id, err = api.ID(call.Input, "listingId"); err != nil {
					return api.Payload{}, err
				}
			}
			if c.bySeller {
				if err := m.requireSeller(ctx, call.Principal, id); err != nil {
					return api.Payload{}, err
				}
			}
			cmd, err := c.build(ctx, call, id)
			if err != nil {
				return api.Payload{}, err
			}
			res, err := m.d.App.Listings.Handle(ctx, cmd, call.Meta)
			if err != nil {
				return api.Payload{}, err
			}
			fields := map[string]any{"listingId": id.String()}
			if c.payload != nil {
				for k, v := range c.payload(res) {
					fields[k] = v
				}
			}
			return api.Payload{Result: res, Fields: fields}, nil
		},
	})
}

// facts are what the API needs to know about a listing before sending a command.
type facts struct {
	seller, collective uuid.UUID
}

// listing reads the listing's current facts from its aggregate: NOT_FOUND when there is none.
func (m mutations) listing(ctx context.Context, id uuid.UUID) (facts, error) {
	var f facts
	var exists bool
	err := m.d.App.Listings.Inspect(ctx, id, func(s listing.State, _ uint64) {
		exists = s.Status != listing.StatusNone
		f = facts{seller: s.Details.Seller, collective: s.Details.Asset.OwningCollective}
	})
	if err != nil {
		return facts{}, err
	}
	if !exists {
		return facts{}, kernel.FieldErrorf(kernel.CodeNotFound, "listingId", "listing %s does not exist", id)
	}
	return f, nil
}

func (m mutations) requireSeller(ctx context.Context, p auth.Principal, id uuid.UUID) error {
	f, err := m.listing(ctx, id)
	if err != nil {
		return err
	}
	return api.RequireParty(p, f.seller, false)
}

var consentInput = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "ListingConsentInput",
	Description: "A secured party's written consent to listing an encumbered asset.",
	Fields: graphql.InputObjectConfigFieldMap{
		"registrationId": {Type: graphql.NewNonNull(graphql.ID), Description: "The restriction's registration id."},
		"securedPartyId": {Type: graphql.NewNonNull(graphql.ID)},
		"document":       {Type: graphql.NewNonNull(graphql.String), Description: "Reference of the signed consent."},
	},
})

var resolutionInput = graphql.NewInputObject(graphql.InputObjectConfig{
	Name:        "ListingResolutionInput",
	Description: "The members' resolution (rule 4): at least 2/3 of the votes when a collective lists its own assets.",
	Fields: graphql.InputObjectConfigFieldMap{
		"body":     {Type: graphql.NewNonNull(graphql.String), Description: "e.g. 村民会议 (villagers' assembly) or 村民代表会议 (representatives)."},
		"votesFor": {Type: graphql.NewNonNull(graphql.Int)},
		"total":    {Type: graphql.NewNonNull(graphql.Int)},
		"date":     {Type: graphql.NewNonNull(api.DateTime)},
	},
})

// termsInput are the fields of createListing and reviseListing.
var termsInput = graphql.InputObjectConfigFieldMap{
	"assetIds":      {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(graphql.ID))), Description: "One asset, or the plots of a consolidated package, all of one collective and one type."},
	"title":         {Type: graphql.NewNonNull(graphql.String)},
	"description":   {Type: graphql.String},
	"listedPrice":   {Type: graphql.NewNonNull(api.Money), Description: "挂牌价."},
	"startingPrice": {Type: api.Money, Description: "The auction's starting price, at least the listed price; the listed price when not given."},
	"increment":     {Type: graphql.NewNonNull(api.Money)},
	"reservePrice":  {Type: api.Money, Description: "底价: confidential, never shown; below it there is no sale."},
	"termMonths":    {Type: graphql.NewNonNull(graphql.Int), Description: "The transfer term; it must end within the right (rule 1)."},
	"disposalOf":    {Type: graphql.ID, Description: "A secured party disposing of its collateral: the registration id of its restriction."},
	"consents":      {Type: graphql.NewList(graphql.NewNonNull(consentInput)), Description: "Written consents of the secured parties of encumbered assets."},
}

func (m mutations) register(b *api.Builder) {
	m.add(b, command{
		name: "createListing", roles: sellers, creates: true, input: termsInput,
		description: "Draft a listing of assets: a collective lists only its own assets (contracted land on the household's entrustment), a bank only its collateral for disposal. The asset facts come from the registry.",
		build: func(ctx context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			d, reserve, err := m.terms(ctx, call)
			return listing.CreateListing{ListingID: id, Details: d, ReservePrice: reserve}, err
		},
	})
	m.add(b, command{
		name: "reviseListing", roles: sellers, bySeller: true, input: termsInput,
		description: "Replace the terms of a draft or rejected listing (the seller).",
		build: func(ctx context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			d, reserve, err := m.terms(ctx, call)
			return listing.ReviseListing{ListingID: id, Details: d, ReservePrice: reserve}, err
		},
	})
	m.add(b, command{
		name: "submitListing", roles: sellers, bySeller: true,
		description: "Send the listing to the exchange for review with the members' resolution (rule 4).",
		input:       graphql.InputObjectConfigFieldMap{"resolution": {Type: resolutionInput, Description: "Required when a collective lists its own assets."}},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			var r listing.Resolution
			if in, ok := call.Input["resolution"].(map[string]any); ok {
				r.Body, _ = in["body"].(string)
				r.VotesFor, _ = in["votesFor"].(int)
				r.Total, _ = in["total"].(int)
				r.Date, _ = in["date"].(time.Time)
			}
			return listing.SubmitListing{ListingID: id, Resolution: r}, nil
		},
	})
	m.add(b, command{
		name: "reviewListing", roles: exchange,
		description: "The exchange approves (announcing until announcementEnds, ≥ 7 working days, ≤ 6 months; bidding at biddingOpensAt) or rejects with a reason.",
		input: graphql.InputObjectConfigFieldMap{
			"approve":          {Type: graphql.NewNonNull(graphql.Boolean)},
			"reason":           {Type: graphql.String, Description: "Required to reject."},
			"announcementEnds": {Type: api.DateTime, Description: "Required to approve: registration closes then."},
			"biddingOpensAt":   {Type: api.DateTime, Description: "Required to approve: after announcementEnds."},
		},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			c := listing.ReviewListing{ListingID: id}
			c.Approve, _ = call.Input["approve"].(bool)
			c.Reason, _ = call.Input["reason"].(string)
			c.AnnouncementEnds, _ = call.Input["announcementEnds"].(time.Time)
			c.BiddingOpensAt, _ = call.Input["biddingOpensAt"].(time.Time)
			return c, nil
		},
	})
	m.add(b, command{
		name: "withdrawListing", roles: sellers,
		description: "The seller withdraws the listing before bidding opens; held deposits are released.",
		input:       graphql.InputObjectConfigFieldMap{"reason": {Type: graphql.String}},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			reason, _ := call.Input["reason"].(string)
			return listing.WithdrawListing{ListingID: id, By: call.Principal.Party, Reason: reason}, nil
		},
	})
	m.add(b, command{
		name: "suspendListing", roles: exchange,
		description: "The exchange halts the listing on an objection.",
		input:       graphql.InputObjectConfigFieldMap{"reason": {Type: graphql.NewNonNull(graphql.String)}},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			reason, _ := call.Input["reason"].(string)
			return listing.SuspendListing{ListingID: id, Reason: reason}, nil
		},
	})
	m.add(b, command{
		name: "resumeListing", roles: exchange,
		description: "The exchange ends a suspension; pending deadlines move later.",
		build: func(_ context.Context, _ api.Call, id uuid.UUID) (listing.Command, error) {
			return listing.ResumeListing{ListingID: id}, nil
		},
	})
	m.add(b, command{
		name: "registerBidder", roles: bidder,
		description: "Register yourself for an announced listing; you owe a deposit of 30 % of the listed price. Name the owning collective's share cooperative to register as a member (rule 3).",
		input:       graphql.InputObjectConfigFieldMap{"cooperativeId": {Type: graphql.ID, Description: "The owning collective's share cooperative whose register lists you as a member."}},
		output: graphql.Fields{
			"bidderNumber": {Type: graphql.Int, Description: "Your number on the board; null for a duplicate."},
			"depositDue":   {Type: api.Money, Description: "Null for a duplicate."},
		},
		build: m.registerBidder,
		payload: func(res app.Result) map[string]any {
			for _, e := range res.Events {
				if r, ok := e.(listing.BidderRegistered); ok {
					return map[string]any{"bidderNumber": r.BidderNumber, "depositDue": r.DepositDue}
				}
			}
			return nil
		},
	})
	m.add(b, command{
		name: "confirmDeposit", roles: exchange,
		description: "The exchange confirms it holds a bidder's deposit.",
		input: graphql.InputObjectConfigFieldMap{
			"bidderId": {Type: graphql.NewNonNull(graphql.ID)},
			"amount":   {Type: graphql.NewNonNull(api.Money)},
		},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			b, err := api.ID(call.Input, "bidderId")
			amount, _ := call.Input["amount"].(kernel.Money)
			return listing.ConfirmDeposit{ListingID: id, BidderID: b, Amount: amount}, err
		},
	})
	m.add(b, command{
		name: "qualifyBidder", roles: exchange,
		description: "The exchange qualifies a bidder with a confirmed deposit, or disqualifies one with a reason.",
		input: graphql.InputObjectConfigFieldMap{
			"bidderId":  {Type: graphql.NewNonNull(graphql.ID)},
			"qualified": {Type: graphql.NewNonNull(graphql.Boolean)},
			"reason":    {Type: graphql.String, Description: "Required to disqualify."},
		},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			b, err := api.ID(call.Input, "bidderId")
			q, _ := call.Input["qualified"].(bool)
			reason, _ := call.Input["reason"].(string)
			return listing.QualifyBidder{ListingID: id, BidderID: b, Qualified: q, Reason: reason}, err
		},
	})
	m.add(b, command{
		name: "agreeNegotiatedPrice", roles: exchange,
		description: "The exchange records the price agreed with the only qualified bidder (at least the listed price).",
		input: graphql.InputObjectConfigFieldMap{
			"bidderId": {Type: graphql.NewNonNull(graphql.ID)},
			"price":    {Type: graphql.NewNonNull(api.Money)},
		},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			b, err := api.ID(call.Input, "bidderId")
			price, _ := call.Input["price"].(kernel.Money)
			return listing.AgreeNegotiatedPrice{ListingID: id, BidderID: b, Price: price}, err
		},
	})
	m.add(b, command{
		name: "placeBid", roles: bidder,
		description: "Bid as yourself: at least the starting price, on the increment grid, at least the leader plus one increment (rule 11). A bid in the last minutes extends the auction (rule 12).",
		input:       graphql.InputObjectConfigFieldMap{"amount": {Type: graphql.NewNonNull(api.Money)}},
		output: graphql.Fields{
			"seq":             {Type: graphql.Int, Description: "The bid's number in the round; null for a duplicate."},
			"auctionClosesAt": {Type: api.DateTime, Description: "The new close when this bid extended the auction, else null."},
		},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			amount, _ := call.Input["amount"].(kernel.Money)
			return listing.PlaceBid{ListingID: id, BidderID: call.Principal.Party, Amount: amount}, nil
		},
		payload: func(res app.Result) map[string]any {
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
	})
	m.add(b, command{
		name: "exerciseMemberPriority", roles: bidder,
		description: "As a qualified member of the owning collective, take the award at the winning price within the priority window (rule 3).",
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			return listing.ExerciseMemberPriority{ListingID: id, BidderID: call.Principal.Party}, nil
		},
	})
	m.add(b, command{
		name: "confirmPayment", roles: exchange,
		description: "The exchange confirms the buyer paid the balance due before the deadline (rule 13).",
		input:       graphql.InputObjectConfigFieldMap{"amount": {Type: graphql.NewNonNull(api.Money)}},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			amount, _ := call.Input["amount"].(kernel.Money)
			return listing.ConfirmPayment{ListingID: id, Amount: amount}, nil
		},
	})
	m.add(b, command{
		name: "refundDeposit", roles: exchange,
		description: "The exchange records that a released deposit was paid back.",
		input:       graphql.InputObjectConfigFieldMap{"bidderId": {Type: graphql.NewNonNull(graphql.ID)}},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			b, err := api.ID(call.Input, "bidderId")
			return listing.RefundDeposit{ListingID: id, BidderID: b}, err
		},
	})
	m.add(b, command{
		name: "signListingContract", roles: exchange,
		description: "The exchange records the transfer contract signed for a paid listing.",
		input:       graphql.InputObjectConfigFieldMap{"contractId": {Type: graphql.NewNonNull(graphql.ID)}},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			c, err := api.ID(call.Input, "contractId")
			return listing.SignContract{ListingID: id, ContractID: c}, err
		},
	})
	m.add(b, command{
		name: "issueCertificate", roles: exchange,
		description: "The exchange issues the transaction certificate (交易鉴证书) after the contract.",
		input:       graphql.InputObjectConfigFieldMap{"number": {Type: graphql.NewNonNull(graphql.String)}},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			n, _ := call.Input["number"].(string)
			return listing.IssueCertificate{ListingID: id, Number: n}, nil
		},
	})
	m.add(b, command{
		name: "archiveListing", roles: exchange,
		description: "The exchange closes a certified listing's file.",
		build: func(_ context.Context, _ api.Call, id uuid.UUID) (listing.Command, error) {
			return listing.Archive{ListingID: id}, nil
		},
	})
	m.add(b, command{
		name: "relistListing", roles: sellers, bySeller: true,
		description: "The seller starts a new round of an unsold listing, back in draft.",
		build: func(_ context.Context, _ api.Call, id uuid.UUID) (listing.Command, error) {
			return listing.Relist{ListingID: id}, nil
		},
	})
	m.add(b, command{
		name: "endListing", roles: sellers, bySeller: true,
		description: "The seller gives up an unsold listing.",
		input:       graphql.InputObjectConfigFieldMap{"reason": {Type: graphql.String}},
		build: func(_ context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
			reason, _ := call.Input["reason"].(string)
			return listing.EndListing{ListingID: id, Reason: reason}, nil
		},
	})
}

// registerBidder builds RegisterBidder for the caller; with a cooperativeId the
// membership comes from that cooperative's register, which must be the owning
// collective's (NOT_A_MEMBER otherwise).
func (m mutations) registerBidder(ctx context.Context, call api.Call, id uuid.UUID) (listing.Command, error) {
	cmd := listing.RegisterBidder{ListingID: id, BidderID: call.Principal.Party}
	coopID, err := api.OptionalID(call.Input, "cooperativeId")
	if err != nil || coopID == uuid.Nil {
		return cmd, err
	}
	f, err := m.listing(ctx, id)
	if err != nil {
		return nil, err
	}
	err = m.d.App.Coops.Inspect(ctx, coopID, func(s coop.State, _ uint64) {
		cmd.IsMember = s.Founded && s.Collective == f.collective && s.IsMember(call.Principal.Party)
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

// terms builds a listing's Details from the input and the registry's asset facts.
func (m mutations) terms(ctx context.Context, call api.Call) (listing.Details, kernel.Money, error) {
	in := call.Input
	d := listing.Details{Seller: call.Principal.Party, Settings: listing.DefaultSettings()}
	d.Title, _ = in["title"].(string)
	d.Description, _ = in["description"].(string)
	d.ListedPrice, _ = in["listedPrice"].(kernel.Money)
	d.StartingPrice, _ = in["startingPrice"].(kernel.Money)
	if d.StartingPrice == 0 {
		d.StartingPrice = d.ListedPrice
	}
	d.Increment, _ = in["increment"].(kernel.Money)
	d.TermMonths, _ = in["termMonths"].(int)
	reserve, _ := in["reservePrice"].(kernel.Money)
	var err error
	if d.DisposalOf, err = api.OptionalID(in, "disposalOf"); err != nil {
		return d, 0, err
	}
	for _, c := range list(in["consents"]) {
		c, _ := c.(map[string]any)
		reg, err := api.ID(c, "registrationId")
		if err != nil {
			return d, 0, err
		}
		party, err := api.ID(c, "securedPartyId")
		if err != nil {
			return d, 0, err
		}
		doc, _ := c["document"].(string)
		d.Consents = append(d.Consents, listing.Consent{RegistrationID: reg, SecuredParty: party, Document: doc})
	}
	var ids []uuid.UUID
	for _, v := range list(in["assetIds"]) {
		s, _ := v.(string)
		id, err := uuid.Parse(s)
		if err != nil {
			return d, 0, kernel.FieldErrorf(kernel.CodeInvalid, "assetIds", "asset id %q is not a UUID", s)
		}
		if slices.Contains(ids, id) {
			return d, 0, kernel.FieldErrorf(kernel.CodeInvalid, "assetIds", "asset %s is named twice", id)
		}
		ids = append(ids, id)
	}
	d.Asset, err = m.assetFacts(ctx, call.Principal, ids, d.DisposalOf != uuid.Nil)
	return d, reserve, err
}

// assetFacts reads the assets from their aggregates (never from read models)
// and checks the caller may list them: all registered, one owning collective,
// one type; outside a disposal the caller is the owning collective and holds
// the right to transfer (NOT_RIGHT_HOLDER when the right is with a transferee,
// NOT_ENTRUSTED for a household's plot it was not entrusted with).
func (m mutations) assetFacts(ctx context.Context, p auth.Principal, ids []uuid.UUID, disposal bool) (listing.AssetFacts, error) {
	if len(ids) == 0 {
		return listing.AssetFacts{}, kernel.FieldErrorf(kernel.CodeInvalid, "assetIds", "at least one asset is required")
	}
	now := m.d.Clock.Now()
	a := listing.AssetFacts{AssetIDs: ids}
	for i, id := range ids {
		var s registry.State
		var restrictions []registry.Restriction
		var entrusted, held bool
		err := m.d.App.Assets.Inspect(ctx, id, func(st registry.State, _ uint64) {
			s = registry.State{Registered: st.Registered, Owner: st.Owner, Type: st.Type, Location: st.Location,
				Area: st.Area, RightsEnd: st.RightsEnd, Contractor: st.Contractor}
			restrictions = st.RestrictionsAt(now)
			entrusted = st.Entrustment != nil && st.Entrustment.Collective == p.Party
			held = st.Holder() == st.Owner || (st.Contractor != uuid.Nil && !st.HeldByTransferee())
		})
		switch {
		case err != nil:
			return a, err
		case !s.Registered:
			return a, kernel.FieldErrorf(kernel.CodeNotFound, "assetIds", "asset %s is not registered", id)
		case i == 0:
			a.Type, a.OwningCollective, a.RightsEnd = s.Type, s.Owner, s.RightsEnd
			a.Region = listing.Region{Province: s.Location.Province, County: s.Location.County, Township: s.Location.Township, Village: s.Location.Village}
		case s.Owner != a.OwningCollective || s.Type != a.Type:
			return a, kernel.FieldErrorf(kernel.CodeInvalid, "assetIds", "the assets of one listing belong to one collective and are of one type")
		}
		if !disposal {
			if p.Role != auth.RoleCollective || s.Owner != p.Party {
				return a, kernel.FieldErrorf(kernel.CodeForbidden, "assetIds", "a collective lists only its own assets")
			}
			if !held {
				return a, kernel.FieldErrorf(registry.CodeNotRightHolder, "assetIds", "the management right of asset %s is held by a transferee", id)
			}
			if s.Contractor != uuid.Nil && !entrusted {
				return a, kernel.FieldErrorf(registry.CodeNotEntrusted, "assetIds", "the household has not entrusted plot %s to this collective (rule 5)", id)
			}
		}
		a.Area += s.Area
		if !s.RightsEnd.IsZero() && (a.RightsEnd.IsZero() || s.RightsEnd.Before(a.RightsEnd)) {
			a.RightsEnd = s.RightsEnd
		}
		for _, r := range restrictions {
			a.Encumbrances = append(a.Encumbrances, listing.Encumbrance{RegistrationID: r.ID, SecuredParty: r.SecuredParty})
		}
	}
	return a, nil
}
