package messaging_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/messaging"
)

func TestTopicsSelectAllACategoryOrOneStream(t *testing.T) {
	store := newStore(t)
	for _, s := range []string{"listing-1", "listings-1", "lending-1", "listing-10"} {
		appendEvent(t, store, s)
	}
	// A consumer group's checkpoint stream lives in the system category.
	if err := messaging.NewStoreCheckpoints(store).Save(context.Background(), "g", "listing", 1); err != nil {
		t.Fatal(err)
	}
	appendEvent(t, store, "listing-1")
	appendEvent(t, store, "workflow-award-1") // a workflow's own record

	for topic, want := range map[string][]string{
		"$all":      {"listing-1", "listings-1", "lending-1", "listing-10", "listing-1"},
		"listing":   {"listing-1", "listing-10", "listing-1"},
		"listing-1": {"listing-1", "listing-1"},
		"watermill": {messaging.CheckpointStream("g", "listing")},
		"workflow":  {"workflow-award-1"},
	} {
		t.Run(topic, func(t *testing.T) {
			sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{})
			defer sub.Close()
			msgs := subscribe(t, sub, topic)
			for i, stream := range want {
				msg := receive(t, msgs)
				if got := msg.Metadata.Get(messaging.MetadataStream); got != stream {
					t.Fatalf("message %d from %q, want %q", i, got, stream)
				}
				msg.Ack()
			}
			expectNone(t, msgs, 50*time.Millisecond)

			var read []string // ReadTopic selects the same, a page of one at a time
			for after := uint64(0); ; {
				recs, err := messaging.ReadTopic(context.Background(), store, topic, after, 1)
				if err != nil {
					t.Fatal(err)
				}
				if len(recs) == 0 {
					break
				}
				read, after = append(read, recs[0].Stream), recs[0].Position
			}
			if !slices.Equal(read, want) {
				t.Fatalf("ReadTopic read %q, want %q", read, want)
			}
		})
	}
}

func TestSubscribeRefusesMalformedTopics(t *testing.T) {
	sub := messaging.NewSubscriber(newStore(t), messaging.SubscriberConfig{})
	defer sub.Close()
	for _, topic := range []string{"", "$stats", "$all-1"} {
		if _, err := sub.Subscribe(context.Background(), topic); kernel.ErrorCode(err) != messaging.CodeInvalidTopic {
			t.Errorf("Subscribe(%q) = %v, want code %s", topic, err, messaging.CodeInvalidTopic)
		}
	}
}

func TestNackRedeliversTheSameMessageBeforeTheNext(t *testing.T) {
	store := newStore(t)
	appendEvent(t, store, "a-1")
	appendEvent(t, store, "a-1")
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: "g", Checkpoints: &messaging.MemoryCheckpoints{}})
	defer sub.Close()
	msgs := subscribe(t, sub, "a-1")

	first := receive(t, msgs)
	expectNone(t, msgs, 50*time.Millisecond) // nothing before an ack or nack
	first.Nack()
	again := receive(t, msgs)
	if again.UUID != first.UUID {
		t.Fatalf("after Nack got %s, want %s again", again.UUID, first.UUID)
	}
	again.Ack()
	if next := receive(t, msgs); next.UUID == first.UUID {
		t.Fatal("after Ack the same message came again")
	}
}

