package messaging_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/messaging"
)

// fastRetry keeps the router tests quick: three retries, 1 ms apart.
var fastRetry = &middleware.Retry{MaxRetries: 3, InitialInterval: time.Millisecond, MaxInterval: time.Millisecond, Multiplier: 1}

// runRouter starts r and stops it when the test ends.
func runRouter(t *testing.T, r *message.Router) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	select {
	case <-r.Running():
	case <-time.After(5 * time.Second):
		t.Fatal("router did not start")
	}
}

func TestRouterRetriesAFailingHandler(t *testing.T) {
	store := newStore(t)
	appendEvent(t, store, "a-1")
	appendEvent(t, store, "a-1")
	r, err := messaging.NewRouter(messaging.RouterConfig{Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	const failures = 2
	var calls atomic.Int32
	handled := make(chan uint64, 2)
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: "p", Checkpoints: &messaging.MemoryCheckpoints{}})
	r.AddConsumerHandler("projection", "a-1", sub, func(msg *message.Message) error {
		p, _ := messaging.Position(msg)
		if p == 1 && calls.Add(1) <= failures {
			return errors.New("read model unavailable")
		}
		handled <- p
		return nil
	})
	runRouter(t, r)

	for _, want := range []uint64{1, 2} {
		select {
		case p := <-handled:
			if p != want {
				t.Fatalf("handled position %d, want %d", p, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("position %d not handled", want)
		}
	}
	if got := calls.Load(); got != failures+1 {
		t.Fatalf("first message handled in %d calls, want %d (%d failures, then success)", got, failures+1, failures)
	}
}

func TestRouterSendsAPoisonMessageToThePoisonTopicAndMovesOn(t *testing.T) {
	store := newStore(t)
	poisoned := appendEvent(t, store, "a-1")
	appendEvent(t, store, "a-1")
	r, err := messaging.NewRouter(messaging.RouterConfig{Retry: fastRetry, PoisonPublisher: messaging.NewPublisher(store)})
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	handled := make(chan uint64, 1)
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: "p", Checkpoints: &messaging.MemoryCheckpoints{}})
	r.AddConsumerHandler("projection", "a-1", sub, func(msg *message.Message) error {
		p, _ := messaging.Position(msg)
		if p == poisoned.Position {
			calls.Add(1)
			panic("cannot handle this one")
		}
		handled <- p
		return nil
	})
	runRouter(t, r)

	select {
	case p := <-handled:
		if p != poisoned.Position+1 {
			t.Fatalf("handled position %d, want %d after the poison message", p, poisoned.Position+1)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the message after the poison one was not handled")
	}
	if got := calls.Load(); got != int32(fastRetry.MaxRetries)+1 {
		t.Errorf("poison message tried %d times, want %d", got, fastRetry.MaxRetries+1)
	}
	rec, err := store.ReadStream(context.Background(), messaging.PoisonTopic, eventstore.Forwards, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec) != 1 {
		t.Fatalf("poison topic has %d events, want 1", len(rec))
	}
	sub2 := messaging.NewSubscriber(store, messaging.SubscriberConfig{})
	defer sub2.Close()
	msg := receive(t, subscribe(t, sub2, messaging.PoisonTopic))
	want := map[string]string{
		middleware.PoisonedTopicKey:   "a-1",
		middleware.PoisonedHandlerKey: "projection",
		messaging.MetadataEventType:   "test.Happened.v1",
	}
	for k, v := range want {
		if msg.Metadata.Get(k) != v {
			t.Errorf("poisoned metadata %q = %q, want %q", k, msg.Metadata.Get(k), v)
		}
	}
	if msg.Metadata.Get(middleware.ReasonForPoisonedKey) == "" {
		t.Errorf("poisoned message has no %q", middleware.ReasonForPoisonedKey)
	}
	if msg.UUID != rec[0].ID.String() {
		t.Errorf("poisoned message UUID %s, want the event id %s", msg.UUID, rec[0].ID)
	}
}

func TestRouterRegistersPrometheusMetrics(t *testing.T) {
	store := newStore(t)
	appendEvent(t, store, "a-1")
	reg := prometheus.NewRegistry()
	r, err := messaging.NewRouter(messaging.RouterConfig{Metrics: reg, MetricsNamespace: "nongjiao"})
	if err != nil {
		t.Fatal(err)
	}
	handled := make(chan struct{}, 1)
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{})
	r.AddConsumerHandler("projection", "a-1", sub, func(*message.Message) error {
		handled <- struct{}{}
		return nil
	})
	runRouter(t, r)
	select {
	case <-handled:
	case <-time.After(5 * time.Second):
		t.Fatal("not handled")
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range families {
			if f.GetName() == "nongjiao_handler_execution_time_seconds" {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no nongjiao_handler_execution_time_seconds among %d metric families", len(families))
		}
	}
}
