package messaging_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/messaging"
)

func TestPublishedMessageRoundTripsWithAllMetadata(t *testing.T) {
	store := newStore(t)
	pub := messaging.NewPublisher(store)
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{})
	defer sub.Close()

	cases := []struct {
		name    string
		uuid    string
		payload []byte
		md      message.Metadata
	}{
		{"domain event", uuid.NewString(), []byte(`{"listingId":"l-1","fen":1200}`), message.Metadata{
			messaging.MetadataEventType: "listing.BidPlaced.v1", messaging.MetadataCommandID: "c-1",
			messaging.MetadataActor: "bank-9", messaging.MetadataCorrelationID: "corr", messaging.MetadataCausationID: "cause",
		}},
		{"extra metadata, binary payload, ULID", watermill.NewULID(), []byte{0, 1, 0xff, 'x'}, message.Metadata{
			"test": "v", "empty": "", "reason_poisoned": "boom",
		}},
		{"upper-case UUID, empty payload", "6B1E0C52-53D4-4C1F-9A55-2F0F3A8B7C41", nil, message.Metadata{}},
		{"payload that looks like an envelope", uuid.NewString(), []byte(`{"$watermill":{"payload":"AA=="}}`), message.Metadata{}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stream := "roundtrip-" + strconv.Itoa(i)
			msgs := subscribe(t, sub, stream)
			sent := message.NewMessage(c.uuid, c.payload)
			sent.Metadata = c.md
			if err := pub.Publish(stream, sent); err != nil {
				t.Fatal(err)
			}
			got := receive(t, msgs)
			got.Ack()
			if got.UUID != c.uuid {
				t.Errorf("UUID = %q, want %q", got.UUID, c.uuid)
			}
			if !bytes.Equal(got.Payload, c.payload) {
				t.Errorf("payload = %q, want %q", got.Payload, c.payload)
			}
			for k, v := range c.md {
				if gv, ok := got.Metadata[k]; !ok || gv != v {
					t.Errorf("metadata %q = %q (present %v), want %q", k, gv, ok, v)
				}
			}
			rec, err := store.ReadStream(context.Background(), stream, eventstore.Forwards, 1, 1)
			if err != nil || len(rec) != 1 {
				t.Fatalf("read back: %v, %d events", err, len(rec))
			}
			wantType := c.md.Get(messaging.MetadataEventType)
			if wantType == "" {
				wantType = messaging.DefaultEventType
			}
			e := rec[0]
			for k, want := range map[string]string{
				messaging.MetadataEventType: wantType,
				messaging.MetadataStream:    stream,
				messaging.MetadataVersion:   "1",
				messaging.MetadataPosition:  strconv.FormatUint(e.Position, 10),
				messaging.MetadataRecorded:  e.Recorded.UTC().Format(time.RFC3339Nano),
			} {
				if got.Metadata.Get(k) != want {
					t.Errorf("metadata %q = %q, want %q", k, got.Metadata.Get(k), want)
				}
			}
			if p, err := messaging.Position(got); err != nil || p != e.Position {
				t.Errorf("Position = %d, %v; want %d", p, err, e.Position)
			}
		})
	}
}

func TestDomainEventIsStoredAsIs(t *testing.T) {
	store := newStore(t)
	id := uuid.New()
	msg := message.NewMessage(id.String(), []byte(`{"fen":1200}`))
	msg.Metadata.Set(messaging.MetadataEventType, "listing.BidPlaced.v1")
	msg.Metadata.Set(messaging.MetadataActor, "bidder-7")
	if err := messaging.NewPublisher(store).Publish("listing-1", msg); err != nil {
		t.Fatal(err)
	}
	rec, err := store.ReadStream(context.Background(), "listing-1", eventstore.Forwards, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := eventstore.Metadata{Actor: "bidder-7"}
	if len(rec) != 1 || rec[0].ID != id || rec[0].Type != "listing.BidPlaced.v1" || string(rec[0].Data) != `{"fen":1200}` || rec[0].Metadata != want {
		t.Fatalf("stored %+v, want id %s, the payload unchanged and actor in Metadata", rec, id)
	}
}

func TestRepublishingAMessageIsIdempotent(t *testing.T) {
	store := newStore(t)
	pub := messaging.NewPublisher(store)
	for _, id := range []string{uuid.NewString(), "not-a-uuid-42"} {
		for range 2 {
			if err := pub.Publish("orders-1", message.NewMessage(id, []byte(`{}`))); err != nil {
				t.Fatal(err)
			}
		}
	}
	rec, err := store.ReadStream(context.Background(), "orders-1", eventstore.Forwards, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec) != 2 {
		t.Fatalf("stream has %d events, want 2 (each message once)", len(rec))
	}
}

func TestPublishAppendsMessagesInOrder(t *testing.T) {
	store := newStore(t)
	msgs := []*message.Message{
		message.NewMessage(uuid.NewString(), []byte(`1`)),
		message.NewMessage(uuid.NewString(), []byte(`2`)),
		message.NewMessage(uuid.NewString(), []byte(`3`)),
	}
	if err := messaging.NewPublisher(store).Publish("batch-1", msgs...); err != nil {
		t.Fatal(err)
	}
	rec, err := store.ReadStream(context.Background(), "batch-1", eventstore.Forwards, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec) != 3 {
		t.Fatalf("%d events, want 3", len(rec))
	}
	for i, e := range rec {
		if e.ID.String() != msgs[i].UUID {
			t.Errorf("event %d: id %s, want %s", i, e.ID, msgs[i].UUID)
		}
	}
}

func TestPublishRefusesTopicsThatAreNotOneStream(t *testing.T) {
	pub := messaging.NewPublisher(newStore(t))
	for _, topic := range []string{"$all", "listing", "", "$stats-1"} {
		err := pub.Publish(topic, message.NewMessage(uuid.NewString(), []byte(`{}`)))
		if kernel.ErrorCode(err) != messaging.CodeInvalidTopic {
			t.Errorf("Publish(%q) = %v, want code %s", topic, err, messaging.CodeInvalidTopic)
		}
	}
}

func TestPublisherRefusesAfterClose(t *testing.T) {
	pub := messaging.NewPublisher(newStore(t))
	if err := pub.Close(); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish("a-1", message.NewMessage(uuid.NewString(), nil)); err != messaging.ErrClosed {
		t.Fatalf("Publish after Close = %v, want ErrClosed", err)
	}
}

func TestRecordGivesBackTheStoredEvent(t *testing.T) {
	store := newStore(t)
	data := []byte(`{"fen":1200}`)
	stored, err := store.Append(context.Background(), "listing-9", eventstore.Any, eventstore.EventData{
		ID: uuid.New(), Type: "listing.BidPlaced.v1", Data: data,
		Metadata: eventstore.Metadata{CommandID: "c1", Actor: "bidder:1", CorrelationID: "k", CausationID: "j"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want, err := store.ReadStream(context.Background(), "listing-9", eventstore.Forwards, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{})
	defer sub.Close()
	msg := receive(t, subscribe(t, sub, "listing-9"))
	got, err := messaging.Record(msg)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != want[0].ID || got.Stream != want[0].Stream || got.Version != want[0].Version ||
		got.Position != stored.Position || got.Type != want[0].Type || string(got.Data) != string(data) ||
		got.Metadata != want[0].Metadata || !got.Recorded.Equal(want[0].Recorded) {
		t.Fatalf("Record = %+v\nwant %+v", got, want[0])
	}
	if _, err := messaging.Record(message.NewMessage(uuid.NewString(), data)); err == nil {
		t.Fatal("a message that was never stored gave a record")
	}
}
