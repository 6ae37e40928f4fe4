package listingview

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Fold implements readmodel.Folder: a rebuild folds each listing's events
// into its rows in memory and writes every row once, instead of a statement
// or two per event.
func (listingProjection) Fold(d readmodel.Dialect) readmodel.Fold {
	return &fold{held: map[uuid.UUID]*folded{}, written: map[uuid.UUID]bool{},
		listings: readmodel.NewInserter(d, "listing_listings", boardColumns...),
		search:   readmodel.NewInserter(d, "listing_search", "id", "search_text"),
		bidders:  readmodel.NewInserter(d, "listing_bidders", bidderColumns...),
		quotes:   readmodel.NewInserter(d, "listing_quotes", quoteColumns...),
		trades:   readmodel.NewInserter(d, "listing_trades", tradeColumns...)}
}

// foldRows bounds the rows a fold holds in memory: past it, the fold writes
// every row it holds, and applies later events of those listings as Apply
// does. 2^17 rows are some 40,000 listings with their bidders, about 60 MB;
// holding every listing of a large replay instead made it slower and its
// heap larger (docs/performance.md, where the figures are measured).
var foldRows = 1 << 17

// fold is the listing board's readmodel.Fold. It holds the rows of the
// listings created since it last wrote its rows; the events of any other
// listing (one whose rows it wrote, or one never created) are applied to
// the tables as Apply does, so they change what Apply would change.
type fold struct {
	held    map[uuid.UUID]*folded
	written map[uuid.UUID]bool // listings whose rows are in the tables
	rows    int                // rows held

	listings, search, bidders, quotes, trades *readmodel.Inserter
}

// folded is one listing's rows: its board row and search text, and the
// bidders, quotes and trades of all its rounds.
type folded struct {
	row
	search  string
	bidders []bidder
	quotes  []quote
	trades  []trade
}

// row is a listing_listings row. Nullable times hold what
// readmodel.NullMicros gives (nil or int64).
type row struct {
	id                                                    string
	round                                                 int64
	status, prevStatus                                    string
	title, description, seller, assetType, assetIDs       string
	owningCollective, province, county, township, village string
	area, listedPrice, startingPrice, increment           int64
	termMonths                                            int64
	saleCols
	quoteCount                                                                          int64
	priorityRight, resolutionBody                                                       string
	votesFor, votesTotal                                                                int64
	rejectReason, suspendReason, unsoldReason                                           string
	announcementEnds, biddingOpensAt, negotiationEnds, opensAt, freeBiddingEnds, closes any
	closingAt                                                                           int64
	bidderCount, highestBid, bidCount, lastBidVersion                                   int64
	leaderID                                                                            string
	leaderNumber                                                                        int64
	priorityEnds                                                                        any
	winnerID                                                                            string
	winnerNumber, awardPrice                                                            int64
	awardVia                                                                            string
	balanceDue                                                                          int64
	paymentDue                                                                          any
	contractID, certificateNumber                                                       string
	createdAt, updatedAt                                                                int64
}

var boardColumns = []string{"id", "round", "status", "prev_status", "title", "description", "seller", "asset_type", "asset_ids",
	"owning_collective", "province", "county", "township", "village", "area", "listed_price", "starting_price", "increment", "term_months",
	"basis", "rent_frequency", "step_up_years", "step_up_percent", "fixed_deposit", "deposit_due", "method", "revisable",
	"priority_order", "unpaid", "forfeit_to", "quote_count", "priority_right", "resolution_body", "votes_for", "votes_total",
	"reject_reason", "suspend_reason", "unsold_reason", "announcement_ends", "bidding_opens_at", "negotiation_ends", "opens_at",
	"free_bidding_ends", "auction_closes_at", "closing_at", "bidder_count", "highest_bid", "bid_count", "last_bid_version", "leader_id", "leader_number",
	"priority_ends", "winner_id", "winner_number", "award_price", "award_via", "balance_due", "payment_due", "contract_id",
	"certificate_number", "created_at", "updated_at"}

