package listing

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Events of the listing aggregate (category "listing"). Every event carries the
// listing id and At (UTC). Bidder ids are for the exchange: the public board
// shows bidder numbers only (see Viewer, BidHistory). ReservePriceSet is the only
// confidential event (see IsConfidential).

// ListingCreated: a draft listing with its public terms.
type ListingCreated struct {
	ListingID uuid.UUID
	Details   Details
	At        time.Time
}

// ReservePriceSet: the confidential reserve price (底价). Never show it on the public board.
type ReservePriceSet struct {
	ListingID    uuid.UUID
	ReservePrice kernel.Money
	At           time.Time
}

// ListingRevised: new public terms for a draft or rejected listing.
type ListingRevised struct {
	ListingID uuid.UUID
	Details   Details
	At        time.Time
}

// ListingSubmitted: sent for review with the members' resolution.
type ListingSubmitted struct {
	ListingID  uuid.UUID
	Resolution Resolution
	At         time.Time
}

// ListingApproved: the exchange approved and announced the listing.
type ListingApproved struct {
	ListingID        uuid.UUID
	AnnouncementEnds time.Time
	BiddingOpensAt   time.Time
	At               time.Time
}

// ListingRejected: the exchange refused the listing.
type ListingRejected struct {
	ListingID uuid.UUID
	Reason    string
	At        time.Time
}

// ListingWithdrawn: the seller withdrew the listing (final).
type ListingWithdrawn struct {
	ListingID uuid.UUID
	By        uuid.UUID
	Reason    string
	At        time.Time
}

// ListingSuspended: halted on an objection.
type ListingSuspended struct {
	ListingID uuid.UUID
	Reason    string
	At        time.Time
}

// ListingResumed: the suspension ended; the deadlines that were pending are
// restated with their new values (zero when not applicable).
type ListingResumed struct {
	ListingID        uuid.UUID
	AnnouncementEnds time.Time
	BiddingOpensAt   time.Time
	NegotiationEnds  time.Time
	OpensAt          time.Time
	FreeBiddingEnds  time.Time
	ClosesAt         time.Time
	At               time.Time
}

// BidderRegistered: a bidder registered and owes DepositDue.
type BidderRegistered struct {
	ListingID    uuid.UUID
	BidderID     uuid.UUID
	BidderNumber int
	IsMember     bool
	DepositDue   kernel.Money
	At           time.Time
}

// DepositConfirmed: the exchange holds the bidder's deposit.
type DepositConfirmed struct {
	ListingID    uuid.UUID
	BidderID     uuid.UUID
	BidderNumber int
	Amount       kernel.Money
	At           time.Time
}

// BidderQualified: the bidder may bid.
type BidderQualified struct {
	ListingID    uuid.UUID
	BidderID     uuid.UUID
	BidderNumber int
	At           time.Time
}

// BidderDisqualified: the bidder may not bid.
type BidderDisqualified struct {
	ListingID    uuid.UUID
	BidderID     uuid.UUID
	BidderNumber int
	Reason       string
	At           time.Time
}

// RegistrationClosed: the announcement ended with Qualified bidders.
type RegistrationClosed struct {
	ListingID         uuid.UUID
	Qualified         int
	Outcome           Outcome
	NegotiatingBidder uuid.UUID // for OutcomeNegotiation
	NegotiationEnds   time.Time // for OutcomeNegotiation
	At                time.Time
}

// AuctionScheduled: live bidding opens at OpensAt, the free-bidding period ends
// at FreeBiddingEnds and the timed round closes at ClosesAt.
type AuctionScheduled struct {
	ListingID       uuid.UUID
	OpensAt         time.Time
	FreeBiddingEnds time.Time
	ClosesAt        time.Time
	At              time.Time
}

// ListingUnsold: no sale in this round.
type ListingUnsold struct {
	ListingID uuid.UUID
	Reason    string
	At        time.Time
}

// BiddingOpened: the auction is live.
type BiddingOpened struct {
	ListingID uuid.UUID
	At        time.Time
}

