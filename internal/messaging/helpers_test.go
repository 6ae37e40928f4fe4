package messaging_test

import (
	"context"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

func newStore(tb testing.TB) *memstore.Store {
	tb.Helper()
	s := memstore.New(kernel.SystemClock{})
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

// appendEvent appends one domain event to stream and returns its record.
func appendEvent(tb testing.TB, store eventstore.Store, stream string) eventstore.AppendResult {
	tb.Helper()
	res, err := store.Append(context.Background(), stream, eventstore.Any, eventstore.EventData{
		ID: uuid.New(), Type: "test.Happened.v1", Data: []byte(`{"n":1}`),
	})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// receive returns the next message from msgs, failing tb after a few seconds.
func receive(tb testing.TB, msgs <-chan *message.Message) *message.Message {
	tb.Helper()
	select {
	case msg, ok := <-msgs:
		if !ok {
			tb.Fatal("messages channel closed")
		}
		return msg
	case <-time.After(5 * time.Second):
		tb.Fatal("no message within 5 s")
	}
	return nil
}

// expectNone fails tb if msgs delivers a message within d.
func expectNone(tb testing.TB, msgs <-chan *message.Message, d time.Duration) {
	tb.Helper()
	select {
	case msg, ok := <-msgs:
		if ok {
			tb.Fatalf("unexpected message %s in stream %s", msg.UUID, msg.Metadata.Get("event_stream"))
		}
	case <-time.After(d):
	}
}

// subscribe subscribes sub to topic, failing tb on error.
func subscribe(tb testing.TB, sub message.Subscriber, topic string) <-chan *message.Message {
	tb.Helper()
	msgs, err := sub.Subscribe(context.Background(), topic)
	if err != nil {
		tb.Fatal(err)
	}
	return msgs
}
