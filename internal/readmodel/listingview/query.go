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

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
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
	Leader           BidderRef // zero without bids
	PriorityEnds     time.Time
	Award            Award // zero before an auction winner or award
	ContractID       uuid.UUID
	CertificateNo    string
	CreatedAt        time.Time
	UpdatedAt        time.Time
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
	Statuses                  []listing.Status
	AssetTypes                []kernel.AssetType
	Province, County          string
	Township, Village         string
	MinPrice, MaxPrice        kernel.Money // listed price, inclusive; 0 = unbounded
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

// Key is a keyset position: the sort column's value and the id of the last
// listing of a page.
type Key struct {
	Value int64
	ID    uuid.UUID
}

// column returns the sort's column and direction.
func (s Sort) column() (string, bool) {
	switch s {
	case SortCreatedAsc:
		return "created_at", true
	case SortClosingAsc:
		return "closing_at", true
	case SortClosingDesc:
		return "closing_at", false
	case SortPriceAsc:
		return "listed_price", true
	case SortPriceDesc:
		return "listed_price", false
	}
	return "created_at", false
}

// KeyOf returns l's keyset position under s.
func (s Sort) KeyOf(l Listing) Key {
	switch s {
	case SortClosingAsc, SortClosingDesc:
		if l.ClosingAt.IsZero() {
			return Key{Value: NoClosingTime, ID: l.ID}
		}
		return Key{Value: l.ClosingAt.UnixMicro(), ID: l.ID}
	case SortPriceAsc, SortPriceDesc:
		return Key{Value: int64(l.ListedPrice), ID: l.ID}
	}
	return Key{Value: l.CreatedAt.UnixMicro(), ID: l.ID}
}

const listingColumns = `id, round, status, title, description, seller, asset_type, asset_ids, owning_collective,
	province, county, township, village, area, listed_price, starting_price, increment, term_months,
	resolution_body, votes_for, votes_total, reject_reason, suspend_reason, unsold_reason,
	announcement_ends, bidding_opens_at, negotiation_ends, opens_at, free_bidding_ends, auction_closes_at, closing_at,
	bidder_count, highest_bid, bid_count, leader_id, leader_number, priority_ends,
	winner_id, winner_number, award_price, award_via, balance_due, payment_due, contract_id, certificate_number,
	created_at, updated_at`

