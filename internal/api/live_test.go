package api

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

type pinged struct {
	N int `json:"n"`
}

func (pinged) EventType() string { return "test.Pinged.v1" }

func ping(t *testing.T, s eventstore.Store, stream string, n int) {
	t.Helper()
	data, _ := json.Marshal(pinged{N: n})
	if _, err := s.Append(context.Background(), stream, eventstore.Any, eventstore.EventData{ID: uuid.New(), Type: "test.Pinged.v1", Data: data}); err != nil {
		t.Fatal(err)
	}
}

// newHub returns a hub of buffer over an in-memory store of pings, not yet
// running, and a context that ends with the test.
func newHub(t *testing.T, buffer int) (context.Context, eventstore.Store, *Hub) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	store := memstore.New(kernel.SystemClock{})
	reg := kernel.NewRegistry()
	reg.Register(pinged{})
	return ctx, store, NewHub(store, reg, buffer)
}

func TestHubDeliversAStreamsEventsAndDropsLaggards(t *testing.T) {
	ctx, store, hub := newHub(t, 2)
	go hub.Run(ctx, 0) //nolint:errcheck // ends with ctx

	watching := hub.Subscribe(ctx, "a-1")
	lagging := hub.Subscribe(ctx, "a-1")
	ping(t, store, "b-1", 0) // another stream: not delivered
	ping(t, store, "a-1", 1)
	ping(t, store, "a-1", 2)
	for want := 1; want <= 2; want++ {
		select {
		case env := <-watching:
			if env.Event.(pinged).N != want {
				t.Fatalf("got %v, want ping %d", env.Event, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no live event")
		}
	}
	ping(t, store, "a-1", 3) // lagging has 2 buffered and is now full: dropped
	<-watching
	n := 0
	for range lagging {
		n++
	}
	if n != 2 {
		t.Fatalf("lagging subscriber got %d events before being dropped, want its buffer of 2", n)
	}

	subCtx, stop := context.WithCancel(ctx)
	ended := hub.Subscribe(subCtx, "a-1")
	stop()
	select {
	case _, open := <-ended:
		if open {
			t.Fatal("event after the subscriber's context ended")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("channel not closed when the context ended")
	}
}

// WaitFor counts the events before the hub's start as handed out: a hub
// started after them is caught up with them at once, and waits for the rest.
func TestHubWaitForStartsWhereTheHubStarts(t *testing.T) {
	ctx, store, hub := newHub(t, 2)
	ping(t, store, "a-1", 1)
	ping(t, store, "a-1", 2)
	go hub.Run(ctx, 2) //nolint:errcheck // ends with ctx
	wait, stop := context.WithTimeout(ctx, 5*time.Second)
	defer stop()
	if err := hub.WaitFor(wait, 2); err != nil {
		t.Fatalf("waiting for the events before the start: %v", err)
	}
	ping(t, store, "b-1", 3)
	if err := hub.WaitFor(wait, 3); err != nil {
		t.Fatalf("waiting for a new event: %v", err)
	}
}

// A category subscription gets every stream of its category, and no other.
func TestHubDeliversACategorysStreams(t *testing.T) {
	ctx, store, hub := newHub(t, 8)
	go hub.Run(ctx, 0) //nolint:errcheck // ends with ctx

	all, _ := hub.SubscribeCategory(ctx, "a")
	one := hub.Subscribe(ctx, "a-2")
	ping(t, store, "ab-1", 0) // another category sharing the prefix
	ping(t, store, "a-1", 1)
	ping(t, store, "a-2", 2)
	for _, want := range []int{1, 2} {
		select {
		case env := <-all:
			if env.Event.(pinged).N != want {
				t.Fatalf("got %v, want ping %d", env.Event, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no live event")
		}
	}
	select {
	case env := <-one:
		if env.Event.(pinged).N != 2 {
			t.Fatalf("the stream's subscriber got %v", env.Event)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stream's subscriber got nothing")
	}
}

// A hidden stream's events are handed out to no one, and a category
// subscriber is told the position of the last event it could have seen.
func TestHubHidesStreams(t *testing.T) {
	ctx, store, hub := newHub(t, 8)
	hub.Hidden = func(stream string) bool { return stream == "hidden-1" }
	watching := hub.Subscribe(ctx, "hidden-1")
	go hub.Run(ctx, 0) //nolint:errcheck // ends with ctx

	ping(t, store, "a-1", 1)
	ping(t, store, "hidden-1", 2)
	waitCtx, done := context.WithTimeout(ctx, 5*time.Second)
	defer done()
	if err := hub.WaitFor(waitCtx, 2); err != nil {
		t.Fatal(err)
	}
	if _, last := hub.SubscribeCategory(ctx, "a"); last != 1 {
		t.Errorf("last visible position %d, want 1 (the hidden event is 2)", last)
	}
	select {
	case env := <-watching:
		t.Fatalf("a hidden stream's event was handed out: %v", env)
	default:
	}
}
