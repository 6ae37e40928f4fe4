package listingview

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
)

// TestAViewersFilterKeepsWhatTheViewerSees puts a listing in every status,
// announced and not (this round's announcement on the row, or a relisting
// after an announced round), and lists the board for the public, another
// party, the seller and the exchange, with no status filter, each status
// alone and a status everyone sees: a Filter's Viewer must keep exactly the
// listings listing.Viewer.SeesListing lets it see.
func TestAViewersFilterKeepsWhatTheViewerSees(t *testing.T) {
	statuses := []listing.Status{listing.StatusDraft, listing.StatusSubmitted, listing.StatusRejected, listing.StatusAnnounced,
		listing.StatusSuspended, listing.StatusNegotiating, listing.StatusAuctionScheduled, listing.StatusAuctionOpen,
		listing.StatusPriorityWindow, listing.StatusAwaitingPayment, listing.StatusPaid, listing.StatusContractSigned,
		listing.StatusCertified, listing.StatusArchived, listing.StatusUnsold, listing.StatusEnded, listing.StatusWithdrawn}
	for name, open := range map[string]func(testing.TB) *readmodel.DB{"sqlite": rmtest.SQLite, "postgres": rmtest.Postgres} {
		t.Run(name, func(t *testing.T) {
			w := newWorld(t, open(t))
			ctx := context.Background()
			seller := uuid.New()
			var all []Listing
			for i, s := range statuses {
				for _, at := range []struct {
					round int
					ends  any
				}{{1, nil}, {1, t0.Add(time.Hour).UnixMicro()}, {2, nil}} {
					id := uuid.New()
					w.create(id, seller, terms{title: string(s)}, t0.Add(time.Duration(i)*time.Minute))
					if _, err := w.db.ExecContext(ctx, `UPDATE listing_listings SET status = $1, round = $2, announcement_ends = $3 WHERE id = $4`,
						string(s), at.round, at.ends, id); err != nil {
						t.Fatal(err)
					}
					all = append(all, w.listing(id))
				}
			}
			filters := [][]listing.Status{nil, {listing.StatusAuctionOpen, listing.StatusCertified}}
			for _, s := range statuses {
				filters = append(filters, []listing.Status{s})
			}
			for who, v := range map[string]listing.Viewer{"the public": {}, "another party": {Party: uuid.New()},
				"the seller": {Party: seller}, "the exchange": {Exchange: true, Party: uuid.New()}} {
				for _, only := range filters {
					var want []uuid.UUID
					for _, l := range all {
						if (only == nil || slices.Contains(only, l.Status)) && v.SeesListing(l.Seller, l.Status, l.Announced()) {
							want = append(want, l.ID)
						}
					}
					res, err := Listings(ctx, w.db, Filter{Viewer: &v, Statuses: only}, SortCreatedDesc, readmodel.Page{First: 100})
					if err != nil {
						t.Fatal(err)
					}
					n, err := CountListings(ctx, w.db, Filter{Viewer: &v, Statuses: only})
					if err != nil {
						t.Fatal(err)
					}
					var got []uuid.UUID
					for _, l := range res.Rows {
						got = append(got, l.ID)
					}
					slices.SortFunc(got, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
					slices.SortFunc(want, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) })
					if !slices.Equal(got, want) || n != len(want) {
						t.Errorf("%s, statuses %v: %d listings (counted %d), want %d", who, only, len(got), n, len(want))
					}
				}
			}
		})
	}
}
