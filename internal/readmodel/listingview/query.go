package listingview

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/changes"
)

// Listing is one row of the listing board. It has no reserve price.
type Listing struct {
	ID               uuid.UUID
	Round            int
	Status           listing.Status
	Title            string
	Description      string
	Seller           uuid.UUID
	AssetType        kernel.AssetType
	AssetIDs         []uuid.UUID
	OwningCollective uuid.UUID
	Region           listing.Region
	Area             kernel.Area
	ListedPrice      kernel.Money
	StartingPrice    kernel.Money
	Increment        kernel.Money
	TermMonths       int
	Sale             Sale
	Resolution       listing.Resolution // Body, VotesFor, Total; zero before submission
	RejectReason     string
	SuspendReason    string
	UnsoldReason     string
	AnnouncementEnds time.Time // registration closes then
	BiddingOpensAt   time.Time // as announced
	NegotiationEnds  time.Time
	OpensAt          time.Time
	FreeBiddingEnds  time.Time
	AuctionClosesAt  time.Time // moves with anti-sniping extensions
	ClosingAt        time.Time // the sort key: auction close, else registration close; zero when none
	BidderCount      int
	HighestBid       kernel.Money // zero without bids
	BidCount         int
	LastBidVersion   uint64    // the stream version of the round's bid numbered BidCount; 0 without bids (Bids reads up to it)
	Leader           BidderRef // zero without bids
	PriorityEnds     time.Time
	Award            Award // zero before an auction winner or award
	ContractID       uuid.UUID
	CertificateNo    string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Sale is how a listing is sold (rules 25–28), defaults filled in.
type Sale struct {
	Basis         listing.PriceBasis
	Rent          listing.Rent // Frequency empty for BasisTotal
	Deposit       kernel.Money // the fixed deposit; zero for a percentage
	DepositDue    kernel.Money // what a bidder deposits: listing.Details.DepositDue
	Method        listing.Method
	Revisable     bool
	PriorityOrder listing.PriorityOrder
	Unpaid        listing.Unpaid
	ForfeitTo     listing.ForfeitTo
	QuoteCount    int           // sealed quotes and revisions so far; never their amounts
	PriorityRight listing.Right // whose window is open, in PRIORITY_WINDOW
}

// TermTotal returns what price in the listing's basis comes to over its term
// (listing.Details.TermTotal); zero when it overflows, which the decider never accepts.
func (l Listing) TermTotal(price kernel.Money) kernel.Money {
	d := listing.Details{Basis: l.Sale.Basis, Rent: l.Sale.Rent, TermMonths: l.TermMonths, Asset: listing.AssetFacts{Area: l.Area}}
	total, err := d.TermTotal(price)
	if err != nil {
		return 0
	}
	return total
}

// Quote is a sealed quote as published at the opening (rule 27), in rank order.
type Quote struct {
	Bidder      BidderRef
	Rank        int // 1 for the highest, the earlier final quote first on ties
	Amount      kernel.Money
	SubmittedAt time.Time
}

// BidderRef names a bidder by id and number. Show the id only to viewers that
// listing.Viewer.Sees (rule 14); the number is public.
type BidderRef struct {
	ID     uuid.UUID
	Number int
}

// Award is the buyer and price: the auction winner once the auction closes,
// the confirmed buyer once the award is confirmed.
type Award struct {
	Buyer      BidderRef
	Price      kernel.Money
	Via        listing.Via // empty while provisional (priority window)
	BalanceDue kernel.Money
	PaymentDue time.Time
}

// Bidder is a registered bidder of one round.
type Bidder struct {
	BidderRef
	Round         int
	IsMember      bool
	DepositDue    kernel.Money
	Deposit       kernel.Money
	DepositStatus listing.DepositState // DUE, HELD, RELEASED, APPLIED, FORFEITED or REFUNDED
	RefundDue     time.Time
	Qualified     bool
	Disqualified  string
	RegisteredAt  time.Time
}

// Bid is one accepted bid.
type Bid struct {
	Bidder BidderRef
	Round  int
	Seq    int
	Amount kernel.Money
	At     time.Time
}

// Trade is an awarded listing through settlement.
type Trade struct {
	ListingID     uuid.UUID
	Round         int
	Title         string
	Seller        uuid.UUID
	AssetType     kernel.AssetType
	Region        listing.Region // county, township, village
	Buyer         BidderRef
	Price         kernel.Money
	Basis         listing.PriceBasis // what Price states (rule 25)
	Via           listing.Via
	DepositApply  kernel.Money
	BalanceDue    kernel.Money
	PaymentDue    time.Time
	Status        TradeStatus
	ContractID    uuid.UUID
	CertificateNo string
	AwardedAt     time.Time
	PaidAt        time.Time
	UpdatedAt     time.Time
}

// Filter selects listings; zero fields do not filter.
type Filter struct {
	// Viewer, when set, keeps to the listings it may see
	// (listing.Viewer.SeesListing); nil keeps every listing.
	Viewer                    *listing.Viewer
	Statuses                  []listing.Status
	AssetTypes                []kernel.AssetType
	Province, County          string
	Township, Village         string
	MinPrice, MaxPrice        kernel.Money // listed price, inclusive; 0 = unbounded
	MinArea, MaxArea          kernel.Area  // area, inclusive; 0 = unbounded
	ClosingFrom, ClosingUntil time.Time    // closing time, inclusive; zero = unbounded
	Text                      string       // substring of title or description, case-insensitive
	Seller                    uuid.UUID
	OwningCollective          uuid.UUID
}

// Sort orders listings; ties are broken by id in the same direction.
type Sort int

// Sort orders.
const (
	SortCreatedDesc Sort = iota // newest first (the default)
	SortCreatedAsc
	SortClosingAsc // soonest closing first; listings without a closing time last
	SortClosingDesc
	SortPriceAsc // listed price
	SortPriceDesc
)

// keyset returns the sort's order: its column, then the id.
func (s Sort) keyset() readmodel.Keyset {
	col, desc := "created_at", true
	switch s {
	case SortCreatedAsc:
		desc = false
	case SortClosingAsc:
		col, desc = "closing_at", false
	case SortClosingDesc:
		col = "closing_at"
	case SortPriceAsc:
		col, desc = "listed_price", false
	case SortPriceDesc:
		col = "listed_price"
	}
	return readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int(col), readmodel.ID("id")}, Desc: desc}
}

