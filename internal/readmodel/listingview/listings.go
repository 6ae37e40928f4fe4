package listingview

import (
	"context"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/changes"
)

// listingProjection keeps the listing board, bidders, bids and trades.
type listingProjection struct{}

// NoClosingTime is the closing_at sort key of a listing without a closing
// time (drafts, submitted, rejected, withdrawn before announcement): the
// largest key, so such listings sort after every timed one in ascending order.
const NoClosingTime = int64(1<<63 - 1)

// Name implements readmodel.Projection.
func (listingProjection) Name() string { return "listingview.v1" }

// Version implements readmodel.Projection. 2: how a listing is sold and its
// sealed quotes; 3: bidders, bids and quotes clustered by their primary key
// on SQLite; 4: the deposit a bidder owes (deposit_due); 5: bids read from
// the listing's stream (last_bid_version), listing_bids gone.
func (listingProjection) Version() int { return 5 }

// Tables implements readmodel.Projection.
func (listingProjection) Tables() []string {
	return []string{"listing_listings", "listing_search", "listing_bidders", "listing_quotes", "listing_trades"}
}

// Schema implements readmodel.Projection. Times are BIGINT unix microseconds
// (NULL when not set), money BIGINT fen, areas BIGINT hundredths of a mu,
// booleans INTEGER 0/1.
//
// On SQLite, bidders and quotes are WITHOUT ROWID tables: their rows live in
// their primary key's B-tree, so a registration changes one page of the
// table instead of a row page and a key page. Each page a projector commit
// changes is written whole to the WAL.
//
// Bids have no table: a round's bid history is read from the listing's
// stream (Bids), up to the bid the row last counted (last_bid_version). A
// table of them clustered by listing cost every commit of a bid load a page
// of each listing bid on, plus the pages its splits rewrote: four times
// what the listing rows' updates cost, 1.2 times the log's own bytes over
// the load test (docs/performance.md, "direct writes, and bids read from the
// log").
func (listingProjection) Schema(d readmodel.Dialect) []string {
	clustered := ""
	if d == readmodel.SQLite {
		clustered = " WITHOUT ROWID"
	}
	return []string{
		`CREATE TABLE IF NOT EXISTS listing_listings (
			id TEXT PRIMARY KEY,
			round INTEGER NOT NULL,
			status TEXT NOT NULL,
			prev_status TEXT NOT NULL DEFAULT '',
			title TEXT NOT NULL,
			description TEXT NOT NULL,
			seller TEXT NOT NULL,
			asset_type TEXT NOT NULL,
			asset_ids TEXT NOT NULL,
			owning_collective TEXT NOT NULL,
			province TEXT NOT NULL,
			county TEXT NOT NULL,
			township TEXT NOT NULL,
			village TEXT NOT NULL,
			area BIGINT NOT NULL,
			listed_price BIGINT NOT NULL,
			starting_price BIGINT NOT NULL,
			increment BIGINT NOT NULL,
			term_months INTEGER NOT NULL,
			basis TEXT NOT NULL DEFAULT 'TOTAL',
			rent_frequency TEXT NOT NULL DEFAULT '',
			step_up_years INTEGER NOT NULL DEFAULT 0,
			step_up_percent INTEGER NOT NULL DEFAULT 0,
			fixed_deposit BIGINT NOT NULL DEFAULT 0,
			deposit_due BIGINT NOT NULL DEFAULT 0,
			method TEXT NOT NULL DEFAULT 'LADDER',
			revisable INTEGER NOT NULL DEFAULT 0,
			priority_order TEXT NOT NULL DEFAULT 'MEMBERS_FIRST',
			unpaid TEXT NOT NULL DEFAULT 'RELIST',
			forfeit_to TEXT NOT NULL DEFAULT 'SELLER',
			quote_count INTEGER NOT NULL DEFAULT 0,
			priority_right TEXT NOT NULL DEFAULT '',
			resolution_body TEXT NOT NULL DEFAULT '',
			votes_for INTEGER NOT NULL DEFAULT 0,
			votes_total INTEGER NOT NULL DEFAULT 0,
			reject_reason TEXT NOT NULL DEFAULT '',
			suspend_reason TEXT NOT NULL DEFAULT '',
			unsold_reason TEXT NOT NULL DEFAULT '',
			announcement_ends BIGINT,
			bidding_opens_at BIGINT,
			negotiation_ends BIGINT,
			opens_at BIGINT,
			free_bidding_ends BIGINT,
			auction_closes_at BIGINT,
			closing_at BIGINT NOT NULL,
			bidder_count INTEGER NOT NULL DEFAULT 0,
			highest_bid BIGINT NOT NULL DEFAULT 0,
			bid_count INTEGER NOT NULL DEFAULT 0,
			last_bid_version BIGINT NOT NULL DEFAULT 0,
			leader_id TEXT NOT NULL DEFAULT '',
			leader_number INTEGER NOT NULL DEFAULT 0,
			priority_ends BIGINT,
			winner_id TEXT NOT NULL DEFAULT '',
			winner_number INTEGER NOT NULL DEFAULT 0,
			award_price BIGINT NOT NULL DEFAULT 0,
			award_via TEXT NOT NULL DEFAULT '',
			balance_due BIGINT NOT NULL DEFAULT 0,
			payment_due BIGINT,
			contract_id TEXT NOT NULL DEFAULT '',
			certificate_number TEXT NOT NULL DEFAULT '',
			created_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL
		)`,
		// Keyset orders, alone and after the usual status filter.
		`CREATE INDEX IF NOT EXISTS listing_listings_closing ON listing_listings (closing_at, id)`,
		`CREATE INDEX IF NOT EXISTS listing_listings_price ON listing_listings (listed_price, id)`,
		`CREATE INDEX IF NOT EXISTS listing_listings_created ON listing_listings (created_at, id)`,
		`CREATE INDEX IF NOT EXISTS listing_listings_status_closing ON listing_listings (status, closing_at, id)`,
		`CREATE INDEX IF NOT EXISTS listing_listings_status_price ON listing_listings (status, listed_price, id)`,
		`CREATE INDEX IF NOT EXISTS listing_listings_status_created ON listing_listings (status, created_at, id)`,
		// Region and type filters: these indexes also hold the status and every
		// sort key, so the page's ids are found and sorted from the index alone.
		`CREATE INDEX IF NOT EXISTS listing_listings_region ON listing_listings
			(county, township, village, status, listed_price, closing_at, created_at, id)`,
		// The board's usual page: one township's listings in one status,
		// newest first, read as the first entries of this index.
		`CREATE INDEX IF NOT EXISTS listing_listings_township ON listing_listings (county, township, status, created_at, id)`,
		`CREATE INDEX IF NOT EXISTS listing_listings_type ON listing_listings
			(asset_type, status, listed_price, closing_at, created_at, id)`,
		`CREATE INDEX IF NOT EXISTS listing_listings_seller ON listing_listings (seller)`,
		// Free text lives in a narrow table of its own: a substring search scans
		// it without reading the wide board rows, then joins the few matches.
		`CREATE TABLE IF NOT EXISTS listing_search (
			id TEXT PRIMARY KEY,
			search_text TEXT NOT NULL
		)`,
		`CREATE TABLE IF NOT EXISTS listing_bidders (
			listing_id TEXT NOT NULL,
			round INTEGER NOT NULL,
			bidder_id TEXT NOT NULL,
			number INTEGER NOT NULL,
			is_member INTEGER NOT NULL,
			deposit_due BIGINT NOT NULL,
			deposit BIGINT NOT NULL DEFAULT 0,
			deposit_status TEXT NOT NULL,
			refund_due BIGINT,
			qualified INTEGER NOT NULL DEFAULT 0,
			disqualified_reason TEXT NOT NULL DEFAULT '',
			registered_at BIGINT NOT NULL,
			PRIMARY KEY (listing_id, round, bidder_id)
		)` + clustered,
		// No query looks bidders up by bidder alone, and an index on it put
		// every registration on a page of its own (bidder, then listing id:
		// random), a page write per event: databases made before drop it.
		`DROP INDEX IF EXISTS listing_bidders_bidder`,
		// Bids are read from the log: databases made before drop their table.
		`DROP TABLE IF EXISTS listing_bids`,
		// Sealed quotes, written only when they are opened (never before).
		`CREATE TABLE IF NOT EXISTS listing_quotes (
			listing_id TEXT NOT NULL,
			round INTEGER NOT NULL,
			rank INTEGER NOT NULL,
			bidder_id TEXT NOT NULL,
			bidder_number INTEGER NOT NULL,
			amount BIGINT NOT NULL,
			submitted_at BIGINT NOT NULL,
			PRIMARY KEY (listing_id, round, rank)
		)` + clustered,
		`CREATE TABLE IF NOT EXISTS listing_trades (
			listing_id TEXT NOT NULL,
			round INTEGER NOT NULL,
			title TEXT NOT NULL,
			seller TEXT NOT NULL,
			asset_type TEXT NOT NULL,
			county TEXT NOT NULL,
			township TEXT NOT NULL,
			village TEXT NOT NULL,
			buyer_id TEXT NOT NULL,
			buyer_number INTEGER NOT NULL,
			price BIGINT NOT NULL,
			basis TEXT NOT NULL DEFAULT 'TOTAL',
			via TEXT NOT NULL,
			deposit_applied BIGINT NOT NULL,
			balance_due BIGINT NOT NULL,
			payment_due BIGINT NOT NULL,
			status TEXT NOT NULL,
			contract_id TEXT NOT NULL DEFAULT '',
			certificate_number TEXT NOT NULL DEFAULT '',
			awarded_at BIGINT NOT NULL,
			paid_at BIGINT,
			updated_at BIGINT NOT NULL,
			PRIMARY KEY (listing_id, round)
		)`,
		`CREATE INDEX IF NOT EXISTS listing_trades_awarded ON listing_trades (awarded_at, listing_id, round)`,
		`CREATE INDEX IF NOT EXISTS listing_trades_buyer ON listing_trades (buyer_id, awarded_at)`,
		`CREATE INDEX IF NOT EXISTS listing_trades_seller ON listing_trades (seller, awarded_at)`,
	}
}