// BidPlaced: an accepted bid; it leads. Seq numbers the listing's bids from 1.
type BidPlaced struct {
	ListingID    uuid.UUID
	BidderID     uuid.UUID
	BidderNumber int
	Amount       kernel.Money
	Seq          int
	At           time.Time
}

// AuctionExtended: a bid in the last minutes of the timed round restarted the
// countdown (rule 12): NewClose = the bid's time + the extension.
type AuctionExtended struct {
	ListingID     uuid.UUID
	PreviousClose time.Time
	NewClose      time.Time
	At            time.Time
}

// AuctionClosed: bidding ended. Sold is false without bids or below the reserve.
type AuctionClosed struct {
	ListingID    uuid.UUID
	Bids         int
	Sold         bool
	WinnerID     uuid.UUID
	WinnerNumber int
	Price        kernel.Money
	At           time.Time
}

// PriorityWindowOpened: the holders of Right (the zero value, stored before
// rights were named, is RightMember) may match the winning price until Ends.
type PriorityWindowOpened struct {
	ListingID uuid.UUID
	Right     Right
	Price     kernel.Money
	Ends      time.Time
	At        time.Time
}

// LesseePriorityExercised: the sitting lessee matched the winning price and takes the award (rule 28).
type LesseePriorityExercised struct {
	ListingID    uuid.UUID
	BidderID     uuid.UUID
	BidderNumber int
	Price        kernel.Money
	At           time.Time
}

// QuoteSubmitted: a sealed quote (rule 27), or a revision replacing the
// bidder's earlier one. Sealed: its amount reaches no read model, feed or
// API before QuotesOpened (see IsSealed).
type QuoteSubmitted struct {
	ListingID    uuid.UUID
	BidderID     uuid.UUID
	BidderNumber int
	Amount       kernel.Money
	Seq          int // 1 for the round's first quote, revisions included
	Revision     bool
	At           time.Time
}

// OpenedQuote is one bidder's final quote as published at the opening.
type OpenedQuote struct {
	BidderID     uuid.UUID
	BidderNumber int
	Amount       kernel.Money
	SubmittedAt  time.Time
	Seq          int
}

// QuotesOpened: the quote deadline passed and every final quote is published
// in rank order: highest first, the earlier final quote first on ties. It
// says nothing of the reserve price: AuctionClosed says only whether the
// first met it, as for a ladder auction.
type QuotesOpened struct {
	ListingID uuid.UUID
	Quotes    []OpenedQuote
	At        time.Time
}

// MemberPriorityExercised: a member matched the winning price and takes the award.
type MemberPriorityExercised struct {
	ListingID    uuid.UUID
	BidderID     uuid.UUID
	BidderNumber int
	Price        kernel.Money
	At           time.Time
}

// NegotiatedPriceAgreed: the only qualified bidder agreed the price.
type NegotiatedPriceAgreed struct {
	ListingID    uuid.UUID
	BidderID     uuid.UUID
	BidderNumber int
	Price        kernel.Money
	At           time.Time
}

// AwardConfirmed: the buyer is final and owes BalanceDue by PaymentDue.
type AwardConfirmed struct {
	ListingID      uuid.UUID
	BidderID       uuid.UUID
	BidderNumber   int
	Price          kernel.Money
	Via            Via
	DepositApplied kernel.Money
	BalanceDue     kernel.Money
	PaymentDue     time.Time
	At             time.Time
}

// ReleasedDeposit is one deposit in a DepositsReleased event.
type ReleasedDeposit struct {
	BidderID     uuid.UUID
	BidderNumber int
	Amount       kernel.Money
}

// DepositsReleased: these deposits must be refunded by Due.
type DepositsReleased struct {
	ListingID uuid.UUID
	Deposits  []ReleasedDeposit
	Due       time.Time
	At        time.Time
}

// DepositRefunded: the exchange paid a released deposit back.
type DepositRefunded struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
	Amount    kernel.Money
	Due       time.Time
	At        time.Time
}