// value returns l's value in the sort's column.
func (s Sort) value(l Listing) int64 {
	switch s {
	case SortClosingAsc, SortClosingDesc:
		if l.ClosingAt.IsZero() {
			return NoClosingTime
		}
		return l.ClosingAt.UnixMicro()
	case SortPriceAsc, SortPriceDesc:
		return int64(l.ListedPrice)
	}
	return l.CreatedAt.UnixMicro()
}

// Cursor returns l's place in the Listings list in order s: the sort, its
// column's value and the id.
func (s Sort) Cursor(l Listing) readmodel.Cursor { return readmodel.CursorOf(int(s), s.value(l), l.ID) }

const listingColumns = `id, round, status, title, description, seller, asset_type, asset_ids, owning_collective,
	province, county, township, village, area, listed_price, starting_price, increment, term_months,
	basis, rent_frequency, step_up_years, step_up_percent, fixed_deposit, method, revisable, priority_order, unpaid,
	forfeit_to, quote_count, priority_right, deposit_due,
	resolution_body, votes_for, votes_total, reject_reason, suspend_reason, unsold_reason,
	announcement_ends, bidding_opens_at, negotiation_ends, opens_at, free_bidding_ends, auction_closes_at, closing_at,
	bidder_count, highest_bid, bid_count, last_bid_version, leader_id, leader_number, priority_ends,
	winner_id, winner_number, award_price, award_via, balance_due, payment_due, contract_id, certificate_number,
	created_at, updated_at`

