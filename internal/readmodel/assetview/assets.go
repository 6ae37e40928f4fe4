package assetview

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// assetProjection maintains asset_assets and its child tables from the asset streams.
type assetProjection struct{}

func (assetProjection) Name() string { return "assetview.assets" }

func (assetProjection) Version() int { return 1 }

func (assetProjection) Tables() []string {
	return []string{"asset_assets", "asset_holdings", "asset_restrictions", "asset_entrustments", "asset_consents", "asset_history"}
}

func (assetProjection) Schema(readmodel.Dialect) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS asset_assets (
			id TEXT PRIMARY KEY, type TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL, owner TEXT NOT NULL,
			province TEXT NOT NULL, county TEXT NOT NULL, township TEXT NOT NULL, village TEXT NOT NULL,
			area BIGINT NOT NULL, certificate_no TEXT NOT NULL, rights_end BIGINT NOT NULL, contractor TEXT NOT NULL,
			holder TEXT NOT NULL, registered_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, version BIGINT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS asset_assets_registered ON asset_assets (registered_at, id)`,
		`CREATE INDEX IF NOT EXISTS asset_assets_owner ON asset_assets (owner, registered_at, id)`,
		`CREATE INDEX IF NOT EXISTS asset_assets_holder ON asset_assets (holder, registered_at, id)`,
		`CREATE INDEX IF NOT EXISTS asset_assets_region ON asset_assets (county, township, village, registered_at, id)`,
		`CREATE TABLE IF NOT EXISTS asset_holdings (
			asset_id TEXT NOT NULL, seq BIGINT NOT NULL, holder TEXT NOT NULL, contract_id TEXT NOT NULL, form TEXT NOT NULL,
			start_at BIGINT NOT NULL, end_at BIGINT NOT NULL, source_ref TEXT NOT NULL, source_date BIGINT NOT NULL,
			ended_at BIGINT NOT NULL, end_reason TEXT NOT NULL, PRIMARY KEY (asset_id, seq))`,
		`CREATE TABLE IF NOT EXISTS asset_restrictions (
			asset_id TEXT NOT NULL, id TEXT NOT NULL, seq BIGINT NOT NULL, kind TEXT NOT NULL, grantor TEXT NOT NULL,
			secured_party TEXT NOT NULL, amount BIGINT NOT NULL, start_at BIGINT NOT NULL, end_at BIGINT NOT NULL,
			source_ref TEXT NOT NULL, source_date BIGINT NOT NULL, since BIGINT NOT NULL, PRIMARY KEY (asset_id, id))`,
		`CREATE TABLE IF NOT EXISTS asset_entrustments (
			asset_id TEXT NOT NULL, seq BIGINT NOT NULL, household TEXT NOT NULL, entrustee TEXT NOT NULL, collective TEXT NOT NULL,
			scope TEXT NOT NULL, start_at BIGINT NOT NULL, end_at BIGINT NOT NULL, source_ref TEXT NOT NULL, source_date BIGINT NOT NULL,
			entrusted_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL, PRIMARY KEY (asset_id, seq))`,
		`CREATE TABLE IF NOT EXISTS asset_consents (
			asset_id TEXT NOT NULL, seq BIGINT NOT NULL, id TEXT NOT NULL, contractor TEXT NOT NULL, grantee TEXT NOT NULL,
			purpose TEXT NOT NULL, source_ref TEXT NOT NULL, source_date BIGINT NOT NULL, recorded_at BIGINT NOT NULL,
			PRIMARY KEY (asset_id, seq))`,
		`CREATE TABLE IF NOT EXISTS asset_history (
			asset_id TEXT NOT NULL, version BIGINT NOT NULL, position BIGINT NOT NULL, type TEXT NOT NULL, at BIGINT NOT NULL,
			actor TEXT NOT NULL, summary TEXT NOT NULL, PRIMARY KEY (asset_id, version))`,
	}
}

// assetStreams begins the name of every asset's stream.
var assetStreams = registry.Decider.Category + "-"

func (assetProjection) Apply(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	id, asset := strings.CutPrefix(env.Stream, assetStreams)
	if !asset {
		return nil
	}
	ev, ok := env.Event.(interface{ OccurredAt() time.Time })
	if !ok {
		return nil
	}
	at, seq := readmodel.Micros(ev.OccurredAt()), int64(env.Version)
	var err error
	switch e := env.Event.(type) {
	case registry.AssetRegistered:
		l := e.Location
		if _, err = tx.ExecContext(ctx, `INSERT INTO asset_assets (id, type, title, description, owner, province, county, township,
			village, area, certificate_no, rights_end, contractor, holder, registered_at, updated_at, version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16)`,
			id, string(e.Type), e.Title, e.Description, e.Owner.String(), l.Province, l.County, l.Township, l.Village,
			int64(e.Area), e.CertificateNo, readmodel.Micros(e.RightsEnd), readmodel.IDText(e.Contractor), e.Holder.String(), at, seq); err != nil {
			return err
		}
		err = insertHolding(ctx, tx, id, seq, Holding{Holder: e.Holder, Start: e.At, End: e.RightsEnd, Source: e.Source})
	case registry.RestrictionAdded:
		r := e.Restriction
		_, err = tx.ExecContext(ctx, `INSERT INTO asset_restrictions (asset_id, id, seq, kind, grantor, secured_party, amount,
			start_at, end_at, source_ref, source_date, since) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			id, r.ID.String(), seq, string(r.Kind), readmodel.IDText(r.Grantor), r.SecuredParty.String(), int64(r.Amount),
			readmodel.Micros(r.Start), readmodel.Micros(r.End), r.Source.Reference, readmodel.Micros(r.Source.Date), at)
	case registry.RestrictionRemoved:
		_, err = tx.ExecContext(ctx, `DELETE FROM asset_restrictions WHERE asset_id = $1 AND id = $2`, id, e.RestrictionID.String())
	case registry.ManagementRightTransferred:
		if err = insertHolding(ctx, tx, id, seq, Holding{Holder: e.Transferee, ContractID: e.ContractID, Form: e.Form,
			Start: e.Start, End: e.End, Source: e.Source}); err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE asset_assets SET holder = $2 WHERE id = $1`, id, e.Transferee.String())
		}
	case registry.ManagementRightEnded:
		if _, err = tx.ExecContext(ctx, `UPDATE asset_holdings SET ended_at = $3, end_reason = $4
			WHERE asset_id = $1 AND ended_at = 0 AND seq >= (SELECT seq FROM asset_holdings WHERE asset_id = $1 AND contract_id = $2 AND ended_at = 0)`,
			id, e.ContractID.String(), at, string(e.Reason)); err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE asset_assets SET holder = $2 WHERE id = $1`, id, e.Holder.String())
		}
	case registry.ManagementRightExtended:
		_, err = tx.ExecContext(ctx, `UPDATE asset_holdings SET end_at = $3 WHERE asset_id = $1 AND contract_id = $2 AND ended_at = 0`,
			id, e.ContractID.String(), readmodel.Micros(e.End))
	case registry.PlotEntrusted:
		n := e.Entrustment
		_, err = tx.ExecContext(ctx, `INSERT INTO asset_entrustments (asset_id, seq, household, entrustee, collective, scope,
			start_at, end_at, source_ref, source_date, entrusted_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0)`,
			id, seq, n.Household.String(), n.Entrustee.String(), n.Collective.String(), joinForms(n.Scope),
			readmodel.Micros(n.Start), readmodel.Micros(n.End), n.Source.Reference, readmodel.Micros(n.Source.Date), at)
	case registry.EntrustmentRevoked:
		_, err = tx.ExecContext(ctx, `UPDATE asset_entrustments SET revoked_at = $2 WHERE asset_id = $1 AND revoked_at = 0`, id, at)
	case registry.ConsentRecorded:
		c := e.Consent
		_, err = tx.ExecContext(ctx, `INSERT INTO asset_consents (asset_id, seq, id, contractor, grantee, purpose, source_ref,
			source_date, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			id, seq, c.ID.String(), c.Contractor.String(), c.Grantee.String(), string(c.Purpose), c.Source.Reference, readmodel.Micros(c.Source.Date), at)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE asset_assets SET updated_at = $2, version = $3 WHERE id = $1`, id, at, seq); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO asset_history (asset_id, version, position, type, at, actor, summary)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, seq, int64(env.Position), env.Event.EventType(), at, env.Metadata.Actor, summarize(env.Event))
	return err
}