// PaymentConfirmed: the buyer paid the balance.
type PaymentConfirmed struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
	Amount    kernel.Money
	At        time.Time
}

// DepositForfeited: the buyer missed the payment deadline (rule 13); the
// deposit goes To (the zero value, stored before destinations were named, is
// Details.ForfeitDestination).
type DepositForfeited struct {
	ListingID    uuid.UUID
	BidderID     uuid.UUID
	BidderNumber int
	Amount       kernel.Money
	To           ForfeitTo
	At           time.Time
}

// ContractSigned: the transfer contract was signed.
type ContractSigned struct {
	ListingID  uuid.UUID
	ContractID uuid.UUID
	BuyerID    uuid.UUID
	Price      kernel.Money
	At         time.Time
}

// CertificateIssued: the transaction certificate (交易鉴证书) was issued.
type CertificateIssued struct {
	ListingID uuid.UUID
	Number    string
	At        time.Time
}

// ListingArchived: the file is closed.
type ListingArchived struct {
	ListingID uuid.UUID
	At        time.Time
}

// ListingRelisted: a new round starts in draft; the bidders of the last round are cleared.
type ListingRelisted struct {
	ListingID uuid.UUID
	Round     int
	At        time.Time
}

// ListingEnded: the seller gave up an unsold listing.
type ListingEnded struct {
	ListingID uuid.UUID
	Reason    string
	At        time.Time
}

// EventType implements kernel.Event.
func (ListingCreated) EventType() string { return "listing.ListingCreated.v2" }

// EventType implements kernel.Event.
func (ReservePriceSet) EventType() string { return "listing.ReservePriceSet.v1" }

// EventType implements kernel.Event.
func (ListingRevised) EventType() string { return "listing.ListingRevised.v2" }

// EventType implements kernel.Event.
func (ListingSubmitted) EventType() string { return "listing.ListingSubmitted.v1" }

// EventType implements kernel.Event.
func (ListingApproved) EventType() string { return "listing.ListingApproved.v1" }

// EventType implements kernel.Event.
func (ListingRejected) EventType() string { return "listing.ListingRejected.v1" }

// EventType implements kernel.Event.
func (ListingWithdrawn) EventType() string { return "listing.ListingWithdrawn.v1" }

// EventType implements kernel.Event.
func (ListingSuspended) EventType() string { return "listing.ListingSuspended.v1" }

// EventType implements kernel.Event.
func (ListingResumed) EventType() string { return "listing.ListingResumed.v1" }

// EventType implements kernel.Event.
func (BidderRegistered) EventType() string { return "listing.BidderRegistered.v1" }

// EventType implements kernel.Event.
func (DepositConfirmed) EventType() string { return "listing.DepositConfirmed.v1" }

// EventType implements kernel.Event.
func (BidderQualified) EventType() string { return "listing.BidderQualified.v1" }

// EventType implements kernel.Event.
func (BidderDisqualified) EventType() string { return "listing.BidderDisqualified.v1" }

// EventType implements kernel.Event.
func (RegistrationClosed) EventType() string { return "listing.RegistrationClosed.v1" }

// EventType implements kernel.Event.
func (AuctionScheduled) EventType() string { return "listing.AuctionScheduled.v1" }

// EventType implements kernel.Event.
func (ListingUnsold) EventType() string { return "listing.ListingUnsold.v1" }

// EventType implements kernel.Event.
func (BiddingOpened) EventType() string { return "listing.BiddingOpened.v1" }

// EventType implements kernel.Event.
func (BidPlaced) EventType() string { return "listing.BidPlaced.v1" }

// EventType implements kernel.Event.
func (AuctionExtended) EventType() string { return "listing.AuctionExtended.v1" }

// EventType implements kernel.Event.
func (AuctionClosed) EventType() string { return "listing.AuctionClosed.v1" }

// EventType implements kernel.Event.
func (PriorityWindowOpened) EventType() string { return "listing.PriorityWindowOpened.v2" }

// EventType implements kernel.Event.
func (LesseePriorityExercised) EventType() string { return "listing.LesseePriorityExercised.v1" }