// where builds the WHERE clause of f.
func (f Filter) where() readmodel.Where {
	var w readmodel.Where
	if v := f.Viewer; v != nil && !v.Exchange && !publicOnly(f.Statuses) {
		unannounced, args := readmodel.InList("status", texts(listing.Unannounced))
		seen := `(NOT ` + unannounced + ` AND (status <> ? OR ` + announced + `))`
		args = append(args, string(listing.StatusWithdrawn))
		if v.Party != uuid.Nil {
			seen, args = "("+seen+" OR seller = ?)", append(args, v.Party)
		}
		w.Add(seen, args...)
	}
	if len(f.Statuses) > 0 {
		w.In("status", texts(f.Statuses))
	}
	if len(f.AssetTypes) > 0 {
		w.In("asset_type", texts(f.AssetTypes))
	}
	for _, c := range []struct{ col, val string }{
		{"province", f.Province}, {"county", f.County}, {"township", f.Township}, {"village", f.Village},
	} {
		if c.val != "" {
			w.Add(c.col+" = ?", c.val)
		}
	}
	if f.MinPrice > 0 {
		w.Add("listed_price >= ?", int64(f.MinPrice))
	}
	if f.MaxPrice > 0 {
		w.Add("listed_price <= ?", int64(f.MaxPrice))
	}
	if f.MinArea > 0 {
		w.Add("area >= ?", int64(f.MinArea))
	}
	if f.MaxArea > 0 {
		w.Add("area <= ?", int64(f.MaxArea))
	}
	if !f.ClosingFrom.IsZero() {
		w.Add("closing_at >= ?", f.ClosingFrom.UnixMicro())
	}
	if !f.ClosingUntil.IsZero() {
		w.Add("closing_at <= ?", f.ClosingUntil.UnixMicro())
	}
	if f.Text != "" {
		w.Add(`id IN (SELECT id FROM listing_search WHERE search_text LIKE ? ESCAPE '\')`, "%"+escapeLike(strings.ToLower(f.Text))+"%")
	}
	if f.Seller != uuid.Nil {
		w.Add("seller = ?", f.Seller)
	}
	if f.OwningCollective != uuid.Nil {
		w.Add("owning_collective = ?", f.OwningCollective)
	}
	return w
}

// announced is listing.Announced in SQL.
const announced = `announcement_ends IS NOT NULL OR round > 1`

// Announced reports whether a round of l was announced (listing.Announced).
func (l *Listing) Announced() bool { return listing.Announced(l.AnnouncementEnds, l.Round) }

// publicOnly reports whether statuses keep to listings everyone sees, so
// that a viewer's filter need not look further than them (and a query can
// still be answered from an index of status and its sort column alone).
func publicOnly(statuses []listing.Status) bool {
	if len(statuses) == 0 {
		return false
	}
	for _, s := range statuses {
		if !listing.Public(s, false) {
			return false
		}
	}
	return true
}

