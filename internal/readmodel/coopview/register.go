package coopview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// registerProjection projects every share cooperative's events into the coop_ tables.
type registerProjection struct{}

// Name implements readmodel.Projection.
func (registerProjection) Name() string { return "coop_register" }

// Version implements readmodel.Projection.
func (registerProjection) Version() int { return 1 }

// Tables implements readmodel.Projection.
func (registerProjection) Tables() []string {
	return []string{"coop_cooperatives", "coop_holders", "coop_pledges", "coop_dividends", "coop_payouts", "coop_movements"}
}

// Schema implements readmodel.Projection. The statements are the same on
// both dialects.
func (registerProjection) Schema(readmodel.Dialect) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS coop_cooperatives (
			coop_id TEXT PRIMARY KEY,
			collective TEXT NOT NULL,
			name TEXT NOT NULL,
			holding_cap_bp BIGINT NOT NULL,
			redemption_cap_bp BIGINT NOT NULL,
			pledge_term_years INTEGER NOT NULL,
			pledged_loan_term_years INTEGER NOT NULL,
			claim_period_months INTEGER NOT NULL,
			dynamic_register INTEGER NOT NULL,
			founded_at BIGINT NOT NULL,
			position BIGINT NOT NULL,
			shares_population BIGINT NOT NULL DEFAULT 0,
			shares_labour_age BIGINT NOT NULL DEFAULT 0,
			shares_land BIGINT NOT NULL DEFAULT 0,
			member_count INTEGER NOT NULL DEFAULT 0)`,
		`CREATE INDEX IF NOT EXISTS coop_cooperatives_order ON coop_cooperatives (position, coop_id)`,
		`CREATE INDEX IF NOT EXISTS coop_cooperatives_collective ON coop_cooperatives (collective, position, coop_id)`,
		`CREATE TABLE IF NOT EXISTS coop_holders (
			coop_id TEXT NOT NULL,
			holder_id TEXT NOT NULL,
			kind TEXT NOT NULL,
			household TEXT,
			admitted_at BIGINT,
			deceased INTEGER NOT NULL DEFAULT 0,
			died_on BIGINT,
			claim_deadline BIGINT,
			shares_population BIGINT NOT NULL DEFAULT 0,
			shares_labour_age BIGINT NOT NULL DEFAULT 0,
			shares_land BIGINT NOT NULL DEFAULT 0,
			quantified_population BIGINT NOT NULL DEFAULT 0,
			quantified_labour_age BIGINT NOT NULL DEFAULT 0,
			quantified_land BIGINT NOT NULL DEFAULT 0,
			pledged BIGINT NOT NULL DEFAULT 0,
			position BIGINT NOT NULL,
			PRIMARY KEY (coop_id, holder_id))`,
		`CREATE INDEX IF NOT EXISTS coop_holders_order ON coop_holders (coop_id, position, holder_id)`,
		`CREATE TABLE IF NOT EXISTS coop_pledges (
			coop_id TEXT NOT NULL,
			pledge_id TEXT NOT NULL,
			holder_id TEXT NOT NULL,
			pledgee TEXT NOT NULL,
			shares BIGINT NOT NULL,
			registration_number TEXT NOT NULL,
			loan_maturity BIGINT NOT NULL,
			registered_until BIGINT NOT NULL,
			status TEXT NOT NULL,
			pledged_at BIGINT NOT NULL,
			ended_at BIGINT,
			position BIGINT NOT NULL,
			PRIMARY KEY (coop_id, pledge_id))`,
		`CREATE INDEX IF NOT EXISTS coop_pledges_order ON coop_pledges (coop_id, position, pledge_id)`,
		`CREATE INDEX IF NOT EXISTS coop_pledges_holder ON coop_pledges (coop_id, holder_id, pledgee, status)`,
		`CREATE INDEX IF NOT EXISTS coop_pledges_pledgee ON coop_pledges (coop_id, pledgee, position, pledge_id)`,
		`CREATE TABLE IF NOT EXISTS coop_dividends (
			coop_id TEXT NOT NULL,
			dividend_id TEXT NOT NULL,
			amount BIGINT NOT NULL,
			total_shares BIGINT NOT NULL,
			payout_count INTEGER NOT NULL,
			declared_at BIGINT NOT NULL,
			paid_at BIGINT,
			position BIGINT NOT NULL,
			PRIMARY KEY (coop_id, dividend_id))`,
		`CREATE INDEX IF NOT EXISTS coop_dividends_order ON coop_dividends (coop_id, position, dividend_id)`,
		`CREATE TABLE IF NOT EXISTS coop_payouts (
			coop_id TEXT NOT NULL,
			dividend_id TEXT NOT NULL,
			holder_id TEXT NOT NULL,
			shares BIGINT NOT NULL,
			amount BIGINT NOT NULL,
			PRIMARY KEY (coop_id, dividend_id, holder_id))`,
		`CREATE TABLE IF NOT EXISTS coop_movements (
			coop_id TEXT NOT NULL,
			position BIGINT NOT NULL,
			seq INTEGER NOT NULL,
			kind TEXT NOT NULL,
			from_holder TEXT,
			to_holder TEXT NOT NULL,
			class TEXT NOT NULL,
			shares BIGINT NOT NULL,
			price BIGINT,
			at BIGINT NOT NULL,
			PRIMARY KEY (coop_id, position, seq))`,
	}
}

// classColumn names the column suffix that holds a class's shares. Only
// these fixed strings are ever spliced into SQL.
var classColumn = map[coop.ShareClass]string{
	coop.ClassPopulation: "population",
	coop.ClassLabourAge:  "labour_age",
	coop.ClassLand:       "land",
}

func column(prefix string, class coop.ShareClass) (string, error) {
	c, ok := classColumn[class]
	if !ok {
		return "", fmt.Errorf("coopview: unknown share class %q", class)
	}
	return prefix + c, nil
}

// Apply implements readmodel.Projection.
func (registerProjection) Apply(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	w := writer{ctx: ctx, tx: tx, pos: int64(env.Position)}
	switch e := env.Event.(type) {
	case coop.CooperativeFounded:
		return w.founded(e)
	case coop.MemberAdmitted:
		return w.admitted(e)
	case coop.SharesAllocated:
		return w.allocated(e)
	case coop.SharesTransferred:
		return w.move(e.CoopID, MovementTransfer, e.From, e.To, e.Class, e.Shares, &e.Price, e.At)
	case coop.SharesRedeemed:
		return w.redeemed(e)
	case coop.HolderDeceased:
		return w.deceased(e)
	case coop.SharesInherited:
		return w.inherited(e)
	case coop.UnclaimedSharesReverted:
		return w.passEstate(e.CoopID, MovementReversion, e.Deceased, e.Collective, e.Shares, e.Pledges, e.At)
	case coop.SharesPledged:
		return w.pledged(e)
	case coop.PledgeReleased:
		return w.endPledge(e.CoopID, e.PledgeID, e.Holder, PledgeReleased, e.At)
	case coop.PledgeExpired:
		return w.endPledge(e.CoopID, e.PledgeID, e.Holder, PledgeExpired, e.At)
	case coop.PledgeEnforced:
		return w.enforced(e)
	case coop.DividendDeclared:
		return w.declared(e)
	case coop.DividendPaid:
		return w.exec(`UPDATE coop_dividends SET paid_at = $3 WHERE coop_id = $1 AND dividend_id = $2`,
			e.CoopID.String(), e.DividendID.String(), readmodel.NullMicros(e.At))
	}
	return nil
}

// writer applies one event; seq numbers the movement rows the event adds.
type writer struct {
	ctx context.Context
	tx  readmodel.Tx
	pos int64
	seq int
}

func (w *writer) exec(query string, args ...any) error {
	_, err := w.tx.ExecContext(w.ctx, query, args...)
	return err
}

func (w *writer) founded(e coop.CooperativeFounded) error {
	s := e.Settings
	if err := w.exec(`INSERT INTO coop_cooperatives (coop_id, collective, name, holding_cap_bp, redemption_cap_bp,
			pledge_term_years, pledged_loan_term_years, claim_period_months, dynamic_register, founded_at, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		e.CoopID.String(), e.Collective.String(), e.Name, s.HoldingCapBP, s.RedemptionCapBP, s.PledgeTermYears,
		s.PledgedLoanTermYears, s.ClaimPeriodMonths, readmodel.Bool(s.DynamicRegister), readmodel.NullMicros(e.At), w.pos); err != nil {
		return err
	}
	return w.exec(`INSERT INTO coop_holders (coop_id, holder_id, kind, position) VALUES ($1, $2, $3, $4)`,
		e.CoopID.String(), e.Collective.String(), string(coop.KindCollective), w.pos)
}

