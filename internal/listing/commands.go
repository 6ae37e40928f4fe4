package listing

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Command is an instruction to one listing. The caller supplies every id, the
// acting party where a rule depends on it, and the facts of other aggregates.
type Command interface {
	kernel.Command
	isListingCommand()
}

// CreateListing drafts a listing (rule 10) by Details.Seller. The reserve price
// is kept out of the public event.
type CreateListing struct {
	ListingID    uuid.UUID
	Details      Details
	ReservePrice kernel.Money // 底价; 0 for none
}

// ReviseListing replaces the terms of a draft or rejected listing.
type ReviseListing struct {
	ListingID    uuid.UUID
	Details      Details
	ReservePrice kernel.Money
}

// SubmitListing sends the listing to the exchange with the members' resolution
// (rule 4: required, with at least the settings' majority, when the seller is the
// owning collective).
type SubmitListing struct {
	ListingID  uuid.UUID
	Resolution Resolution
}

// ReviewListing is the exchange's decision. Approval announces the listing until
// AnnouncementEnds (registration closes then) and schedules bidding at
// BiddingOpensAt; rejection needs a reason.
type ReviewListing struct {
	ListingID        uuid.UUID
	Approve          bool
	Reason           string
	AnnouncementEnds time.Time
	BiddingOpensAt   time.Time
}

// WithdrawListing is the seller's withdrawal before bidding opens.
type WithdrawListing struct {
	ListingID uuid.UUID
	By        uuid.UUID
	Reason    string
}

// SuspendListing halts the listing on an objection.
type SuspendListing struct {
	ListingID uuid.UUID
	Reason    string
}

// ResumeListing ends a suspension; pending deadlines move later (see ListingResumed).
type ResumeListing struct {
	ListingID uuid.UUID
}

// RegisterBidder registers a bidder during the announcement; the bidder number
// is assigned in registration order.
type RegisterBidder struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
	IsMember  bool // member of the owning collective, as the collective's register says
}

// ConfirmDeposit is the exchange confirming a bidder's deposit.
type ConfirmDeposit struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
	Amount    kernel.Money
}

// QualifyBidder is the exchange's qualification decision; Qualified false
// disqualifies with Reason and releases a held deposit.
type QualifyBidder struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
	Qualified bool
	Reason    string
}

// CloseRegistration is time-driven, at AnnouncementEnds.
type CloseRegistration struct{ ListingID uuid.UUID }

// AgreeNegotiatedPrice records the price agreed with the only qualified bidder.
type AgreeNegotiatedPrice struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
	Price     kernel.Money
}

// CloseNegotiation is time-driven, at NegotiationEnds: no price was agreed.
type CloseNegotiation struct{ ListingID uuid.UUID }

// OpenBidding is time-driven, at OpensAt. A bid at or after OpensAt opens
// bidding as well, so a late scheduler never turns bidders away.
type OpenBidding struct{ ListingID uuid.UUID }

// PlaceBid is a bid by a qualified bidder (rules 11, 12).
type PlaceBid struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
	Amount    kernel.Money
}

// SubmitQuote is a qualified bidder's one-time sealed quote (rule 27), or its
// revision where the listing allows one, before ClosesAt.
type SubmitQuote struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
	Amount    kernel.Money
}

// CloseAuction is time-driven, at ClosesAt; on a sealed-quote listing it opens the quotes.
type CloseAuction struct{ ListingID uuid.UUID }

// ExerciseMemberPriority is a qualified member matching the winning price (rule 3).
type ExerciseMemberPriority struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
}

// ExerciseLesseePriority is the sitting lessee matching the winning price (rule 28).
type ExerciseLesseePriority struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
}

// ClosePriorityWindow is time-driven, at PriorityEnds.
type ClosePriorityWindow struct{ ListingID uuid.UUID }

// ConfirmPayment is the exchange confirming the buyer paid the balance.
type ConfirmPayment struct {
	ListingID uuid.UUID
	Amount    kernel.Money
}

// ForfeitDeposit is time-driven, at the payment deadline.
type ForfeitDeposit struct{ ListingID uuid.UUID }

// RefundDeposit records that a released deposit was paid back.
type RefundDeposit struct {
	ListingID uuid.UUID
	BidderID  uuid.UUID
}

