package coopview

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
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
	PledgeEnforced PledgeStatus = "ENFORCED" // the pledgee sold the shares after the loan defaulted
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
	MovementEnforcement MovementKind = "ENFORCEMENT" // pledged shares sold by the pledgee to a member or the collective
)

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

// Cursor returns the cooperative's place in List.
func (c Cooperative) Cursor() readmodel.Cursor { return readmodel.CursorOf(c.Position, c.ID) }

// Holder is one line of a share register.
type Holder struct {
	coop.Holder
	CoopID     uuid.UUID
	AdmittedAt time.Time // zero for outside heirs and the collective
	DiedOn     time.Time
	Position   uint64 // where the line was opened
}

// Cursor returns the line's place in Holders.
func (h Holder) Cursor() readmodel.Cursor { return readmodel.CursorOf(h.Position, h.ID) }

// Pledge is a pledge on a holder's shares, live or ended.
type Pledge struct {
	coop.Pledge
	CoopID    uuid.UUID
	Status    PledgeStatus
	PledgedAt time.Time
	EndedAt   time.Time // zero while active
	Position  uint64
}

// Cursor returns the pledge's place in Pledges.
func (p Pledge) Cursor() readmodel.Cursor { return readmodel.CursorOf(p.Position, p.ID) }

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

// Cursor returns the dividend's place in Dividends.
func (d Dividend) Cursor() readmodel.Cursor { return readmodel.CursorOf(d.Position, d.ID) }

// PayoutCursor returns a payout's place in Payouts.
func PayoutCursor(p coop.Payout) readmodel.Cursor { return readmodel.CursorOf(p.Holder) }

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

// Cursor returns the movement's place in Movements.
func (m Movement) Cursor() readmodel.Cursor { return readmodel.CursorOf(m.Position, m.Seq) }

const cooperativeColumns = `c.coop_id, c.collective, c.name, c.holding_cap_bp, c.redemption_cap_bp, c.pledge_term_years,
	c.pledged_loan_term_years, c.claim_period_months, c.dynamic_register, c.founded_at, c.shares_population,
	c.shares_labour_age, c.shares_land, c.member_count, c.position`

