package messaging_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nongjiao/nongjiao/internal/messaging"
)

// waitIdle waits up to d for every group to be idle.
func waitIdle(idle *messaging.Idle, d time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return idle.WaitFor(ctx)
}

// A group is busy while it has not handled an event of its topic that Scan
// read; events of other topics, the bridge's checkpoints and the workflows'
// records do not keep it busy, and a group whose checkpoint is past its topic's last event is idle
// without handling anything.
func TestIdleWaitsForEachGroupToHandleItsTopic(t *testing.T) {
	store := newStore(t)
	idle := messaging.NewIdle(store)
	ahead := &messaging.MemoryCheckpoints{}
	old := appendEvent(t, store, "done-1")
	if err := ahead.Save(context.Background(), "caught-up", "done", old.Position); err != nil {
		t.Fatal(err)
	}
	r, err := messaging.NewRouter(messaging.RouterConfig{Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	r.AddMiddleware(idle.Middleware)
	release := make(chan struct{})
	r.AddConsumerHandler("slow", "thing", messaging.NewSubscriber(store, messaging.SubscriberConfig{
		ConsumerGroup: "slow", Checkpoints: idle.Checkpoints(&messaging.MemoryCheckpoints{}),
	}), func(*message.Message) error { <-release; return nil })
	r.AddConsumerHandler("caught-up", "done", messaging.NewSubscriber(store, messaging.SubscriberConfig{
		ConsumerGroup: "caught-up", Checkpoints: idle.Checkpoints(ahead),
	}), func(*message.Message) error { t.Error("the caught-up group was handed an event"); return nil })
	runRouter(t, r)

	appendEvent(t, store, "other-1")
	head, domain, err := idle.Scan(context.Background())
	if err != nil || head != domain || domain == 0 {
		t.Fatalf("scan: head %d, domain %d, %v", head, domain, err)
	}
	if err := waitIdle(idle, time.Second); err != nil {
		t.Fatalf("no group has anything of its topic to handle, yet: %v", err)
	}
	appendEvent(t, store, "thing-1")
	if err := messaging.NewStoreCheckpoints(store).Save(context.Background(), "g", "$all", 1); err != nil {
		t.Fatal(err)
	}
	workflow := appendEvent(t, store, "workflow-award-1")
	head, domain2, err := idle.Scan(context.Background())
	if err != nil || head != workflow.Position || head <= domain2 || domain2 <= domain {
		t.Fatalf("scan after a checkpoint and a workflow's record: head %d, domain %d, %v", head, domain2, err)
	}
	if err := waitIdle(idle, 50*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting while the slow group holds its event: %v", err)
	}
	close(release)
	if err := waitIdle(idle, 5*time.Second); err != nil {
		t.Fatalf("after the slow group handled its event: %v", err)
	}
}

// A group is idle once it has handled the last event of its topic it does
// not skip, however many skipped events follow, and busy while that event
// waits.
func TestIdleCountsTheEventsAGroupSkips(t *testing.T) {
	store := newStore(t)
	idle := messaging.NewIdle(store)
	r, err := messaging.NewRouter(messaging.RouterConfig{Retry: fastRetry})
	if err != nil {
		t.Fatal(err)
	}
	r.AddMiddleware(idle.Middleware)
	release := make(chan struct{})
	r.AddConsumerHandler("g", "$all", messaging.NewSubscriber(store, messaging.SubscriberConfig{
		ConsumerGroup: "g", Checkpoints: idle.Checkpoints(&messaging.MemoryCheckpoints{}),
		Skip: func(typ string) bool { return typ == "skipped" },
	}), func(*message.Message) error { <-release; return nil })
	runRouter(t, r)

	appendTyped(t, store, "a-1", "kept")
	for range 3 {
		appendTyped(t, store, "a-1", "skipped")
	}
	if _, _, err := idle.Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := waitIdle(idle, 50*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting while the group holds the event it handles: %v", err)
	}
	close(release)
	if err := waitIdle(idle, 5*time.Second); err != nil {
		t.Fatalf("after the group handled its event and skipped the rest: %v", err)
	}
}