// TradeStatus is where a trade stands after the award.
type TradeStatus string

// Trade statuses: the listing's statuses after the award, plus FORFEITED for
// a buyer who did not pay in time.
const (
	TradeAwaitingPayment TradeStatus = "AWAITING_PAYMENT"
	TradePaid            TradeStatus = "PAID"
	TradeContractSigned  TradeStatus = "CONTRACT_SIGNED"
	TradeCertified       TradeStatus = "CERTIFIED"
	TradeArchived        TradeStatus = "ARCHIVED"
	TradeForfeited       TradeStatus = "FORFEITED"
)

// DepositRefunded is the read model's deposit status after listing.DepositRefunded:
// the released deposit was paid back.
const DepositRefunded listing.DepositState = "REFUNDED"

// Keys of the tables for result caches (package changes): the queries
// Depend on them, Apply names those each event changes.
const (
	// boardKey covers which listings exist and every column a Filter or a
	// Sort reads: a listings page's membership and order, and its count.
	boardKey changes.Key = "listingview.board"
	// tradesKey covers listing_trades.
	tradesKey changes.Key = "listingview.trades"
)

// listingKey covers one listing's row, bidders and bids: its stream's name.
func listingKey(id uuid.UUID) changes.Key {
	return changes.Key(kernel.StreamName(listing.Decider.Category, id))
}