func TestGroupResumesAfterItsLastAck(t *testing.T) {
	store := newStore(t)
	for range 3 {
		appendEvent(t, store, "a-1")
	}
	checkpoints := &messaging.MemoryCheckpoints{}
	group := func(name string) *messaging.Subscriber {
		// A long interval: progress is written when the subscription ends.
		return messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: name, Checkpoints: checkpoints, CheckpointInterval: time.Hour})
	}

	s1 := group("projection")
	msgs := subscribe(t, s1, "a-1")
	receive(t, msgs).Ack()
	second := receive(t, msgs)
	second.Ack()
	third := receive(t, msgs) // delivered, never acked
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	if _, open := <-msgs; open {
		t.Fatal("channel still open after Close")
	}
	if p, _ := checkpoints.Load(context.Background(), "projection", "a-1"); p != mustPosition(t, second) {
		t.Fatalf("checkpoint %d after Close, want the last acked position %d", p, mustPosition(t, second))
	}

	s2 := group("projection")
	defer s2.Close()
	if got := receive(t, subscribe(t, s2, "a-1")); got.UUID != third.UUID {
		t.Fatalf("restarted group got %s, want the unacked %s", got.UUID, third.UUID)
	}

	s3 := group("another")
	defer s3.Close()
	if got := receive(t, subscribe(t, s3, "a-1")); mustPosition(t, got) != 1 {
		t.Fatalf("a new group starts at position %d, want 1", mustPosition(t, got))
	}
}

func TestGroupCheckpointIsWrittenWhileRunning(t *testing.T) {
	store := newStore(t)
	appendEvent(t, store, "a-1")
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: "g", CheckpointInterval: time.Millisecond})
	defer sub.Close()
	msg := receive(t, subscribe(t, sub, "a-1"))
	msg.Ack()
	checkpoints := messaging.NewStoreCheckpoints(store)
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		p, err := checkpoints.Load(context.Background(), "g", "a-1")
		if err != nil {
			t.Fatal(err)
		}
		if p == mustPosition(t, msg) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("checkpoint %d, want %d before Close", p, mustPosition(t, msg))
		}
	}
}

func TestSecondSubscriptionOfAGroupIsRefusedWhileTheFirstRuns(t *testing.T) {
	sub := messaging.NewSubscriber(newStore(t), messaging.SubscriberConfig{ConsumerGroup: "g", Checkpoints: &messaging.MemoryCheckpoints{}})
	defer sub.Close()
	ctx, cancel := context.WithCancel(context.Background())
	first, err := sub.Subscribe(ctx, "a-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Subscribe(context.Background(), "a-1"); kernel.ErrorCode(err) != messaging.CodeGroupBusy {
		t.Fatalf("second Subscribe = %v, want code %s", err, messaging.CodeGroupBusy)
	}
	if _, err := sub.Subscribe(context.Background(), "b-1"); err != nil {
		t.Fatalf("another topic: %v", err)
	}
	cancel()
	for range first {
	}
	if _, err := sub.Subscribe(context.Background(), "a-1"); err != nil {
		t.Fatalf("Subscribe once the first channel closed = %v", err)
	}
}

func TestSubscribeAfterCloseIsRefused(t *testing.T) {
	sub := messaging.NewSubscriber(newStore(t), messaging.SubscriberConfig{})
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := sub.Subscribe(context.Background(), "a-1"); err != messaging.ErrClosed {
		t.Fatalf("Subscribe after Close = %v, want ErrClosed", err)
	}
}

func mustPosition(tb testing.TB, msg *message.Message) uint64 {
	tb.Helper()
	p, err := messaging.Position(msg)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestUndecodableEnvelopeEndsTheSubscriptionInsteadOfSkippingIt(t *testing.T) {
	store := newStore(t)
	if _, err := store.Append(context.Background(), "a-1", eventstore.Any, eventstore.EventData{
		ID: uuid.New(), Type: "test.Broken.v1", Data: []byte(`{"$watermill":{"payload":1}}`),
	}); err != nil {
		t.Fatal(err)
	}
	appendEvent(t, store, "a-1")
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{})
	defer sub.Close()
	select {
	case msg, open := <-subscribe(t, sub, "a-1"):
		if open {
			t.Fatalf("delivered %s at position %s past an undecodable event", msg.UUID, msg.Metadata.Get(messaging.MetadataPosition))
		}
	case <-time.After(5 * time.Second):
		t.Fatal("subscription neither delivered nor ended")
	}
}

