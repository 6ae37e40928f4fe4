package listings

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// FeedKind is what an auction feed event reports.
type FeedKind string

// Feed kinds, one per listing event the live board shows.
const (
	FeedSubscribed     FeedKind = "SUBSCRIBED"      // first: the auction as it stood when the subscription started
	FeedOpened         FeedKind = "OPENED"          // bidding opened
	FeedBid            FeedKind = "BID"             // an accepted bid, now leading
	FeedExtended       FeedKind = "EXTENDED"        // anti-sniping moved the close (rule 12)
	FeedClosed         FeedKind = "CLOSED"          // bidding ended, sold or not
	FeedPriorityWindow FeedKind = "PRIORITY_WINDOW" // members or the sitting lessee may match the winning price (rules 3, 28)
	FeedPriorityUsed   FeedKind = "PRIORITY_USED"   // a member or the sitting lessee took the award
	FeedAwarded        FeedKind = "AWARDED"         // the buyer is final
	FeedUnsold         FeedKind = "UNSOLD"          // no sale this round
	FeedSuspended      FeedKind = "SUSPENDED"       // halted on an objection
	FeedResumed        FeedKind = "RESUMED"         // continued; closesAt restated
)

// feedEvent is one item of the feed, already masked for its viewer.
type feedEvent struct {
	Kind         FeedKind
	Status       listing.Status // SUBSCRIBED only
	Position     uint64
	At           time.Time
	Seq          int
	BidderNumber int
	BidderID     any // string or nil (rule 14)
	Amount       kernel.Money
	ClosesAt     time.Time
	Previous     time.Time
	Sold         *bool
	Reason       string
	Via          listing.Via
}

var feedKindEnum = api.Enum("AuctionEventKind", "What happened on the live board.",
	FeedSubscribed, FeedOpened, FeedBid, FeedExtended, FeedClosed, FeedPriorityWindow, FeedPriorityUsed, FeedAwarded, FeedUnsold,
	FeedSuspended, FeedResumed)

var feedType = graphql.NewObject(graphql.ObjectConfig{
	Name: "AuctionEvent",
	Description: "One event of a listing's live auction. Bidder ids are null except for the exchange and " +
		"the bidder itself (rule 14); the reserve price never appears.",
	Fields: graphql.Fields{
		"kind": api.Field(api.NonNull(feedKindEnum), "", func(e feedEvent) any { return e.Kind }),
		"position": api.Field(api.Position, "The event's store position: send it as X-Nongjiao-After-Position to query the board as of this event. Null for SUBSCRIBED.",
			func(e feedEvent) any { return api.Nullable(e.Position) }),
		"status": api.Field(statusEnum, "SUBSCRIBED: the listing's status.", func(e feedEvent) any { return api.Nullable(e.Status) }),
		"at":     api.Field(api.NonNull(api.DateTime), "", func(e feedEvent) any { return e.At }),
		"seq":    api.Field(graphql.Int, "BID: the bid's number in the round; SUBSCRIBED: the bids so far.", func(e feedEvent) any { return api.Nullable(e.Seq) }),
		"bidderNumber": api.Field(graphql.Int, "BID: the bidder; SUBSCRIBED: the leader; CLOSED (sold), PRIORITY_USED, AWARDED: the buyer.",
			func(e feedEvent) any { return api.Nullable(e.BidderNumber) }),
		"bidderId": api.Field(graphql.ID, "As bidderNumber, for the exchange and the bidder itself only.", func(e feedEvent) any { return e.BidderID }),
		"amount":   api.Field(api.Money, "BID: the amount; SUBSCRIBED: the highest bid; CLOSED, PRIORITY_WINDOW, PRIORITY_USED, AWARDED: the price.", func(e feedEvent) any { return api.Nullable(e.Amount) }),
		"closesAt": api.Field(api.DateTime, "SUBSCRIBED, EXTENDED, RESUMED: the auction's close now; PRIORITY_WINDOW: the window's end; AWARDED: the payment deadline.",
			func(e feedEvent) any { return api.Nullable(e.ClosesAt) }),
		"previousClosesAt": api.Field(api.DateTime, "EXTENDED: the close before this extension.", func(e feedEvent) any { return api.Nullable(e.Previous) }),
		"sold": api.Field(graphql.Boolean, "CLOSED: whether there was a sale (false without bids or below the reserve).", func(e feedEvent) any {
			if e.Sold == nil {
				return nil
			}
			return *e.Sold
		}),
		"via":    api.Field(viaEnum, "AWARDED: how the buyer won.", func(e feedEvent) any { return api.Nullable(e.Via) }),
		"reason": api.Field(graphql.String, "UNSOLD, SUSPENDED: why.", func(e feedEvent) any { return api.Nullable(e.Reason) }),
	},
})