// listingStreams begins the name of every listing's stream.
var listingStreams = listing.Decider.Category + "-"

// changed names what the listing event in env changes: its listing, and,
// unless it only moves the listing's bidders, bids, quote count or auction
// winner (no column a Filter or Sort reads, no trade), the board and the
// trades.
func changed(ctx context.Context, env readmodel.Envelope) {
	if !strings.HasPrefix(env.Stream, listingStreams) {
		return
	}
	switch env.Event.(type) {
	case listing.BidderRegistered, listing.DepositConfirmed, listing.BidderQualified, listing.BidderDisqualified,
		listing.BidPlaced, listing.QuoteSubmitted, listing.AuctionClosed, listing.DepositsReleased, listing.DepositRefunded:
		changes.Changed(ctx, changes.Key(env.Stream))
	default:
		changes.Changed(ctx, changes.Key(env.Stream), boardKey, tradesKey)
	}
}

// Apply implements readmodel.Projection.
func (listingProjection) Apply(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	changed(ctx, env)
	x := exec{ctx: ctx, tx: tx}
	switch e := env.Event.(type) {
	case listing.ListingCreated:
		x.create(e)
	case listing.ListingRevised:
		x.revise(e)
	case listing.ListingSubmitted:
		x.listing(e.ListingID, e.At, `status = 'SUBMITTED', resolution_body = $3, votes_for = $4, votes_total = $5, reject_reason = ''`,
			e.Resolution.Body, e.Resolution.VotesFor, e.Resolution.Total)
	case listing.ListingApproved:
		x.listing(e.ListingID, e.At, `status = 'ANNOUNCED', announcement_ends = $3, bidding_opens_at = $4, closing_at = $3`,
			readmodel.NullMicros(e.AnnouncementEnds), readmodel.NullMicros(e.BiddingOpensAt))
	case listing.ListingRejected:
		x.listing(e.ListingID, e.At, `status = 'REJECTED', reject_reason = $3`, e.Reason)
	case listing.ListingWithdrawn:
		x.listing(e.ListingID, e.At, `status = 'WITHDRAWN'`)
	case listing.ListingSuspended:
		x.listing(e.ListingID, e.At, `prev_status = status, status = 'SUSPENDED', suspend_reason = $3`, e.Reason)
	case listing.ListingResumed:
		x.resume(e)
	case listing.BidderRegistered:
		x.do(`INSERT INTO listing_bidders (listing_id, round, bidder_id, number, is_member, deposit_due, deposit_status, registered_at)
			VALUES ($1, (SELECT round FROM listing_listings WHERE id = $1), $2, $3, $4, $5, 'DUE', $6)`,
			e.ListingID, e.BidderID, e.BidderNumber, readmodel.Bool(e.IsMember), int64(e.DepositDue), readmodel.NullMicros(e.At))
		x.listing(e.ListingID, e.At, `bidder_count = bidder_count + 1`)
	case listing.DepositConfirmed:
		x.bidder(e.ListingID, e.BidderID, `deposit = $3, deposit_status = 'HELD'`, int64(e.Amount))
	case listing.BidderQualified:
		x.bidder(e.ListingID, e.BidderID, `qualified = 1`)
	case listing.BidderDisqualified:
		x.bidder(e.ListingID, e.BidderID, `qualified = 0, disqualified_reason = $3`, e.Reason)
	case listing.RegistrationClosed:
		if e.Outcome == listing.OutcomeNegotiation {
			x.listing(e.ListingID, e.At, `status = 'NEGOTIATING', negotiation_ends = $3`, readmodel.NullMicros(e.NegotiationEnds))
		}
	case listing.AuctionScheduled:
		x.listing(e.ListingID, e.At, `status = 'AUCTION_SCHEDULED', opens_at = $3, free_bidding_ends = $4, auction_closes_at = $5, closing_at = $5`,
			readmodel.NullMicros(e.OpensAt), readmodel.NullMicros(e.FreeBiddingEnds), readmodel.NullMicros(e.ClosesAt))
	case listing.ListingUnsold:
		x.listing(e.ListingID, e.At, `status = 'UNSOLD', unsold_reason = $3`, e.Reason)
	case listing.BiddingOpened:
		x.listing(e.ListingID, e.At, `status = 'AUCTION_OPEN'`)
	case listing.BidPlaced:
		x.listing(e.ListingID, e.At, `highest_bid = $3, bid_count = $4, leader_id = $5, leader_number = $6, last_bid_version = $7`,
			int64(e.Amount), e.Seq, e.BidderID, e.BidderNumber, int64(env.Version))
	case listing.AuctionExtended:
		x.listing(e.ListingID, e.At, `auction_closes_at = $3, closing_at = $3`, readmodel.NullMicros(e.NewClose))
	case listing.AuctionClosed:
		if e.Sold {
			x.listing(e.ListingID, e.At, `winner_id = $3, winner_number = $4, award_price = $5, award_via = 'AUCTION'`,
				e.WinnerID, e.WinnerNumber, int64(e.Price))
		}
	case listing.QuoteSubmitted:
		// Sealed (rule 27): only the count of quotes and revisions, never an amount or a bidder.
		x.listing(e.ListingID, e.At, `quote_count = $3`, e.Seq)
	case listing.QuotesOpened:
		for i, q := range e.Quotes {
			x.do(`INSERT INTO listing_quotes (listing_id, round, rank, bidder_id, bidder_number, amount, submitted_at)
				VALUES ($1, (SELECT round FROM listing_listings WHERE id = $1), $2, $3, $4, $5, $6)`,
				e.ListingID, i+1, q.BidderID, q.BidderNumber, int64(q.Amount), readmodel.NullMicros(q.SubmittedAt))
		}
		if len(e.Quotes) > 0 {
			q := e.Quotes[0]
			x.listing(e.ListingID, e.At, `highest_bid = $3, bid_count = $4, leader_id = $5, leader_number = $6`,
				int64(q.Amount), len(e.Quotes), q.BidderID, q.BidderNumber)
		}
	case listing.PriorityWindowOpened:
		right := e.Right
		if right == "" {
			right = listing.RightMember
		}
		x.listing(e.ListingID, e.At, `status = 'PRIORITY_WINDOW', priority_ends = $3, priority_right = $4`, readmodel.NullMicros(e.Ends), string(right))
	case listing.AwardConfirmed:
		x.award(e)

	case listing.DepositsReleased:
		for _, d := range e.Deposits {
			x.bidder(e.ListingID, d.BidderID, `deposit_status = 'RELEASED', refund_due = $3`, readmodel.NullMicros(e.Due))
		}
	case listing.DepositRefunded:
		x.do(`UPDATE listing_bidders SET deposit_status = $3 WHERE listing_id = $1 AND bidder_id = $2 AND deposit_status = 'RELEASED'`,
			e.ListingID, e.BidderID, string(DepositRefunded))
	case listing.PaymentConfirmed:
		x.bidder(e.ListingID, e.BidderID, `deposit_status = 'APPLIED'`)
		x.listing(e.ListingID, e.At, `status = 'PAID'`)
		x.trade(e.ListingID, e.At, TradeAwaitingPayment, `status = 'PAID', paid_at = $4`, readmodel.NullMicros(e.At))
	case listing.DepositForfeited:
		x.bidder(e.ListingID, e.BidderID, `deposit_status = 'FORFEITED'`)
		x.trade(e.ListingID, e.At, TradeAwaitingPayment, `status = 'FORFEITED'`)
	case listing.ContractSigned:
		x.listing(e.ListingID, e.At, `status = 'CONTRACT_SIGNED', contract_id = $3`, e.ContractID)
		x.trade(e.ListingID, e.At, TradePaid, `status = 'CONTRACT_SIGNED', contract_id = $4`, e.ContractID)
	case listing.CertificateIssued:
		x.listing(e.ListingID, e.At, `status = 'CERTIFIED', certificate_number = $3`, e.Number)
		x.trade(e.ListingID, e.At, TradeContractSigned, `status = 'CERTIFIED', certificate_number = $4`, e.Number)
	case listing.ListingArchived:
		x.listing(e.ListingID, e.At, `status = 'ARCHIVED'`)
		x.trade(e.ListingID, e.At, TradeCertified, `status = 'ARCHIVED'`)
	case listing.ListingRelisted:
		x.relist(e)
	case listing.ListingEnded:
		x.listing(e.ListingID, e.At, `status = 'ENDED'`)
	}
	return x.err
}

