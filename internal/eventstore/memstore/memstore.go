// Package memstore is an in-memory eventstore.Store for tests and examples. It
// keeps nothing on disk: an "acknowledged" append is lost when the process
// ends, so it is never the default store.
package memstore

import (
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Store is an in-memory event store. Create it with New.
type Store struct {
	clock kernel.Clock

	mu      sync.Mutex
	all     []eventstore.RecordedEvent // all[i].Position == i+1
	streams map[string][]int           // indexes into all
	ids     map[string]map[uuid.UUID]int
	changed chan struct{} // closed and replaced on every append
	closed  bool
}

var _ eventstore.Store = (*Store)(nil)

// New returns an empty store that stamps events with clock's time.
func New(clock kernel.Clock) *Store {
	return &Store{
		clock:   clock,
		streams: map[string][]int{},
		ids:     map[string]map[uuid.UUID]int{},
		changed: make(chan struct{}),
	}
}

// Append implements eventstore.Store.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.Validate(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	idx := s.streams[stream]
	if res, ok := s.duplicate(stream, events); ok {
		return res, nil
	}
	current := uint64(len(idx))
	if !expected.Matches(current) {
		return eventstore.AppendResult{}, &eventstore.ConflictError{Stream: stream, Expected: expected, Actual: current}
	}
	ids := s.ids[stream]
	if ids == nil {
		ids = map[uuid.UUID]int{}
		s.ids[stream] = ids
	}
	now := s.clock.Now().UTC()
	for _, e := range events {
		i := len(s.all)
		idx = append(idx, i)
		ids[e.ID] = i
		s.all = append(s.all, eventstore.RecordedEvent{
			ID: e.ID, Stream: stream, Version: uint64(len(idx)), Position: uint64(i + 1),
			Type: e.Type, Data: append([]byte(nil), e.Data...), Metadata: e.Metadata, Recorded: now,
		})
	}
	s.streams[stream] = idx
	close(s.changed)
	s.changed = make(chan struct{})
	last := s.all[len(s.all)-1]
	return eventstore.AppendResult{Version: last.Version, Position: last.Position}, nil
}

// duplicate reports whether every event id is already in stream, and if so
// the result of the original write.
func (s *Store) duplicate(stream string, events []eventstore.EventData) (eventstore.AppendResult, bool) {
	ids := s.ids[stream]
	last := -1
	for _, e := range events {
		i, ok := ids[e.ID]
		if !ok {
			return eventstore.AppendResult{}, false
		}
		last = max(last, i)
	}
	return eventstore.AppendResult{Version: s.all[last].Version, Position: s.all[last].Position}, true
}

// ReadStream implements eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, eventstore.ErrClosed
	}
	idx := s.streams[stream]
	var out []eventstore.RecordedEvent
	if dir == eventstore.Forwards {
		for v := max(from, 1); v <= uint64(len(idx)) && len(out) < limit; v++ {
			out = append(out, s.all[idx[v-1]])
		}
		return out, nil
	}
	v := uint64(len(idx))
	if from != 0 && from < v {
		v = from
	}
	for ; v >= 1 && len(out) < limit; v-- {
		out = append(out, s.all[idx[v-1]])
	}
	return out, nil
}

// ReadAll implements eventstore.Store.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.RecordedEvent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, eventstore.ErrClosed
	}
	if after >= uint64(len(s.all)) {
		return nil, nil
	}
	end := min(uint64(len(s.all)), after+uint64(limit))
	return append([]eventstore.RecordedEvent(nil), s.all[after:end]...), nil
}

// SubscribeAll implements eventstore.Store.
func (s *Store) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) (eventstore.Subscription, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, eventstore.ErrClosed
	}
	ctx, cancel := context.WithCancel(ctx)
	return &subscription{store: s, after: after, filter: filter, ctx: ctx, cancel: cancel}, nil
}

// Close implements eventstore.Store.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		close(s.changed)
	}
	return nil
}

type subscription struct {
	store  *Store
	after  uint64
	filter eventstore.Filter
	ctx    context.Context
	cancel context.CancelFunc
}

func (sub *subscription) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	s := sub.store
	for {
		s.mu.Lock()
		closed := s.closed
		for !closed && sub.after < uint64(len(s.all)) {
			e := s.all[sub.after]
			sub.after++
			if sub.filter.Match(e.Stream, e.Type) {
				s.mu.Unlock()
				return e, nil
			}
		}
		wait := s.changed
		s.mu.Unlock()
		if closed {
			return eventstore.RecordedEvent{}, eventstore.ErrClosed
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return eventstore.RecordedEvent{}, ctx.Err()
		case <-sub.ctx.Done():
			return eventstore.RecordedEvent{}, eventstore.ErrClosed
		}
	}
}

func (sub *subscription) Close() error {
	sub.cancel()
	return nil
}
