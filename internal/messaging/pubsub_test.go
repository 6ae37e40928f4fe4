package messaging_test

import (
	"testing"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/pubsub/tests"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/messaging"
)

// features are the watermill feature flags the bridge claims; the watermill
// bridge section of docs/event-store.md says why each is set.
var features = tests.Features{
	ConsumerGroups:                   true,
	ExactlyOnceDelivery:              false, // at-least-once: a crash redelivers since the last checkpoint
	GuaranteedOrder:                  true,  // global order, next message only after the previous ack
	Persistent:                       true,  // messages are events in the store
	NewSubscriberReceivesOldMessages: true,  // no group or a new group reads from the start
	ContextPreserved:                 false, // a publisher's context cannot be stored
}

// runUniversal runs watermill's universal Pub/Sub suite against store with
// the given features: subscribers without a group for the plain
// constructor, and with the named group for the consumer-group one.
func runUniversal(t *testing.T, store eventstore.Store, features tests.Features) {
	plain := func(t *testing.T) (message.Publisher, message.Subscriber) {
		return messaging.NewPublisher(store), messaging.NewSubscriber(store, messaging.SubscriberConfig{})
	}
	grouped := func(t *testing.T, group string) (message.Publisher, message.Subscriber) {
		return messaging.NewPublisher(store), messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: group})
	}
	t.Run("WithoutGroup", func(t *testing.T) {
		tests.TestPubSub(t, features, plain, grouped)
	})
	// The at-least-once tests again, every subscriber in one durable group,
	// so resuming after Close goes through the checkpoints.
	sameGroup := func(t *testing.T) (message.Publisher, message.Subscriber) { return grouped(t, "one-group") }
	for name, test := range map[string]func(*testing.T, tests.TestContext, tests.PubSubConstructor){
		"TestPublishSubscribe":            tests.TestPublishSubscribe,
		"TestResendOnError":               tests.TestResendOnError,
		"TestNoAck":                       tests.TestNoAck,
		"TestContinueAfterSubscribeClose": tests.TestContinueAfterSubscribeClose,
		"TestConcurrentClose":             tests.TestConcurrentClose,
		"TestContinueAfterErrors":         tests.TestContinueAfterErrors,
		"TestMessageCtx":                  tests.TestMessageCtx,
		"TestSubscribeCtx":                tests.TestSubscribeCtx,
	} {
		t.Run("OneGroup/"+name, func(t *testing.T) {
			t.Parallel()
			test(t, tests.TestContext{TestID: tests.NewTestID(), Features: features}, sameGroup)
		})
	}
}

func TestUniversalMemstore(t *testing.T) {
	store := memstore.New(kernel.SystemClock{})
	t.Cleanup(func() { _ = store.Close() })
	runUniversal(t, store, features)
}

func TestUniversalFilestore(t *testing.T) {
	runUniversal(t, openFilestore(t), features)
}

// openFilestore opens a durable store in a temporary directory, closed when tb ends.
func openFilestore(tb testing.TB) *filestore.Store {
	tb.Helper()
	store, err := filestore.Open(filestore.Options{Dir: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = store.Close() })
	return store
}
