package listingview

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
)

// board fills db with n listings: 8 statuses, 8 asset types, 50 counties of
// 10 townships, prices from 10,000 to 1,000,000 yuan, one in 1,000 titled with
// 苹果园; the announced ones close over the next 60 days.
func board(tb testing.TB, db *readmodel.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	if _, err := readmodel.NewProjector(ctx, db, kernel.NewRegistry(), Projections()...); err != nil { // creates the tables
		tb.Fatal(err)
	}
	types := kernel.AssetTypes()[:8]
	const batch = 5000
	for start := 0; start < n; start += batch {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			tb.Fatal(err)
		}
		for i := start; i < min(start+batch, n); i++ {
			id := uuid.New()
			at := t0.Add(time.Duration(i) * time.Second)
			title := fmt.Sprintf("%d号地块经营权流转", i)
			if i%1000 == 0 {
				title = fmt.Sprintf("王家庄苹果园土地经营权流转 %d", i)
			}
			evs := []kernel.Event{listing.ListingCreated{ListingID: id, At: at, Details: listing.Details{
				Title: title, Description: "水电到田，交通便利", Seller: uuid.New(),
				Asset: listing.AssetFacts{AssetIDs: []uuid.UUID{uuid.New()}, Type: types[i%8],
					Region: listing.Region{Province: "山东省", County: fmt.Sprintf("县%d", i%50), Township: fmt.Sprintf("镇%d", i%500), Village: fmt.Sprintf("村%d", i%5000)},
					Area:   kernel.Area(1000 + i%10000)},
				ListedPrice: kernel.Yuan(int64(10_000 + (i*7919)%990_000)), StartingPrice: kernel.Yuan(int64(10_000 + (i*7919)%990_000)),
				Increment: kernel.Yuan(100), TermMonths: 60,
			}}}
			if i%8 != 0 { // 7 in 8 announced
				ends := at.Add(time.Duration(i%(60*24)) * time.Hour)
				evs = append(evs, listing.ListingApproved{ListingID: id, AnnouncementEnds: ends, BiddingOpensAt: ends.Add(time.Hour), At: at})
			}
			for _, e := range evs {
				if err := (listingProjection{}).Apply(ctx, tx, readmodel.Envelope{Event: e}); err != nil {
					tb.Fatal(err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkListings is one page of 20 (21 rows read) over 100,000 listings,
// per query shape, on SQLite and on PostgreSQL.
// go test -run X -bench Listings ./internal/readmodel/listingview/
func BenchmarkListings(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		db, err := readmodel.OpenSQLite(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchmarkBoard(b, db)
	})
	b.Run("postgres", func(b *testing.B) { benchmarkBoard(b, rmtest.Postgres(b)) })
}

func benchmarkBoard(b *testing.B, db *readmodel.DB) {
	board(b, db, 100_000)
	ctx := context.Background()
	announced := []listing.Status{listing.StatusAnnounced}
	for _, bc := range []struct {
		name string
		f    Filter
		s    Sort
	}{
		{"newest", Filter{}, SortCreatedDesc},
		{"status/closing", Filter{Statuses: announced}, SortClosingAsc},
		{"status+county/price", Filter{Statuses: announced, County: "县7"}, SortPriceAsc},
		{"type+price range/closing", Filter{AssetTypes: []kernel.AssetType{kernel.AssetForestRight}, MinPrice: kernel.Yuan(100_000), MaxPrice: kernel.Yuan(200_000)}, SortClosingAsc},
		{"text 苹果园/newest", Filter{Text: "苹果园"}, SortCreatedDesc},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				res, err := Listings(ctx, db, bc.f, bc.s, readmodel.Page{First: 20})
				if err != nil || len(res.Rows) == 0 {
					b.Fatal(len(res.Rows), err)
				}
			}
		})
	}
	b.Run("count status", func(b *testing.B) {
		for b.Loop() {
			if _, err := CountListings(ctx, db, Filter{Statuses: announced}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