// write queues r's values in boardColumns' order.
func (r *row) write(ctx context.Context, tx readmodel.Tx, in *readmodel.Inserter) error {
	return in.Add(ctx, tx, r.id, r.round, r.status, r.prevStatus, r.title, r.description, r.seller, r.assetType, r.assetIDs,
		r.owningCollective, r.province, r.county, r.township, r.village, r.area, r.listedPrice, r.startingPrice, r.increment, r.termMonths,
		r.basis, r.rentFrequency, r.stepUpYears, r.stepUpPercent, r.fixedDeposit, r.depositDue, r.method, r.revisable,
		r.priorityOrder, r.unpaid, r.forfeitTo, r.quoteCount, r.priorityRight, r.resolutionBody, r.votesFor, r.votesTotal,
		r.rejectReason, r.suspendReason, r.unsoldReason, r.announcementEnds, r.biddingOpensAt, r.negotiationEnds, r.opensAt,
		r.freeBiddingEnds, r.closes, r.closingAt, r.bidderCount, r.highestBid, r.bidCount, r.lastBidVersion, r.leaderID, r.leaderNumber,
		r.priorityEnds, r.winnerID, r.winnerNumber, r.awardPrice, r.awardVia, r.balanceDue, r.paymentDue, r.contractID,
		r.certificateNumber, r.createdAt, r.updatedAt)
}

// bidder is a listing_bidders row, less its listing.
type bidder struct {
	round               int64
	id                  string
	number, isMember    int64
	depositDue, deposit int64
	depositStatus       string
	refundDue           any
	qualified           int64
	disqualifiedReason  string
	registeredAt        int64
}

var bidderColumns = []string{"listing_id", "round", "bidder_id", "number", "is_member", "deposit_due", "deposit", "deposit_status",
	"refund_due", "qualified", "disqualified_reason", "registered_at"}

// quote is a listing_quotes row, less its listing.
type quote struct {
	round, rank         int64
	bidderID            string
	bidderNumber        int64
	amount, submittedAt int64
}

var quoteColumns = []string{"listing_id", "round", "rank", "bidder_id", "bidder_number", "amount", "submitted_at"}

// trade is a listing_trades row, less its listing.
type trade struct {
	round                                               int64
	title, seller, assetType, county, township, village string
	buyerID                                             string
	buyerNumber, price                                  int64
	basis, via                                          string
	depositApplied, balanceDue, paymentDue              int64
	status                                              TradeStatus
	contractID, certificateNumber                       string
	awardedAt                                           int64
	paidAt                                              any
	updatedAt                                           int64
}

var tradeColumns = []string{"listing_id", "round", "title", "seller", "asset_type", "county", "township", "village", "buyer_id",
	"buyer_number", "price", "basis", "via", "deposit_applied", "balance_due", "payment_due", "status", "contract_id",
	"certificate_number", "awarded_at", "paid_at", "updated_at"}

// Add implements readmodel.Fold.
func (f *fold) Add(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	held, err := f.fold(env)
	switch {
	case err != nil:
		return err
	case !held:
		return listingProjection{}.Apply(ctx, tx, env)
	case f.rows > foldRows:
		return f.Flush(ctx, tx)
	}
	return nil
}