func scanCooperative(r readmodel.Scanner) (Cooperative, error) {
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
func Get(ctx context.Context, q readmodel.Querier, id uuid.UUID) (c Cooperative, ok bool, err error) {
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
func List(ctx context.Context, q readmodel.Querier, f Filter, page readmodel.Page) (readmodel.Result[Cooperative], error) {
	l := readmodel.List{Columns: cooperativeColumns, From: "coop_cooperatives c", Order: byPosition("c.coop_id")}
	if f.Collective != uuid.Nil {
		l.Where.Add("c.collective = ?", f.Collective.String())
	}
	return fetch(ctx, q, "cooperatives", l, page, scanCooperative)
}

const holderColumns = `h.coop_id, h.holder_id, h.kind, h.household, h.admitted_at, h.deceased, h.died_on, h.claim_deadline,
	h.shares_population, h.shares_labour_age, h.shares_land, h.quantified_population, h.quantified_labour_age,
	h.quantified_land, h.pledged, h.position`

func scanHolder(r readmodel.Scanner) (Holder, error) {
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
	h.AdmittedAt, h.DiedOn, h.ClaimDeadline = readmodel.NullTime(admitted), readmodel.NullTime(died), readmodel.NullTime(deadline)
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
func Holders(ctx context.Context, q readmodel.Querier, coopID uuid.UUID, f HolderFilter, page readmodel.Page) (readmodel.Result[Holder], error) {
	l := readmodel.List{Columns: holderColumns, From: "coop_holders h", Order: byPosition("h.holder_id")}
	l.Where.Add("h.coop_id = ?", coopID.String())
	if f.Holder != uuid.Nil {
		l.Where.Add("h.holder_id = ?", f.Holder.String())
	}
	pledgedTo(&l.Where, f.PledgedTo, "h.coop_id", "h.holder_id")
	return fetch(ctx, q, "holders", l, page, scanHolder)
}

const pledgeColumns = `p.coop_id, p.pledge_id, p.holder_id, p.pledgee, p.shares, p.registration_number, p.loan_maturity,
	p.registered_until, p.status, p.pledged_at, p.ended_at, p.position`

func scanPledge(r readmodel.Scanner) (Pledge, error) {
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
	p.Status, p.PledgedAt, p.EndedAt = PledgeStatus(status), time.UnixMicro(pledgedAt).UTC(), readmodel.NullTime(ended)
	return p, nil
}

// PledgeFilter narrows Pledges.
type PledgeFilter struct {
	Pledgee uuid.UUID    // only this pledgee's pledges, when set
	Holder  uuid.UUID    // only pledges on this holder's shares, when set
	Status  PledgeStatus // only pledges in this status, when set
}

// Pledges returns a cooperative's pledges in the order they were made.
func Pledges(ctx context.Context, q readmodel.Querier, coopID uuid.UUID, f PledgeFilter, page readmodel.Page) (readmodel.Result[Pledge], error) {
	l := readmodel.List{Columns: pledgeColumns, From: "coop_pledges p", Order: byPosition("p.pledge_id")}
	l.Where.Add("p.coop_id = ?", coopID.String())
	if f.Pledgee != uuid.Nil {
		l.Where.Add("p.pledgee = ?", f.Pledgee.String())
	}
	if f.Holder != uuid.Nil {
		l.Where.Add("p.holder_id = ?", f.Holder.String())
	}
	if f.Status != "" {
		l.Where.Add("p.status = ?", string(f.Status))
	}
	return fetch(ctx, q, "pledges", l, page, scanPledge)
}

const dividendColumns = `d.coop_id, d.dividend_id, d.amount, d.total_shares, d.payout_count, d.declared_at, d.paid_at, d.position`

func scanDividend(r readmodel.Scanner) (Dividend, error) {
	var d Dividend
	var coopID, id string
	var declared int64
	var paid sql.NullInt64
	if err := r.Scan(&coopID, &id, &d.Amount, &d.TotalShares, &d.PayoutCount, &declared, &paid, &d.Position); err != nil {
		return d, err
	}
	d.CoopID, d.ID = uuid.MustParse(coopID), uuid.MustParse(id)
	d.DeclaredAt, d.PaidAt = time.UnixMicro(declared).UTC(), readmodel.NullTime(paid)
	return d, nil
}

// Dividends returns a cooperative's dividends in the order they were declared.
func Dividends(ctx context.Context, q readmodel.Querier, coopID uuid.UUID, page readmodel.Page) (readmodel.Result[Dividend], error) {
	l := readmodel.List{Columns: dividendColumns, From: "coop_dividends d", Order: byPosition("d.dividend_id")}
	l.Where.Add("d.coop_id = ?", coopID.String())
	return fetch(ctx, q, "dividends", l, page, scanDividend)
}

// DividendByID returns one dividend; ok is false when there is none.
func DividendByID(ctx context.Context, q readmodel.Querier, coopID, id uuid.UUID) (d Dividend, ok bool, err error) {
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

func scanPayout(r readmodel.Scanner) (coop.Payout, error) {
	var p coop.Payout
	var holder string
	if err := r.Scan(&holder, &p.Shares, &p.Amount); err != nil {
		return p, err
	}
	p.Holder = uuid.MustParse(holder)
	return p, nil
}

// Payouts returns a dividend's payouts in holder id order.
func Payouts(ctx context.Context, q readmodel.Querier, coopID, dividendID uuid.UUID, f PayoutFilter, page readmodel.Page) (readmodel.Result[coop.Payout], error) {
	l := readmodel.List{Columns: "y.holder_id, y.shares, y.amount", From: "coop_payouts y",
		Order: readmodel.Keyset{Columns: []readmodel.Column{readmodel.ID("y.holder_id")}}}
	l.Where.Add("y.coop_id = ?", coopID.String())
	l.Where.Add("y.dividend_id = ?", dividendID.String())
	if f.Holder != uuid.Nil {
		l.Where.Add("y.holder_id = ?", f.Holder.String())
	}
	pledgedTo(&l.Where, f.PledgedTo, "y.coop_id", "y.holder_id")
	return fetch(ctx, q, "payouts", l, page, scanPayout)
}

// MovementFilter narrows Movements.
type MovementFilter struct {
	Holder    uuid.UUID // only movements from or to this holder, when set
	PledgedTo uuid.UUID // only movements from or to holders with a live pledge to this pledgee, when set
}

func scanMovement(r readmodel.Scanner) (Movement, error) {
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
func Movements(ctx context.Context, q readmodel.Querier, coopID uuid.UUID, f MovementFilter, page readmodel.Page) (readmodel.Result[Movement], error) {
	l := readmodel.List{Columns: "m.coop_id, m.position, m.seq, m.kind, m.from_holder, m.to_holder, m.class, m.shares, m.price, m.at",
		From: "coop_movements m", Order: readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("m.position"), readmodel.Int("m.seq")}}}
	l.Where.Add("m.coop_id = ?", coopID.String())
	if f.Holder != uuid.Nil {
		h := f.Holder.String()
		l.Where.Add("(m.from_holder = ? OR m.to_holder = ?)", h, h)
	}
	pledgedTo(&l.Where, f.PledgedTo, "m.coop_id", "m.from_holder", "m.to_holder")
	return fetch(ctx, q, "movements", l, page, scanMovement)
}

// byPosition orders a list by the position of the event that created each
// row, then by the row's id column.
func byPosition(id string) readmodel.Keyset {
	alias := strings.SplitN(id, ".", 2)[0]
	return readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int(alias + ".position"), readmodel.ID(id)}}
}

// pledgedTo keeps rows about a holder (any of holderCols) with a live pledge
// to pledgee; nothing changes when pledgee is zero.
func pledgedTo(w *readmodel.Where, pledgee uuid.UUID, coopCol string, holderCols ...string) {
	if pledgee == uuid.Nil {
		return
	}
	w.Add(fmt.Sprintf(`EXISTS (SELECT 1 FROM coop_pledges vp WHERE vp.coop_id = %s AND vp.holder_id IN (%s)
		AND vp.pledgee = ? AND vp.status = ?)`, coopCol, strings.Join(holderCols, ", ")),
		pledgee.String(), string(PledgeActive))
}

// fetch reads a page of l, wrapping database errors with what the list holds.
func fetch[T any](ctx context.Context, q readmodel.Querier, what string, l readmodel.List, page readmodel.Page,
	scan func(readmodel.Scanner) (T, error)) (readmodel.Result[T], error) {
	res, err := readmodel.Fetch(ctx, q, l, page, scan)
	if err != nil {
		return res, fmt.Errorf("coopview: list %s: %w", what, err)
	}
	return res, err
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
