package server_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore/pgtest"
)

// BenchmarkBidsThroughTheAPI measures placeBid through the built binary over
// loopback HTTP, 32 concurrent bidders (half on one listing, half spread over
// twelve) for 10 s, in three shapes: the embedded default (one process), and
// PostgreSQL with one and with two API replicas (plus one worker, which takes
// no requests). It reports answered bids/s (accepted and refused: each a full
// command round trip), accepted bids/s and the answers' p50 and p99.
//
//	go test ./internal/server -run '^$' -bench BidsThroughTheAPI -benchtime 1x
func BenchmarkBidsThroughTheAPI(b *testing.B) {
	for _, shape := range []struct {
		name     string
		postgres bool
		replicas int
	}{{"embedded", false, 1}, {"postgres/replicas=1", true, 1}, {"postgres/replicas=2", true, 2}} {
		b.Run(shape.name, func(b *testing.B) {
			bin := buildNongjiao(b)
			dir := b.TempDir()
			secret, err := auth.CreateSecret(dir)
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			var auc auctions
			var serving []*nongjiaoProcess
			if shape.postgres {
				url, schema := pgtest.Schema(b)
				store, err := pgstore.Open(ctx, pgstore.Options{URL: url, Schema: schema})
				if err != nil {
					b.Fatal(err)
				}
				auc = seedAuctions(ctx, b, store, time.Now(), time.Hour)
				store.Close()
				common := []string{"--data-dir", dir, "--store", "postgres", "--readmodel", "postgres", "--postgres-url", url, "--postgres-schema", schema}
				startNongjiao(b, bin, append(common, "--worker=true")...)
				for range shape.replicas {
					serving = append(serving, startNongjiao(b, bin, append(common, "--worker=false")...))
				}
			} else {
				store, err := filestore.Open(filestore.Options{Dir: filepath.Join(dir, "events"), Log: slog.New(slog.DiscardHandler)})
				if err != nil {
					b.Fatal(err)
				}
				auc = seedAuctions(ctx, b, store, time.Now(), time.Hour)
				store.Close()
				serving = append(serving, startNongjiao(b, bin, "--data-dir", dir))
			}
			d := newBidDriver(b, secret, auc, serving)
			waitUntil(ctx, auc.opens.Add(time.Second))
			b.ResetTimer()
			start := time.Now()
			until := start.Add(10 * time.Second)
			var wg sync.WaitGroup
			for i := range auc.bidders {
				for range 2 {
					wg.Go(func() { d.bidUntil(ctx, i, []uuid.UUID{auc.hot}, until) })
					wg.Go(func() { d.bidUntil(ctx, i, auc.others, until) })
				}
			}
			wg.Wait()
			took := time.Since(start)
			b.StopTimer()
			slices.Sort(d.took)
			if len(d.took) == 0 {
				b.Fatal("no bid was answered")
			}
			b.ReportMetric(float64(len(d.took))/took.Seconds(), "answered/s")
			b.ReportMetric(float64(len(d.acked))/took.Seconds(), "accepted/s")
			b.ReportMetric(ms(d.took[len(d.took)/2]), "p50-ms")
			b.ReportMetric(ms(d.took[len(d.took)*99/100]), "p99-ms")
			b.Logf("%s: %d answered, %d accepted in %v", shape.name, len(d.took), len(d.acked), took.Round(time.Millisecond))
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