func (w *writer) admitted(e coop.MemberAdmitted) error {
	// An outside heir admitted later keeps their line (and shares), now as a member.
	if err := w.exec(`INSERT INTO coop_holders (coop_id, holder_id, kind, household, admitted_at, position)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (coop_id, holder_id) DO UPDATE SET kind = excluded.kind, household = excluded.household,
			admitted_at = excluded.admitted_at`,
		e.CoopID.String(), e.Member.String(), string(coop.KindMember), e.Household.String(), readmodel.NullMicros(e.At), w.pos); err != nil {
		return err
	}
	return w.exec(`UPDATE coop_cooperatives SET member_count = member_count + 1 WHERE coop_id = $1`, e.CoopID.String())
}

func (w *writer) allocated(e coop.SharesAllocated) error {
	for _, a := range e.Allocations {
		shares, err := column("shares_", a.Class)
		if err != nil {
			return err
		}
		quantified, _ := column("quantified_", a.Class)
		if err := w.exec(`UPDATE coop_holders SET `+shares+` = `+shares+` + $3, `+quantified+` = `+quantified+` + $3
			WHERE coop_id = $1 AND holder_id = $2`, e.CoopID.String(), a.Member.String(), a.Shares); err != nil {
			return err
		}
		if err := w.exec(`UPDATE coop_cooperatives SET `+shares+` = `+shares+` + $2 WHERE coop_id = $1`,
			e.CoopID.String(), a.Shares); err != nil {
			return err
		}
		if err := w.movement(e.CoopID, MovementAllocation, uuid.Nil, a.Member, a.Class, a.Shares, nil, e.At); err != nil {
			return err
		}
	}
	return nil
}

