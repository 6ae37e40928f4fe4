package demandview

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/demand"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Fold implements readmodel.Folder: a rebuild keeps the demands, the
// listings' offers and the alerts in memory, matches each approval against
// the open searches there, and writes every row once at the end. What it
// holds grows with the listings and demands, as the tables do (a few hundred
// bytes a listing).
func (projection) Fold(d readmodel.Dialect) readmodel.Fold {
	return &fold{demands: map[uuid.UUID]*demandRow{}, offers: map[uuid.UUID]offerRow{}, alerts: map[alertKey]alertRow{},
		demandRows: readmodel.NewInserter(d, "demand_demands", "id", "kind", "owner", "title", "note", "criteria", "closed", "at"),
		offerRows:  readmodel.NewInserter(d, "demand_offers", "listing_id", "title", "offer"),
		alertRows:  readmodel.NewInserter(d, "demand_alerts", "search_id", "listing_id", "owner", "position", "at")}
}

// fold is the demands' readmodel.Fold.
type fold struct {
	demands  map[uuid.UUID]*demandRow
	searches []*demandRow // the saved searches, in the order saved
	offers   map[uuid.UUID]offerRow
	alerts   map[alertKey]alertRow

	demandRows, offerRows, alertRows *readmodel.Inserter
}

// demandRow is a demand_demands row, and its criteria read back from it as
// Open reads them.
type demandRow struct {
	key                                    uuid.UUID
	id, kind, owner, title, note, criteria string
	closed                                 int64
	at                                     int64
	parsed                                 demand.Criteria
	parseErr                               error
}

type offerRow struct{ title, offer string }

type alertKey struct{ search, listing uuid.UUID }

type alertRow struct {
	owner        string
	position, at int64
}

// Add implements readmodel.Fold, as Apply applies the event.
func (f *fold) Add(_ context.Context, _ readmodel.Tx, env readmodel.Envelope) error {
	switch e := env.Event.(type) {
	case demand.DemandPosted:
		return f.demand(e.DemandID, demand.KindDemand, e.Owner, e.Title, e.Note, e.Criteria, readmodel.Micros(e.At))
	case demand.SearchSaved:
		return f.demand(e.DemandID, demand.KindSearch, e.Owner, e.Title, "", e.Criteria, readmodel.Micros(e.At))
	case demand.DemandClosed:
		if d := f.demands[e.DemandID]; d != nil {
			d.closed = 1
		}
	case listing.ListingCreated:
		return f.offer(e.ListingID, e.Details)
	case listing.ListingRevised:
		return f.offer(e.ListingID, e.Details)
	case listing.ListingApproved:
		return f.alert(e.ListingID, int64(env.Position), readmodel.Micros(e.At))
	}
	return nil
}

// demand holds a demand or search, unless one of its id is held already.
func (f *fold) demand(id uuid.UUID, kind demand.Kind, owner uuid.UUID, title, note string, c demand.Criteria, at int64) error {
	if f.demands[id] != nil {
		return nil
	}
	criteria, err := json.Marshal(c)
	if err != nil {
		return err
	}
	d := &demandRow{key: id, id: id.String(), kind: string(kind), owner: owner.String(), title: title, note: note, criteria: string(criteria), at: at}
	d.parseErr = json.Unmarshal(criteria, &d.parsed)
	f.demands[id] = d
	if kind == demand.KindSearch {
		f.searches = append(f.searches, d)
	}
	return nil
}

func (f *fold) offer(id uuid.UUID, d listing.Details) error {
	text, err := offerText(d)
	if err != nil {
		return err
	}
	f.offers[id] = offerRow{title: d.Title, offer: text}
	return nil
}

// alert records the listing in the alerts of every open search it matches,
// as the function alert does. The offer is read back from its text at the
// first open search: a history without saved searches (the listings' own)
// does not decode an offer at every approval.
func (f *fold) alert(listingID uuid.UUID, position, at int64) error {
	o, ok := f.offers[listingID]
	if !ok {
		return nil
	}
	var offer *demand.Offer
	for _, s := range f.searches {
		if s.closed != 0 {
			continue
		}
		if offer == nil {
			offer = new(demand.Offer)
			if err := json.Unmarshal([]byte(o.offer), offer); err != nil {
				return err
			}
		}
		if s.parseErr != nil {
			return s.parseErr
		}
		k := alertKey{s.key, listingID}
		if _, dup := f.alerts[k]; dup || !s.parsed.Matches(*offer) {
			continue
		}
		f.alerts[k] = alertRow{owner: s.owner, position: position, at: at}
	}
	return nil
}

// Flush implements readmodel.Fold.
func (f *fold) Flush(ctx context.Context, tx readmodel.Tx) error {
	for _, id := range readmodel.SortedIDs(f.demands) {
		d := f.demands[id]
		if err := f.demandRows.Add(ctx, tx, d.id, d.kind, d.owner, d.title, d.note, d.criteria, d.closed, d.at); err != nil {
			return err
		}
	}
	for _, id := range readmodel.SortedIDs(f.offers) {
		o := f.offers[id]
		if err := f.offerRows.Add(ctx, tx, id.String(), o.title, o.offer); err != nil {
			return err
		}
	}
	for _, k := range slices.SortedFunc(maps.Keys(f.alerts), func(a, b alertKey) int {
		return cmp.Or(bytes.Compare(a.search[:], b.search[:]), bytes.Compare(a.listing[:], b.listing[:]))
	}) {
		a := f.alerts[k]
		if err := f.alertRows.Add(ctx, tx, k.search.String(), k.listing.String(), a.owner, a.position, a.at); err != nil {
			return err
		}
	}
	for _, in := range []*readmodel.Inserter{f.demandRows, f.offerRows, f.alertRows} {
		if err := in.Flush(ctx, tx); err != nil {
			return err
		}
	}
	return nil
}
