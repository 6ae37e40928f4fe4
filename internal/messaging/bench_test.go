package messaging_test

import (
	"context"
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/messaging"
)

// benchStores lists the backends the benchmarks run on.
var benchStores = map[string]func(b *testing.B) eventstore.Store{
	"memstore":  func(b *testing.B) eventstore.Store { return newStore(b) },
	"filestore": func(b *testing.B) eventstore.Store { return openFilestore(b) },
}

// BenchmarkPublish publishes one 300-byte message per Publish call.
func BenchmarkPublish(b *testing.B) {
	for name, open := range benchStores {
		b.Run(name, func(b *testing.B) {
			pub := messaging.NewPublisher(open(b))
			payload := benchPayload()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				msg := message.NewMessage(uuid.NewString(), payload)
				msg.Metadata.Set(messaging.MetadataEventType, "bench.Happened.v1")
				if err := pub.Publish("bench-1", msg); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkPublishConcurrent publishes one 300-byte message per Publish call
// from 16 goroutines per CPU, to one stream: the store's group commit
// shares an fsync between concurrent appends.
func BenchmarkPublishConcurrent(b *testing.B) {
	for name, open := range benchStores {
		b.Run(name, func(b *testing.B) {
			pub := messaging.NewPublisher(open(b))
			payload := benchPayload()
			b.ReportAllocs()
			b.SetParallelism(16)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := pub.Publish("bench-1", message.NewMessage(uuid.NewString(), payload)); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkSubscribe delivers b.N stored events to a consumer group on
// "$all", acking each one, checkpointing at the default interval.
func BenchmarkSubscribe(b *testing.B) {
	for name, open := range benchStores {
		b.Run(name, func(b *testing.B) {
			store := open(b)
			payload := benchPayload()
			batch := make([]eventstore.EventData, 0, 512)
			for i := 0; i < b.N; i += len(batch) {
				batch = batch[:0]
				for j := i; j < b.N && len(batch) < cap(batch); j++ {
					batch = append(batch, eventstore.EventData{ID: uuid.New(), Type: "bench.Happened.v1", Data: payload})
				}
				if _, err := store.Append(context.Background(), "bench-1", eventstore.Any, batch...); err != nil {
					b.Fatal(err)
				}
			}
			sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: "bench"})
			defer sub.Close()
			b.ReportAllocs()
			b.ResetTimer()
			msgs, err := sub.Subscribe(context.Background(), "$all")
			if err != nil {
				b.Fatal(err)
			}
			for range b.N {
				(<-msgs).Ack()
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// benchPayload is a 300-byte JSON object.
func benchPayload() []byte {
	p := []byte(`{"pad":"`)
	for len(p) < 298 {
		p = append(p, 'x')
	}
	return append(p, `"}`...)
}
