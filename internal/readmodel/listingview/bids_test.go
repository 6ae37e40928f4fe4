package listingview

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// countingLog is a Log that records where each read started.
type countingLog struct {
	Log
	froms []uint64
}

func (c *countingLog) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, max int) ([]eventstore.RecordedEvent, error) {
	c.froms = append(c.froms, from)
	return c.Log.ReadStream(ctx, stream, dir, from, max)
}

// testBidHistory reads a round's bids from the listing's stream: newest
// first, paged by cursor from the version the cursor's bid bounds, up to
// the bid the row counts, and only the row's round.
func testBidHistory(t *testing.T, w *world) {
	ctx := context.Background()
	id, coll, alice, bob := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	w.create(id, coll, terms{title: "西关村蔬菜大棚", county: "青州市", village: "西关"}, t0)
	qualify := func(at time.Time) time.Time { // two qualified bidders; returns when bidding opens
		ends := w.announce(id, at)
		w.qualify(id, at, alice, bob)
		w.do(listing.CloseRegistration{ListingID: id}, ends)
		return w.listing(id).OpensAt
	}
	opens := qualify(t0)
	closes := w.listing(id).AuctionClosesAt
	// Below the reserve: the round ends unsold. The third bid comes late and
	// extends the auction, an event after it in the stream.
	w.do(listing.PlaceBid{ListingID: id, BidderID: alice, Amount: kernel.Yuan(100_000)}, opens.Add(time.Minute))
	w.do(listing.PlaceBid{ListingID: id, BidderID: bob, Amount: kernel.Yuan(101_000)}, opens.Add(2*time.Minute))
	w.do(listing.PlaceBid{ListingID: id, BidderID: alice, Amount: kernel.Yuan(102_000)}, closes.Add(-time.Minute))
	row := w.listing(id)
	versions := map[int]uint64{} // bid number → stream version
	recs, err := w.store.ReadStream(ctx, kernel.StreamName("listing", id), eventstore.Forwards, 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if e, err := w.reg.Decode(r.Type, r.Data); err == nil {
			if b, ok := e.(listing.BidPlaced); ok {
				versions[b.Seq] = r.Version
			}
		}
	}
	if row.BidCount != 3 || row.LastBidVersion != versions[3] || versions[3] == uint64(len(recs)) {
		t.Fatalf("row counts %d bids to version %d; the stream has them at %v of %d events (an extension last)",
			row.BidCount, row.LastBidVersion, versions, len(recs))
	}

	log := &countingLog{Log: w.store}
	seqs := func(r readmodel.Result[Bid]) (out []int) {
		for _, b := range r.Rows {
			if b.Round != row.Round {
				t.Fatalf("bid %d of round %d, want %d", b.Seq, b.Round, row.Round)
			}
			out = append(out, b.Seq)
		}
		return out
	}
	after3, err := Bids(ctx, log, w.reg, &row, readmodel.Page{First: 1, After: Bid{Seq: 3}.Cursor()})
	if err != nil {
		t.Fatal(err)
	}
	if got := seqs(after3); len(got) != 1 || got[0] != 2 || !after3.HasNext || after3.Rows[0].Bidder != (BidderRef{ID: bob, Number: 2}) ||
		after3.Rows[0].Amount != kernel.Yuan(101_000) || !after3.Rows[0].At.Equal(opens.Add(2*time.Minute)) {
		t.Fatalf("the page after bid 3 = %+v", after3)
	}
	if len(log.froms) != 1 || log.froms[0] != versions[2] {
		t.Fatalf("read from versions %v; want one read from bid 2's version %d", log.froms, versions[2])
	}

	// A bid the row has not counted yet is not in the row's history.
	w.do(listing.PlaceBid{ListingID: id, BidderID: bob, Amount: kernel.Yuan(103_000)}, closes)
	all, err := Bids(ctx, w.store, w.reg, &row, readmodel.Page{First: 10})
	if got := seqs(all); err != nil || len(got) != 3 || got[0] != 3 || got[2] != 1 || all.HasNext {
		t.Fatalf("the row's history = %v, %v; want bids 3, 2, 1", got, err)
	}
	newer, err := Bids(ctx, w.store, w.reg, &row, readmodel.Page{First: 2, After: Bid{Seq: 6}.Cursor()}) // a cursor from a later row
	if got := seqs(newer); err != nil || !slices.Equal(got, []int{3, 2}) {
		t.Fatalf("the row's history after a later row's cursor = %v, %v; want bids 3, 2", got, err)
	}

	// Counted, it is; the extension between bids 3 and 4 is read past, and
	// bid 3, within the versions that may hold bid 2, is left out after it.
	row4 := w.listing(id)
	for _, c := range []struct {
		after int
		want  []int
	}{{5, []int{4, 3}}, {4, []int{3, 2}}, {3, []int{2, 1}}, {2, []int{1}}, {1, nil}} {
		page, err := Bids(ctx, w.store, w.reg, &row4, readmodel.Page{First: 2, After: Bid{Seq: c.after}.Cursor()})
		if got := seqs(page); err != nil || !slices.Equal(got, c.want) {
			t.Fatalf("after bid %d: %v, %v; want %v", c.after, got, err, c.want)
		}
	}

	// Unsold, relisted: the new round has no bids until one is placed, then
	// only its own.
	w.do(listing.CloseAuction{ListingID: id}, w.listing(id).AuctionClosesAt)
	w.do(listing.Relist{ListingID: id}, w.listing(id).AuctionClosesAt.Add(time.Hour))
	row = w.listing(id)
	log.froms = nil
	if none, err := Bids(ctx, log, w.reg, &row, readmodel.Page{First: 10}); err != nil || len(none.Rows) != 0 || len(log.froms) != 0 || row.Round != 2 {
		t.Fatalf("round %d's bids before any = %+v, %v, read from %v; want none, nothing read", row.Round, none, err, log.froms)
	}
	opens = qualify(row.UpdatedAt.Add(24 * time.Hour))
	w.do(listing.PlaceBid{ListingID: id, BidderID: bob, Amount: kernel.Yuan(104_000)}, opens.Add(time.Minute))
	row = w.listing(id)
	round2, err := Bids(ctx, w.store, w.reg, &row, readmodel.Page{First: 10})
	if got := seqs(round2); err != nil || len(got) != 1 || got[0] != 1 || round2.Rows[0].Amount != kernel.Yuan(104_000) {
		t.Fatalf("round 2's bids = %+v, %v; want its one bid", round2, err)
	}

	if _, err := Bids(ctx, w.store, w.reg, &row, readmodel.Page{First: 1, After: readmodel.Cursor{"x"}}); kernel.ErrorCode(err) != kernel.CodeInvalid {
		t.Fatalf("a cursor that is not a bid's = %v; want INVALID_INPUT", err)
	}
}
