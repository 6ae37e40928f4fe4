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
	v, err := s.view(after, limit)
	if err != nil || len(v.locs) == 0 {
		return nil, err
	}
	out := make([]eventstore.RecordedEvent, 0, len(v.locs))
	return out, s.decode(v.segs, v.locs, func(r record) { out = append(out, r.event()) })
}

// allView is a snapshot of part of $all.
type allView struct {
	locs    []uint64   // locations of the positions after after, up to limit of them
	segs    []*segment // the segments they are in
	changed <-chan struct{}
}

// view returns the locations of up to limit positions after after, and the
// channel that closes when more are published.
func (s *Store) view(after uint64, limit int) (allView, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return allView{}, eventstore.ErrClosed
	}
	v := allView{segs: s.segs, changed: s.changed}
	if after < uint64(len(s.index)) && limit > 0 {
		// Published entries never change, so the slice may be read unlocked.
		v.locs = s.index[after:min(uint64(len(s.index)), after+uint64(limit))]
	}
	return v, nil
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
	after   uint64                     // the last position read
	pending []eventstore.RecordedEvent // read, selected and not yet delivered
	next    int                        // the next of pending to deliver
	ctx     context.Context            // ends with Close or SubscribeAll's context
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
		if sub.next < len(sub.pending) {
			e := sub.pending[sub.next]
			sub.pending[sub.next] = eventstore.RecordedEvent{} // let it go once delivered
			sub.next++
			return e, nil
		}
		sub.pending, sub.next = sub.pending[:0], 0
		if err := ctx.Err(); err != nil {
			return eventstore.RecordedEvent{}, err
		}
		v, err := sub.store.view(sub.after, subscriptionPage)
		if err == nil {
			err = sub.store.decode(v.segs, v.locs, func(r record) {
				if matches(sub.filter, r) {
					sub.pending = append(sub.pending, r.event())
				}
			})
		}
		if err != nil {
			return eventstore.RecordedEvent{}, err
		}
		if len(v.locs) > 0 {
			sub.after += uint64(len(v.locs))
			continue
		}
		select {
		case <-v.changed:
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