// where builds the WHERE clause of f, numbering arguments from $1.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	in := func(col string, vals []string) {
		ps := make([]string, len(vals))
		for i, v := range vals {
			ps[i] = arg(v)
		}
		conds = append(conds, col+" IN ("+strings.Join(ps, ", ")+")")
	}
	if len(f.Statuses) > 0 {
		vals := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			vals[i] = string(s)
		}
		in("status", vals)
	}
	if len(f.AssetTypes) > 0 {
		vals := make([]string, len(f.AssetTypes))
		for i, t := range f.AssetTypes {
			vals[i] = string(t)
		}
		in("asset_type", vals)
	}
	for _, c := range []struct{ col, val string }{
		{"province", f.Province}, {"county", f.County}, {"township", f.Township}, {"village", f.Village},
	} {
		if c.val != "" {
			conds = append(conds, c.col+" = "+arg(c.val))
		}
	}
	if f.MinPrice > 0 {
		conds = append(conds, "listed_price >= "+arg(int64(f.MinPrice)))
	}
	if f.MaxPrice > 0 {
		conds = append(conds, "listed_price <= "+arg(int64(f.MaxPrice)))
	}
	if !f.ClosingFrom.IsZero() {
		conds = append(conds, "closing_at >= "+arg(f.ClosingFrom.UnixMicro()))
	}
	if !f.ClosingUntil.IsZero() {
		conds = append(conds, "closing_at <= "+arg(f.ClosingUntil.UnixMicro()))
	}
	if f.Text != "" {
		conds = append(conds, "id IN (SELECT id FROM listing_search WHERE search_text LIKE "+
			arg("%"+escapeLike(strings.ToLower(f.Text))+"%")+` ESCAPE '\')`)
	}
	if f.Seller != uuid.Nil {
		conds = append(conds, "seller = "+arg(f.Seller))
	}
	if f.OwningCollective != uuid.Nil {
		conds = append(conds, "owning_collective = "+arg(f.OwningCollective))
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// escapeLike makes s match literally inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Listings returns at most limit listings matching f in order s, after the
// keyset position after (nil for the first page).
func Listings(ctx context.Context, db *readmodel.DB, f Filter, s Sort, after *Key, limit int) ([]Listing, error) {
	where, args := f.where()
	col, asc := s.column()
	op, dir := "<", "DESC"
	if asc {
		op, dir = ">", "ASC"
	}
	if after != nil {
		args = append(args, after.Value, after.ID)
		cond := fmt.Sprintf("(%s, id) %s ($%d, $%d)", col, op, len(args)-1, len(args))
		if where == "" {
			where = " WHERE " + cond
		} else {
			where += " AND " + cond
		}
	}
	args = append(args, limit)
	// A deferred join: the page's ids are chosen from the indexes (filter and
	// sort columns), then only those rows are read, so a filter matching
	// thousands of listings sorts index entries, not board rows.
	order := fmt.Sprintf("ORDER BY %s %s, id %s", col, dir, dir)
	q := fmt.Sprintf("SELECT %s FROM listing_listings WHERE id IN (SELECT id FROM listing_listings%s %s LIMIT $%d) %s",
		listingColumns, where, order, len(args), order)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listingview: listings: %w", err)
	}
	defer rows.Close()
	var out []Listing
	for rows.Next() {
		l, err := scanListing(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// CountListings returns how many listings match f.
func CountListings(ctx context.Context, db *readmodel.DB, f Filter) (int, error) {
	where, args := f.where()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM listing_listings"+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("listingview: count listings: %w", err)
	}
	return n, nil
}

// ListingByID returns one listing; ok is false when there is none.
func ListingByID(ctx context.Context, db *readmodel.DB, id uuid.UUID) (l Listing, ok bool, err error) {
	row := db.QueryRowContext(ctx, "SELECT "+listingColumns+" FROM listing_listings WHERE id = $1", id)
	l, err = scanListing(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Listing{}, false, nil
	}
	return l, err == nil, err
}

type scanner interface{ Scan(dest ...any) error }

func scanListing(r scanner) (Listing, error) {
	var (
		l                                                   Listing
		status, assetType, assetIDs, leaderID, winnerID     string
		via, contractID                                     string
		area, listed, starting, incr, highest, award, owing int64
		closing                                             int64
		annEnds, bidOpens, negEnds, opens, freeEnds, closes nullMicros
		prioEnds, payDue                                    nullMicros
		created, updated                                    int64
	)
	err := r.Scan(&l.ID, &l.Round, &status, &l.Title, &l.Description, &l.Seller, &assetType, &assetIDs, &l.OwningCollective,
		&l.Region.Province, &l.Region.County, &l.Region.Township, &l.Region.Village, &area, &listed, &starting, &incr, &l.TermMonths,
		&l.Resolution.Body, &l.Resolution.VotesFor, &l.Resolution.Total, &l.RejectReason, &l.SuspendReason, &l.UnsoldReason,
		&annEnds, &bidOpens, &negEnds, &opens, &freeEnds, &closes, &closing,
		&l.BidderCount, &highest, &l.BidCount, &leaderID, &l.Leader.Number, &prioEnds,
		&winnerID, &l.Award.Buyer.Number, &award, &via, &owing, &payDue, &contractID, &l.CertificateNo,
		&created, &updated)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Listing{}, err
		}
		return Listing{}, fmt.Errorf("listingview: scan listing: %w", err)
	}
	l.Status, l.AssetType = listing.Status(status), kernel.AssetType(assetType)
	l.AssetIDs = splitIDs(assetIDs)
	l.Area, l.ListedPrice, l.StartingPrice, l.Increment = kernel.Area(area), kernel.Money(listed), kernel.Money(starting), kernel.Money(incr)
	l.AnnouncementEnds, l.BiddingOpensAt, l.NegotiationEnds = annEnds.time(), bidOpens.time(), negEnds.time()
	l.OpensAt, l.FreeBiddingEnds, l.AuctionClosesAt = opens.time(), freeEnds.time(), closes.time()
	if closing != NoClosingTime {
		l.ClosingAt = time.UnixMicro(closing).UTC()
	}
	l.HighestBid = kernel.Money(highest)
	l.Leader.ID = parseID(leaderID)
	l.PriorityEnds = prioEnds.time()
	l.Award.Buyer.ID, l.Award.Price, l.Award.Via = parseID(winnerID), kernel.Money(award), listing.Via(via)
	l.Award.BalanceDue, l.Award.PaymentDue = kernel.Money(owing), payDue.time()
	l.ContractID = parseID(contractID)
	l.CreatedAt, l.UpdatedAt = time.UnixMicro(created).UTC(), time.UnixMicro(updated).UTC()
	return l, nil
}

