package coopview

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Classes lists the share classes in display order.
var Classes = []coop.ShareClass{coop.ClassPopulation, coop.ClassLabourAge, coop.ClassLand}

// PledgeStatus is where a pledge is in its life.
type PledgeStatus string

// Pledge statuses.
const (
	PledgeActive   PledgeStatus = "ACTIVE"   // the shares are pledged
	PledgeReleased PledgeStatus = "RELEASED" // the pledgee released it
	PledgeExpired  PledgeStatus = "EXPIRED"  // its registration term ended
)

// MovementKind says how shares came to a holder.
type MovementKind string

// Movement kinds.
const (
	MovementAllocation  MovementKind = "ALLOCATION"  // quantified to a member (From is zero)
	MovementTransfer    MovementKind = "TRANSFER"    // between holders
	MovementRedemption  MovementKind = "REDEMPTION"  // bought back into the collective's line
	MovementInheritance MovementKind = "INHERITANCE" // a deceased holder's estate to an heir
	MovementReversion   MovementKind = "REVERSION"   // an unclaimed estate to the collective
)

// Querier is what the read functions need: *readmodel.DB or a transaction.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Key is a row's place in its list: the position of the event that created
// the row, then the row's id (for payouts, only the holder id).
type Key struct {
	Position uint64
	ID       string
}

// Page asks for at most First rows after After (nil: from the start).
type Page struct {
	First int
	After *Key
}

// Result is one page of rows, whether more follow, and how many rows match in all.
type Result[T any] struct {
	Rows    []T
	HasNext bool
	Total   int
}

// Cooperative is a cooperative with its public totals.
type Cooperative struct {
	ID         uuid.UUID
	Collective uuid.UUID
	Name       string
	Settings   coop.Settings
	FoundedAt  time.Time
	Shares     coop.ClassShares // every holder's shares, by class
	Members    int              // living members
	Position   uint64
}

// Key returns the cooperative's place in List.
func (c Cooperative) Key() Key { return Key{c.Position, c.ID.String()} }

// Holder is one line of a share register.
type Holder struct {
	coop.Holder
	CoopID     uuid.UUID
	AdmittedAt time.Time // zero for outside heirs and the collective
	DiedOn     time.Time
	Position   uint64 // where the line was opened
}

// Key returns the line's place in Holders.
func (h Holder) Key() Key { return Key{h.Position, h.ID.String()} }

// Pledge is a pledge on a holder's shares, live or ended.
type Pledge struct {
	coop.Pledge
	CoopID    uuid.UUID
	Status    PledgeStatus
	PledgedAt time.Time
	EndedAt   time.Time // zero while active
	Position  uint64
}

// Key returns the pledge's place in Pledges.
func (p Pledge) Key() Key { return Key{p.Position, p.ID.String()} }

// Dividend is a declared dividend; its payouts are read with Payouts.
type Dividend struct {
	CoopID      uuid.UUID
	ID          uuid.UUID
	Amount      kernel.Money
	TotalShares int64 // the register's total at the snapshot
	PayoutCount int
	DeclaredAt  time.Time // the snapshot time
	PaidAt      time.Time // zero until paid
	Position    uint64
}

// Key returns the dividend's place in Dividends.
func (d Dividend) Key() Key { return Key{d.Position, d.ID.String()} }

// PayoutKey returns a payout's place in Payouts.
func PayoutKey(p coop.Payout) Key { return Key{ID: p.Holder.String()} }

// Movement is one change of a holding, from the share register's history.
type Movement struct {
	CoopID   uuid.UUID
	Position uint64
	Seq      int // orders the movements of one event
	Kind     MovementKind
	From     uuid.UUID // zero for an allocation
	To       uuid.UUID
	Class    coop.ShareClass
	Shares   int64
	Price    *kernel.Money // for transfers and redemptions
	At       time.Time
}

// Key returns the movement's place in Movements.
func (m Movement) Key() Key { return Key{m.Position, strconv.Itoa(m.Seq)} }

