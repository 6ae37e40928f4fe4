package pgstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore/pgtest"
)

// benchWriters are the numbers of concurrent writers each benchmark runs.
var benchWriters = []int{1, 16, 256}

// BenchmarkAppend measures durable one-event appends per second, each writer
// on a stream of its own with the exact expected version, through pgstore
// (group commit) and through the plain event table most PostgreSQL event
// stores start from (bigserial position, UNIQUE (stream, version), one
// INSERT per transaction, a pool of 64 connections), on the same server.
//
//	go test ./internal/eventstore/pgstore -run '^$' -bench Append -benchtime 20000x
func BenchmarkAppend(b *testing.B) {
	for _, writers := range benchWriters {
		b.Run(fmt.Sprintf("pgstore/writers=%d", writers), func(b *testing.B) {
			s := open(b)
			prefix := uuid.NewString()
			runWriters(b, writers, func(ctx context.Context, w int, version uint64) error {
				_, err := s.Append(ctx, fmt.Sprintf("%s-%d", prefix, w), eventstore.Exact(version), benchEvent())
				return err
			})
		})
		b.Run(fmt.Sprintf("plain/writers=%d", writers), func(b *testing.B) {
			url, schema := pgtest.Schema(b)
			ctx := context.Background()
			cfg, err := pgxpool.ParseConfig(url)
			if err != nil {
				b.Fatal(err)
			}
			cfg.MaxConns = 64
			cfg.ConnConfig.RuntimeParams["search_path"] = schema
			pool, err := pgxpool.NewWithConfig(ctx, cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer pool.Close()
			if _, err := pool.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()+`;
				CREATE TABLE `+pgx.Identifier{schema}.Sanitize()+`.events (position BIGSERIAL PRIMARY KEY, stream TEXT NOT NULL,
				version BIGINT NOT NULL, id UUID NOT NULL, type TEXT NOT NULL, data BYTEA NOT NULL, recorded TIMESTAMPTZ NOT NULL,
				UNIQUE (stream, version))`); err != nil {
				b.Fatal(err)
			}
			prefix := uuid.NewString()
			runWriters(b, writers, func(ctx context.Context, w int, version uint64) error {
				e := benchEvent()
				_, err := pool.Exec(ctx, `INSERT INTO events (stream, version, id, type, data, recorded) VALUES ($1, $2, $3, $4, $5, now())`,
					fmt.Sprintf("%s-%d", prefix, w), version+1, e.ID, e.Type, e.Data)
				return err
			})
		})
	}
}

func benchEvent() eventstore.EventData {
	return eventstore.EventData{ID: uuid.New(), Type: "listing.BidPlaced.v1",
		Data: []byte(`{"listingId":"5f0c2b8e-2c54-4d0e-9d7f-3a2f9b1c0d11","bidder":"8a1d...","amount":{"fen":1234500},"at":"2026-12-04T10:00:00Z"}`)}
}

// runWriters runs b.N appends shared among writers goroutines and reports
// appends/s and the 99th percentile latency.
func runWriters(b *testing.B, writers int, appendOne func(ctx context.Context, w int, version uint64) error) {
	ctx := context.Background()
	var next atomic.Int64
	lat := make([][]time.Duration, writers)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for w := range writers {
		wg.Go(func() {
			for version := uint64(0); next.Add(1) <= int64(b.N); version++ {
				t0 := time.Now()
				if err := appendOne(ctx, w, version); err != nil {
					b.Error(err)
					return
				}
				lat[w] = append(lat[w], time.Since(t0))
			}
		})
	}
	wg.Wait()
	took := time.Since(start)
	b.StopTimer()
	all := slices.Concat(lat...)
	slices.Sort(all)
	b.ReportMetric(float64(b.N)/took.Seconds(), "appends/s")
	if len(all) > 0 {
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	}
}
