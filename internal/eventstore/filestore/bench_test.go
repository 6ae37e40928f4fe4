package filestore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
)

// benchEvent is a typical event: about 300 bytes on disk.
func benchEvent() eventstore.EventData {
	return eventstore.EventData{
		ID:   uuid.New(),
		Type: "listing.BidPlaced",
		Data: []byte(`{"listingId":"9b2f6c1e-3d4a-4f7e-8a51-2c9d0e7b6a43","bidder":"farmer-0042","amountFen":1250000,"areaMu":"6.50"}`),
		Metadata: eventstore.Metadata{
			CommandID:     "4f0e2a9c-7b3d-4c1e-9f5a-8d2b6e1c3a70",
			Actor:         "farmer-0042",
			CorrelationID: "a1c3e5f7-2b4d-4e6f-8a0c-1d3f5b7d9e2a",
			CausationID:   "4f0e2a9c-7b3d-4c1e-9f5a-8d2b6e1c3a70",
		},
	}
}

// reportLatency reports throughput and the latency percentiles.
func reportLatency(b *testing.B, n int, elapsed time.Duration, lat []time.Duration, unit string) {
	slices.Sort(lat)
	b.ReportMetric(float64(n)/elapsed.Seconds(), unit)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// BenchmarkAppend measures durable appends of one event each from 1, 16, 64
// and 256 concurrent writers, each to its own stream with an exact expected
// version (64 as in the engine comparison of docs/event-store.md).
func BenchmarkAppend(b *testing.B) {
	for _, writers := range []int{1, 16, 64, 256} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			s, err := filestore.Open(filestore.Options{Dir: b.TempDir()})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			var next atomic.Int64
			lats := make([][]time.Duration, writers)
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for w := range writers {
				wg.Go(func() {
					stream := fmt.Sprintf("listing-%d", w)
					var version uint64
					for next.Add(1) <= int64(b.N) {
						t := time.Now()
						res, err := s.Append(context.Background(), stream, eventstore.Exact(version), benchEvent())
						lats[w] = append(lats[w], time.Since(t))
						if err != nil {
							b.Error(err)
							return
						}
						version = res.Version
					}
				})
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			reportLatency(b, b.N, elapsed, slices.Concat(lats...), "events/s")
		})
	}
}

// BenchmarkDisk measures the machine's raw limit the same way: sequential
// 300-byte writes with one fdatasync per write or per 512 writes, to a file
// that grows and to one pre-allocated with zeroes as the store's segments are.
func BenchmarkDisk(b *testing.B) {
	record := []byte(strings.Repeat("r", 300))
	for _, c := range []struct {
		name     string
		every    int
		allocate bool
	}{
		{"fdatasync=each/file=growing", 1, false},
		{"fdatasync=each/file=preallocated", 1, true},
		{"fdatasync=512/file=growing", 512, false},
		{"fdatasync=512/file=preallocated", 512, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "raw"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			if c.allocate {
				zeroes := make([]byte, 1<<20)
				for off := 0; off < b.N*len(record); off += len(zeroes) {
					if _, err := f.WriteAt(zeroes, int64(off)); err != nil {
						b.Fatal(err)
					}
				}
				if err := f.Sync(); err != nil {
					b.Fatal(err)
				}
			}
			var lat []time.Duration
			b.ResetTimer()
			start, t := time.Now(), time.Now()
			for i := range b.N {
				if _, err := f.WriteAt(record, int64(i*len(record))); err != nil {
					b.Fatal(err)
				}
				if (i+1)%c.every == 0 || i == b.N-1 {
					if err := filestore.Datasync(f); err != nil {
						b.Fatal(err)
					}
					lat = append(lat, time.Since(t))
					t = time.Now()
				}
			}
			reportLatency(b, b.N, time.Since(start), lat, "records/s")
		})
	}
}

// catchUpEvents is how many events BenchmarkCatchUp reads.
const catchUpEvents = 1_000_000

// BenchmarkCatchUp reads a log of one million events from the start: with
// ReadAll pages, with a subscription, and by opening the store (the scan
// that rebuilds the index).
func BenchmarkCatchUp(b *testing.B) {
	dir := b.TempDir()
	s, err := filestore.Open(filestore.Options{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	batch := make([]eventstore.EventData, 1000)
	for i := 0; i < catchUpEvents/len(batch); i++ {
		for j := range batch {
			batch[j] = benchEvent()
		}
		if _, err := s.Append(context.Background(), fmt.Sprintf("listing-%d", i%100), eventstore.Any, batch...); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	b.Run("ReadAll", func(b *testing.B) {
		for b.Loop() {
			n := 0
			for after := uint64(0); ; {
				page, err := s.ReadAll(ctx, after, 4096)
				if err != nil {
					b.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				n += len(page)
				after = page[len(page)-1].Position
			}
			if n != catchUpEvents {
				b.Fatalf("read %d events", n)
			}
		}
		b.ReportMetric(float64(b.N*catchUpEvents)/b.Elapsed().Seconds(), "events/s")
	})
	b.Run("SubscribeAll", func(b *testing.B) {
		for b.Loop() {
			sub, err := s.SubscribeAll(ctx, 0, eventstore.Filter{})
			if err != nil {
				b.Fatal(err)
			}
			for range catchUpEvents {
				if _, err := sub.Next(ctx); err != nil {
					b.Fatal(err)
				}
			}
			_ = sub.Close()
		}
		b.ReportMetric(float64(b.N*catchUpEvents)/b.Elapsed().Seconds(), "events/s")
	})
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	b.Run("Open", func(b *testing.B) {
		open := func() *filestore.Store {
			s, err := filestore.Open(filestore.Options{Dir: dir})
			if err != nil {
				b.Fatal(err)
			}
			return s
		}
		for b.Loop() {
			closeStore(b, open())
		}
		b.ReportMetric(float64(b.N*catchUpEvents)/b.Elapsed().Seconds(), "events/s")
		before := heapInUse()
		s := open()
		b.ReportMetric(float64(heapInUse()-before)/catchUpEvents, "index-B/event")
		closeStore(b, s)
	})
}

// heapInUse returns the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
