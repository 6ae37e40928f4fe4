package reopen

import (
	"context"
	"errors"
	"sync"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// SubscribeAll implements eventstore.Store. The subscription outlives
// reopens: it follows each new backend from the last event it delivered.
func (s *Store) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) (eventstore.Subscription, error) {
	if _, _, err := s.backend(false); errors.Is(err, eventstore.ErrClosed) {
		return nil, err
	}
	return &subscription{store: s, ctx: ctx, after: after, filter: filter, done: make(chan struct{})}, nil
}

// subscription is a subscription to whichever backend is current.
type subscription struct {
	store  *Store
	ctx    context.Context // SubscribeAll's: it ends the subscription
	filter eventstore.Filter
	after  uint64 // the last position delivered; owned by Next

	mu     sync.Mutex
	inner  eventstore.Subscription // nil until subscribed, and after its backend went down
	gen    uint64                  // inner's backend
	done   chan struct{}           // closed by Close
	closed bool
}

// Next implements eventstore.Subscription.
func (sub *subscription) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	for {
		inner, gen, err := sub.current(ctx)
		if err != nil {
			return eventstore.RecordedEvent{}, err
		}
		e, err := inner.Next(ctx)
		if err == nil {
			sub.after = e.Position
			return e, nil
		}
		if ctx.Err() != nil || sub.ctx.Err() != nil || !sub.store.swapped(gen) {
			return eventstore.RecordedEvent{}, err
		}
		sub.drop(inner)
	}
}

// current returns the subscription to the current backend, subscribing
// after the last delivered event once a backend accepts appends.
func (sub *subscription) current(ctx context.Context) (eventstore.Subscription, uint64, error) {
	for {
		sub.mu.Lock()
		inner, gen, closed := sub.inner, sub.gen, sub.closed
		sub.mu.Unlock()
		switch {
		case closed:
			return nil, 0, eventstore.ErrClosed
		case inner != nil:
			return inner, gen, nil
		}
		st, gen, err := sub.store.backend(true)
		if errors.Is(err, eventstore.ErrClosed) {
			return nil, 0, err
		}
		if err != nil { // down: wait until it is up again
			sub.store.mu.RLock()
			up := sub.store.up
			sub.store.mu.RUnlock()
			select {
			case <-up:
				continue
			case <-sub.store.done:
				return nil, 0, eventstore.ErrClosed
			case <-sub.done:
				return nil, 0, eventstore.ErrClosed
			case <-sub.ctx.Done():
				return nil, 0, sub.ctx.Err()
			case <-ctx.Done():
				return nil, 0, ctx.Err()
			}
		}
		inner, err = st.SubscribeAll(sub.ctx, sub.after, sub.filter)
		if err != nil {
			if sub.store.swapped(gen) {
				continue
			}
			return nil, 0, err
		}
		sub.mu.Lock()
		if sub.closed {
			sub.mu.Unlock()
			_ = inner.Close()
			return nil, 0, eventstore.ErrClosed
		}
		sub.inner, sub.gen = inner, gen
		sub.mu.Unlock()
	}
}

// drop forgets inner, whose backend went down.
func (sub *subscription) drop(inner eventstore.Subscription) {
	_ = inner.Close()
	sub.mu.Lock()
	if sub.inner == inner {
		sub.inner = nil
	}
	sub.mu.Unlock()
}

// Close implements eventstore.Subscription.
func (sub *subscription) Close() error {
	sub.mu.Lock()
	if sub.closed {
		sub.mu.Unlock()
		return nil
	}
	sub.closed = true
	close(sub.done)
	inner := sub.inner
	sub.inner = nil
	sub.mu.Unlock()
	if inner != nil {
		return inner.Close()
	}
	return nil
}
