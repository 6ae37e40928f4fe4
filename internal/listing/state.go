package listing

import (
	"bytes"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Status is where a listing is in its lifecycle (rule 10).
type Status string

// Listing statuses. docs/rules.md draws the state diagram (rule 10).
const (
	StatusNone             Status = ""                  // no events yet
	StatusDraft            Status = "DRAFT"             // created or relisted, editable
	StatusSubmitted        Status = "SUBMITTED"         // with the members' resolution, awaiting the exchange's review
	StatusRejected         Status = "REJECTED"          // the exchange refused it; revise and resubmit
	StatusAnnounced        Status = "ANNOUNCED"         // on the board; bidders register, pay deposits, get qualified
	StatusSuspended        Status = "SUSPENDED"         // halted on an objection; PrevStatus says where it resumes
	StatusNegotiating      Status = "NEGOTIATING"       // one qualified bidder: negotiated transfer at >= the listed price
	StatusAuctionScheduled Status = "AUCTION_SCHEDULED" // enough qualified bidders; bidding opens at OpensAt
	StatusAuctionOpen      Status = "AUCTION_OPEN"      // live bidding until ClosesAt
	StatusPriorityWindow   Status = "PRIORITY_WINDOW"   // awarded provisionally to a non-member; members may match (rule 3)
	StatusAwaitingPayment  Status = "AWAITING_PAYMENT"  // award confirmed; the buyer pays by PaymentDue (rule 13)
	StatusPaid             Status = "PAID"              // price received; the contract is next
	StatusContractSigned   Status = "CONTRACT_SIGNED"   // the transfer contract exists
	StatusCertified        Status = "CERTIFIED"         // transaction certificate (交易鉴证书) issued
	StatusArchived         Status = "ARCHIVED"          // closed file (final)
	StatusUnsold           Status = "UNSOLD"            // no sale this round: relist or end
	StatusEnded            Status = "ENDED"             // given up after no sale (final)
	StatusWithdrawn        Status = "WITHDRAWN"         // withdrawn by the seller before bidding (final)
)

// Outcome is what closing registration led to.
type Outcome string

// Registration outcomes (rule 10).
const (
	OutcomeUnsold      Outcome = "UNSOLD"      // no (or too few) qualified bidders
	OutcomeNegotiation Outcome = "NEGOTIATION" // exactly one qualified bidder
	OutcomeAuction     Outcome = "AUCTION"     // enough qualified bidders for live bidding
)

// Via says how the buyer won.
type Via string

// Award routes.
const (
	ViaAuction        Via = "AUCTION"         // highest bid at the close
	ViaMemberPriority Via = "MEMBER_PRIORITY" // a member matched the winning price (rule 3)
	ViaNegotiation    Via = "NEGOTIATION"     // the only qualified bidder agreed a price
	ViaSittingLessee  Via = "SITTING_LESSEE"  // the sitting lessee matched the winning price (rule 28)
	ViaRunnerUp       Via = "RUNNER_UP"       // offered to the runner-up at its own last bid after the buyer did not pay
)

// PriceBasis is what a listing's prices state (rule 25): its listed and
// starting price, increment, reserve and a percentage deposit are all in it.
type PriceBasis string

// Price bases. The zero value is BasisTotal (listings stored before bases existed).
const (
	BasisTotal         PriceBasis = "TOTAL"            // one price for the whole term
	BasisAnnualRent    PriceBasis = "ANNUAL_RENT"      // fen per year for the whole lot
	BasisRentPerMuYear PriceBasis = "RENT_PER_MU_YEAR" // fen per mu per year
)

// Rented reports whether prices in b are yearly rents, so that an award makes a
// lease with a rent schedule rather than a one-off price.
func (b PriceBasis) Rented() bool { return b == BasisAnnualRent || b == BasisRentPerMuYear }

func (b PriceBasis) valid() bool { return b == "" || b == BasisTotal || b.Rented() }

// Method is how a listing is sold when enough bidders qualify.
type Method string

// Sale methods. The zero value is MethodLadder.
const (
	MethodLadder Method = "LADDER" // live ladder bidding in whole increments (rules 11, 12)
	MethodSealed Method = "SEALED" // one-time sealed quotes opened together (rule 27)
)

// Right is a priority right to match the winning price under equal conditions.
type Right string

// Priority rights (rules 3 and 28).
const (
	RightMember        Right = "MEMBER"         // members of the owning collective (rule 3)
	RightSittingLessee Right = "SITTING_LESSEE" // the lessee of the let asset (rule 28)
)

// PriorityOrder says which priority right is offered first when both apply.
type PriorityOrder string

// Priority orders. The zero value is MembersFirst.
const (
	MembersFirst PriorityOrder = "MEMBERS_FIRST"
	LesseeFirst  PriorityOrder = "LESSEE_FIRST"
)

// rights returns the priority rights in the order o offers them.
func (o PriorityOrder) rights() []Right {
	if o == LesseeFirst {
		return []Right{RightSittingLessee, RightMember}
	}
	return []Right{RightMember, RightSittingLessee}
}

// Unpaid is what follows when the buyer does not pay in time (rule 13).
type Unpaid string

// Unpaid-winner rules. The zero value is UnpaidRelist.
const (
	UnpaidRelist   Unpaid = "RELIST"    // no sale this round: the seller relists or ends
	UnpaidRunnerUp Unpaid = "RUNNER_UP" // the lot is offered once to the runner-up at its own last bid
)

// ForfeitTo is who receives a forfeited deposit.
type ForfeitTo string

// Forfeited deposit destinations. The zero value means ForfeitRecovery for a
// disposal listing and ForfeitSeller otherwise (see Details.ForfeitDestination).
const (
	ForfeitSeller   ForfeitTo = "SELLER"   // the seller keeps it
	ForfeitRecovery ForfeitTo = "RECOVERY" // a disposal's deposit goes to the secured loans by rank
)

// Frequency is how often a lease made from a rent-basis award pays its rent.
// The values are the transfer context's payment frequencies.
type Frequency string

// Rent payment frequencies, in advance at the start of each period.
const (
	Annual     Frequency = "ANNUAL"
	SemiAnnual Frequency = "SEMI_ANNUAL"
	Quarterly  Frequency = "QUARTERLY"
	OneOff     Frequency = "ONE_OFF"
)

// Rent is how a lease made from a rent-basis award pays: Frequency (zero:
// Annual) and an optional StepUp of the yearly rent.
type Rent struct {
	Frequency Frequency
	StepUp    kernel.StepUp
}

// DepositState tracks one bidder's deposit.
type DepositState string

// Deposit states.
const (
	DepositStateDue       DepositState = "DUE"       // registered, not yet confirmed by the exchange
	DepositStateHeld      DepositState = "HELD"      // confirmed and held by the exchange
	DepositStateReleased  DepositState = "RELEASED"  // to be refunded (see State.Refunds)
	DepositStateApplied   DepositState = "APPLIED"   // the buyer's deposit counts toward the price
	DepositStateForfeited DepositState = "FORFEITED" // the buyer did not pay in time (rule 13)
)

// Region is the asset's location, province → county → township → village.
type Region struct {
	Province, County, Township, Village string
}

// Encumbrance is a registered collateral interest on the asset, as the
// collateral registry reports it.
type Encumbrance struct {
	RegistrationID uuid.UUID
	SecuredParty   uuid.UUID
}

// Consent is a secured party's written consent to the listing.
type Consent struct {
	RegistrationID uuid.UUID
	SecuredParty   uuid.UUID
	Document       string // reference of the signed consent
}

// AssetFacts is the snapshot of the asset(s) the rules need, taken from the
// registry (and the collateral registry) by the caller.
type AssetFacts struct {
	AssetIDs         []uuid.UUID
	Type             kernel.AssetType
	OwningCollective uuid.UUID
	Region           Region
	Area             kernel.Area
	RightsEnd        time.Time // zero when the right has no end date
	Encumbrances     []Encumbrance
	// SittingLessee is the lessee of the let asset whose priority to let again
	// stands (rule 28); uuid.Nil when there is none.
	SittingLessee uuid.UUID
}

// Resolution is the members' resolution approving the listing (rule 4).
type Resolution struct {
	Body     string // e.g. "villagers' assembly" or "villager representatives"
	VotesFor int
	Total    int
	Date     time.Time
}

// Details are the public terms of a listing: everything but the reserve price.
type Details struct {
	Title         string
	Description   string
	Seller        uuid.UUID // the owning collective, the holder of the right, or a secured party disposing of collateral
	Asset         AssetFacts
	ListedPrice   kernel.Money // 挂牌价
	StartingPrice kernel.Money // auction starting price, >= ListedPrice
	Increment     kernel.Money // bid increment
	TermMonths    int          // transfer term
	DisposalOf    uuid.UUID    // the encumbrance a secured party is disposing of; uuid.Nil otherwise
	Consents      []Consent
	// Basis is what the prices state (rule 25); zero: BasisTotal.
	Basis PriceBasis
	// Rent is how the lease of a rent-basis award pays; ignored for BasisTotal.
	Rent Rent
	// Deposit is a fixed deposit (rule 26) in the basis's money; zero: the
	// settings' percentage of the listed price.
	Deposit kernel.Money
	// Method is how the lot is sold among enough qualified bidders; zero: MethodLadder.
	Method Method
	// Revisable lets a sealed quote be revised until the quote deadline.
	Revisable bool
	// PriorityOrder orders the members' right and the sitting lessee's; zero: MembersFirst.
	PriorityOrder PriorityOrder
	// Unpaid is what follows an unpaid award; zero: UnpaidRelist.
	Unpaid Unpaid
	// ForfeitTo is who receives a forfeited deposit; zero: see ForfeitDestination.
	ForfeitTo ForfeitTo
	Settings  Settings
}

// ForfeitDestination returns who receives a forfeited deposit: ForfeitTo, or
// when unset the loans' recovery for a disposal and the seller otherwise.
func (d Details) ForfeitDestination() ForfeitTo {
	switch {
	case d.ForfeitTo != "":
		return d.ForfeitTo
	case d.DisposalOf != uuid.Nil:
		return ForfeitRecovery
	}
	return ForfeitSeller
}

// PriceBasis returns the basis the prices state, BasisTotal when unset.
func (d Details) PriceBasis() PriceBasis {
	if d.Basis == "" {
		return BasisTotal
	}
	return d.Basis
}

// Sealed reports whether the lot is sold by one-time sealed quotes.
func (d Details) Sealed() bool { return d.Method == MethodSealed }

// YearlyRent returns the first year's rent of the whole lot at price in the
// listing's basis: price itself for BasisAnnualRent, price × area for
// BasisRentPerMuYear (rounded to the fen), 0 for BasisTotal. It refuses a
// price whose rent overflows.
func (d Details) YearlyRent(price kernel.Money) (kernel.Money, error) {
	switch d.PriceBasis() {
	case BasisAnnualRent:
		return price, nil
	case BasisRentPerMuYear:
		if a := int64(d.Asset.Area); a > 100 && int64(price) > math.MaxInt64/a {
			return 0, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "%s per mu over %s mu is beyond the money range", price, d.Asset.Area)
		}
		return price.MulRatio(int64(d.Asset.Area), 100), nil
	}
	return 0, nil
}