// feed adds the auctionFeed subscription: a SUBSCRIBED event with
// the auction as it stands, then every later event of the listing, masked for
// the subscriber: the hub subscription starts before the snapshot is taken and
// live events the snapshot already holds (by stream version) are skipped, so
// nothing is missed or repeated. The feed ends when the client unsubscribes or
// lags too far behind (the hub drops it: resubscribe).
func (a area) feed(b *api.Builder) {
	b.Subscription("auctionFeed", &graphql.Field{
		Type:        api.NonNull(feedType),
		Description: "A listing's live auction: a snapshot, then bids, extensions, the close, the priority window and the award.",
		Args:        graphql.FieldConfigArgument{"listingId": {Type: api.NonNull(graphql.ID)}},
		Subscribe: func(p graphql.ResolveParams) (any, error) {
			id, err := api.ID(p.Args, "listingId")
			if err != nil {
				return nil, err
			}
			v := viewer(api.Viewer(p.Context))
			ctx, cancel := context.WithCancel(p.Context)
			// Subscribe before the snapshot, so nothing falls between the two.
			events := a.Live.Subscribe(ctx, kernel.StreamName(listing.Decider.Category, id))
			first, version, err := a.snapshot(ctx, id, v)
			if err != nil {
				cancel()
				return nil, err
			}
			return api.Stream(ctx, cancel, func(send func(feedEvent) bool) {
				if !send(first) {
					return
				}
				for env := range events {
					if env.Version <= version {
						continue
					}
					if e, ok := feedOf(env, v); ok && !send(e) {
						return
					}
				}
			}), nil
		},
		Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source, nil },
	})
}

// snapshot is the SUBSCRIBED event: the listing's auction from its aggregate.
// It returns the stream version the snapshot stands at.
func (a area) snapshot(ctx context.Context, id uuid.UUID, v listing.Viewer) (feedEvent, uint64, error) {
	f := feedEvent{Kind: FeedSubscribed, At: a.Clock.Now()}
	var version uint64
	var seller uuid.UUID
	var announced bool
	err := a.App.Listings.Inspect(ctx, id, func(s listing.State, ver uint64) {
		seller, announced = s.Details.Seller, s.Announced()
		version = ver
		f.Status, f.Seq, f.ClosesAt = s.Status, s.BidCount, s.ClosesAt
		f.BidderNumber, f.Amount = s.Leader.BidderNumber, s.Leader.Amount
		if s.Leader.BidderNumber != 0 && v.Sees(s.Leader.BidderID) {
			f.BidderID = s.Leader.BidderID.String()
		}
	})
	if err != nil {
		return f, 0, err
	}
	if f.Status == listing.StatusNone || !a.sees(ctx, seller, f.Status, announced) { // one the caller may not see is as absent
		return f, 0, kernel.FieldErrorf(kernel.CodeNotFound, "listingId", "listing %s does not exist", id)
	}
	return f, version, nil
}

// feedOf maps a listing event to a feed event for viewer v; ok is false for
// events the live board does not show (the reserve price among them).
func feedOf(env readmodel.Envelope, v listing.Viewer) (feedEvent, bool) {
	f := feedEvent{Position: env.Position}
	mask := func(bidder uuid.UUID) any {
		if !v.Sees(bidder) {
			return nil
		}
		return bidder.String()
	}
	switch e := env.Event.(type) {
	case listing.BiddingOpened:
		f.Kind, f.At = FeedOpened, e.At
	case listing.BidPlaced:
		f.Kind, f.At, f.Seq, f.BidderNumber, f.BidderID, f.Amount = FeedBid, e.At, e.Seq, e.BidderNumber, mask(e.BidderID), e.Amount
	case listing.AuctionExtended:
		f.Kind, f.At, f.ClosesAt, f.Previous = FeedExtended, e.At, e.NewClose, e.PreviousClose
	case listing.AuctionClosed:
		f.Kind, f.At, f.Sold = FeedClosed, e.At, &e.Sold
		if e.Sold {
			f.BidderNumber, f.BidderID, f.Amount = e.WinnerNumber, mask(e.WinnerID), e.Price
		}
	case listing.PriorityWindowOpened:
		f.Kind, f.At, f.Amount, f.ClosesAt = FeedPriorityWindow, e.At, e.Price, e.Ends
	case listing.MemberPriorityExercised:
		f.Kind, f.At, f.BidderNumber, f.BidderID, f.Amount = FeedPriorityUsed, e.At, e.BidderNumber, mask(e.BidderID), e.Price
	case listing.LesseePriorityExercised:
		f.Kind, f.At, f.BidderNumber, f.BidderID, f.Amount = FeedPriorityUsed, e.At, e.BidderNumber, mask(e.BidderID), e.Price
	case listing.AwardConfirmed:
		f.Kind, f.At, f.BidderNumber, f.BidderID, f.Amount = FeedAwarded, e.At, e.BidderNumber, mask(e.BidderID), e.Price
		f.ClosesAt, f.Via = e.PaymentDue, e.Via
	case listing.ListingUnsold:
		f.Kind, f.At, f.Reason = FeedUnsold, e.At, e.Reason
	case listing.ListingSuspended:
		f.Kind, f.At, f.Reason = FeedSuspended, e.At, e.Reason
	case listing.ListingResumed:
		f.Kind, f.At, f.ClosesAt = FeedResumed, e.At, e.ClosesAt
	default:
		return f, false
	}
	return f, true
}