// exec runs a projection's statements, keeping the first error.
type exec struct {
	ctx context.Context
	tx  readmodel.Tx
	err error
}

func (x *exec) do(query string, args ...any) {
	if x.err == nil {
		_, x.err = x.tx.ExecContext(x.ctx, query, args...)
	}
}

// listing updates one listing row: set may use $3… for args; updated_at is
// set to at.
func (x *exec) listing(id uuid.UUID, at time.Time, set string, args ...any) {
	x.do(`UPDATE listing_listings SET `+set+`, updated_at = $2 WHERE id = $1`, append([]any{id, readmodel.NullMicros(at)}, args...)...)
}

// bidder updates the bidder's row of the listing's current round; set may use $3….
func (x *exec) bidder(listingID, bidderID uuid.UUID, set string, args ...any) {
	x.do(`UPDATE listing_bidders SET `+set+` WHERE listing_id = $1 AND bidder_id = $2
		AND round = (SELECT round FROM listing_listings WHERE id = $1)`, append([]any{listingID, bidderID}, args...)...)
}

// trade moves the listing's trade that is in status from; set may use $4….
func (x *exec) trade(listingID uuid.UUID, at time.Time, from TradeStatus, set string, args ...any) {
	x.do(`UPDATE listing_trades SET `+set+`, updated_at = $2 WHERE listing_id = $1 AND status = $3`,
		append([]any{listingID, readmodel.NullMicros(at), string(from)}, args...)...)
}

