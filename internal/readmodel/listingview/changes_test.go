package listingview

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/changes"
)

// cached is a query result as a result cache keeps it: the change log's
// Now before computing, what the computation read, and the result.
type cached struct {
	since uint64
	reads *changes.Reads
	value any
}

// track computes q under changes.Track.
func (w *world) track(q func(ctx context.Context) (any, error)) cached {
	w.t.Helper()
	since := w.proj.Changes().Now()
	ctx, reads := changes.Track(context.Background())
	v, err := q(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return cached{since, reads, v}
}

// check fails unless the change log calls c fresh exactly when computing it
// again gives the same result.
func (w *world) check(name string, c cached, q func(ctx context.Context) (any, error), wantFresh bool) {
	w.t.Helper()
	if fresh := w.proj.Changes().Fresh(c.reads, c.since); fresh != wantFresh {
		w.t.Fatalf("%s: fresh = %v, want %v", name, fresh, wantFresh)
	}
	now, err := q(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	if same := reflect.DeepEqual(now, c.value); same != wantFresh {
		w.t.Fatalf("%s: the result computed again is the same: %v, want %v (the test's change must change it or not)", name, same, wantFresh)
	}
}

func testCacheKeys(t *testing.T, w *world) {
	coll := uuid.New()
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	alice, bob := uuid.New(), uuid.New()
	w.create(a, coll, terms{title: "寿光A", county: "寿光市", village: "王家庄"}, t0)
	w.create(b, coll, terms{title: "青州B", county: "青州市", village: "东关"}, t0.Add(time.Second))
	var opens time.Time
	for _, id := range []uuid.UUID{a, b} {
		ends := w.announce(id, t0)
		w.qualify(id, t0, alice, bob) // two qualified bidders: an auction
		w.do(listing.CloseRegistration{ListingID: id}, ends)
		opens = w.listing(id).OpensAt
	}
	bid := func(id uuid.UUID, yuan int64) {
		w.do(listing.PlaceBid{ListingID: id, BidderID: alice, Amount: kernel.Yuan(yuan)}, opens.Add(time.Minute))
	}
	bid(a, 100_000) // the first bid also opens the bidding: a change of status, which the board sees
	bid(b, 100_000)

	page := func(county string) func(ctx context.Context) (any, error) {
		return func(ctx context.Context) (any, error) {
			return Listings(ctx, w.db, Filter{County: county}, SortCreatedDesc, readmodel.Page{First: 10})
		}
	}
	one := func(id uuid.UUID) func(ctx context.Context) (any, error) {
		return func(ctx context.Context) (any, error) {
			l, _, err := ListingByID(ctx, w.db, id)
			if err != nil {
				return nil, err
			}
			bids, err := Bids(ctx, w.store, w.reg, &l, readmodel.Page{First: 5})
			return []any{l, bids}, err
		}
	}
	count := func(ctx context.Context) (any, error) { return CountListings(ctx, w.db, Filter{}) }
	undeclared := func(ctx context.Context) (any, error) { // a read no key covers
		var n int
		err := w.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(bid_count), 0) FROM listing_listings`).Scan(&n)
		return n, err
	}

	pageA, pageB, oneB, all, raw := w.track(page("寿光市")), w.track(page("青州市")), w.track(one(b)), w.track(count), w.track(undeclared)
	w.check("page with A, nothing changed", pageA, page("寿光市"), true)

	bid(a, 101_000) // changes A's row and bids only
	w.check("page with A after a bid on A", pageA, page("寿光市"), false)
	w.check("page without A after a bid on A", pageB, page("青州市"), true)
	w.check("listing B with its bids after a bid on A", oneB, one(b), true)
	w.check("count of every listing after a bid", all, count, true)
	w.check("an undeclared read after a bid", raw, undeclared, false)

	w.create(c, coll, terms{title: "青州C", county: "青州市", village: "西关"}, t0.Add(time.Minute))
	w.check("page of 青州市 after a listing in 青州市 is created", pageB, page("青州市"), false)
	w.check("count of every listing after a listing is created", all, count, false)

	bid(b, 101_000)
	w.check("listing B with its bids after a bid on B", oneB, one(b), false)
}