// texts turns string-typed values into an IN list.
func texts[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// escapeLike makes s match literally inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Listings returns the page p of the listings f selects, in order s, with
// cursors made by s.Cursor. Total is not counted (CountListings counts).
func Listings(ctx context.Context, db *readmodel.DB, f Filter, s Sort, p readmodel.Page) (readmodel.Result[Listing], error) {
	return listings(ctx, db, f, s, p, listingColumns, scanListing)
}

// cardColumns are the columns of a listing's card on the board (Cards).
const cardColumns = `id, round, status, title, asset_type, province, county, township, village, area,
	listed_price, starting_price, increment, closing_at, bidder_count, highest_bid, bid_count, leader_id, leader_number,
	created_at, updated_at`

// Cards is Listings reading only what a card on the board shows: each
// Listing has its ID, Round, Status, Title, AssetType, Region, Area,
// ListedPrice, StartingPrice, Increment, ClosingAt, BidderCount, HighestBid,
// BidCount, Leader, CreatedAt and UpdatedAt, and every other field zero. It
// reads a third of the columns, the long description and the sale terms
// among those it leaves.
func Cards(ctx context.Context, db *readmodel.DB, f Filter, s Sort, p readmodel.Page) (readmodel.Result[Listing], error) {
	return listings(ctx, db, f, s, p, cardColumns, new(cardScanner).scan)
}

// pageQuery returns the statement reading columns of page p of the
// listings f selects in order s, and its arguments. It is a deferred join:
// the page's ids are chosen from the indexes (filter and sort columns), then
// only those rows are read, so a filter matching thousands of listings sorts
// index entries, not board rows. The rows are read by joining the page's
// ids in their order, which SQLite keeps without sorting the page's rows
// again (as an IN list of the ids made it do).
func pageQuery(f Filter, s Sort, p readmodel.Page, columns string) (string, []any, error) {
	w := f.where()
	if p.After != nil {
		if len(p.After) == 0 || p.After[0] != strconv.Itoa(int(s)) {
			return "", nil, kernel.FieldErrorf(kernel.CodeInvalid, "after", "after is not a cursor of this sort order")
		}
		if err := s.keyset().After(&w, p.After[1:]); err != nil {
			return "", nil, err
		}
	}
	args := append(w.Args(), p.Limit())
	k := s.keyset()
	dir := " ASC"
	if k.Desc {
		dir = " DESC"
	}
	return fmt.Sprintf("SELECT %s FROM (SELECT %s AS page_key, id AS page_id FROM listing_listings%s ORDER BY %s LIMIT $%d) AS page"+
		" JOIN listing_listings ON id = page_id ORDER BY page_key%s, page_id%s",
		columns, k.Columns[0].Name, w.String(), k.OrderBy(), len(args), dir, dir), args, nil
}

func listings(ctx context.Context, db *readmodel.DB, f Filter, s Sort, p readmodel.Page,
	columns string, scan func(readmodel.Scanner) (Listing, error)) (readmodel.Result[Listing], error) {
	ctx = changes.Depend(ctx, boardKey) // which rows, in which order; each row's content is its listing's key
	q, args, err := pageQuery(f, s, p, columns)
	if err != nil {
		return readmodel.Result[Listing]{}, err
	}
	rows, err := readmodel.CollectAtMost(ctx, db, p.Limit(), scan, q, args...)
	if err != nil {
		return readmodel.Result[Listing]{}, fmt.Errorf("listingview: listings: %w", err)
	}
	res := readmodel.Cut(rows, p, 0)
	for _, l := range res.Rows {
		changes.Depend(ctx, listingKey(l.ID))
	}
	return res, nil
}

// CountListings returns how many listings match f.
func CountListings(ctx context.Context, db *readmodel.DB, f Filter) (int, error) {
	ctx = changes.Depend(ctx, boardKey)
	w := f.where()
	n, err := readmodel.Count(ctx, db, "listing_listings", &w)
	if err != nil {
		return 0, fmt.Errorf("listingview: count listings: %w", err)
	}
	return n, nil
}

// ListingByID returns one listing; ok is false when there is none.
func ListingByID(ctx context.Context, db *readmodel.DB, id uuid.UUID) (l Listing, ok bool, err error) {
	ctx = changes.Depend(ctx, listingKey(id))
	row := db.QueryRowContext(ctx, "SELECT "+listingColumns+" FROM listing_listings WHERE id = $1", id)
	l, err = scanListing(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Listing{}, false, nil
	}
	return l, err == nil, err
}

func scanListing(r readmodel.Scanner) (Listing, error) {
	var (
		l                                                   Listing
		status, assetType, assetIDs, leaderID, winnerID     string
		via, contractID                                     string
		area, listed, starting, incr, highest, award, owing int64
		closing                                             int64
		annEnds, bidOpens, negEnds, opens, freeEnds, closes sql.NullInt64
		prioEnds, payDue                                    sql.NullInt64
		created, updated                                    int64
		basis, freq, method, order, unpaid, forfeit, right  string
		fixed, due                                          int64
		revisable                                           int
	)
	err := r.Scan(&l.ID, &l.Round, &status, &l.Title, &l.Description, &l.Seller, &assetType, &assetIDs, &l.OwningCollective,
		&l.Region.Province, &l.Region.County, &l.Region.Township, &l.Region.Village, &area, &listed, &starting, &incr, &l.TermMonths,
		&basis, &freq, &l.Sale.Rent.StepUp.EveryYears, &l.Sale.Rent.StepUp.Percent, &fixed, &method, &revisable, &order, &unpaid,
		&forfeit, &l.Sale.QuoteCount, &right, &due,
		&l.Resolution.Body, &l.Resolution.VotesFor, &l.Resolution.Total, &l.RejectReason, &l.SuspendReason, &l.UnsoldReason,
		&annEnds, &bidOpens, &negEnds, &opens, &freeEnds, &closes, &closing,
		&l.BidderCount, &highest, &l.BidCount, &l.LastBidVersion, &leaderID, &l.Leader.Number, &prioEnds,
		&winnerID, &l.Award.Buyer.Number, &award, &via, &owing, &payDue, &contractID, &l.CertificateNo,
		&created, &updated)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Listing{}, err
		}
		return Listing{}, fmt.Errorf("listingview: scan listing: %w", err)
	}
	l.Status, l.AssetType, l.ClosingAt = listing.Status(status), kernel.AssetType(assetType), closingTime(closing)
	l.Sale.Basis, l.Sale.Rent.Frequency, l.Sale.Deposit, l.Sale.Method = listing.PriceBasis(basis), listing.Frequency(freq), kernel.Money(fixed), listing.Method(method)
	l.Sale.DepositDue = kernel.Money(due)
	l.Sale.Revisable, l.Sale.PriorityOrder, l.Sale.Unpaid = revisable == 1, listing.PriorityOrder(order), listing.Unpaid(unpaid)
	l.Sale.ForfeitTo, l.Sale.PriorityRight = listing.ForfeitTo(forfeit), listing.Right(right)
	l.AssetIDs = splitIDs(assetIDs)
	l.Area, l.ListedPrice, l.StartingPrice, l.Increment = kernel.Area(area), kernel.Money(listed), kernel.Money(starting), kernel.Money(incr)
	l.AnnouncementEnds, l.BiddingOpensAt, l.NegotiationEnds = readmodel.NullTime(annEnds), readmodel.NullTime(bidOpens), readmodel.NullTime(negEnds)
	l.OpensAt, l.FreeBiddingEnds, l.AuctionClosesAt = readmodel.NullTime(opens), readmodel.NullTime(freeEnds), readmodel.NullTime(closes)
	l.HighestBid = kernel.Money(highest)
	l.Leader.ID = readmodel.ParseID(leaderID)
	l.PriorityEnds = readmodel.NullTime(prioEnds)
	l.Award.Buyer.ID, l.Award.Price, l.Award.Via = readmodel.ParseID(winnerID), kernel.Money(award), listing.Via(via)
	l.Award.BalanceDue, l.Award.PaymentDue = kernel.Money(owing), readmodel.NullTime(payDue)
	l.ContractID = readmodel.ParseID(contractID)
	l.CreatedAt, l.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return l, nil
}