const cooperativeColumns = `c.coop_id, c.collective, c.name, c.holding_cap_bp, c.redemption_cap_bp, c.pledge_term_years,
	c.pledged_loan_term_years, c.claim_period_months, c.dynamic_register, c.founded_at, c.shares_population,
	c.shares_labour_age, c.shares_land, c.member_count, c.position`

func scanCooperative(r scanner) (Cooperative, error) {
	var c Cooperative
	var id, collective string
	var dynamic int
	var founded int64
	var pop, labour, land int64
	err := r.Scan(&id, &collective, &c.Name, &c.Settings.HoldingCapBP, &c.Settings.RedemptionCapBP, &c.Settings.PledgeTermYears,
		&c.Settings.PledgedLoanTermYears, &c.Settings.ClaimPeriodMonths, &dynamic, &founded, &pop, &labour, &land,
		&c.Members, &c.Position)
	if err != nil {
		return c, err
	}
	c.ID, c.Collective = uuid.MustParse(id), uuid.MustParse(collective)
	c.Settings.DynamicRegister = dynamic != 0
	c.FoundedAt = time.UnixMicro(founded).UTC()
	c.Shares = classShares(pop, labour, land)
	return c, nil
}

// Get returns the cooperative id; ok is false when there is none.
func Get(ctx context.Context, q Querier, id uuid.UUID) (c Cooperative, ok bool, err error) {
	c, err = scanCooperative(q.QueryRowContext(ctx, `SELECT `+cooperativeColumns+` FROM coop_cooperatives c WHERE c.coop_id = $1`, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return Cooperative{}, false, nil
	}
	if err != nil {
		return Cooperative{}, false, fmt.Errorf("coopview: cooperative %s: %w", id, err)
	}
	return c, true, nil
}

// Filter narrows List.
type Filter struct {
	Collective uuid.UUID // only this collective's cooperatives, when set
}

// List returns cooperatives in founding order.
func List(ctx context.Context, q Querier, f Filter, page Page) (Result[Cooperative], error) {
	l := listing{what: "cooperatives", columns: cooperativeColumns, from: "coop_cooperatives c", order: []string{"c.position", "c.coop_id"}}
	if f.Collective != uuid.Nil {
		l.where("c.collective = " + l.arg(f.Collective.String()))
	}
	return fetch(ctx, q, l, page, scanCooperative)
}

const holderColumns = `h.coop_id, h.holder_id, h.kind, h.household, h.admitted_at, h.deceased, h.died_on, h.claim_deadline,
	h.shares_population, h.shares_labour_age, h.shares_land, h.quantified_population, h.quantified_labour_age,
	h.quantified_land, h.pledged, h.position`

func scanHolder(r scanner) (Holder, error) {
	var h Holder
	var coopID, id, kind string
	var household sql.NullString
	var admitted, died, deadline sql.NullInt64
	var deceased int
	var pop, labour, land, qPop, qLabour, qLand int64
	err := r.Scan(&coopID, &id, &kind, &household, &admitted, &deceased, &died, &deadline,
		&pop, &labour, &land, &qPop, &qLabour, &qLand, &h.Pledged, &h.Position)
	if err != nil {
		return h, err
	}
	h.CoopID, h.ID, h.Kind = uuid.MustParse(coopID), uuid.MustParse(id), coop.HolderKind(kind)
	if household.Valid {
		h.Household = uuid.MustParse(household.String)
	}
	h.AdmittedAt, h.DiedOn, h.ClaimDeadline = fromMicros(admitted), fromMicros(died), fromMicros(deadline)
	h.Deceased = deceased != 0
	h.Shares, h.Quantified = classShares(pop, labour, land), classShares(qPop, qLabour, qLand)
	return h, nil
}

// HolderFilter narrows Holders.
type HolderFilter struct {
	Holder    uuid.UUID // only this holder's line, when set
	PledgedTo uuid.UUID // only holders with a live pledge to this pledgee, when set
}

// Holders returns a cooperative's register lines in the order they were opened.
func Holders(ctx context.Context, q Querier, coopID uuid.UUID, f HolderFilter, page Page) (Result[Holder], error) {
	l := listing{what: "holders", columns: holderColumns, from: "coop_holders h", order: []string{"h.position", "h.holder_id"}}
	l.where("h.coop_id = " + l.arg(coopID.String()))
	if f.Holder != uuid.Nil {
		l.where("h.holder_id = " + l.arg(f.Holder.String()))
	}
	l.pledgedTo(f.PledgedTo, "h.coop_id", "h.holder_id")
	return fetch(ctx, q, l, page, scanHolder)
}

const pledgeColumns = `p.coop_id, p.pledge_id, p.holder_id, p.pledgee, p.shares, p.registration_number, p.loan_maturity,
	p.registered_until, p.status, p.pledged_at, p.ended_at, p.position`

func scanPledge(r scanner) (Pledge, error) {
	var p Pledge
	var coopID, id, holder, pledgee, status string
	var maturity, until, pledgedAt int64
	var ended sql.NullInt64
	err := r.Scan(&coopID, &id, &holder, &pledgee, &p.Shares, &p.RegistrationNumber, &maturity, &until, &status,
		&pledgedAt, &ended, &p.Position)
	if err != nil {
		return p, err
	}
	p.CoopID, p.ID, p.Holder, p.Pledgee = uuid.MustParse(coopID), uuid.MustParse(id), uuid.MustParse(holder), uuid.MustParse(pledgee)
	p.LoanMaturity, p.RegisteredUntil = time.UnixMicro(maturity).UTC(), time.UnixMicro(until).UTC()
	p.Status, p.PledgedAt, p.EndedAt = PledgeStatus(status), time.UnixMicro(pledgedAt).UTC(), fromMicros(ended)
	return p, nil
}

// PledgeFilter narrows Pledges.
type PledgeFilter struct {
	Pledgee uuid.UUID    // only this pledgee's pledges, when set
	Holder  uuid.UUID    // only pledges on this holder's shares, when set
	Status  PledgeStatus // only pledges in this status, when set
}

// Pledges returns a cooperative's pledges in the order they were made.
func Pledges(ctx context.Context, q Querier, coopID uuid.UUID, f PledgeFilter, page Page) (Result[Pledge], error) {
	l := listing{what: "pledges", columns: pledgeColumns, from: "coop_pledges p", order: []string{"p.position", "p.pledge_id"}}
	l.where("p.coop_id = " + l.arg(coopID.String()))
	if f.Pledgee != uuid.Nil {
		l.where("p.pledgee = " + l.arg(f.Pledgee.String()))
	}
	if f.Holder != uuid.Nil {
		l.where("p.holder_id = " + l.arg(f.Holder.String()))
	}
	if f.Status != "" {
		l.where("p.status = " + l.arg(string(f.Status)))
	}
	return fetch(ctx, q, l, page, scanPledge)
}

const dividendColumns = `d.coop_id, d.dividend_id, d.amount, d.total_shares, d.payout_count, d.declared_at, d.paid_at, d.position`

func scanDividend(r scanner) (Dividend, error) {
	var d Dividend
	var coopID, id string
	var declared int64
	var paid sql.NullInt64
	if err := r.Scan(&coopID, &id, &d.Amount, &d.TotalShares, &d.PayoutCount, &declared, &paid, &d.Position); err != nil {
		return d, err
	}
	d.CoopID, d.ID = uuid.MustParse(coopID), uuid.MustParse(id)
	d.DeclaredAt, d.PaidAt = time.UnixMicro(declared).UTC(), fromMicros(paid)
	return d, nil
}

// Dividends returns a cooperative's dividends in the order they were declared.
func Dividends(ctx context.Context, q Querier, coopID uuid.UUID, page Page) (Result[Dividend], error) {
	l := listing{what: "dividends", columns: dividendColumns, from: "coop_dividends d", order: []string{"d.position", "d.dividend_id"}}
	l.where("d.coop_id = " + l.arg(coopID.String()))
	return fetch(ctx, q, l, page, scanDividend)
}

// DividendByID returns one dividend; ok is false when there is none.
func DividendByID(ctx context.Context, q Querier, coopID, id uuid.UUID) (d Dividend, ok bool, err error) {
	d, err = scanDividend(q.QueryRowContext(ctx, `SELECT `+dividendColumns+` FROM coop_dividends d
		WHERE d.coop_id = $1 AND d.dividend_id = $2`, coopID.String(), id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return Dividend{}, false, nil
	}
	if err != nil {
		return Dividend{}, false, fmt.Errorf("coopview: dividend %s: %w", id, err)
	}
	return d, true, nil
}

// PayoutFilter narrows Payouts.
type PayoutFilter struct {
	Holder    uuid.UUID // only this holder's payout, when set
	PledgedTo uuid.UUID // only payouts to holders with a live pledge to this pledgee, when set
}

func scanPayout(r scanner) (coop.Payout, error) {
	var p coop.Payout
	var holder string
	if err := r.Scan(&holder, &p.Shares, &p.Amount); err != nil {
		return p, err
	}
	p.Holder = uuid.MustParse(holder)
	return p, nil
}

// Payouts returns a dividend's payouts in holder id order.
func Payouts(ctx context.Context, q Querier, coopID, dividendID uuid.UUID, f PayoutFilter, page Page) (Result[coop.Payout], error) {
	l := listing{what: "payouts", columns: "y.holder_id, y.shares, y.amount", from: "coop_payouts y", order: []string{"y.holder_id"},
		key: func(k Key) ([]any, error) { return []any{k.ID}, nil }}
	l.where("y.coop_id = " + l.arg(coopID.String()))
	l.where("y.dividend_id = " + l.arg(dividendID.String()))
	if f.Holder != uuid.Nil {
		l.where("y.holder_id = " + l.arg(f.Holder.String()))
	}
	l.pledgedTo(f.PledgedTo, "y.coop_id", "y.holder_id")
	return fetch(ctx, q, l, page, scanPayout)
}

// MovementFilter narrows Movements.
type MovementFilter struct {
	Holder    uuid.UUID // only movements from or to this holder, when set
	PledgedTo uuid.UUID // only movements from or to holders with a live pledge to this pledgee, when set
}

func scanMovement(r scanner) (Movement, error) {
	var m Movement
	var coopID, kind, to, class string
	var from sql.NullString
	var price sql.NullInt64
	var at int64
	if err := r.Scan(&coopID, &m.Position, &m.Seq, &kind, &from, &to, &class, &m.Shares, &price, &at); err != nil {
		return m, err
	}
	m.CoopID, m.Kind, m.To, m.Class, m.At = uuid.MustParse(coopID), MovementKind(kind), uuid.MustParse(to), coop.ShareClass(class), time.UnixMicro(at).UTC()
	if from.Valid {
		m.From = uuid.MustParse(from.String)
	}
	if price.Valid {
		p := kernel.Money(price.Int64)
		m.Price = &p
	}
	return m, nil
}

// Movements returns a cooperative's share movements in the order they happened.
func Movements(ctx context.Context, q Querier, coopID uuid.UUID, f MovementFilter, page Page) (Result[Movement], error) {
	l := listing{what: "movements", columns: "m.coop_id, m.position, m.seq, m.kind, m.from_holder, m.to_holder, m.class, m.shares, m.price, m.at",
		from: "coop_movements m", order: []string{"m.position", "m.seq"},
		key: func(k Key) ([]any, error) {
			seq, err := strconv.Atoi(k.ID)
			return []any{k.Position, seq}, err
		}}
	l.where("m.coop_id = " + l.arg(coopID.String()))
	if f.Holder != uuid.Nil {
		h := l.arg(f.Holder.String())
		l.where("(m.from_holder = " + h + " OR m.to_holder = " + h + ")")
	}
	l.pledgedTo(f.PledgedTo, "m.coop_id", "m.from_holder", "m.to_holder")
	return fetch(ctx, q, l, page, scanMovement)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// listing is one keyset-paged SELECT: conditions and their arguments are
// added in order, then fetch adds the page's key condition and limit.
type listing struct {
	what    string
	columns string
	from    string
	order   []string                 // the key columns, ascending
	key     func(Key) ([]any, error) // the key's values for order; default position then id
	conds   []string
	args    []any
}

// arg adds a query argument and returns its placeholder.
func (l *listing) arg(v any) string {
	l.args = append(l.args, v)
	return "$" + strconv.Itoa(len(l.args))
}

func (l *listing) where(cond string) { l.conds = append(l.conds, cond) }

// pledgedTo keeps rows about a holder (any of holderCols) with a live pledge
// to pledgee; nothing changes when pledgee is zero.
func (l *listing) pledgedTo(pledgee uuid.UUID, coopCol string, holderCols ...string) {
	if pledgee == uuid.Nil {
		return
	}
	l.where(fmt.Sprintf(`EXISTS (SELECT 1 FROM coop_pledges vp WHERE vp.coop_id = %s AND vp.holder_id IN (%s)
		AND vp.pledgee = %s AND vp.status = %s)`,
		coopCol, strings.Join(holderCols, ", "), l.arg(pledgee.String()), l.arg(string(PledgeActive))))
}

func (l *listing) whereClause() string {
	if len(l.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(l.conds, " AND ")
}

func fetch[T any](ctx context.Context, q Querier, l listing, page Page, scan func(scanner) (T, error)) (Result[T], error) {
	var res Result[T]
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+l.from+l.whereClause(), l.args...).Scan(&res.Total); err != nil {
		return res, fmt.Errorf("coopview: count %s: %w", l.what, err)
	}
	if page.After != nil {
		key := l.key
		if key == nil {
			key = func(k Key) ([]any, error) { return []any{k.Position, k.ID}, nil }
		}
		vals, err := key(*page.After)
		if err != nil {
			return res, kernel.FieldErrorf(kernel.CodeInvalid, "after", "after is not a cursor from this connection")
		}
		marks := make([]string, len(vals))
		for i, v := range vals {
			marks[i] = l.arg(v)
		}
		l.where("(" + strings.Join(l.order, ", ") + ") > (" + strings.Join(marks, ", ") + ")")
	}
	query := `SELECT ` + l.columns + ` FROM ` + l.from + l.whereClause() +
		` ORDER BY ` + strings.Join(l.order, ", ") + ` LIMIT ` + strconv.Itoa(page.First+1)
	rows, err := q.QueryContext(ctx, query, l.args...)
	if err != nil {
		return res, fmt.Errorf("coopview: list %s: %w", l.what, err)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return res, fmt.Errorf("coopview: read %s: %w", l.what, err)
		}
		res.Rows = append(res.Rows, v)
	}
	if err := rows.Err(); err != nil {
		return res, fmt.Errorf("coopview: list %s: %w", l.what, err)
	}
	if len(res.Rows) > page.First {
		res.Rows, res.HasNext = res.Rows[:page.First], true
	}
	return res, nil
}

// classShares builds ClassShares from the three class columns, leaving out
// classes with no shares as coop.ClassShares does.
func classShares(pop, labour, land int64) coop.ClassShares {
	cs := coop.ClassShares{}
	for class, n := range map[coop.ShareClass]int64{coop.ClassPopulation: pop, coop.ClassLabourAge: labour, coop.ClassLand: land} {
		if n != 0 {
			cs[class] = n
		}
	}
	return cs
}

func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}