func (x *exec) create(e listing.ListingCreated) {
	d := e.Details
	a := d.Asset
	x.do(`INSERT INTO listing_listings (id, round, status, title, description, seller, asset_type, asset_ids,
			owning_collective, province, county, township, village, area, listed_price, starting_price, increment, term_months,
			closing_at, created_at, updated_at)
		VALUES ($1, 1, 'DRAFT', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)`,
		e.ListingID, d.Title, d.Description, d.Seller, string(a.Type), joinIDs(a.AssetIDs),
		a.OwningCollective, a.Region.Province, a.Region.County, a.Region.Township, a.Region.Village, a.Area.Hundredths(),
		int64(d.ListedPrice), int64(d.StartingPrice), int64(d.Increment), d.TermMonths, NoClosingTime, readmodel.NullMicros(e.At))
	x.sale(e.ListingID, e.At, d)
	x.do(`INSERT INTO listing_search (id, search_text) VALUES ($1, $2)`, e.ListingID, SearchText(d.Title, d.Description))
}

// sale records how the listing is sold (saleTerms).
func (x *exec) sale(id uuid.UUID, at time.Time, d listing.Details) {
	t := saleTerms(d)
	x.listing(id, at, `basis = $3, rent_frequency = $4, step_up_years = $5, step_up_percent = $6,
		fixed_deposit = $7, method = $8, revisable = $9, priority_order = $10, unpaid = $11, forfeit_to = $12, deposit_due = $13`,
		t.basis, t.rentFrequency, t.stepUpYears, t.stepUpPercent, t.fixedDeposit, t.method, t.revisable, t.priorityOrder, t.unpaid, t.forfeitTo,
		t.depositDue)
}