func insertHolding(ctx context.Context, tx readmodel.Tx, id string, seq int64, h Holding) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO asset_holdings (asset_id, seq, holder, contract_id, form, start_at, end_at,
		source_ref, source_date, ended_at, end_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, '')`,
		id, seq, h.Holder.String(), readmodel.IDText(h.ContractID), string(h.Form), readmodel.Micros(h.Start), readmodel.Micros(h.End), h.Source.Reference, readmodel.Micros(h.Source.Date))
	return err
}

func joinForms(fs []registry.Form) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ",")
}

// summarize describes an asset event in one line for the history list.
func summarize(e kernel.Event) string {
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	switch e := e.(type) {
	case registry.AssetRegistered:
		return fmt.Sprintf("registered %s %q, %s mu, certificate %s, rights until %s", e.Type, e.Title, e.Area, e.CertificateNo, day(e.RightsEnd))
	case registry.RestrictionAdded:
		return fmt.Sprintf("%s %s registered for %s", e.Restriction.Kind, e.Restriction.ID, e.Restriction.SecuredParty)
	case registry.RestrictionRemoved:
		return fmt.Sprintf("restriction %s lifted", e.RestrictionID)
	case registry.ManagementRightTransferred:
		return fmt.Sprintf("management right to %s by %s under contract %s, %s–%s", e.Transferee, e.Form, e.ContractID, day(e.Start), day(e.End))
	case registry.ManagementRightEnded:
		return fmt.Sprintf("management right under contract %s ended (%s); held by %s", e.ContractID, e.Reason, e.Holder)
	case registry.ManagementRightExtended:
		return fmt.Sprintf("management right under contract %s renewed until %s", e.ContractID, day(e.End))
	case registry.PlotEntrusted:
		return fmt.Sprintf("entrusted to %s for %s, %s–%s", e.Entrustment.Entrustee, joinForms(e.Entrustment.Scope), day(e.Entrustment.Start), day(e.Entrustment.End))
	case registry.EntrustmentRevoked:
		return "entrustment revoked"
	case registry.ConsentRecorded:
		return fmt.Sprintf("contractor's consent to %s recorded for %s", e.Consent.Purpose, e.Consent.Grantee)
	}
	return e.EventType()
}

// AssetFilter selects assets; zero fields do not filter.
type AssetFilter struct {
	Collective uuid.UUID
	Type       kernel.AssetType
	County     string
	Township   string
	Village    string
	Holder     uuid.UUID
	Encumbered *bool // whether a restriction burdens the asset at the query's time
}

// Reader answers queries from the area's read models.
type Reader struct{ DB *readmodel.DB }

const assetColumns = `id, type, title, description, owner, province, county, township, village, area, certificate_no,
	rights_end, contractor, registered_at, updated_at, version`

// Asset returns one asset with its children, or NOT_FOUND.
func (r Reader) Asset(ctx context.Context, id uuid.UUID) (Asset, error) {
	return one(id, "asset", func(w *readmodel.Where, limit int) ([]Asset, error) { return r.assets(ctx, w, limit) })
}

// Assets returns a page of the assets f selects, in registration order, and
// how many match in all; now decides which restrictions are in force.
func (r Reader) Assets(ctx context.Context, f AssetFilter, p readmodel.Page, now time.Time) (readmodel.Result[Asset], error) {
	var w readmodel.Where
	if f.Collective != uuid.Nil {
		w.Add("owner = ?", f.Collective.String())
	}
	if f.Type != "" {
		w.Add("type = ?", string(f.Type))
	}
	for _, c := range []struct{ col, v string }{{"county", f.County}, {"township", f.Township}, {"village", f.Village}} {
		if c.v != "" {
			w.Add(c.col+" = ?", c.v)
		}
	}
	if f.Holder != uuid.Nil {
		w.Add("holder = ?", f.Holder.String())
	}
	if f.Encumbered != nil {
		not := "NOT "
		if *f.Encumbered {
			not = ""
		}
		t := readmodel.Micros(now)
		w.Add(not+`EXISTS (SELECT 1 FROM asset_restrictions r WHERE r.asset_id = asset_assets.id
			AND r.start_at <= ? AND (r.end_at = 0 OR r.end_at > ?))`, t, t)
	}
	return readmodel.Paged(ctx, r.DB, "asset_assets", &w, byRegistration, p, func(limit int) ([]Asset, error) { return r.assets(ctx, &w, limit) })
}

// Cursor returns the asset's place in the Assets list.
func (a Asset) Cursor() readmodel.Cursor {
	return readmodel.CursorOf(readmodel.Micros(a.RegisteredAt), a.ID)
}

// assets loads up to limit assets matching w, in registration order, with
// their children: one query per child table for the whole page.
func (r Reader) assets(ctx context.Context, w *readmodel.Where, limit int) ([]Asset, error) {
	rows, err := r.DB.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM asset_assets%s ORDER BY %s LIMIT %d`,
		assetColumns, w.String(), byRegistration.OrderBy(), limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	var out []Asset
	index := map[string]int{}
	var ids []string
	for rows.Next() {
		var a Asset
		var id, typ, owner, contractor string
		var area, rightsEnd, registered, updated int64
		if err := rows.Scan(&id, &typ, &a.Title, &a.Description, &owner, &a.Location.Province, &a.Location.County,
			&a.Location.Township, &a.Location.Village, &area, &a.CertificateNo, &rightsEnd, &contractor, &registered, &updated, &a.Version); err != nil {
			rows.Close()
			return nil, err
		}
		a.ID, a.Type, a.Owner, a.Contractor = readmodel.ParseID(id), kernel.AssetType(typ), readmodel.ParseID(owner), readmodel.ParseID(contractor)
		a.Area, a.RightsEnd, a.RegisteredAt, a.UpdatedAt = kernel.Area(area), readmodel.Time(rightsEnd), readmodel.Time(registered), readmodel.Time(updated)
		index[id] = len(out)
		ids = append(ids, id)
		out = append(out, a)
	}
	if err := closeRows(rows); err != nil || len(out) == 0 {
		return out, err
	}
	return out, r.assetChildren(ctx, out, index, ids)
}