// cardScanner scans the cardColumns of a page of listings into one set of
// destinations, made once a page: scanning each row into fresh ones put its
// 912-byte Listing and a dozen scalars on the heap, since Scan's arguments
// escape.
type cardScanner struct {
	l                                              Listing
	status, assetType, leaderID                    string
	area, listed, starting, incr, highest, closing int64
	created, updated                               int64
	dest                                           []any
}

// scan scans one row's cardColumns into a Listing.
func (c *cardScanner) scan(r readmodel.Scanner) (Listing, error) {
	if c.dest == nil {
		l := &c.l
		c.dest = []any{&l.ID, &l.Round, &c.status, &l.Title, &c.assetType, &l.Region.Province, &l.Region.County, &l.Region.Township,
			&l.Region.Village, &c.area, &c.listed, &c.starting, &c.incr, &c.closing, &l.BidderCount, &c.highest, &l.BidCount, &c.leaderID,
			&l.Leader.Number, &c.created, &c.updated}
	}
	if err := r.Scan(c.dest...); err != nil { // writes every field of c.l it ever holds
		return Listing{}, fmt.Errorf("listingview: scan listing card: %w", err)
	}
	l := c.l
	l.Status, l.AssetType, l.ClosingAt = listing.Status(c.status), kernel.AssetType(c.assetType), closingTime(c.closing)
	l.Area, l.ListedPrice, l.StartingPrice, l.Increment = kernel.Area(c.area), kernel.Money(c.listed), kernel.Money(c.starting), kernel.Money(c.incr)
	l.HighestBid, l.Leader.ID = kernel.Money(c.highest), readmodel.ParseID(c.leaderID)
	l.CreatedAt, l.UpdatedAt = time.UnixMicro(c.created).UTC(), time.UnixMicro(c.updated).UTC()
	return l, nil
}

