package demandview

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/demand"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Projections returns the area's projections.
func Projections() []readmodel.Projection { return []readmodel.Projection{projection{}} }

type projection struct{}

// Name implements readmodel.Projection.
func (projection) Name() string { return "demandview.v1" }

// Version implements readmodel.Projection. 2: offers state their price
// basis and total.
func (projection) Version() int { return 2 }

// Tables implements readmodel.Projection.
func (projection) Tables() []string {
	return []string{"demand_demands", "demand_offers", "demand_alerts"}
}

// Schema implements readmodel.Projection. Criteria are stored as the JSON of
// demand.Criteria, times as unix microseconds.
func (projection) Schema(readmodel.Dialect) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS demand_demands (
			id TEXT PRIMARY KEY,
			kind TEXT NOT NULL,
			owner TEXT NOT NULL,
			title TEXT NOT NULL,
			note TEXT NOT NULL,
			criteria TEXT NOT NULL,
			closed INTEGER NOT NULL DEFAULT 0,
			at BIGINT NOT NULL)`,
		`CREATE INDEX IF NOT EXISTS demand_demands_owner ON demand_demands (owner, at, id)`,
		`CREATE INDEX IF NOT EXISTS demand_demands_open ON demand_demands (kind, closed, at, id)`,
		`CREATE TABLE IF NOT EXISTS demand_offers (
			listing_id TEXT PRIMARY KEY,
			title TEXT NOT NULL,
			offer TEXT NOT NULL)`,
		`CREATE TABLE IF NOT EXISTS demand_alerts (
			search_id TEXT NOT NULL,
			listing_id TEXT NOT NULL,
			owner TEXT NOT NULL,
			position BIGINT NOT NULL,
			at BIGINT NOT NULL,
			PRIMARY KEY (search_id, listing_id))`,
		`CREATE INDEX IF NOT EXISTS demand_alerts_owner ON demand_alerts (owner, position, search_id)`,
	}
}

// OfferOf is what a listing's details offer to a demand: the listed price in
// the listing's own basis, and its total over the term as the listing
// computes it (Details.TermTotal).
func OfferOf(d listing.Details) demand.Offer {
	r := d.Asset.Region
	basis := demand.PriceTotal
	switch d.PriceBasis() {
	case listing.BasisAnnualRent:
		basis = demand.PriceAnnual
	case listing.BasisRentPerMuYear:
		basis = demand.PricePerMuYear
	}
	total, _ := d.TermTotal(d.ListedPrice) // the decider refuses a listing whose total overflows
	return demand.Offer{Region: demand.Region{Province: r.Province, County: r.County, Township: r.Township, Village: r.Village},
		Type: d.Asset.Type, Area: d.Asset.Area, TermMonths: d.TermMonths, Price: d.ListedPrice, Basis: basis, Total: total}
}

// Apply implements readmodel.Projection.
func (projection) Apply(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	switch e := env.Event.(type) {
	case demand.DemandPosted:
		return insertDemand(ctx, tx, e.DemandID, demand.KindDemand, e.Owner, e.Title, e.Note, e.Criteria, e.At)
	case demand.SearchSaved:
		return insertDemand(ctx, tx, e.DemandID, demand.KindSearch, e.Owner, e.Title, "", e.Criteria, e.At)
	case demand.DemandClosed:
		_, err := tx.ExecContext(ctx, `UPDATE demand_demands SET closed = 1 WHERE id = $1`, e.DemandID.String())
		return err
	case listing.ListingCreated:
		return saveOffer(ctx, tx, e.ListingID, e.Details)
	case listing.ListingRevised:
		return saveOffer(ctx, tx, e.ListingID, e.Details)
	case listing.ListingApproved:
		return alert(ctx, tx, e.ListingID, env.Position, e.At)
	}
	return nil
}

func insertDemand(ctx context.Context, tx readmodel.Tx, id uuid.UUID, kind demand.Kind, owner uuid.UUID, title, note string, c demand.Criteria, at time.Time) error {
	criteria, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO demand_demands (id, kind, owner, title, note, criteria, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (id) DO NOTHING`, id.String(), string(kind), owner.String(), title, note, string(criteria), readmodel.Micros(at))
	return err
}

func saveOffer(ctx context.Context, tx readmodel.Tx, id uuid.UUID, d listing.Details) error {
	offer, err := offerText(d)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO demand_offers (listing_id, title, offer) VALUES ($1, $2, $3)
		ON CONFLICT (listing_id) DO UPDATE SET title = excluded.title, offer = excluded.offer`, id.String(), d.Title, offer)
	return err
}

// offerText is the offer column of d's listing: OfferOf(d) as JSON.
func offerText(d listing.Details) (string, error) {
	b, err := json.Marshal(OfferOf(d))
	return string(b), err
}

// alert records the listing in the alerts of every open saved search it matches.
func alert(ctx context.Context, tx readmodel.Tx, listingID uuid.UUID, position uint64, at time.Time) error {
	var text string
	err := tx.QueryRowContext(ctx, `SELECT offer FROM demand_offers WHERE listing_id = $1`, listingID.String()).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	var offer demand.Offer
	if err := json.Unmarshal([]byte(text), &offer); err != nil {
		return err
	}
	searches, err := Open(ctx, tx, demand.KindSearch, uuid.Nil)
	if err != nil {
		return err
	}
	for _, s := range searches {
		if !s.Criteria.Matches(offer) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO demand_alerts (search_id, listing_id, owner, position, at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (search_id, listing_id) DO NOTHING`, s.ID.String(), listingID.String(), s.Owner.String(), int64(position), readmodel.Micros(at)); err != nil {
			return err
		}
	}
	return nil
}

