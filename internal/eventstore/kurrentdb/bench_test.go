package kurrentdb_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// BenchmarkAppend measures one-event appends through the adapter and the
// client over loopback gRPC to the in-memory stand-in: the adapter's and the
// protocol's cost, not KurrentDB's (which adds its own log and fsync).
func BenchmarkAppend(b *testing.B) {
	url := standIn(b)
	b.Run("one stream, Exact", func(b *testing.B) {
		s := open(b, url)
		stream := "bench-" + uuid.NewString()
		var v uint64
		for b.Loop() {
			res, err := s.Append(b.Context(), stream, eventstore.Exact(v), event("Incremented"))
			if err != nil {
				b.Fatal(err)
			}
			v = res.Version
		}
	})
	b.Run("stream per writer, Any, 8 writers per CPU", func(b *testing.B) {
		s := open(b, url)
		run := uuid.NewString()
		var writers atomic.Int64
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			stream := fmt.Sprintf("bench-%s-%d", run, writers.Add(1))
			for pb.Next() {
				if _, err := s.Append(b.Context(), stream, eventstore.Any, event("Incremented")); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