// closingTime reads the closing_at sort key: zero for NoClosingTime.
func closingTime(micros int64) time.Time {
	if micros == NoClosingTime {
		return time.Time{}
	}
	return time.UnixMicro(micros).UTC()
}

// BiddersOf returns the bidders of each listing's current round, in
// registration order, by listing id, in one query for the whole page.
func BiddersOf(ctx context.Context, db *readmodel.DB, ls []Listing) (map[uuid.UUID][]Bidder, error) {
	out := make(map[uuid.UUID][]Bidder, len(ls))
	if len(ls) == 0 {
		return out, nil
	}
	round := make(map[uuid.UUID]int, len(ls))
	ids := make([]string, len(ls))
	for i, l := range ls {
		round[l.ID] = l.Round
		ids[i] = l.ID.String()
		ctx = changes.Depend(ctx, listingKey(l.ID))
	}
	var w readmodel.Where
	w.In("listing_id", ids)
	rows, err := db.QueryContext(ctx, `SELECT listing_id, bidder_id, number, round, is_member, deposit_due, deposit, deposit_status,
			refund_due, qualified, disqualified_reason, registered_at
		FROM listing_bidders`+w.String()+` ORDER BY listing_id, round, number`, w.Args()...)
	if err != nil {
		return nil, fmt.Errorf("listingview: bidders: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			b                 Bidder
			listingID         uuid.UUID
			member, qualified int
			due, dep, regAt   int64
			status            string
			refund            sql.NullInt64
		)
		if err := rows.Scan(&listingID, &b.ID, &b.Number, &b.Round, &member, &due, &dep, &status, &refund, &qualified,
			&b.Disqualified, &regAt); err != nil {
			return nil, fmt.Errorf("listingview: scan bidder: %w", err)
		}
		if b.Round != round[listingID] {
			continue // an earlier round's bidder
		}
		b.IsMember, b.Qualified = member == 1, qualified == 1
		b.DepositDue, b.Deposit, b.DepositStatus = kernel.Money(due), kernel.Money(dep), listing.DepositState(status)
		b.RefundDue, b.RegisteredAt = readmodel.NullTime(refund), time.UnixMicro(regAt).UTC()
		out[listingID] = append(out[listingID], b)
	}
	return out, rows.Err()
}

// newestBids orders a round's bids newest first, by their number.
var newestBids = readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("seq")}, Desc: true}

// Cursor returns the bid's place in the Bids list.
func (b Bid) Cursor() readmodel.Cursor { return readmodel.CursorOf(b.Seq) }

