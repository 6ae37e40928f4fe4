package messaging

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// Shared is an event store whose subscriptions share one: SubscribeAll
// never opens another subscription of the store it wraps, but joins a single
// live one that Shared fans out. Everything else passes through. The worker
// wraps its store once, so the projector, the workflows, the scheduler's
// watchers and the live hub (each with its own position, filter and
// checkpoint) consume one subscription of the store, however many consumers
// there are.
//
// A consumer whose position is behind the shared subscription (it starts
// from its checkpoint) catches up with paged ReadAll, then joins. A consumer
// that falls SharedBuffer events behind is let go by the shared subscription
// and catches up the same way, so a slow consumer (a workflow waiting for
// its retries) never holds up the others (the live board). Every
// subscription keeps the store contract: the events after its position that
// its filter selects, in order, with no gap and no duplicate. A catch-up
// read the store refuses as unavailable (eventstore.ErrUnavailable: being
// reopened) is made again every eventstore.UnavailableWait rather than
// ending the subscription.
type Shared struct {
	eventstore.Store

	ctx    context.Context // the shared subscription's; cancelled by Close
	cancel context.CancelFunc

	mu      sync.Mutex
	running bool   // the shared subscription runs
	pos     uint64 // the position of the last event it handed out
	members map[*sharedSub]bool
	opened  int // subscriptions of the wrapped store opened so far
}

// SharedBuffer is how many events a consumer of a Shared store may fall
// behind the shared subscription before it is let go to catch up by reads.
const SharedBuffer = 1024

// catchUpPage is how many events a catching-up consumer reads at a time.
const catchUpPage = 512

var _ eventstore.Store = (*Shared)(nil)

// NewShared returns store with its subscriptions shared. Closing it closes store.
func NewShared(store eventstore.Store) *Shared {
	ctx, cancel := context.WithCancel(context.Background())
	return &Shared{Store: store, ctx: ctx, cancel: cancel, members: map[*sharedSub]bool{}}
}

// SubscribeAll implements eventstore.Store: the events after `after` that
// filter selects, caught up by reads, then from the shared subscription.
func (s *Shared) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) (eventstore.Subscription, error) {
	if err := s.ctx.Err(); err != nil {
		return nil, eventstore.ErrClosed
	}
	m := &sharedSub{shared: s, after: after, filter: filter, done: make(chan struct{})}
	// Close reads m.stop under s.mu, and runs at once in its own goroutine
	// when ctx is already done: set it under the same lock.
	s.mu.Lock()
	m.stop = context.AfterFunc(ctx, func() { m.Close() })
	s.mu.Unlock()
	return m, nil
}

// Subscriptions returns how many subscriptions of the wrapped store Shared
// has opened: one while the store works, one more after each time the shared
// subscription ended with an error.
func (s *Shared) Subscriptions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened
}

// Close ends the shared subscription and closes the wrapped store.
func (s *Shared) Close() error {
	s.cancel()
	return s.Store.Close()
}

// join attaches m to the shared subscription if m has caught up with it, or
// starts the subscription from m's position when none runs and m has read
// the store to its end (atEnd). It returns the channel m receives on once
// attached, nil when it is not.
func (s *Shared) join(m *sharedSub, atEnd bool) (<-chan eventstore.RecordedEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case m.closed:
		return nil, eventstore.ErrClosed
	case s.running && m.after >= s.pos:
	case !s.running && atEnd:
		sub, err := s.Store.SubscribeAll(s.ctx, m.after, eventstore.Filter{})
		if err != nil {
			return nil, err
		}
		s.running, s.pos = true, m.after
		s.opened++
		go s.run(sub)
	default:
		return nil, nil
	}
	m.live = make(chan eventstore.RecordedEvent, SharedBuffer)
	s.members[m] = true
	return m.live, nil
}

// run hands each event of the shared subscription to every attached
// consumer, letting go of those whose buffer is full. When the subscription
// ends, every consumer is let go: the next to catch up starts another.
func (s *Shared) run(sub eventstore.Subscription) {
	defer sub.Close()
	for {
		e, err := sub.Next(s.ctx)
		s.mu.Lock()
		if err != nil {
			s.running = false
			for m := range s.members {
				s.release(m)
			}
			s.mu.Unlock()
			return
		}
		s.pos = e.Position
		for m := range s.members {
			select {
			case m.live <- e:
			default: // too far behind: it catches up by reads
				s.release(m)
			}
		}
		s.mu.Unlock()
	}
}

// release detaches m; it reads what it has not seen. s.mu is held.
func (s *Shared) release(m *sharedSub) {
	if s.members[m] {
		delete(s.members, m)
		close(m.live)
		m.live = nil
	}
}

// sharedSub is one consumer's subscription of a Shared store.
type sharedSub struct {
	shared *Shared
	filter eventstore.Filter
	stop   func() bool
	done   chan struct{} // closed by Close

	// Used by Next only (a subscription is read by one goroutine).
	after uint64                          // the last position passed
	page  []eventstore.RecordedEvent      // read while catching up
	ch    <-chan eventstore.RecordedEvent // while attached; closed when let go

	// Guarded by shared.mu.
	live   chan eventstore.RecordedEvent // ch, for the shared subscription to send on
	closed bool
}

// Next implements eventstore.Subscription.
func (m *sharedSub) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	for {
		if len(m.page) > 0 {
			e := m.page[0]
			m.page = m.page[1:]
			if m.pass(e) {
				return e, nil
			}
			continue
		}
		if m.ch != nil {
			select {
			case e, ok := <-m.ch:
				if !ok {
					m.ch = nil // let go: catch up by reads
				} else if m.pass(e) {
					return e, nil
				}
				continue
			case <-ctx.Done():
				return eventstore.RecordedEvent{}, ctx.Err()
			case <-m.done:
				return eventstore.RecordedEvent{}, eventstore.ErrClosed
			}
		}
		if err := ctx.Err(); err != nil {
			return eventstore.RecordedEvent{}, err
		}
		ch, err := m.shared.join(m, false)
		if err != nil {
			return eventstore.RecordedEvent{}, err
		}
		if m.ch = ch; ch != nil {
			continue
		}
		page, err := m.shared.Store.ReadAll(ctx, m.after, catchUpPage)
		if errors.Is(err, eventstore.ErrUnavailable) { // being reopened: read again in a while
			if err := m.wait(ctx); err != nil {
				return eventstore.RecordedEvent{}, err
			}
			continue
		}
		if err != nil {
			return eventstore.RecordedEvent{}, err
		}
		if len(page) == 0 {
			if m.ch, err = m.shared.join(m, true); err != nil {
				return eventstore.RecordedEvent{}, err
			}
			continue
		}
		m.page = page
	}
}

// wait waits eventstore.UnavailableWait, or returns the error that ends m
// first.
func (m *sharedSub) wait(ctx context.Context) error {
	select {
	case <-time.After(eventstore.UnavailableWait):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-m.done:
		return eventstore.ErrClosed
	}
}

// pass moves m past e and reports whether m's filter selects it.
func (m *sharedSub) pass(e eventstore.RecordedEvent) bool {
	if e.Position <= m.after {
		return false
	}
	m.after = e.Position
	return m.filter.Match(e.Stream, e.Type)
}

// Close implements eventstore.Subscription.
func (m *sharedSub) Close() error {
	s := m.shared
	s.mu.Lock()
	defer s.mu.Unlock()
	if !m.closed {
		m.closed = true
		close(m.done)
		s.release(m)
		m.stop()
	}
	return nil
}
