package listings_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/uuid"
	gqlhandler "github.com/graphql-go/handler"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/httpapi"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
)

// loadQuery is the load test's board query: a filtered page of 20.
const loadQuery = `query { listings(filter: {status: [ANNOUNCED], county: "寿光市", township: "稻田镇"}, first: 20) {
	edges { cursor node { id title status assetType region { county township village } listedPrice highestBid bidCount closingAt } }
	pageInfo { hasNextPage endCursor } } }`

// BenchmarkListingsQuery serves loadQuery over 2,000 announced listings
// (500 in the filter's township) through nongjiao's handler (without the
// result cache, with compiled plans) and through graphql-go/handler on the
// same schema: over loopback HTTP with the response read to the end, then
// in-process from parallel goroutines (handler/…).
// go test -run X -bench ListingsQuery -benchtime 3s ./internal/api/listings/
func BenchmarkListingsQuery(b *testing.B) {
	h := apitest.New(b, area())
	ctx := context.Background()
	towns := []string{"稻田镇", "古城街道", "洛城街道", "孙家集街道"}
	for i := range 2000 {
		id, coll := uuid.New(), uuid.New()
		d := listing.Details{
			Title: fmt.Sprintf("王家庄%d号苹果园土地经营权流转", i), Description: "平整水浇地，临县道，适合设施农业。", Seller: coll,
			Asset: listing.AssetFacts{AssetIDs: []uuid.UUID{uuid.New()}, Type: kernel.AssetLandManagementRight, OwningCollective: coll,
				Region: listing.Region{Province: "山东省", County: "寿光市", Township: towns[i%len(towns)], Village: fmt.Sprintf("%d村", i%300)},
				Area:   kernel.Area(5000 + i), RightsEnd: apitest.Start.AddDate(20, 0, 0)},
			ListedPrice: kernel.Yuan(100_000), StartingPrice: kernel.Yuan(100_000), Increment: kernel.Yuan(100), TermMonths: 60,
			Settings: listing.DefaultSettings(),
		}
		ends := kernel.Calendar{}.AddWorkingDays(apitest.Start, 7)
		for _, c := range []listing.Command{
			listing.CreateListing{ListingID: id, Details: d, ReservePrice: kernel.Yuan(100_000)},
			listing.SubmitListing{ListingID: id, Resolution: listing.Resolution{Body: "村民代表会议", VotesFor: 30, Total: 40, Date: apitest.Start}},
			listing.ReviewListing{ListingID: id, Approve: true, AnnouncementEnds: ends, BiddingOpensAt: ends.Add(time.Hour)},
		} {
			res, err := h.App.Listings.Handle(ctx, c, app.Meta{CommandID: uuid.New(), Actor: "test:setup"})
			if err != nil {
				b.Fatal(err)
			}
			if err := h.Projector.WaitFor(ctx, res.Position); err != nil {
				b.Fatal(err)
			}
		}
	}
	if d := h.MustDo("", loadQuery, nil); len(d["listings"].(map[string]any)["edges"].([]any)) != 20 {
		b.Fatalf("page = %v", d)
	}
	gh := gqlhandler.New(&gqlhandler.Config{Schema: &h.Schema})
	plain := httptest.NewServer(gh)
	defer plain.Close()
	body := []byte(fmt.Sprintf(`{"query": %q}`, loadQuery))
	serve := func(b *testing.B, url string) {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
		for b.Loop() {
			res, err := client.Post(url, "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, res.Body); err != nil {
				b.Fatal(err)
			}
			res.Body.Close()
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	}
	b.Run("nongjiao", func(b *testing.B) { serve(b, h.URL) })
	b.Run("graphql-go-handler", func(b *testing.B) { serve(b, plain.URL) })

	// The handlers alone: in-process requests from parallel goroutines, no
	// client and no loopback, so the figures are each handler's own cost.
	nongjiao, err := httpapi.New(httpapi.Options{Schema: &h.Schema, Compile: api.Compile})
	if err != nil {
		b.Fatal(err)
	}
	inProcess := func(b *testing.B, handler http.Handler) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				r := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				handler.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	}
	b.Run("handler/nongjiao", func(b *testing.B) { inProcess(b, nongjiao) })
	b.Run("handler/graphql-go-handler", func(b *testing.B) { inProcess(b, gh) })
}