// SignContract records the transfer contract (made by the transfer context).
type SignContract struct {
	ListingID  uuid.UUID
	ContractID uuid.UUID
}

// IssueCertificate records the transaction certificate (交易鉴证书).
type IssueCertificate struct {
	ListingID uuid.UUID
	Number    string
}

// Archive closes a certified listing's file.
type Archive struct{ ListingID uuid.UUID }

// Relist starts a new round of an unsold listing, back in draft.
type Relist struct{ ListingID uuid.UUID }

// EndListing gives up an unsold listing.
type EndListing struct {
	ListingID uuid.UUID
	Reason    string
}

// AggregateID returns the listing id.
func (c CreateListing) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c ReviseListing) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c SubmitListing) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c ReviewListing) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c WithdrawListing) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c SuspendListing) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c ResumeListing) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c RegisterBidder) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c ConfirmDeposit) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c QualifyBidder) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c CloseRegistration) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c AgreeNegotiatedPrice) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c CloseNegotiation) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c OpenBidding) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c PlaceBid) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c SubmitQuote) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c ExerciseLesseePriority) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c CloseAuction) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c ExerciseMemberPriority) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c ClosePriorityWindow) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c ConfirmPayment) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c ForfeitDeposit) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c RefundDeposit) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c SignContract) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c IssueCertificate) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c Archive) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c Relist) AggregateID() uuid.UUID { return c.ListingID }

// AggregateID returns the listing id.
func (c EndListing) AggregateID() uuid.UUID { return c.ListingID }

func (CreateListing) isListingCommand()          {}
func (ReviseListing) isListingCommand()          {}
func (SubmitListing) isListingCommand()          {}
func (ReviewListing) isListingCommand()          {}
func (WithdrawListing) isListingCommand()        {}
func (SuspendListing) isListingCommand()         {}
func (ResumeListing) isListingCommand()          {}
func (RegisterBidder) isListingCommand()         {}
func (ConfirmDeposit) isListingCommand()         {}
func (QualifyBidder) isListingCommand()          {}
func (CloseRegistration) isListingCommand()      {}
func (AgreeNegotiatedPrice) isListingCommand()   {}
func (CloseNegotiation) isListingCommand()       {}
func (OpenBidding) isListingCommand()            {}
func (PlaceBid) isListingCommand()               {}
func (CloseAuction) isListingCommand()           {}
func (SubmitQuote) isListingCommand()            {}
func (ExerciseLesseePriority) isListingCommand() {}
func (ExerciseMemberPriority) isListingCommand() {}
func (ClosePriorityWindow) isListingCommand()    {}
func (ConfirmPayment) isListingCommand()         {}
func (ForfeitDeposit) isListingCommand()         {}
func (RefundDeposit) isListingCommand()          {}
func (SignContract) isListingCommand()           {}
func (IssueCertificate) isListingCommand()       {}
func (Archive) isListingCommand()                {}
func (Relist) isListingCommand()                 {}
func (EndListing) isListingCommand()             {}

// Texts implements kernel.TextCommand.
func (c CreateListing) Texts() []kernel.Text { return c.Details.texts() }

// Texts implements kernel.TextCommand.
func (c ReviseListing) Texts() []kernel.Text { return c.Details.texts() }

func (d Details) texts() []kernel.Text {
	t := []kernel.Text{{Field: "title", Kind: kernel.Name, Value: d.Title}, {Field: "description", Kind: kernel.Description, Value: d.Description}}
	for _, c := range d.Consents {
		t = append(t, kernel.Text{Field: "consents.document", Kind: kernel.Reference, Value: c.Document})
	}
	return t
}

// Texts implements kernel.TextCommand.
func (c SubmitListing) Texts() []kernel.Text {
	return []kernel.Text{{Field: "resolution.body", Kind: kernel.Name, Value: c.Resolution.Body}}
}

// Texts implements kernel.TextCommand.
func (c ReviewListing) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }

// Texts implements kernel.TextCommand.
func (c WithdrawListing) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }

// Texts implements kernel.TextCommand.
func (c SuspendListing) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }

// Texts implements kernel.TextCommand.
func (c QualifyBidder) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }

// Texts implements kernel.TextCommand.
func (c EndListing) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }

// Texts implements kernel.TextCommand.
func (c IssueCertificate) Texts() []kernel.Text {
	return []kernel.Text{{Field: "number", Kind: kernel.Reference, Value: c.Number}}
}