// saleCols are the columns of how a listing is sold.
type saleCols struct {
	basis, rentFrequency             string
	stepUpYears, stepUpPercent       int64
	fixedDeposit, depositDue         int64
	method                           string
	revisable                        int64
	priorityOrder, unpaid, forfeitTo string
}

// saleTerms returns how d's listing is sold (rules 25–28): the price basis,
// the lease's rent saleCols, the deposit (fixed, and what a bidder owes as the
// decider computes it), the method and the priority, unpaid and forfeit
// rules, defaults filled in.
func saleTerms(d listing.Details) saleCols {
	method, order, unpaid := d.Method, d.PriorityOrder, d.Unpaid
	if method == "" {
		method = listing.MethodLadder
	}
	if order == "" {
		order = listing.MembersFirst
	}
	if unpaid == "" {
		unpaid = listing.UnpaidRelist
	}
	freq := d.Rent.Frequency
	if freq == "" && d.PriceBasis().Rented() {
		freq = listing.Annual
	}
	return saleCols{basis: string(d.PriceBasis()), rentFrequency: string(freq),
		stepUpYears: int64(d.Rent.StepUp.EveryYears), stepUpPercent: int64(d.Rent.StepUp.Percent),
		fixedDeposit: int64(d.Deposit), depositDue: int64(d.DepositDue()), method: string(method),
		revisable: int64(readmodel.Bool(d.Revisable)), priorityOrder: string(order), unpaid: string(unpaid),
		forfeitTo: string(d.ForfeitDestination())}
}

func (x *exec) revise(e listing.ListingRevised) {
	d := e.Details
	a := d.Asset
	x.listing(e.ListingID, e.At, `status = 'DRAFT', title = $3, description = $4, seller = $5, asset_type = $6,
		asset_ids = $7, owning_collective = $8, province = $9, county = $10, township = $11, village = $12, area = $13,
		listed_price = $14, starting_price = $15, increment = $16, term_months = $17`,
		d.Title, d.Description, d.Seller, string(a.Type), joinIDs(a.AssetIDs),
		a.OwningCollective, a.Region.Province, a.Region.County, a.Region.Township, a.Region.Village, a.Area.Hundredths(),
		int64(d.ListedPrice), int64(d.StartingPrice), int64(d.Increment), d.TermMonths)
	x.sale(e.ListingID, e.At, d)
	x.do(`UPDATE listing_search SET search_text = $2 WHERE id = $1`, e.ListingID, SearchText(d.Title, d.Description))
}