// BiddersOf returns the bidders of each listing's current round, in
// registration order, by listing id, in one query for the whole page.
func BiddersOf(ctx context.Context, db *readmodel.DB, ls []Listing) (map[uuid.UUID][]Bidder, error) {
	out := make(map[uuid.UUID][]Bidder, len(ls))
	if len(ls) == 0 {
		return out, nil
	}
	round := make(map[uuid.UUID]int, len(ls))
	ps := make([]string, len(ls))
	args := make([]any, len(ls))
	for i, l := range ls {
		round[l.ID] = l.Round
		ps[i] = "$" + strconv.Itoa(i+1)
		args[i] = l.ID
	}
	rows, err := db.QueryContext(ctx, `SELECT listing_id, bidder_id, number, round, is_member, deposit_due, deposit, deposit_status,
			refund_due, qualified, disqualified_reason, registered_at
		FROM listing_bidders WHERE listing_id IN (`+strings.Join(ps, ", ")+`) ORDER BY listing_id, round, number`, args...)
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
			refund            nullMicros
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
		b.RefundDue, b.RegisteredAt = refund.time(), time.UnixMicro(regAt).UTC()
		out[listingID] = append(out[listingID], b)
	}
	return out, rows.Err()
}

// Bids returns at most limit bids of a listing's round, newest first, with a
// sequence number below beforeSeq (0: from the newest).
func Bids(ctx context.Context, db *readmodel.DB, listingID uuid.UUID, round, beforeSeq, limit int) ([]Bid, error) {
	if beforeSeq <= 0 {
		beforeSeq = int(^uint32(0) >> 1)
	}
	rows, err := db.QueryContext(ctx, `SELECT bidder_id, bidder_number, round, seq, amount, at FROM listing_bids
		WHERE listing_id = $1 AND round = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4`, listingID, round, beforeSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("listingview: bids: %w", err)
	}
	defer rows.Close()
	var out []Bid
	for rows.Next() {
		var (
			b          Bid
			amount, at int64
		)
		if err := rows.Scan(&b.Bidder.ID, &b.Bidder.Number, &b.Round, &b.Seq, &amount, &at); err != nil {
			return nil, fmt.Errorf("listingview: scan bid: %w", err)
		}
		b.Amount, b.At = kernel.Money(amount), time.UnixMicro(at).UTC()
		out = append(out, b)
	}
	return out, rows.Err()
}

// TradeFilter selects trades; zero fields do not filter.
type TradeFilter struct {
	Statuses []TradeStatus
	Buyer    uuid.UUID
	Seller   uuid.UUID
}

// TradeKey is a keyset position in trades, newest award first.
type TradeKey struct {
	AwardedAt int64
	ListingID uuid.UUID
	Round     int
}

// KeyOf returns t's keyset position.
func (t Trade) KeyOf() TradeKey {
	return TradeKey{AwardedAt: t.AwardedAt.UnixMicro(), ListingID: t.ListingID, Round: t.Round}
}