// Flush implements readmodel.Fold: it writes every listing held, in the
// order of their ids (the tables' keys), and forgets them.
func (f *fold) Flush(ctx context.Context, tx readmodel.Tx) error {
	for _, id := range readmodel.SortedIDs(f.held) {
		if err := f.held[id].write(ctx, tx, f); err != nil {
			return err
		}
		f.written[id] = true
		delete(f.held, id)
	}
	f.rows = 0
	for _, in := range []*readmodel.Inserter{f.listings, f.search, f.bidders, f.quotes, f.trades} {
		if err := in.Flush(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// write queues b's rows in f's inserters, each table's in its key order
// (bids, quotes and trades are held in it; bidders in the order they
// registered), so that every row goes after the last row written.
func (b *folded) write(ctx context.Context, tx readmodel.Tx, f *fold) error {
	if err := b.row.write(ctx, tx, f.listings); err != nil {
		return err
	}
	if err := f.search.Add(ctx, tx, b.id, b.search); err != nil {
		return err
	}
	slices.SortFunc(b.bidders, func(x, y bidder) int { return cmp.Or(cmp.Compare(x.round, y.round), strings.Compare(x.id, y.id)) })
	for _, r := range b.bidders {
		if err := f.bidders.Add(ctx, tx, b.id, r.round, r.id, r.number, r.isMember, r.depositDue, r.deposit, r.depositStatus,
			r.refundDue, r.qualified, r.disqualifiedReason, r.registeredAt); err != nil {
			return err
		}
	}
	for _, r := range b.quotes {
		if err := f.quotes.Add(ctx, tx, b.id, r.round, r.rank, r.bidderID, r.bidderNumber, r.amount, r.submittedAt); err != nil {
			return err
		}
	}
	for _, r := range b.trades {
		if err := f.trades.Add(ctx, tx, b.id, r.round, r.title, r.seller, r.assetType, r.county, r.township, r.village, r.buyerID,
			r.buyerNumber, r.price, r.basis, r.via, r.depositApplied, r.balanceDue, r.paymentDue, string(r.status), r.contractID,
			r.certificateNumber, r.awardedAt, r.paidAt, r.updatedAt); err != nil {
			return err
		}
	}
	return nil
}

// fold folds env into the listing it is for and reports whether that
// listing is held; events Apply ignores count as held.
func (f *fold) fold(env readmodel.Envelope) (bool, error) {
	if e, ok := env.Event.(listing.ListingCreated); ok {
		return f.create(e)
	}
	id, ok := listingOf(env.Event)
	if !ok {
		return true, nil
	}
	b := f.held[id]
	if b == nil {
		return false, nil
	}
	rows := len(b.bidders) + len(b.quotes) + len(b.trades)
	err := b.apply(env)
	f.rows += len(b.bidders) + len(b.quotes) + len(b.trades) - rows
	return true, err
}

// create holds a new listing's rows, unless its rows were written (Apply
// then fails on the row already there).
func (f *fold) create(e listing.ListingCreated) (bool, error) {
	if f.written[e.ListingID] {
		return false, nil
	}
	if f.held[e.ListingID] != nil {
		return true, fmt.Errorf("listing %s created twice", e.ListingID)
	}
	at, err := notNull("created_at", e.At)
	if err != nil {
		return true, err
	}
	b := &folded{row: row{id: e.ListingID.String(), round: 1, status: "DRAFT", closingAt: NoClosingTime, createdAt: at}}
	b.details(e.Details)
	b.updatedAt = at
	f.held[e.ListingID] = b
	f.rows++
	return true, nil
}

// details sets the columns of d, and the search text.
func (b *folded) details(d listing.Details) {
	a := d.Asset
	b.title, b.description, b.seller, b.assetType, b.assetIDs = d.Title, d.Description, d.Seller.String(), string(a.Type), joinIDs(a.AssetIDs)
	b.owningCollective, b.province, b.county, b.township, b.village = a.OwningCollective.String(), a.Region.Province, a.Region.County, a.Region.Township, a.Region.Village
	b.area, b.listedPrice, b.startingPrice, b.increment = a.Area.Hundredths(), int64(d.ListedPrice), int64(d.StartingPrice), int64(d.Increment)
	b.termMonths = int64(d.TermMonths)
	b.saleCols = saleTerms(d)
	b.search = SearchText(d.Title, d.Description)
}

// notNull returns t as a NOT NULL column's microseconds, or the error the
// tables give Apply for the zero time.
func notNull(column string, t time.Time) (int64, error) {
	if t.IsZero() {
		return 0, fmt.Errorf("no time for %s, which cannot be NULL", column)
	}
	return t.UnixMicro(), nil
}

// touch sets the listing's updated_at, as every update of its row through
// Apply does.
func (b *folded) touch(at time.Time) error {
	v, err := notNull("listing_listings.updated_at", at)
	b.updatedAt = v
	return err
}

// apply folds env, an event of b's listing other than its creation, as Apply
// applies it.
func (b *folded) apply(env readmodel.Envelope) error {
	switch e := env.Event.(type) {
	case listing.ListingRevised:
		b.status = "DRAFT"
		b.details(e.Details)
		return b.touch(e.At)
	case listing.ListingSubmitted:
		b.status, b.resolutionBody, b.votesFor, b.votesTotal, b.rejectReason = "SUBMITTED", e.Resolution.Body, int64(e.Resolution.VotesFor), int64(e.Resolution.Total), ""
		return b.touch(e.At)
	case listing.ListingApproved:
		b.status, b.announcementEnds, b.biddingOpensAt = "ANNOUNCED", readmodel.NullMicros(e.AnnouncementEnds), readmodel.NullMicros(e.BiddingOpensAt)
		return b.closing(e.AnnouncementEnds, e.At)
	case listing.ListingRejected:
		b.status, b.rejectReason = "REJECTED", e.Reason
		return b.touch(e.At)
	case listing.ListingWithdrawn:
		b.status = "WITHDRAWN"
		return b.touch(e.At)
	case listing.ListingSuspended:
		b.prevStatus, b.status, b.suspendReason = b.status, "SUSPENDED", e.Reason
		return b.touch(e.At)
	case listing.ListingResumed:
		b.resume(e)
		return b.touch(e.At)
	case listing.BidderRegistered:
		return b.register(e)
	case listing.DepositConfirmed:
		b.bidder(e.BidderID, func(r *bidder) { r.deposit, r.depositStatus = int64(e.Amount), "HELD" })
	case listing.BidderQualified:
		b.bidder(e.BidderID, func(r *bidder) { r.qualified = 1 })
	case listing.BidderDisqualified:
		b.bidder(e.BidderID, func(r *bidder) { r.qualified, r.disqualifiedReason = 0, e.Reason })
	case listing.RegistrationClosed:
		if e.Outcome == listing.OutcomeNegotiation {
			b.status, b.negotiationEnds = "NEGOTIATING", readmodel.NullMicros(e.NegotiationEnds)
			return b.touch(e.At)
		}
	case listing.AuctionScheduled:
		b.status, b.opensAt, b.freeBiddingEnds, b.closes = "AUCTION_SCHEDULED", readmodel.NullMicros(e.OpensAt), readmodel.NullMicros(e.FreeBiddingEnds), readmodel.NullMicros(e.ClosesAt)
		return b.closing(e.ClosesAt, e.At)
	case listing.ListingUnsold:
		b.status, b.unsoldReason = "UNSOLD", e.Reason
		return b.touch(e.At)
	case listing.BiddingOpened:
		b.status = "AUCTION_OPEN"
		return b.touch(e.At)
	case listing.BidPlaced:
		b.lead(e.Amount, e.Seq, e.BidderID, e.BidderNumber)
		b.lastBidVersion = int64(env.Version)
		return b.touch(e.At)
	case listing.AuctionExtended:
		b.closes = readmodel.NullMicros(e.NewClose)
		return b.closing(e.NewClose, e.At)
	case listing.AuctionClosed:
		if e.Sold {
			b.winnerID, b.winnerNumber, b.awardPrice, b.awardVia = e.WinnerID.String(), int64(e.WinnerNumber), int64(e.Price), "AUCTION"
			return b.touch(e.At)
		}
	case listing.QuoteSubmitted:
		b.quoteCount = int64(e.Seq)
		return b.touch(e.At)
	case listing.QuotesOpened:
		return b.open(e)
	case listing.PriorityWindowOpened:
		right := e.Right
		if right == "" {
			right = listing.RightMember
		}
		b.status, b.priorityEnds, b.priorityRight = "PRIORITY_WINDOW", readmodel.NullMicros(e.Ends), string(right)
		return b.touch(e.At)
	case listing.AwardConfirmed:
		return b.award(e)
	case listing.DepositsReleased:
		for _, d := range e.Deposits {
			b.bidder(d.BidderID, func(r *bidder) { r.depositStatus, r.refundDue = "RELEASED", readmodel.NullMicros(e.Due) })
		}
	case listing.DepositRefunded:
		for i := range b.bidders { // in every round
			if r := &b.bidders[i]; r.id == e.BidderID.String() && r.depositStatus == "RELEASED" {
				r.depositStatus = string(DepositRefunded)
			}
		}
	case listing.PaymentConfirmed:
		b.bidder(e.BidderID, func(r *bidder) { r.depositStatus = "APPLIED" })
		b.status = "PAID"
		if err := b.touch(e.At); err != nil {
			return err
		}
		return b.trade(e.At, TradeAwaitingPayment, func(t *trade) { t.status, t.paidAt = TradePaid, readmodel.NullMicros(e.At) })
	case listing.DepositForfeited:
		b.bidder(e.BidderID, func(r *bidder) { r.depositStatus = "FORFEITED" })
		return b.trade(e.At, TradeAwaitingPayment, func(t *trade) { t.status = TradeForfeited })
	case listing.ContractSigned:
		b.status, b.contractID = "CONTRACT_SIGNED", e.ContractID.String()
		if err := b.touch(e.At); err != nil {
			return err
		}
		return b.trade(e.At, TradePaid, func(t *trade) { t.status, t.contractID = TradeContractSigned, e.ContractID.String() })
	case listing.CertificateIssued:
		b.status, b.certificateNumber = "CERTIFIED", e.Number
		if err := b.touch(e.At); err != nil {
			return err
		}
		return b.trade(e.At, TradeContractSigned, func(t *trade) { t.status, t.certificateNumber = TradeCertified, e.Number })
	case listing.ListingArchived:
		b.status = "ARCHIVED"
		if err := b.touch(e.At); err != nil {
			return err
		}
		return b.trade(e.At, TradeCertified, func(t *trade) { t.status = TradeArchived })
	case listing.ListingRelisted:
		b.relist(e.Round)
		return b.touch(e.At)
	case listing.ListingEnded:
		b.status = "ENDED"
		return b.touch(e.At)
	}
	return nil
}

// closing sets closing_at to t and updated_at to at.
func (b *folded) closing(t, at time.Time) error {
	v, err := notNull("listing_listings.closing_at", t)
	if err != nil {
		return err
	}
	b.closingAt = v
	return b.touch(at)
}

// resume restores the status before the suspension and the restated
// deadlines, as exec.resume does.
func (b *folded) resume(e listing.ListingResumed) {
	b.status, b.prevStatus, b.suspendReason = b.prevStatus, "", ""
	for _, d := range []struct {
		col *any
		t   time.Time
	}{{&b.announcementEnds, e.AnnouncementEnds}, {&b.biddingOpensAt, e.BiddingOpensAt}, {&b.negotiationEnds, e.NegotiationEnds},
		{&b.opensAt, e.OpensAt}, {&b.freeBiddingEnds, e.FreeBiddingEnds}, {&b.closes, e.ClosesAt}} {
		if !d.t.IsZero() {
			*d.col = d.t.UnixMicro()
		}
	}
	switch {
	case b.closes != nil:
		b.closingAt = b.closes.(int64)
	case b.announcementEnds != nil:
		b.closingAt = b.announcementEnds.(int64)
	default:
		b.closingAt = NoClosingTime
	}
}

// register adds a bidder to the current round.
func (b *folded) register(e listing.BidderRegistered) error {
	id := e.BidderID.String()
	for _, r := range b.bidders {
		if r.round == b.round && r.id == id {
			return fmt.Errorf("bidder %s registered twice in round %d", id, b.round)
		}
	}
	at, err := notNull("listing_bidders.registered_at", e.At)
	if err != nil {
		return err
	}
	b.bidders = append(b.bidders, bidder{round: b.round, id: id, number: int64(e.BidderNumber), isMember: int64(readmodel.Bool(e.IsMember)),
		depositDue: int64(e.DepositDue), depositStatus: "DUE", registeredAt: at})
	b.bidderCount++
	return b.touch(e.At)
}

// bidder changes the bidder's row of the current round, if there is one.
func (b *folded) bidder(id uuid.UUID, set func(*bidder)) {
	s := id.String()
	for i := range b.bidders {
		if r := &b.bidders[i]; r.round == b.round && r.id == s {
			set(r)
		}
	}
}

// lead records the leading bid or quote.
func (b *folded) lead(amount kernel.Money, count int, bidder uuid.UUID, number int) {
	b.highestBid, b.bidCount, b.leaderID, b.leaderNumber = int64(amount), int64(count), bidder.String(), int64(number)
}

// open records the opened quotes of the round.
func (b *folded) open(e listing.QuotesOpened) error {
	for i, q := range e.Quotes {
		at, err := notNull("listing_quotes.submitted_at", q.SubmittedAt)
		if err != nil {
			return err
		}
		b.quotes = append(b.quotes, quote{round: b.round, rank: int64(i + 1), bidderID: q.BidderID.String(), bidderNumber: int64(q.BidderNumber), amount: int64(q.Amount), submittedAt: at})
	}
	if len(e.Quotes) == 0 {
		return nil
	}
	q := e.Quotes[0]
	b.lead(q.Amount, len(e.Quotes), q.BidderID, q.BidderNumber)
	return b.touch(e.At)
}

// award records the award and the round's trade, as exec.award does.
func (b *folded) award(e listing.AwardConfirmed) error {
	b.status, b.winnerID, b.winnerNumber, b.awardPrice = "AWAITING_PAYMENT", e.BidderID.String(), int64(e.BidderNumber), int64(e.Price)
	b.awardVia, b.balanceDue, b.paymentDue = string(e.Via), int64(e.BalanceDue), readmodel.NullMicros(e.PaymentDue)
	if err := b.touch(e.At); err != nil {
		return err
	}
	for _, t := range b.trades {
		if t.round == b.round {
			return fmt.Errorf("round %d awarded twice", b.round)
		}
	}
	due, err := notNull("listing_trades.payment_due", e.PaymentDue)
	if err != nil {
		return err
	}
	at, err := notNull("listing_trades.awarded_at", e.At)
	if err != nil {
		return err
	}
	b.trades = append(b.trades, trade{round: b.round, title: b.title, seller: b.seller, assetType: b.assetType, county: b.county,
		township: b.township, village: b.village, buyerID: e.BidderID.String(), buyerNumber: int64(e.BidderNumber), price: int64(e.Price),
		basis: b.basis, via: string(e.Via), depositApplied: int64(e.DepositApplied), balanceDue: int64(e.BalanceDue), paymentDue: due,
		status: TradeAwaitingPayment, awardedAt: at, updatedAt: at})
	return nil
}

// trade changes the listing's trades in status from, and their updated_at
// to at, as exec.trade does.
func (b *folded) trade(at time.Time, from TradeStatus, set func(*trade)) error {
	for i := range b.trades {
		t := &b.trades[i]
		if t.status != from {
			continue
		}
		v, err := notNull("listing_trades.updated_at", at)
		if err != nil {
			return err
		}
		set(t)
		t.updatedAt = v
	}
	return nil
}

// relist starts round in draft, as exec.relist does.
func (b *folded) relist(round int) {
	r := &b.row
	r.status, r.round, r.resolutionBody, r.votesFor, r.votesTotal = "DRAFT", int64(round), "", 0, 0
	r.rejectReason, r.suspendReason, r.unsoldReason = "", "", ""
	r.announcementEnds, r.biddingOpensAt, r.negotiationEnds, r.opensAt, r.freeBiddingEnds, r.closes = nil, nil, nil, nil, nil, nil
	r.closingAt, r.bidderCount, r.highestBid, r.bidCount, r.leaderID, r.leaderNumber, r.priorityEnds = NoClosingTime, 0, 0, 0, "", 0, nil
	r.lastBidVersion = 0
	r.winnerID, r.winnerNumber, r.awardPrice, r.awardVia, r.balanceDue, r.paymentDue = "", 0, 0, "", 0, nil
	r.quoteCount, r.priorityRight = 0, ""
}

// listingOf returns the listing of an event Apply applies (other than
// ListingCreated); false for the events it ignores.
func listingOf(e kernel.Event) (uuid.UUID, bool) {
	switch e := e.(type) {
	case listing.ListingRevised:
		return e.ListingID, true
	case listing.ListingSubmitted:
		return e.ListingID, true
	case listing.ListingApproved:
		return e.ListingID, true
	case listing.ListingRejected:
		return e.ListingID, true
	case listing.ListingWithdrawn:
		return e.ListingID, true
	case listing.ListingSuspended:
		return e.ListingID, true
	case listing.ListingResumed:
		return e.ListingID, true
	case listing.BidderRegistered:
		return e.ListingID, true
	case listing.DepositConfirmed:
		return e.ListingID, true
	case listing.BidderQualified:
		return e.ListingID, true
	case listing.BidderDisqualified:
		return e.ListingID, true
	case listing.RegistrationClosed:
		return e.ListingID, true
	case listing.AuctionScheduled:
		return e.ListingID, true
	case listing.ListingUnsold:
		return e.ListingID, true
	case listing.BiddingOpened:
		return e.ListingID, true
	case listing.BidPlaced:
		return e.ListingID, true
	case listing.AuctionExtended:
		return e.ListingID, true
	case listing.AuctionClosed:
		return e.ListingID, true
	case listing.QuoteSubmitted:
		return e.ListingID, true
	case listing.QuotesOpened:
		return e.ListingID, true
	case listing.PriorityWindowOpened:
		return e.ListingID, true
	case listing.AwardConfirmed:
		return e.ListingID, true
	case listing.DepositsReleased:
		return e.ListingID, true
	case listing.DepositRefunded:
		return e.ListingID, true
	case listing.PaymentConfirmed:
		return e.ListingID, true
	case listing.DepositForfeited:
		return e.ListingID, true
	case listing.ContractSigned:
		return e.ListingID, true
	case listing.CertificateIssued:
		return e.ListingID, true
	case listing.ListingArchived:
		return e.ListingID, true
	case listing.ListingRelisted:
		return e.ListingID, true
	case listing.ListingEnded:
		return e.ListingID, true
	}
	return uuid.Nil, false
}