func TestGroupResumesAfterTheStoreIsReopened(t *testing.T) {
	dir := t.TempDir()
	open := func() *filestore.Store {
		s, err := filestore.Open(filestore.Options{Dir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	store := open()
	for range 3 {
		appendEvent(t, store, "a-1")
	}
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: "g"})
	msgs := subscribe(t, sub, "$all")
	receive(t, msgs).Ack()
	acked := receive(t, msgs)
	acked.Ack()
	unacked := receive(t, msgs)
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	store = open()
	defer store.Close()
	sub = messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: "g"})
	defer sub.Close()
	if got, want := mustPosition(t, receive(t, subscribe(t, sub, "$all"))), mustPosition(t, unacked); got != want {
		t.Fatalf("after reopening, the group got position %d, want %d, the one after its last ack at %d", got, want, mustPosition(t, acked))
	}
}

// appendTyped appends one event of type typ to stream.
func appendTyped(tb testing.TB, store eventstore.Store, stream, typ string) uint64 {
	tb.Helper()
	res, err := store.Append(context.Background(), stream, eventstore.Any, eventstore.EventData{ID: uuid.New(), Type: typ, Data: []byte(`{}`)})
	if err != nil {
		tb.Fatal(err)
	}
	return res.Position
}

// A group's skipped types are never delivered, and its checkpoint moves past
// them: past a skipped event between two delivered ones, and past skipped
// events after the last delivered one.
func TestAGroupSkipsTheTypesItDoesNotHandle(t *testing.T) {
	store := newStore(t)
	first := appendTyped(t, store, "a-1", "kept")
	appendTyped(t, store, "a-1", "skipped")
	second := appendTyped(t, store, "a-1", "kept")
	tail := appendTyped(t, store, "a-1", "skipped")
	checkpoints := &messaging.MemoryCheckpoints{}
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: "g", Checkpoints: checkpoints,
		CheckpointInterval: time.Hour, Skip: func(typ string) bool { return typ == "skipped" }})
	msgs := subscribe(t, sub, "a-1")
	for _, want := range []uint64{first, second} {
		msg := receive(t, msgs)
		if got := mustPosition(t, msg); got != want {
			t.Fatalf("delivered position %d, want %d", got, want)
		}
		msg.Ack()
	}
	expectNone(t, msgs, 50*time.Millisecond)
	if err := sub.Close(); err != nil {
		t.Fatal(err)
	}
	if p, _ := checkpoints.Load(context.Background(), "g", "a-1"); p != tail {
		t.Fatalf("checkpoint %d after Close, want %d, past the skipped tail", p, tail)
	}
}

// heldCheckpoints is a CheckpointStore whose Save waits until release is
// closed, after telling saving that it began.
type heldCheckpoints struct {
	messaging.MemoryCheckpoints
	saving, release chan struct{}
}

func (h *heldCheckpoints) Save(ctx context.Context, group, topic string, position uint64) error {
	select {
	case h.saving <- struct{}{}:
	default:
	}
	<-h.release
	return h.MemoryCheckpoints.Save(ctx, group, topic, position)
}

// TestASecondCloseWaitsForTheFirst: Close returns only once the last
// checkpoints are written, whichever of two concurrent calls it is, so the
// caller that closes the store next does not pull it from under them.
func TestASecondCloseWaitsForTheFirst(t *testing.T) {
	store := newStore(t)
	appendEvent(t, store, "a-1")
	cps := &heldCheckpoints{saving: make(chan struct{}, 1), release: make(chan struct{})}
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: "g", Checkpoints: cps, CheckpointInterval: time.Hour})
	receive(t, subscribe(t, sub, "a-1")).Ack()
	first := make(chan error, 1)
	go func() { first <- sub.Close() }()
	<-cps.saving // the first Close is writing the last checkpoint
	second := make(chan error, 1)
	go func() { second <- sub.Close() }()
	select {
	case err := <-second:
		t.Fatalf("the second Close returned (%v) while the first was still writing the checkpoint", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(cps.release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
}