// FirstPayment returns what the buyer pays through the exchange at price
// (rule 13; the deposit counts toward it): the whole price for BasisTotal, the
// first year's rent for a rent basis (pro rata by months for a term under a
// year), which the lease then counts as paid.
func (d Details) FirstPayment(price kernel.Money) (kernel.Money, error) {
	if !d.PriceBasis().Rented() {
		return price, nil
	}
	yearly, err := d.YearlyRent(price)
	return yearly.MulRatio(int64(min(d.TermMonths, 12)), 12), err
}

// TermTotal returns what price in the listing's basis comes to over the whole
// term (rule 25, shown on the board): price itself for BasisTotal; otherwise
// the sum of each year's rent (stepped up as Rent.StepUp says), a partial last year pro rata by
// months, each year rounded to the fen. It refuses a price whose total
// overflows.
func (d Details) TermTotal(price kernel.Money) (kernel.Money, error) {
	if !d.PriceBasis().Rented() {
		return price, nil
	}
	yearly, err := d.YearlyRent(price)
	if err != nil {
		return 0, err
	}
	var total kernel.Money
	for y, left := 0, d.TermMonths; left > 0; y, left = y+1, left-12 {
		rent, err := d.Rent.StepUp.Rent(yearly, y, math.MaxInt64)
		if err != nil {
			return 0, err
		}
		if total, err = total.Add(rent.MulRatio(int64(min(left, 12)), 12)); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// Settings are the local-practice numbers of one listing (rules 3, 4, 10–13).
// Start from DefaultSettings.
type Settings struct {
	DepositPercent                int64         // deposit as a percentage of the listed price, rounded up to the fen
	MinDepositPercent             int64         // the local rules' least deposit, as a percentage of the listed price (rule 26)
	QuoteWindow                   time.Duration // how long sealed quotes are taken after bidding opens (rule 27)
	MinAnnouncementWorkingDays    int           // shortest announcement
	MaxAnnouncementMonths         int           // longest announcement
	MinBidders                    int           // qualified bidders needed for an auction
	MinBiddersCollectiveOperating int           // the same for kernel.AssetCollectiveOperating
	FreeBidding                   time.Duration // free-bidding period after bidding opens
	TimedRound                    time.Duration // timed round after the free-bidding period
	Extension                     time.Duration // anti-sniping: a bid with less than this left restarts the countdown
	NegotiationWorkingDays        int           // time to agree a price with the only qualified bidder
	PriorityWindowWorkingDays     int           // members' priority window after the auction (rule 3)
	PaymentWorkingDays            int           // buyer's payment deadline (rule 13)
	RefundWorkingDays             int           // deposit refund deadline (rule 13)
	ResolutionNumerator           int           // rule 4 majority, numerator
	ResolutionDenominator         int           // rule 4 majority, denominator
}

// DefaultSettings returns the default local figures: 30 % deposit (never below
// 20 %, fixed deposits included), sealed quotes taken for 6 hours, 7 working days to
// 6 months of announcement, 2 bidders (3 for collective operating assets), a
// 30-minute free-bidding period and a 5-minute timed round with 5-minute
// extensions, 5 working days to negotiate with a single bidder, a
// 1-working-day member priority window, payment within 3 and
// refunds within 7 working days, and a 2/3 resolution. Working days are those of
// the calendar in force when a deadline is computed (State.Calendar).
func DefaultSettings() Settings {
	return Settings{
		DepositPercent:                30,
		MinDepositPercent:             20,
		QuoteWindow:                   6 * time.Hour,
		MinAnnouncementWorkingDays:    7,
		MaxAnnouncementMonths:         6,
		MinBidders:                    2,
		MinBiddersCollectiveOperating: 3,
		FreeBidding:                   30 * time.Minute,
		TimedRound:                    5 * time.Minute,
		Extension:                     5 * time.Minute,
		NegotiationWorkingDays:        5,
		PriorityWindowWorkingDays:     1,
		PaymentWorkingDays:            3,
		RefundWorkingDays:             7,
		ResolutionNumerator:           2,
		ResolutionDenominator:         3,
	}
}

// Bidder is one registered bidder of the current round.
type Bidder struct {
	ID           uuid.UUID
	Number       int  // 1, 2, … in registration order: the name on the public board
	IsMember     bool // member of the owning collective (rule 3)
	DepositDue   kernel.Money
	Deposit      kernel.Money // confirmed amount
	DepositState DepositState
	Qualified    bool
	Disqualified string // reason, when disqualified
}

// Bid is an accepted bid.
type Bid struct {
	BidderID     uuid.UUID
	BidderNumber int
	Amount       kernel.Money
	At           time.Time
}

// Quote is a bidder's final sealed quote; Seq orders quotes and revisions
// submitted at the same instant.
type Quote struct {
	BidderID     uuid.UUID
	BidderNumber int
	Amount       kernel.Money
	Seq          int
	At           time.Time
}

// Award is who buys, at what price, and by when they must pay.
type Award struct {
	BidderID       uuid.UUID
	BidderNumber   int
	Price          kernel.Money
	Via            Via
	DepositApplied kernel.Money
	BalanceDue     kernel.Money
	PaymentDue     time.Time
}

// Paid returns what the buyer pays through the exchange for the award: the
// deposit applied and the balance, which is the price for a total and the
// first year's rent for a rent basis (Details.FirstPayment).
func (a Award) Paid() kernel.Money { return a.DepositApplied + a.BalanceDue }

// Refund is a released deposit the exchange still has to pay back.
type Refund struct {
	Amount kernel.Money
	Due    time.Time
}

// State is a listing folded from its events. Read it, never modify it: Evolve
// shares slices and maps between successive states.
type State struct {
	ID           uuid.UUID
	Status       Status
	Round        int // 1 for the first announcement, +1 per relisting
	Details      Details
	ReservePrice kernel.Money // confidential (底价)
	Resolution   Resolution
	RejectReason string

	AnnouncementEnds time.Time // registration closes here
	BiddingOpensAt   time.Time // as announced

	Bidders []Bidder // registration order: Bidders[i].Number == i+1
	index   map[uuid.UUID]int

	NegotiatingBidder uuid.UUID
	NegotiationEnds   time.Time
	OpensAt           time.Time
	FreeBiddingEnds   time.Time
	ClosesAt          time.Time // moves forward only by anti-sniping extensions (and resumption)
	Leader            Bid       // zero when no bid
	BidCount          int

	PriorityEnds  time.Time // provisional award: Award holds the auction winner
	PriorityRight Right     // whose priority window is open
	Award         Award

	// RunnerUp is the last bid (or, sealed, the final quote) of the best
	// bidder other than the leader; zero when none.
	RunnerUp Bid
	// Quotes are the sealed quotes of the round by bidder, each bidder's
	// final one (rule 27). Sealed until QuotesOpened: never show them.
	Quotes     map[uuid.UUID]Quote
	QuoteCount int // quotes and revisions submitted this round

	PaidAt            time.Time
	ContractID        uuid.UUID
	CertificateNumber string

	PrevStatus    Status // while suspended
	SuspendedAt   time.Time
	SuspendReason string

	Refunds map[uuid.UUID]Refund // released deposits not yet refunded, by bidder

	// NoSale lists, in order, how each round that ended without a sale was
	// being sold: OutcomeUnsold (too few qualified bidders), OutcomeAuction (no
	// sale at auction, or the winner did not pay), OutcomeNegotiation (no price
	// agreed with the only qualified bidder, or that buyer did not pay). It
	// survives relisting.
	NoSale []Outcome

	// Calendar is the official working-day calendar in force when a command
	// is decided. It is no part of the listing's history: the application
	// sets it from the calendar context before each decision (the zero
	// Calendar knows weekends only), and every deadline counted with it is
	// recorded in the event that sets it, so replay never needs it and a
	// change to the calendar moves only deadlines computed afterwards.
	Calendar kernel.Calendar
}

// Announced reports whether a round of the listing was announced (Public).
func (s State) Announced() bool { return Announced(s.AnnouncementEnds, s.Round) }

// Bidder returns the registered bidder with id.
func (s State) Bidder(id uuid.UUID) (Bidder, bool) {
	i, ok := s.index[id]
	if !ok {
		return Bidder{}, false
	}
	return s.Bidders[i], true
}

// NextDue returns the time-driven command a scheduler must send and when: closing
// registration, ending a negotiation without agreement, opening bidding, closing the auction, closing the member priority
// window, or forfeiting an unpaid deposit. ok is false when nothing is due by
// time. Deposit refunds are not sent by a scheduler (money must move first):
// State.Refunds lists them with their due dates and NextRefundDue the first.
func (s State) NextDue() (cmd Command, at time.Time, ok bool) {
	id := s.ID
	switch s.Status {
	case StatusAnnounced:
		return CloseRegistration{ListingID: id}, s.AnnouncementEnds, true
	case StatusNegotiating:
		return CloseNegotiation{ListingID: id}, s.NegotiationEnds, true
	case StatusAuctionScheduled:
		return OpenBidding{ListingID: id}, s.OpensAt, true
	case StatusAuctionOpen:
		return CloseAuction{ListingID: id}, s.ClosesAt, true
	case StatusPriorityWindow:
		return ClosePriorityWindow{ListingID: id}, s.PriorityEnds, true
	case StatusAwaitingPayment:
		return ForfeitDeposit{ListingID: id}, s.Award.PaymentDue, true
	}
	return nil, time.Time{}, false
}

// NextRefundDue returns the released deposit whose refund is due first (ties
// by bidder id), for reminders: the exchange records the refund with
// RefundDeposit once the money has moved.
func (s State) NextRefundDue() (bidder uuid.UUID, r Refund, ok bool) {
	for id, x := range s.Refunds {
		if !ok || x.Due.Before(r.Due) || (x.Due.Equal(r.Due) && bytes.Compare(id[:], bidder[:]) < 0) {
			bidder, r, ok = id, x, true
		}
	}
	return bidder, r, ok
}

// Holds reports whether bidder b holds priority right r (rules 3 and 28).
func (s State) Holds(b Bidder, r Right) bool {
	switch r {
	case RightMember:
		return b.IsMember
	case RightSittingLessee:
		return s.Details.Asset.SittingLessee != uuid.Nil && b.ID == s.Details.Asset.SittingLessee
	}
	return false
}

// minBidders is the number of qualified bidders an auction needs.
func (s State) minBidders() int {
	if s.Details.Asset.Type == kernel.AssetCollectiveOperating {
		return s.Details.Settings.MinBiddersCollectiveOperating
	}
	return s.Details.Settings.MinBidders
}
