package kurrentdb

import (
	"context"
	"fmt"
	"sync"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// SubscribeAll implements eventstore.Store with a KurrentDB catch-up
// subscription to $all. The server filters by the filter's stream prefixes,
// else by its event type prefixes, else leaves out system event types; the
// subscription then applies the whole filter, and the position, itself.
func (s *Store) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) (eventstore.Subscription, error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave()
	opts := esdb.SubscribeToAllOptions{From: esdb.Start{}, Filter: serverFilter(filter)}
	if after > 0 {
		opts.From = esdb.Position{Commit: after, Prepare: after}
	}
	subCtx, cancel := context.WithCancel(ctx)
	inner, err := s.client.SubscribeToAll(subCtx, opts)
	if err != nil {
		cancel()
		return nil, s.fail(ctx, "subscribe to $all", err)
	}
	sub := &subscription{
		store:  s,
		ctx:    subCtx,
		cancel: cancel,
		inner:  inner,
		items:  make(chan item, 64),
	}
	go sub.pump(after, filter)
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
	inner  *esdb.Subscription
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

// pump receives until the subscription drops, passing on what the
// subscription selects: the filter's events after the position.
func (sub *subscription) pump(after uint64, filter eventstore.Filter) {
	defer close(sub.items)
	for {
		ev := sub.inner.Recv()
		var it item
		switch {
		case ev.SubscriptionDropped != nil:
			it.err = sub.dropped(ev.SubscriptionDropped.Error)
		case ev.EventAppeared != nil && ev.EventAppeared.Event != nil:
			e := fromRecorded(ev.EventAppeared.Event)
			if e.Position <= after || system(e.Stream, e.Type) || !filter.Match(e.Stream, e.Type) {
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

// dropped explains why the subscription ended: ErrClosed when it was closed,
// its context ended or the store was closed, otherwise the server's error.
func (sub *subscription) dropped(err error) error {
	if sub.ctx.Err() != nil || sub.store.closed.Load() {
		return eventstore.ErrClosed
	}
	return fmt.Errorf("kurrentdb: subscription to $all dropped: %w", err)
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

// Close implements eventstore.Subscription.
func (sub *subscription) Close() error {
	sub.cancel()
	return sub.inner.Close()
}