// queryIn runs query, whose %s is replaced by " WHERE column IN (...)" over ids.
func (r Reader) queryIn(ctx context.Context, query, column string, ids []string) (*sql.Rows, error) {
	var w readmodel.Where
	w.In(column, ids)
	return r.DB.QueryContext(ctx, fmt.Sprintf(query, w.String()), w.Args()...)
}

// assetChildren loads the holdings, restrictions, entrustments and consents
// of out (indexed by id), one query per table.
func (r Reader) assetChildren(ctx context.Context, out []Asset, index map[string]int, ids []string) error {
	rows, err := r.queryIn(ctx, `SELECT asset_id, holder, contract_id, form, start_at, end_at, source_ref, source_date, ended_at, end_reason
		FROM asset_holdings%s ORDER BY asset_id, seq`, "asset_id", ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, holder, contract, form, reason string
		var h Holding
		var start, end, srcDate, ended int64
		if err := rows.Scan(&id, &holder, &contract, &form, &start, &end, &h.Source.Reference, &srcDate, &ended, &reason); err != nil {
			rows.Close()
			return err
		}
		h.Holder, h.ContractID, h.Form, h.EndReason = readmodel.ParseID(holder), readmodel.ParseID(contract), registry.Form(form), registry.EndReason(reason)
		h.Start, h.End, h.Source.Date, h.EndedAt = readmodel.Time(start), readmodel.Time(end), readmodel.Time(srcDate), readmodel.Time(ended)
		a := &out[index[id]]
		a.Holdings = append(a.Holdings, h)
		if h.EndedAt.IsZero() {
			a.Holding = h
		}
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if rows, err = r.queryIn(ctx, `SELECT asset_id, id, kind, grantor, secured_party, amount, start_at, end_at, source_ref, source_date, since
		FROM asset_restrictions%s ORDER BY asset_id, seq`, "asset_id", ids); err != nil {
		return err
	}
	for rows.Next() {
		var id, rid, kind, grantor, secured string
		var x Restriction
		var amount, start, end, srcDate, since int64
		if err := rows.Scan(&id, &rid, &kind, &grantor, &secured, &amount, &start, &end, &x.Source.Reference, &srcDate, &since); err != nil {
			rows.Close()
			return err
		}
		x.ID, x.Kind, x.Grantor, x.SecuredParty, x.Amount = readmodel.ParseID(rid), registry.RestrictionKind(kind), readmodel.ParseID(grantor), readmodel.ParseID(secured), kernel.Money(amount)
		x.Start, x.End, x.Source.Date, x.Since = readmodel.Time(start), readmodel.Time(end), readmodel.Time(srcDate), readmodel.Time(since)
		a := &out[index[id]]
		a.Restrictions = append(a.Restrictions, x)
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if rows, err = r.queryIn(ctx, `SELECT asset_id, household, entrustee, collective, scope, start_at, end_at, source_ref, source_date,
		entrusted_at, revoked_at FROM asset_entrustments%s ORDER BY asset_id, seq`, "asset_id", ids); err != nil {
		return err
	}
	for rows.Next() {
		var id, household, entrustee, collective, scope string
		var n Entrustment
		var start, end, srcDate, at, revoked int64
		if err := rows.Scan(&id, &household, &entrustee, &collective, &scope, &start, &end, &n.Source.Reference, &srcDate, &at, &revoked); err != nil {
			rows.Close()
			return err
		}
		n.Household, n.Entrustee, n.Collective = readmodel.ParseID(household), readmodel.ParseID(entrustee), readmodel.ParseID(collective)
		for _, f := range splitScope(scope) {
			n.Scope = append(n.Scope, registry.Form(f))
		}
		n.Start, n.End, n.Source.Date, n.EntrustedAt, n.RevokedAt = readmodel.Time(start), readmodel.Time(end), readmodel.Time(srcDate), readmodel.Time(at), readmodel.Time(revoked)
		a := &out[index[id]]
		a.Entrustments = append(a.Entrustments, n)
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if rows, err = r.queryIn(ctx, `SELECT asset_id, id, contractor, grantee, purpose, source_ref, source_date, recorded_at
		FROM asset_consents%s ORDER BY asset_id, seq`, "asset_id", ids); err != nil {
		return err
	}
	for rows.Next() {
		var id, cid, contractor, grantee, purpose string
		var c Consent
		var srcDate, at int64
		if err := rows.Scan(&id, &cid, &contractor, &grantee, &purpose, &c.Source.Reference, &srcDate, &at); err != nil {
			rows.Close()
			return err
		}
		c.ID, c.Contractor, c.Grantee, c.Purpose = readmodel.ParseID(cid), readmodel.ParseID(contractor), readmodel.ParseID(grantee), registry.ConsentPurpose(purpose)
		c.Source.Date, c.RecordedAt = readmodel.Time(srcDate), readmodel.Time(at)
		a := &out[index[id]]
		a.Consents = append(a.Consents, c)
	}
	return closeRows(rows)
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// HistoryEntry is one event of an asset's history.
type HistoryEntry struct {
	Version  uint64
	Position uint64
	Type     string // the event type, e.g. "registry.PlotEntrusted.v1"
	At       time.Time
	Actor    string
	Summary  string
}

// History returns a page of the asset's events up to version upTo (all when
// 0), oldest first. The cursor is the version.
func (r Reader) History(ctx context.Context, asset uuid.UUID, upTo uint64, p readmodel.Page) (readmodel.Result[HistoryEntry], error) {
	var w readmodel.Where
	w.Add("asset_id = ?", asset.String())
	if upTo > 0 {
		w.Add("version <= ?", int64(upTo))
	}
	return readmodel.Paged(ctx, r.DB, "asset_history", &w, byVersion, p, func(limit int) ([]HistoryEntry, error) {
		return readmodel.Collect(ctx, r.DB, func(row readmodel.Scanner) (HistoryEntry, error) {
			var h HistoryEntry
			var at int64
			err := row.Scan(&h.Version, &h.Position, &h.Type, &at, &h.Actor, &h.Summary)
			h.At = readmodel.Time(at)
			return h, err
		}, fmt.Sprintf(`SELECT version, position, type, at, actor, summary FROM asset_history%s ORDER BY %s LIMIT %d`,
			w.String(), byVersion.OrderBy(), limit), w.Args()...)
	})
}

// Cursor returns the entry's place in the History list.
func (h HistoryEntry) Cursor() readmodel.Cursor { return readmodel.CursorOf(h.Version) }
