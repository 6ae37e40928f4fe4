package filestore

import (
	"context"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// ReadStream implements eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return nil, eventstore.ErrClosed
	}
	var locs []uint64
	if st := s.streams[stream]; st != nil && limit > 0 {
		n := uint64(len(st.positions))
		if dir == eventstore.Forwards {
			for v := max(from, 1); v <= n && len(locs) < limit; v++ {
				locs = append(locs, s.index[st.positions[v-1]-1])
			}
		} else {
			v := n
			if from != 0 && from < n {
				v = from
			}
			for ; v >= 1 && len(locs) < limit; v-- {
				locs = append(locs, s.index[st.positions[v-1]-1])
			}
		}
	}
	segs := s.segs
	s.mu.RUnlock()
	out := make([]eventstore.RecordedEvent, 0, len(locs))
	return out, s.decode(segs, locs, func(r record) { out = append(out, r.event()) })
}

// ReadAll implements eventstore.Store.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []eventstore.RecordedEvent
	_, _, err := s.scanAll(after, limit, func(r record) { out = append(out, r.event()) })
	return out, err
}

// scanAll passes each record after position after, up to limit of them, to
// fn, and returns the last position it passed (after when none) and the
// channel that closes when more arrive.
func (s *Store) scanAll(after uint64, limit int, fn func(record)) (last uint64, changed <-chan struct{}, err error) {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return after, nil, eventstore.ErrClosed
	}
	var locs []uint64
	if after < uint64(len(s.index)) && limit > 0 {
		// Published entries never change, so the slice may be read unlocked.
		locs = s.index[after:min(uint64(len(s.index)), after+uint64(limit))]
	}
	segs, changed := s.segs, s.changed
	s.mu.RUnlock()
	return after + uint64(len(locs)), changed, s.decode(segs, locs, fn)
}

// decode passes the records at locs to fn, keeping Close from unmapping
// the segments meanwhile.
func (s *Store) decode(segs []*segment, locs []uint64, fn func(record)) error {
	if len(locs) == 0 {
		return nil
	}
	s.mapMu.RLock()
	defer s.mapMu.RUnlock()
	if s.unmapped {
		return eventstore.ErrClosed
	}
	for _, l := range locs {
		slot, off := unlocate(l)
		fn(recordAt(segs[slot].data, off))
	}
	return nil
}

// SubscribeAll implements eventstore.Store.
func (s *Store) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) (eventstore.Subscription, error) {
	s.mu.RLock()
	closed := s.closed
	s.mu.RUnlock()
	if closed {
		return nil, eventstore.ErrClosed
	}
	ctx, cancel := context.WithCancel(ctx)
	return &subscription{store: s, after: after, filter: filter, ctx: ctx, cancel: cancel}, nil
}

// subscriptionPage is how many records a subscription reads at a time.
const subscriptionPage = 512

type subscription struct {
	store   *Store
	filter  eventstore.Filter
	after   uint64 // the last position read
	pending []eventstore.RecordedEvent
	ctx     context.Context // ends with Close or SubscribeAll's context
	cancel  context.CancelFunc
}

// Next implements eventstore.Subscription: it reads the log in pages after
// the last position it delivered, decoding only the events the filter
// selects, and waits for the next group commit when it has read everything.
func (sub *subscription) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	for {
		if sub.ctx.Err() != nil {
			return eventstore.RecordedEvent{}, eventstore.ErrClosed
		}
		if len(sub.pending) > 0 {
			e := sub.pending[0]
			sub.pending = sub.pending[1:]
			return e, nil
		}
		if err := ctx.Err(); err != nil {
			return eventstore.RecordedEvent{}, err
		}
		last, changed, err := sub.store.scanAll(sub.after, subscriptionPage, func(r record) {
			if matches(sub.filter, r) {
				sub.pending = append(sub.pending, r.event())
			}
		})
		if err != nil {
			return eventstore.RecordedEvent{}, err
		}
		if last > sub.after {
			sub.after = last
			continue
		}
		select {
		case <-changed:
		case <-ctx.Done():
		case <-sub.ctx.Done():
		}
	}
}

// Close implements eventstore.Subscription.
func (sub *subscription) Close() error {
	sub.cancel()
	return nil
}

// matches applies f to a record without decoding it.
func matches(f eventstore.Filter, r record) bool {
	stream, typ := r.streamAndType()
	return hasAnyPrefix(stream, f.StreamPrefixes) && hasAnyPrefix(typ, f.EventTypePrefixes)
}

func hasAnyPrefix(b []byte, prefixes []string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if len(b) >= len(p) && string(b[:len(p)]) == p {
			return true
		}
	}
	return false
}