// resume restores the status before the suspension and the restated deadlines
// (a zero deadline in the event keeps the old one).
func (x *exec) resume(e listing.ListingResumed) {
	x.listing(e.ListingID, e.At, `status = prev_status, prev_status = '', suspend_reason = '',
		announcement_ends = COALESCE($3, announcement_ends), bidding_opens_at = COALESCE($4, bidding_opens_at),
		negotiation_ends = COALESCE($5, negotiation_ends), opens_at = COALESCE($6, opens_at),
		free_bidding_ends = COALESCE($7, free_bidding_ends), auction_closes_at = COALESCE($8, auction_closes_at)`,
		readmodel.NullMicros(e.AnnouncementEnds), readmodel.NullMicros(e.BiddingOpensAt), readmodel.NullMicros(e.NegotiationEnds), readmodel.NullMicros(e.OpensAt),
		readmodel.NullMicros(e.FreeBiddingEnds), readmodel.NullMicros(e.ClosesAt))
	x.do(`UPDATE listing_listings SET closing_at = COALESCE(auction_closes_at, announcement_ends, $2) WHERE id = $1`,
		e.ListingID, NoClosingTime)
}

func (x *exec) award(e listing.AwardConfirmed) {
	x.listing(e.ListingID, e.At, `status = 'AWAITING_PAYMENT', winner_id = $3, winner_number = $4, award_price = $5,
		award_via = $6, balance_due = $7, payment_due = $8`,
		e.BidderID, e.BidderNumber, int64(e.Price), string(e.Via), int64(e.BalanceDue), readmodel.NullMicros(e.PaymentDue))
	x.do(`INSERT INTO listing_trades (listing_id, round, title, seller, asset_type, county, township, village, basis, buyer_id,
			buyer_number, price, via, deposit_applied, balance_due, payment_due, status, awarded_at, updated_at)
		SELECT id, round, title, seller, asset_type, county, township, village, basis, CAST($2 AS TEXT), CAST($3 AS INTEGER),
			CAST($4 AS BIGINT), CAST($5 AS TEXT), CAST($6 AS BIGINT), CAST($7 AS BIGINT), CAST($8 AS BIGINT), CAST($9 AS TEXT),
			CAST($10 AS BIGINT), CAST($10 AS BIGINT)
		FROM listing_listings WHERE id = $1`,
		e.ListingID, e.BidderID, e.BidderNumber, int64(e.Price), string(e.Via), int64(e.DepositApplied),
		int64(e.BalanceDue), readmodel.NullMicros(e.PaymentDue), string(TradeAwaitingPayment), readmodel.NullMicros(e.At))
}

// relist starts a new round in draft: the round's deadlines, bids and award
// are cleared (earlier rounds' bidders, bids and trades stay in their tables).
func (x *exec) relist(e listing.ListingRelisted) {
	x.listing(e.ListingID, e.At, `status = 'DRAFT', round = $3, resolution_body = '', votes_for = 0, votes_total = 0,
		reject_reason = '', suspend_reason = '', unsold_reason = '', announcement_ends = NULL, bidding_opens_at = NULL,
		negotiation_ends = NULL, opens_at = NULL, free_bidding_ends = NULL, auction_closes_at = NULL, closing_at = $4,
		bidder_count = 0, highest_bid = 0, bid_count = 0, last_bid_version = 0, leader_id = '', leader_number = 0, priority_ends = NULL,
		winner_id = '', winner_number = 0, award_price = 0, award_via = '', balance_due = 0, payment_due = NULL,
		quote_count = 0, priority_right = ''`,
		e.Round, NoClosingTime)
}

// SearchText is what the free-text filter matches: title and description,
// lower-cased (Unicode), so a search is a case-insensitive substring match on
// both backends; Chinese text matches as written.
func SearchText(title, description string) string {
	return strings.ToLower(title + "\n" + description)
}

func joinIDs(ids []uuid.UUID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = id.String()
	}
	return strings.Join(s, ",")
}