// EventType implements kernel.Event.
func (QuoteSubmitted) EventType() string { return "listing.QuoteSubmitted.v1" }

// EventType implements kernel.Event.
func (QuotesOpened) EventType() string { return "listing.QuotesOpened.v1" }

// EventType implements kernel.Event.
func (MemberPriorityExercised) EventType() string { return "listing.MemberPriorityExercised.v1" }

// EventType implements kernel.Event.
func (NegotiatedPriceAgreed) EventType() string { return "listing.NegotiatedPriceAgreed.v1" }

// EventType implements kernel.Event.
func (AwardConfirmed) EventType() string { return "listing.AwardConfirmed.v1" }

// EventType implements kernel.Event.
func (DepositsReleased) EventType() string { return "listing.DepositsReleased.v1" }

// EventType implements kernel.Event.
func (DepositRefunded) EventType() string { return "listing.DepositRefunded.v1" }

// EventType implements kernel.Event.
func (PaymentConfirmed) EventType() string { return "listing.PaymentConfirmed.v1" }

// EventType implements kernel.Event.
func (DepositForfeited) EventType() string { return "listing.DepositForfeited.v2" }

// EventType implements kernel.Event.
func (ContractSigned) EventType() string { return "listing.ContractSigned.v1" }

// EventType implements kernel.Event.
func (CertificateIssued) EventType() string { return "listing.CertificateIssued.v1" }

// EventType implements kernel.Event.
func (ListingArchived) EventType() string { return "listing.ListingArchived.v1" }

// EventType implements kernel.Event.
func (ListingRelisted) EventType() string { return "listing.ListingRelisted.v1" }

// EventType implements kernel.Event.
func (ListingEnded) EventType() string { return "listing.ListingEnded.v1" }

// RegisterEvents registers every listing event type with r.
func RegisterEvents(r *kernel.Registry) {
	r.Register(
		ListingCreated{},
		ReservePriceSet{},
		ListingRevised{},
		ListingSubmitted{},
		ListingApproved{},
		ListingRejected{},
		ListingWithdrawn{},
		ListingSuspended{},
		ListingResumed{},
		BidderRegistered{},
		DepositConfirmed{},
		BidderQualified{},
		BidderDisqualified{},
		RegistrationClosed{},
		AuctionScheduled{},
		ListingUnsold{},
		BiddingOpened{},
		BidPlaced{},
		AuctionExtended{},
		AuctionClosed{},
		PriorityWindowOpened{},
		MemberPriorityExercised{},
		NegotiatedPriceAgreed{},
		AwardConfirmed{},
		DepositsReleased{},
		DepositRefunded{},
		PaymentConfirmed{},
		DepositForfeited{},
		ContractSigned{},
		CertificateIssued{},
		ListingArchived{},
		ListingRelisted{},
		ListingEnded{},
		LesseePriorityExercised{},
		QuoteSubmitted{},
		QuotesOpened{},
	)
	// Version 2 of these events only added fields whose zero value keeps the
	// version 1 meaning, so their stored JSON reads as version 2 unchanged.
	for _, e := range []kernel.Event{ListingCreated{}, ListingRevised{}, PriorityWindowOpened{}, DepositForfeited{}} {
		kernel.RegisterRenamed(r, strings.TrimSuffix(e.EventType(), "2")+"1", e.EventType())
	}
}

// IsConfidential reports whether e must be kept from everyone but the exchange
// (the reserve price) or from everyone (a sealed quote, see IsSealed).
// Everything else may reach the public board once bidder ids are masked for
// the viewer.
func IsConfidential(e kernel.Event) bool {
	_, ok := e.(ReservePriceSet)
	return ok || IsSealed(e)
}

// IsSealed reports whether e is a sealed quote (rule 27), which no one, the
// exchange included, may read before the opening: read models and feeds
// record at most that a bidder quoted, never the amount; QuotesOpened
// publishes the amounts.
func IsSealed(e kernel.Event) bool {
	_, ok := e.(QuoteSubmitted)
	return ok
}
