package creditview

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Notice is one version of a collateral registration: the notice as it stood
// from EffectiveFrom until EffectiveTo (zero while it is the current version).
type Notice struct {
	RegistrationID uuid.UUID
	Version        uint64 // the stream version of the change that opened it
	Number         string
	Kind           collateral.Kind
	Grantor        uuid.UUID
	SecuredParty   uuid.UUID
	Asset          uuid.UUID // the asset, or the cooperative of a share pledge
	Member         uuid.UUID // the member of a share pledge; uuid.Nil for a mortgage
	Shares         int64
	SecuredAmount  kernel.Money // for an all-sums notice, the maximum secured amount
	AllSums        bool         // an all-sums notice (rule 31)
	Start          time.Time
	End            time.Time
	RegisteredAt   time.Time // sets priority (rule 8)
	Status         collateral.Status
	Change         Change // what opened this version
	Reason         string // of an amendment or discharge
	EffectiveFrom  time.Time
	EffectiveTo    time.Time
}

// Change is the step that opened a version of a notice.
type Change string

// Changes.
const (
	ChangeRegistered Change = "REGISTERED"
	ChangeAmended    Change = "AMENDED"
	ChangeContinued  Change = "CONTINUED"
	ChangeDischarged Change = "DISCHARGED"
	ChangeExpired    Change = "EXPIRED"
)

// StatusAt is the notice's status at t: a registration in force past its end
// date counts as expired even before the expiry is recorded.
func (n Notice) StatusAt(t time.Time) collateral.Status {
	if n.Status == collateral.StatusRegistered && !t.Before(n.End) {
		return collateral.StatusExpired
	}
	return n.Status
}

// State returns the notice as the collateral package's State, for its
// priority rules (collateral.Priority).
func (n Notice) State() collateral.State {
	return collateral.State{ID: n.RegistrationID, Number: n.Number, Status: n.Status, Grantor: n.Grantor,
		SecuredParty: n.SecuredParty, SecuredAmount: n.SecuredAmount, AllSums: n.AllSums, Start: n.Start, End: n.End,
		RegisteredAt: n.RegisteredAt, Collateral: collateral.Collateral{Kind: n.Kind, Asset: n.Asset, Member: n.Member, Shares: n.Shares}}
}

// noticeProjection projects the collateral registry into credit_notice, one row per version.
type noticeProjection struct{}

// Name implements readmodel.Projection.
func (noticeProjection) Name() string { return "credit_notices" }

// Version implements readmodel.Projection.
func (noticeProjection) Version() int { return 2 }

// Tables implements readmodel.Projection.
func (noticeProjection) Tables() []string { return []string{"credit_notice"} }

// Schema implements readmodel.Projection.
func (noticeProjection) Schema(readmodel.Dialect) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS credit_notice (
			registration_id TEXT NOT NULL,
			version BIGINT NOT NULL,
			number TEXT NOT NULL,
			kind TEXT NOT NULL,
			grantor TEXT NOT NULL,
			secured_party TEXT NOT NULL,
			asset_id TEXT NOT NULL,
			member_id TEXT NOT NULL,
			shares BIGINT NOT NULL,
			secured_amount BIGINT NOT NULL,
			all_sums INTEGER NOT NULL,
			start_at BIGINT NOT NULL,
			end_at BIGINT NOT NULL,
			registered_at BIGINT NOT NULL,
			status TEXT NOT NULL,
			change TEXT NOT NULL,
			reason TEXT NOT NULL,
			effective_from BIGINT NOT NULL,
			effective_to BIGINT NOT NULL,
			PRIMARY KEY (registration_id, version)
		)`,
		`CREATE INDEX IF NOT EXISTS credit_notice_target ON credit_notice (asset_id, member_id, effective_from)`,
		`CREATE INDEX IF NOT EXISTS credit_notice_grantor ON credit_notice (grantor, effective_from)`,
		`CREATE INDEX IF NOT EXISTS credit_notice_number ON credit_notice (number, effective_from)`,
		`CREATE INDEX IF NOT EXISTS credit_notice_open ON credit_notice (registration_id, effective_to)`,
	}
}

const noticeColumns = `registration_id, version, number, kind, grantor, secured_party, asset_id, member_id, shares,
	secured_amount, all_sums, start_at, end_at, registered_at, status, change, reason, effective_from, effective_to`

// Apply implements readmodel.Projection.
func (noticeProjection) Apply(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	var (
		id     uuid.UUID
		at     time.Time
		change func(*Notice)
	)
	switch e := env.Event.(type) {
	case collateral.CollateralRegistered:
		return insertNotice(ctx, tx, Notice{
			RegistrationID: e.RegistrationID, Version: env.Version, Number: e.Number, Kind: e.Collateral.Kind,
			Grantor: e.Grantor, SecuredParty: e.SecuredParty, Asset: e.Collateral.Asset, Member: e.Collateral.Member,
			Shares: e.Collateral.Shares, SecuredAmount: e.SecuredAmount, AllSums: e.AllSums, Start: e.Start, End: e.End, RegisteredAt: e.At,
			Status: collateral.StatusRegistered, Change: ChangeRegistered, EffectiveFrom: e.At,
		})
	case collateral.CollateralAmended:
		id, at = e.RegistrationID, e.At
		change = func(n *Notice) {
			n.Grantor, n.SecuredParty, n.SecuredAmount, n.End = e.Grantor, e.SecuredParty, e.SecuredAmount, e.End
			n.Change, n.Reason = ChangeAmended, e.Reason
		}
	case collateral.CollateralContinued:
		id, at = e.RegistrationID, e.At
		change = func(n *Notice) { n.End, n.Change, n.Reason = e.End, ChangeContinued, "" }
	case collateral.CollateralDischarged:
		id, at = e.RegistrationID, e.At
		change = func(n *Notice) {
			n.Status, n.Change, n.Reason = collateral.StatusDischarged, ChangeDischarged, e.Reason
		}
	case collateral.CollateralExpired:
		id, at = e.RegistrationID, e.At
		change = func(n *Notice) { n.Status, n.Change, n.Reason = collateral.StatusExpired, ChangeExpired, "" }
	default:
		return nil
	}
	cur, err := scanNotice(tx.QueryRowContext(ctx, `SELECT `+noticeColumns+` FROM credit_notice
		WHERE registration_id = $1 AND effective_to = $2`, id.String(), int64(open)))
	if err != nil {
		return fmt.Errorf("current version of %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE credit_notice SET effective_to = $1 WHERE registration_id = $2 AND version = $3`,
		readmodel.Micros(at), id.String(), int64(cur.Version)); err != nil {
		return err
	}
	change(&cur)
	cur.Version, cur.EffectiveFrom, cur.EffectiveTo = env.Version, at, time.Time{}
	return insertNotice(ctx, tx, cur)
}

