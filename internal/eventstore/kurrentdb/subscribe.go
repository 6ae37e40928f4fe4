package kurrentdb

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// SubscribeAll implements eventstore.Store with a KurrentDB catch-up
// subscription to $all. The server filters by the filter's stream prefixes,
// else by its event type prefixes, else leaves out system event types; the
// subscription then applies the whole filter, and the position, itself.
//
// KurrentDB drops a subscription whose consumer falls behind live events, and
// a network failure drops it too; the subscription then subscribes again
// after the last event it delivered, so Next sees neither a gap nor a
// duplicate. Only when that keeps failing (resubscribeAttempts in a row) does
// Next return the error.
func (s *Store) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) (eventstore.Subscription, error) {
	subCtx, cancel := context.WithCancel(ctx)
	sub := &subscription{store: s, ctx: subCtx, cancel: cancel, filter: filter, items: make(chan item, 64)}
	inner, err := sub.subscribe(after)
	if err != nil {
		cancel()
		return nil, err
	}
	go sub.pump(inner, after)
	return sub, nil
}

// serverFilter is the part of f that KurrentDB applies: one kind of prefix.
func serverFilter(f eventstore.Filter) *esdb.SubscriptionFilter {
	switch {
	case len(f.StreamPrefixes) > 0:
		return &esdb.SubscriptionFilter{Type: esdb.StreamFilterType, Prefixes: f.StreamPrefixes}
	case len(f.EventTypePrefixes) > 0:
		return &esdb.SubscriptionFilter{Type: esdb.EventFilterType, Prefixes: f.EventTypePrefixes}
	default:
		return esdb.ExcludeSystemEventsFilter()
	}
}

// subscription hands the events a goroutine (pump) receives from KurrentDB to
// Next, so Next can wait on a context while the client's Recv cannot.
type subscription struct {
	store  *Store
	ctx    context.Context // ends with the caller's context or Close
	cancel context.CancelFunc
	filter eventstore.Filter
	items  chan item // closed by pump after a final item with err set

	mu  sync.Mutex
	err error // the error that ended the subscription, once Next saw it
}

// item is an event, or the error that ended the subscription.
type item struct {
	event eventstore.RecordedEvent
	err   error
}

var _ eventstore.Subscription = (*subscription)(nil)

// subscribe starts a KurrentDB subscription to the events after a position.
func (sub *subscription) subscribe(after uint64) (*esdb.Subscription, error) {
	opts := esdb.SubscribeToAllOptions{From: esdb.Start{}, Filter: serverFilter(sub.filter)}
	if after > 0 {
		opts.From = esdb.Position{Commit: after, Prepare: after}
	}
	var inner *esdb.Subscription
	err := sub.store.use(func(c *esdb.Client) (err error) {
		inner, err = c.SubscribeToAll(sub.ctx, opts)
		return err
	})
	if err != nil {
		return nil, sub.store.fail(sub.ctx, "subscribe to $all", err)
	}
	return inner, nil
}

// Resubscribing after a drop: how often in a row, and the first pause
// between attempts (doubled after each).
const (
	resubscribeAttempts = 5
	resubscribePause    = 50 * time.Millisecond
)

// resubscribe subscribes again after a drop, retrying with growing pauses.
// It returns the error that ends the subscription if it cannot.
func (sub *subscription) resubscribe(after uint64, dropped error) (*esdb.Subscription, error) {
	pause := resubscribePause
	for range resubscribeAttempts {
		select {
		case <-time.After(pause):
		case <-sub.ctx.Done():
			return nil, eventstore.ErrClosed
		}
		inner, err := sub.subscribe(after)
		if err == nil {
			return inner, nil
		}
		if sub.ended() {
			return nil, eventstore.ErrClosed
		}
		pause *= 2
	}
	return nil, fmt.Errorf("kurrentdb: subscription to $all dropped, and subscribing again failed %d times: %w", resubscribeAttempts, dropped)
}

// ended reports whether the subscription was closed, its context ended, or
// the store was closed.
func (sub *subscription) ended() bool {
	return sub.ctx.Err() != nil || sub.store.closed.Load()
}

// pump receives until the subscription ends, passing on what it selects:
// the filter's events after the position.
func (sub *subscription) pump(inner *esdb.Subscription, after uint64) {
	defer close(sub.items)
	defer func() { _ = inner.Close() }()
	for {
		ev := inner.Recv()
		var it item
		switch {
		case ev.SubscriptionDropped != nil:
			if sub.ended() {
				it.err = eventstore.ErrClosed
				break
			}
			next, err := sub.resubscribe(after, ev.SubscriptionDropped.Error)
			if err != nil {
				it.err = err
				break
			}
			_ = inner.Close()
			inner = next
			continue
		case ev.EventAppeared != nil && ev.EventAppeared.Event != nil:
			e := fromRecorded(ev.EventAppeared.Event)
			if e.Position <= after || system(e.Stream, e.Type) || !sub.filter.Match(e.Stream, e.Type) {
				continue
			}
			after = e.Position
			it.event = e
		default:
			continue // checkpoints, caught up, fell behind
		}
		select {
		case sub.items <- it:
		case <-sub.ctx.Done():
			return
		}
		if it.err != nil {
			return
		}
	}
}

// Next implements eventstore.Subscription.
func (sub *subscription) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	sub.mu.Lock()
	err := sub.err
	sub.mu.Unlock()
	if err != nil {
		return eventstore.RecordedEvent{}, err
	}
	select {
	case it, ok := <-sub.items:
		switch {
		case !ok:
			it.err = eventstore.ErrClosed
			fallthrough
		case it.err != nil:
			sub.mu.Lock()
			sub.err = it.err
			sub.mu.Unlock()
			return eventstore.RecordedEvent{}, it.err
		}
		return it.event, nil
	case <-ctx.Done():
		return eventstore.RecordedEvent{}, ctx.Err()
	case <-sub.ctx.Done():
		return eventstore.RecordedEvent{}, eventstore.ErrClosed
	}
}

// Close implements eventstore.Subscription. It ends the KurrentDB
// subscription through its context; the pump then stops.
func (sub *subscription) Close() error {
	sub.cancel()
	return nil
}
