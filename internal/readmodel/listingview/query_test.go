package listingview

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
)

// TestCards reads a draft and an open auction with bids through Cards: each
// has a card's fields as ListingByID reads them and every other field zero.
func TestCards(t *testing.T) {
	for name, open := range map[string]func(testing.TB) *readmodel.DB{"sqlite": rmtest.SQLite, "postgres": rmtest.Postgres} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, open(t))
			draft, auction, coll, alice, bob := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
			w.create(draft, coll, terms{title: "李家村梨园流转", county: "寿光市", village: "李家村"}, t0)
			w.create(auction, coll, terms{title: "王家庄苹果园土地经营权流转", county: "寿光市", village: "王家庄"}, t0)
			ends := w.announce(auction, t0)
			w.qualify(auction, t0, alice, bob)
			w.do(listing.CloseRegistration{ListingID: auction}, ends)
			opens := w.listing(auction).OpensAt
			w.do(listing.PlaceBid{ListingID: auction, BidderID: alice, Amount: kernel.Yuan(100_000)}, opens.Add(time.Minute))
			w.do(listing.PlaceBid{ListingID: auction, BidderID: bob, Amount: kernel.Yuan(101_000)}, opens.Add(2*time.Minute))

			res, err := Cards(context.Background(), w.db, Filter{}, SortCreatedDesc, readmodel.Page{First: 10})
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range []uuid.UUID{draft, auction} {
				l := w.listing(id)
				want := Listing{ID: l.ID, Round: l.Round, Status: l.Status, Title: l.Title, AssetType: l.AssetType, Region: l.Region,
					Area: l.Area, ListedPrice: l.ListedPrice, StartingPrice: l.StartingPrice, Increment: l.Increment, ClosingAt: l.ClosingAt,
					BidderCount: l.BidderCount, HighestBid: l.HighestBid, BidCount: l.BidCount, Leader: l.Leader, CreatedAt: l.CreatedAt,
					UpdatedAt: l.UpdatedAt}
				i := slices.IndexFunc(res.Rows, func(c Listing) bool { return c.ID == id })
				if i < 0 || !reflect.DeepEqual(res.Rows[i], want) {
					t.Fatalf("cards = %+v\nwant %+v among them", res.Rows, want)
				}
			}
			if a := w.listing(auction); a.Leader.ID != bob || a.HighestBid == 0 || a.ClosingAt.IsZero() || !w.listing(draft).ClosingAt.IsZero() {
				t.Fatalf("the listings do not exercise every card field: %+v", a)
			}
		})
	}
}

// qualify registers bidders for id, each with its deposit held, and
// qualifies them, over the first hours after from.
func (w *world) qualify(id uuid.UUID, from time.Time, bidders ...uuid.UUID) {
	for i, b := range bidders {
		at := from.Add(time.Duration(i+1) * time.Hour)
		w.do(listing.RegisterBidder{ListingID: id, BidderID: b}, at)
		w.do(listing.ConfirmDeposit{ListingID: id, BidderID: b, Amount: kernel.Yuan(30_000)}, at.Add(time.Minute))
		w.do(listing.QualifyBidder{ListingID: id, BidderID: b, Qualified: true}, at.Add(2*time.Minute))
	}
}

// TestATownshipsBoardIsReadFromItsIndex asks SQLite how it finds the
// board's usual page (one township's open auctions, newest first): the ids
// from the township index, in order, and the page's rows read in that
// order: nothing sorted, neither the township's listings nor the page.
func TestATownshipsBoardIsReadFromItsIndex(t *testing.T) {
	w := newWorld(t, rmtest.SQLite(t))
	f := Filter{Statuses: []listing.Status{listing.StatusAuctionOpen}, County: "寿光市", Township: "稻田镇"}
	q, args, err := pageQuery(f, SortCreatedDesc, readmodel.Page{First: 20}, "id")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := w.db.DB.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(plan, "\n")
	// No sort at all: the ids come from the index in order, and the rows
	// are read by joining them in that order.
	if !strings.Contains(all, "listing_listings_township") || strings.Contains(all, "TEMP B-TREE") {
		t.Fatalf("plan of the township's board:\n%s\nwant its ids read from listing_listings_township, in order, and nothing sorted", all)
	}
}