// Log is what Bids reads of the event store: a stream, backwards.
type Log interface {
	ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, max int) ([]eventstore.RecordedEvent, error)
}

// Bids returns the page p of l's round's bids, newest first, read from the
// listing's stream in log with events decoded by reg: the round's bids up to
// the one l last counted (BidCount, at LastBidVersion), so that the history
// agrees with the row it is read for, whatever the stream holds after it.
// Total is not counted (l.BidCount is).
//
// The bid numbered n is at most BidCount-n versions before LastBidVersion
// (each later bid has a version of its own), so a page after the bid
// numbered n starts reading there, and reads past only the few events that
// are not bids (anti-sniping extensions) between the page's bids.
func Bids(ctx context.Context, log Log, reg *kernel.Registry, l *Listing, p readmodel.Page) (readmodel.Result[Bid], error) {
	ctx = changes.Depend(ctx, listingKey(l.ID))
	before := int64(l.BidCount) + 1 // the page holds the bids numbered below this
	if p.After != nil {
		after, err := newestBids.Values(p.After)
		if err != nil {
			return readmodel.Result[Bid]{}, err
		}
		before = min(after[0].(int64), before)
	}
	var bids []Bid
	from := int64(l.LastBidVersion) - (int64(l.BidCount) - (before - 1))
	stream := kernel.StreamName(listing.Decider.Category, l.ID)
	for l.LastBidVersion > 0 && before > 1 && from >= 1 && len(bids) < p.Limit() {
		recs, err := log.ReadStream(ctx, stream, eventstore.Backwards, uint64(from), p.Limit()+8)
		if err != nil {
			return readmodel.Result[Bid]{}, fmt.Errorf("listingview: bids of %s: %w", l.ID, err)
		}
		if len(recs) == 0 {
			break
		}
		for _, rec := range recs {
			ev, err := reg.Decode(rec.Type, rec.Data)
			if err != nil {
				return readmodel.Result[Bid]{}, fmt.Errorf("listingview: bids of %s: %w", l.ID, err)
			}
			e, ok := ev.(listing.BidPlaced)
			if !ok || int64(e.Seq) >= before {
				continue
			}
			bids = append(bids, Bid{Bidder: BidderRef{ID: e.BidderID, Number: e.BidderNumber}, Round: l.Round, Seq: e.Seq,
				Amount: e.Amount, At: e.At.UTC()})
			if before = int64(e.Seq); before == 1 || len(bids) == p.Limit() {
				break
			}
		}
		from = int64(recs[len(recs)-1].Version) - 1
	}
	return readmodel.Cut(bids, p, 0), nil
}

// Quotes returns a listing's round's sealed quotes in rank order. There are
// none before the opening: the projection writes them only from QuotesOpened.
func Quotes(ctx context.Context, db *readmodel.DB, listingID uuid.UUID, round int) ([]Quote, error) {
	ctx = changes.Depend(ctx, listingKey(listingID))
	qs, err := readmodel.Collect(ctx, db, func(r readmodel.Scanner) (Quote, error) {
		var (
			q          Quote
			amount, at int64
		)
		if err := r.Scan(&q.Bidder.ID, &q.Bidder.Number, &q.Rank, &amount, &at); err != nil {
			return q, fmt.Errorf("listingview: scan quote: %w", err)
		}
		q.Amount, q.SubmittedAt = kernel.Money(amount), time.UnixMicro(at).UTC()
		return q, nil
	}, `SELECT bidder_id, bidder_number, rank, amount, submitted_at FROM listing_quotes
		WHERE listing_id = $1 AND round = $2 ORDER BY rank`, listingID, round)
	if err != nil {
		return nil, fmt.Errorf("listingview: quotes: %w", err)
	}
	return qs, nil
}

// TradeFilter selects trades; zero fields do not filter.
type TradeFilter struct {
	Statuses []TradeStatus
	Buyer    uuid.UUID
	Seller   uuid.UUID
}