// Demand is a demand or saved search as the read model holds it.
type Demand struct {
	ID       uuid.UUID
	Kind     demand.Kind
	Owner    uuid.UUID
	Title    string
	Note     string
	Criteria demand.Criteria
	Closed   bool
	At       time.Time
}

const demandColumns = `id, kind, owner, title, note, criteria, closed, at`

func scanDemand(s readmodel.Scanner) (Demand, error) {
	var (
		d                         Demand
		id, kind, owner, criteria string
		closed                    int
		at                        int64
	)
	if err := s.Scan(&id, &kind, &owner, &d.Title, &d.Note, &criteria, &closed, &at); err != nil {
		return d, err
	}
	d.ID, d.Kind, d.Owner, d.Closed, d.At = readmodel.ParseID(id), demand.Kind(kind), readmodel.ParseID(owner), closed == 1, readmodel.Time(at)
	return d, json.Unmarshal([]byte(criteria), &d.Criteria)
}

// Open returns the open demands (or saved searches) of kind, oldest first:
// owner's only, or everyone's when owner is uuid.Nil.
func Open(ctx context.Context, q readmodel.Querier, kind demand.Kind, owner uuid.UUID) ([]Demand, error) {
	var w readmodel.Where
	w.Add("kind = ?", string(kind))
	w.Add("closed = 0")
	if owner != uuid.Nil {
		w.Add("owner = ?", owner.String())
	}
	return readmodel.Collect(ctx, q, scanDemand, `SELECT `+demandColumns+` FROM demand_demands`+w.String()+` ORDER BY at, id`, w.Args()...)
}

// ByID returns one demand; ok is false when there is none.
func ByID(ctx context.Context, q readmodel.Querier, id uuid.UUID) (Demand, bool, error) {
	d, err := scanDemand(q.QueryRowContext(ctx, `SELECT `+demandColumns+` FROM demand_demands WHERE id = $1`, id.String()))
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	return d, err == nil, err
}

// demandOrder pages an owner's demands, newest first.
var demandOrder = readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("at"), readmodel.ID("id")}, Desc: true}

// Cursor is d's place in Owned's order.
func (d Demand) Cursor() readmodel.Cursor { return readmodel.CursorOf(readmodel.Micros(d.At), d.ID) }

// Owned returns one page of owner's demands and saved searches, newest first.
func Owned(ctx context.Context, q readmodel.Querier, owner uuid.UUID, p readmodel.Page) (readmodel.Result[Demand], error) {
	l := readmodel.List{Columns: demandColumns, From: "demand_demands", Order: demandOrder}
	l.Where.Add("owner = ?", owner.String())
	return readmodel.Fetch(ctx, q, l, p, scanDemand)
}

// Alert is a listing that matched a saved search when it was approved.
type Alert struct {
	SearchID     uuid.UUID
	ListingID    uuid.UUID
	ListingTitle string
	Position     uint64 // of the approval
	At           time.Time
}

// alertOrder pages an owner's alerts, newest first.
var alertOrder = readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("a.position"), readmodel.ID("a.search_id")}, Desc: true}

// Cursor is a's place in Alerts' order.
func (a Alert) Cursor() readmodel.Cursor { return readmodel.CursorOf(a.Position, a.SearchID) }

// AlertsAfter returns owner's alerts recorded after position, oldest first
// (at most 100: a client further behind reads demandAlerts).
func AlertsAfter(ctx context.Context, q readmodel.Querier, owner uuid.UUID, position uint64) ([]Alert, error) {
	return readmodel.Collect(ctx, q, scanAlert, alertSelect+` WHERE a.owner = $1 AND a.position > $2 ORDER BY a.position, a.search_id LIMIT 100`,
		owner.String(), int64(position))
}

// alertSelect reads alerts with their listings' titles.
const alertSelect = `SELECT a.search_id, a.listing_id, o.title, a.position, a.at FROM demand_alerts a JOIN demand_offers o ON o.listing_id = a.listing_id`

func scanAlert(s readmodel.Scanner) (Alert, error) {
	var (
		a                 Alert
		search, listingID string
		pos, at           int64
	)
	err := s.Scan(&search, &listingID, &a.ListingTitle, &pos, &at)
	a.SearchID, a.ListingID, a.Position, a.At = readmodel.ParseID(search), readmodel.ParseID(listingID), uint64(pos), readmodel.Time(at)
	return a, err
}

// Alerts returns one page of owner's alerts, newest first.
func Alerts(ctx context.Context, q readmodel.Querier, owner uuid.UUID, p readmodel.Page) (readmodel.Result[Alert], error) {
	var w readmodel.Where
	w.Add("a.owner = ?", owner.String())
	return readmodel.Paged(ctx, q, "demand_alerts a", &w, alertOrder, p, func(limit int) ([]Alert, error) {
		return readmodel.Collect(ctx, q, scanAlert, alertSelect+w.String()+` ORDER BY `+alertOrder.OrderBy()+` LIMIT `+strconv.Itoa(limit), w.Args()...)
	})
}