// Trades returns at most limit trades matching f, newest award first, after
// the keyset position after (nil for the first page).
func Trades(ctx context.Context, db *readmodel.DB, f TradeFilter, after *TradeKey, limit int) ([]Trade, error) {
	where, args := f.where()
	if after != nil {
		args = append(args, after.AwardedAt, after.ListingID, after.Round)
		n := len(args)
		where = andWhere(where, fmt.Sprintf("(awarded_at, listing_id, round) < ($%d, $%d, $%d)", n-2, n-1, n))
	}
	args = append(args, limit)
	rows, err := db.QueryContext(ctx, `SELECT listing_id, round, title, seller, asset_type, county, township, village,
			buyer_id, buyer_number, price, via, deposit_applied, balance_due, payment_due, status, contract_id,
			certificate_number, awarded_at, paid_at, updated_at
		FROM listing_trades`+where+fmt.Sprintf(` ORDER BY awarded_at DESC, listing_id DESC, round DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("listingview: trades: %w", err)
	}
	defer rows.Close()
	var out []Trade
	for rows.Next() {
		var (
			t                                   Trade
			assetType, via, status, contractID  string
			price, applied, owing, due, awarded int64
			updated                             int64
			paid                                nullMicros
		)
		if err := rows.Scan(&t.ListingID, &t.Round, &t.Title, &t.Seller, &assetType, &t.Region.County, &t.Region.Township,
			&t.Region.Village, &t.Buyer.ID, &t.Buyer.Number, &price, &via, &applied, &owing, &due, &status, &contractID,
			&t.CertificateNo, &awarded, &paid, &updated); err != nil {
			return nil, fmt.Errorf("listingview: scan trade: %w", err)
		}
		t.AssetType, t.Via, t.Status = kernel.AssetType(assetType), listing.Via(via), TradeStatus(status)
		t.Price, t.DepositApply, t.BalanceDue = kernel.Money(price), kernel.Money(applied), kernel.Money(owing)
		t.PaymentDue, t.AwardedAt, t.UpdatedAt = time.UnixMicro(due).UTC(), time.UnixMicro(awarded).UTC(), time.UnixMicro(updated).UTC()
		t.PaidAt, t.ContractID = paid.time(), parseID(contractID)
		out = append(out, t)
	}
	return out, rows.Err()
}

// CountTrades returns how many trades match f.
func CountTrades(ctx context.Context, db *readmodel.DB, f TradeFilter) (int, error) {
	where, args := f.where()
	var n int
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM listing_trades"+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("listingview: count trades: %w", err)
	}
	return n, nil
}

func (f TradeFilter) where() (string, []any) {
	var where string
	var args []any
	if len(f.Statuses) > 0 {
		ps := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			args = append(args, string(s))
			ps[i] = "$" + strconv.Itoa(len(args))
		}
		where = andWhere(where, "status IN ("+strings.Join(ps, ", ")+")")
	}
	if f.Buyer != uuid.Nil {
		args = append(args, f.Buyer)
		where = andWhere(where, "buyer_id = $"+strconv.Itoa(len(args)))
	}
	if f.Seller != uuid.Nil {
		args = append(args, f.Seller)
		where = andWhere(where, "seller = $"+strconv.Itoa(len(args)))
	}
	return where, args
}

func andWhere(where, cond string) string {
	if where == "" {
		return " WHERE " + cond
	}
	return where + " AND " + cond
}

// nullMicros scans a nullable unix-microsecond column.
type nullMicros struct{ sql.NullInt64 }

func (n nullMicros) time() time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.UnixMicro(n.Int64).UTC()
}

// parseID reads an id column that is ” when unset.
func parseID(s string) uuid.UUID {
	id, _ := uuid.Parse(s)
	return id
}

func splitIDs(s string) []uuid.UUID {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := make([]uuid.UUID, 0, len(parts))
	for _, p := range parts {
		out = append(out, parseID(p))
	}
	return out
}