// newestTrades orders trades newest award first.
var newestTrades = readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("awarded_at"), readmodel.ID("listing_id"),
	readmodel.Int("round")}, Desc: true}

// Cursor returns the trade's place in the Trades list.
func (t Trade) Cursor() readmodel.Cursor {
	return readmodel.CursorOf(t.AwardedAt.UnixMicro(), t.ListingID, t.Round)
}

// Trades returns the page p of the trades f selects, newest award first.
// Total is not counted (CountTrades counts).
func Trades(ctx context.Context, db *readmodel.DB, f TradeFilter, p readmodel.Page) (readmodel.Result[Trade], error) {
	ctx = changes.Depend(ctx, tradesKey)
	w := f.where()
	if err := newestTrades.After(&w, p.After); err != nil {
		return readmodel.Result[Trade]{}, err
	}
	trades, err := readmodel.Collect(ctx, db, scanTrade, `SELECT listing_id, round, title, seller, asset_type, county, township, village,
			buyer_id, buyer_number, price, basis, via, deposit_applied, balance_due, payment_due, status, contract_id,
			certificate_number, awarded_at, paid_at, updated_at
		FROM listing_trades`+w.String()+` ORDER BY `+newestTrades.OrderBy()+` LIMIT `+strconv.Itoa(p.Limit()), w.Args()...)
	if err != nil {
		return readmodel.Result[Trade]{}, fmt.Errorf("listingview: trades: %w", err)
	}
	return readmodel.Cut(trades, p, 0), nil
}

func scanTrade(r readmodel.Scanner) (Trade, error) {
	var (
		t                                   Trade
		assetType, via, status, contractID  string
		basis                               string
		price, applied, owing, due, awarded int64
		updated                             int64
		paid                                sql.NullInt64
	)
	if err := r.Scan(&t.ListingID, &t.Round, &t.Title, &t.Seller, &assetType, &t.Region.County, &t.Region.Township,
		&t.Region.Village, &t.Buyer.ID, &t.Buyer.Number, &price, &basis, &via, &applied, &owing, &due, &status, &contractID,
		&t.CertificateNo, &awarded, &paid, &updated); err != nil {
		return t, fmt.Errorf("listingview: scan trade: %w", err)
	}
	t.AssetType, t.Via, t.Status, t.Basis = kernel.AssetType(assetType), listing.Via(via), TradeStatus(status), listing.PriceBasis(basis)
	t.Price, t.DepositApply, t.BalanceDue = kernel.Money(price), kernel.Money(applied), kernel.Money(owing)
	t.PaymentDue, t.AwardedAt, t.UpdatedAt = time.UnixMicro(due).UTC(), time.UnixMicro(awarded).UTC(), time.UnixMicro(updated).UTC()
	t.PaidAt, t.ContractID = readmodel.NullTime(paid), readmodel.ParseID(contractID)
	return t, nil
}

// CountTrades returns how many trades match f.
func CountTrades(ctx context.Context, db *readmodel.DB, f TradeFilter) (int, error) {
	ctx = changes.Depend(ctx, tradesKey)
	w := f.where()
	n, err := readmodel.Count(ctx, db, "listing_trades", &w)
	if err != nil {
		return 0, fmt.Errorf("listingview: count trades: %w", err)
	}
	return n, nil
}

func (f TradeFilter) where() readmodel.Where {
	var w readmodel.Where
	if len(f.Statuses) > 0 {
		w.In("status", texts(f.Statuses))
	}
	if f.Buyer != uuid.Nil {
		w.Add("buyer_id = ?", f.Buyer)
	}
	if f.Seller != uuid.Nil {
		w.Add("seller = ?", f.Seller)
	}
	return w
}

func splitIDs(s string) []uuid.UUID {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]uuid.UUID, 0, len(parts))
	for _, p := range parts {
		out = append(out, readmodel.ParseID(p))
	}
	return out
}