func insertNotice(ctx context.Context, tx readmodel.Tx, n Notice) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO credit_notice (`+noticeColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
		n.RegistrationID.String(), int64(n.Version), n.Number, string(n.Kind), n.Grantor.String(), n.SecuredParty.String(),
		n.Asset.String(), n.Member.String(), n.Shares, int64(n.SecuredAmount), readmodel.Bool(n.AllSums), readmodel.Micros(n.Start), readmodel.Micros(n.End),
		readmodel.Micros(n.RegisteredAt), string(n.Status), string(n.Change), n.Reason, readmodel.Micros(n.EffectiveFrom), int64(open))
	return err
}

func scanNotice(row readmodel.Scanner) (Notice, error) {
	var (
		n                                            Notice
		id, kind, grantor, secured, asset, member    string
		status, change                               string
		version, amount, start, end, regAt, from, to int64
		allSums                                      int64
	)
	err := row.Scan(&id, &version, &n.Number, &kind, &grantor, &secured, &asset, &member, &n.Shares,
		&amount, &allSums, &start, &end, &regAt, &status, &change, &n.Reason, &from, &to)
	if err != nil {
		return Notice{}, err
	}
	n.RegistrationID, n.Version, n.Kind = readmodel.ParseID(id), uint64(version), collateral.Kind(kind)
	n.Grantor, n.SecuredParty, n.Asset, n.Member = readmodel.ParseID(grantor), readmodel.ParseID(secured), readmodel.ParseID(asset), readmodel.ParseID(member)
	n.SecuredAmount, n.AllSums, n.Start, n.End, n.RegisteredAt = kernel.Money(amount), allSums == 1, readmodel.Time(start), readmodel.Time(end), readmodel.Time(regAt)
	n.Status, n.Change, n.EffectiveFrom = collateral.Status(status), Change(change), readmodel.Time(from)
	if to != open {
		n.EffectiveTo = readmodel.Time(to)
	}
	return n, nil
}

// NoticeSearch says what to search for; set exactly one of Target, Grantor or Number.
type NoticeSearch struct {
	Target  *collateral.Target // notices in force against an asset or a member's shares
	Grantor uuid.UUID          // notices in force granted by this party
	Number  string             // the registration with this number, in any status
	At      time.Time          // the instant searched
}

// SearchNotices is the registry's search (rules 20, 21): the notices as they
// stood at s.At, in priority order (registration time, then number, then id).
// Target and grantor searches return only notices in force at s.At; a number
// search returns that registration whatever its status then.
func SearchNotices(ctx context.Context, q readmodel.Querier, s NoticeSearch) ([]Notice, error) {
	t := readmodel.Micros(s.At)
	where, args := "", []any{t}
	switch {
	case s.Target != nil:
		where, args = `asset_id = $2 AND member_id = $3 AND status = 'REGISTERED' AND end_at > $1`,
			append(args, s.Target.Asset.String(), s.Target.Member.String())
	case s.Grantor != uuid.Nil:
		where, args = `grantor = $2 AND status = 'REGISTERED' AND end_at > $1`, append(args, s.Grantor.String())
	case s.Number != "":
		where, args = `number = $2`, append(args, s.Number)
	default:
		return nil, errors.New("creditview: an empty notice search")
	}
	return readmodel.Collect(ctx, q, scanNotice, `SELECT `+noticeColumns+` FROM credit_notice
		WHERE `+where+` AND effective_from <= $1 AND effective_to > $1
		ORDER BY registered_at, number, registration_id`, args...)
}

// NoticeHistories returns every version of the registrations ids, oldest first.
func NoticeHistories(ctx context.Context, q readmodel.Querier, ids []uuid.UUID) (map[uuid.UUID][]Notice, error) {
	return groupIn(ctx, q, scanNotice, func(n Notice) uuid.UUID { return n.RegistrationID },
		`SELECT `+noticeColumns+` FROM credit_notice%s ORDER BY registration_id, version`, "registration_id", ids)
}