// move moves n shares of class between two holders' lines and records the movement.
func (w *writer) move(coopID uuid.UUID, kind MovementKind, from, to uuid.UUID, class coop.ShareClass, n int64, price *kernel.Money, at time.Time) error {
	col, err := column("shares_", class)
	if err != nil {
		return err
	}
	if err := w.exec(`UPDATE coop_holders SET `+col+` = `+col+` - $3 WHERE coop_id = $1 AND holder_id = $2`,
		coopID.String(), from.String(), n); err != nil {
		return err
	}
	if err := w.exec(`UPDATE coop_holders SET `+col+` = `+col+` + $3 WHERE coop_id = $1 AND holder_id = $2`,
		coopID.String(), to.String(), n); err != nil {
		return err
	}
	return w.movement(coopID, kind, from, to, class, n, price, at)
}

func (w *writer) movement(coopID uuid.UUID, kind MovementKind, from, to uuid.UUID, class coop.ShareClass, n int64, price *kernel.Money, at time.Time) error {
	var fromArg, priceArg any
	if from != uuid.Nil {
		fromArg = from.String()
	}
	if price != nil {
		priceArg = price.Fen()
	}
	w.seq++
	return w.exec(`INSERT INTO coop_movements (coop_id, position, seq, kind, from_holder, to_holder, class, shares, price, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		coopID.String(), w.pos, w.seq, string(kind), fromArg, to.String(), string(class), n, priceArg, readmodel.NullMicros(at))
}

func (w *writer) redeemed(e coop.SharesRedeemed) error {
	var collective string
	if err := w.tx.QueryRowContext(w.ctx, `SELECT collective FROM coop_cooperatives WHERE coop_id = $1`,
		e.CoopID.String()).Scan(&collective); err != nil {
		return fmt.Errorf("coopview: the cooperative of a redemption: %w", err)
	}
	to, err := uuid.Parse(collective)
	if err != nil {
		return err
	}
	return w.move(e.CoopID, MovementRedemption, e.Holder, to, e.Class, e.Shares, &e.Price, e.At)
}

func (w *writer) deceased(e coop.HolderDeceased) error {
	if err := w.exec(`UPDATE coop_cooperatives SET member_count = member_count - 1 WHERE coop_id = $1
		AND EXISTS (SELECT 1 FROM coop_holders WHERE coop_id = $1 AND holder_id = $2 AND kind = $3)`,
		e.CoopID.String(), e.Holder.String(), string(coop.KindMember)); err != nil {
		return err
	}
	return w.exec(`UPDATE coop_holders SET deceased = 1, died_on = $3, claim_deadline = $4 WHERE coop_id = $1 AND holder_id = $2`,
		e.CoopID.String(), e.Holder.String(), readmodel.NullMicros(e.DiedOn), readmodel.NullMicros(e.ClaimDeadline))
}

func (w *writer) inherited(e coop.SharesInherited) error {
	kind := coop.KindMember
	if e.Rights == coop.RightsIncomeOnly {
		kind = coop.KindOutsideHeir
	}
	if err := w.exec(`INSERT INTO coop_holders (coop_id, holder_id, kind, household, position) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (coop_id, holder_id) DO UPDATE SET kind = excluded.kind, household = excluded.household`,
		e.CoopID.String(), e.Heir.String(), string(kind), e.HeirHousehold.String(), w.pos); err != nil {
		return err
	}
	return w.passEstate(e.CoopID, MovementInheritance, e.Deceased, e.Heir, e.Shares, e.Pledges, e.At)
}

// passEstate moves a deceased holder's shares, class by class in a fixed
// order, and the pledges on them to heir.
func (w *writer) passEstate(coopID uuid.UUID, kind MovementKind, deceased, heir uuid.UUID, shares coop.ClassShares, pledges []uuid.UUID, at time.Time) error {
	for _, class := range Classes {
		if n := shares[class]; n > 0 {
			if err := w.move(coopID, kind, deceased, heir, class, n, nil, at); err != nil {
				return err
			}
		}
	}
	for _, id := range pledges {
		if err := w.exec(`UPDATE coop_pledges SET holder_id = $3 WHERE coop_id = $1 AND pledge_id = $2`,
			coopID.String(), id.String(), heir.String()); err != nil {
			return err
		}
	}
	return w.refreshPledged(coopID, deceased, heir)
}

// refreshPledged recomputes the pledged count of holders from their live pledges.
func (w *writer) refreshPledged(coopID uuid.UUID, holders ...uuid.UUID) error {
	for _, h := range holders {
		if err := w.exec(`UPDATE coop_holders SET pledged = (SELECT COALESCE(SUM(p.shares), 0) FROM coop_pledges p
				WHERE p.coop_id = $1 AND p.holder_id = $2 AND p.status = $3)
			WHERE coop_id = $1 AND holder_id = $2`, coopID.String(), h.String(), string(PledgeActive)); err != nil {
			return err
		}
	}
	return nil
}

// pledged records a pledge. A pledge id may be pledged again once released
// (the decider keeps only live pledges), so the row is replaced.
func (w *writer) pledged(e coop.SharesPledged) error {
	if err := w.exec(`INSERT INTO coop_pledges (coop_id, pledge_id, holder_id, pledgee, shares, registration_number,
			loan_maturity, registered_until, status, pledged_at, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (coop_id, pledge_id) DO UPDATE SET holder_id = excluded.holder_id, pledgee = excluded.pledgee,
			shares = excluded.shares, registration_number = excluded.registration_number, loan_maturity = excluded.loan_maturity,
			registered_until = excluded.registered_until, status = excluded.status, pledged_at = excluded.pledged_at,
			ended_at = NULL, position = excluded.position`,
		e.CoopID.String(), e.PledgeID.String(), e.Holder.String(), e.Pledgee.String(), e.Shares, e.RegistrationNumber,
		readmodel.NullMicros(e.LoanMaturity), readmodel.NullMicros(e.RegisteredUntil), string(PledgeActive), readmodel.NullMicros(e.At), w.pos); err != nil {
		return err
	}
	return w.refreshPledged(e.CoopID, e.Holder)
}

func (w *writer) endPledge(coopID, pledgeID, holder uuid.UUID, status PledgeStatus, at time.Time) error {
	if err := w.exec(`UPDATE coop_pledges SET status = $3, ended_at = $4 WHERE coop_id = $1 AND pledge_id = $2`,
		coopID.String(), pledgeID.String(), string(status), readmodel.NullMicros(at)); err != nil {
		return err
	}
	return w.refreshPledged(coopID, holder)
}

// enforced ends the pledge, then moves the shares sold, class by class in
// display order, each a movement at the sale price of the whole.
func (w *writer) enforced(e coop.PledgeEnforced) error {
	if err := w.endPledge(e.CoopID, e.PledgeID, e.Holder, PledgeEnforced, e.At); err != nil {
		return err
	}
	for _, class := range Classes {
		if n := e.Shares[class]; n > 0 {
			if err := w.move(e.CoopID, MovementEnforcement, e.Holder, e.Buyer, class, n, &e.Price, e.At); err != nil {
				return err
			}
		}
	}
	return nil
}

// payoutBatch bounds the rows of one INSERT (5 parameters each), well under
// both backends' parameter limits.
const payoutBatch = 500

func (w *writer) declared(e coop.DividendDeclared) error {
	if err := w.exec(`INSERT INTO coop_dividends (coop_id, dividend_id, amount, total_shares, payout_count, declared_at, position)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.CoopID.String(), e.DividendID.String(), e.Amount.Fen(), e.TotalShares, len(e.Payouts), readmodel.NullMicros(e.At), w.pos); err != nil {
		return err
	}
	for start := 0; start < len(e.Payouts); start += payoutBatch {
		batch := e.Payouts[start:min(start+payoutBatch, len(e.Payouts))]
		var sql strings.Builder
		sql.WriteString(`INSERT INTO coop_payouts (coop_id, dividend_id, holder_id, shares, amount) VALUES `)
		args := make([]any, 0, 5*len(batch))
		for i, p := range batch {
			if i > 0 {
				sql.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&sql, "($%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
			args = append(args, e.CoopID.String(), e.DividendID.String(), p.Holder.String(), p.Shares, p.Amount.Fen())
		}
		if err := w.exec(sql.String(), args...); err != nil {
			return err
		}
	}
	return nil
}
