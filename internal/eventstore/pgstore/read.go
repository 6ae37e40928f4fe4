package pgstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// columns are the es_events columns scan reads, in its order.
const columns = `id, stream, version, position, type, data, command_id, actor, correlation_id, causation_id, recorded`

// scan reads the rows of a query selecting columns.
func scan(rows pgx.Rows, capacity int) ([]eventstore.RecordedEvent, error) {
	out := make([]eventstore.RecordedEvent, 0, capacity)
	var e eventstore.RecordedEvent
	_, err := pgx.ForEachRow(rows, []any{&e.ID, &e.Stream, &e.Version, &e.Position, &e.Type, &e.Data,
		&e.Metadata.CommandID, &e.Metadata.Actor, &e.Metadata.CorrelationID, &e.Metadata.CausationID, &e.Recorded}, func() error {
		e.Recorded = e.Recorded.UTC()
		out = append(out, e)
		e.Data = nil // the next row scans into a fresh slice
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pgstore: read: %w", err)
	}
	return out, nil
}

// open fails once the store is closed.
func (s *Store) open() error {
	select {
	case <-s.done:
		return eventstore.ErrClosed
	default:
		return nil
	}
}

// ReadStream implements eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, max int) ([]eventstore.RecordedEvent, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	if max <= 0 {
		return nil, nil
	}
	q := `SELECT ` + columns + ` FROM es_events WHERE stream = $1 AND version >= $2 ORDER BY version LIMIT $3`
	if dir == eventstore.Backwards {
		if from == 0 {
			from = 1 << 62
		}
		q = `SELECT ` + columns + ` FROM es_events WHERE stream = $1 AND version <= $2 ORDER BY version DESC LIMIT $3`
	}
	rows, err := s.pool.Query(ctx, q, stream, from, max)
	if err != nil {
		return nil, fmt.Errorf("pgstore: read %s: %w", stream, err)
	}
	return scan(rows, min(max, 64))
}

// ReadAll implements eventstore.Store. Every position at or below the last
// one read is committed (see the package documentation), so paging on
// "position > after" never skips an event.
func (s *Store) ReadAll(ctx context.Context, after uint64, max int) ([]eventstore.RecordedEvent, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	if max <= 0 {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+columns+` FROM es_events WHERE position > $1 ORDER BY position LIMIT $2`, after, max)
	if err != nil {
		return nil, fmt.Errorf("pgstore: read $all: %w", err)
	}
	return scan(rows, min(max, 512))
}

// page is how many events a subscription reads at a time.
const page = 512

// readFiltered returns up to page events after after that filter selects,
// and the position up to which it looked: the last event's when the page is
// full, else the head it read first.
func (s *Store) readFiltered(ctx context.Context, after uint64, f eventstore.Filter) ([]eventstore.RecordedEvent, uint64, error) {
	var head uint64
	var out []eventstore.RecordedEvent
	streams, types := f.StreamPrefixes, f.EventTypePrefixes
	if streams == nil {
		streams = []string{}
	}
	if types == nil {
		types = []string{}
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT position FROM es_head WHERE id = 1`).QueryRow(func(r pgx.Row) error { return r.Scan(&head) })
	b.Queue(`SELECT `+columns+` FROM es_events WHERE position > $1 AND position <= (SELECT position FROM es_head WHERE id = 1)
		AND (cardinality($2::text[]) = 0 OR stream ^@ ANY($2::text[]))
		AND (cardinality($3::text[]) = 0 OR type ^@ ANY($3::text[]))
		ORDER BY position LIMIT $4`, after, streams, types, page).Query(func(rows pgx.Rows) error {
		var err error
		out, err = scan(rows, 16)
		return err
	})
	if err := s.pool.SendBatch(ctx, b).Close(); err != nil {
		return nil, 0, fmt.Errorf("pgstore: subscribe: %w", err)
	}
	// The second statement's snapshot is the later: it may see past head,
	// but its own bound is the head it read; keep to the lower of the two.
	if len(out) == page {
		return out, out[len(out)-1].Position, nil
	}
	if len(out) > 0 && out[len(out)-1].Position > head {
		head = out[len(out)-1].Position
	}
	return out, max(head, after), nil
}

// SubscribeAll implements eventstore.Store.
func (s *Store) SubscribeAll(ctx context.Context, after uint64, filter eventstore.Filter) (eventstore.Subscription, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	return &subscription{s: s, ctx: ctx, cancel: cancel, pos: after, filter: filter}, nil
}

// subscription reads pages after pos and waits on the store's bell between them.
type subscription struct {
	s      *Store
	ctx    context.Context // the subscription's: ends on Close
	cancel context.CancelFunc
	filter eventstore.Filter

	mu      sync.Mutex // one Next at a time
	pos     uint64
	pending []eventstore.RecordedEvent
}

// Next implements eventstore.Subscription.
func (sub *subscription) Next(ctx context.Context) (eventstore.RecordedEvent, error) {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	for len(sub.pending) == 0 {
		if err := sub.alive(); err != nil {
			return eventstore.RecordedEvent{}, err
		}
		if err := ctx.Err(); err != nil {
			return eventstore.RecordedEvent{}, err
		}
		rang := sub.s.bell.wait() // taken before reading, so no ring between is lost
		events, upTo, err := sub.read(ctx)
		if err != nil {
			return eventstore.RecordedEvent{}, err
		}
		sub.pending, sub.pos = events, upTo
		if len(events) > 0 {
			break
		}
		t := time.NewTimer(pollEvery)
		select {
		case <-rang:
		case <-t.C:
		case <-ctx.Done():
		case <-sub.ctx.Done():
		case <-sub.s.done:
		}
		t.Stop()
	}
	e := sub.pending[0]
	sub.pending = sub.pending[1:]
	return e, nil
}

// readTries is how many reads in a row may fail (a connection broken by a
// restart of PostgreSQL, say) before Next returns the error; they are
// spaced 100 ms, 200 ms, 400 ms … apart.
const readTries = 6

// read reads the next page, retrying a failed read readTries times.
func (sub *subscription) read(ctx context.Context) ([]eventstore.RecordedEvent, uint64, error) {
	wait := 100 * time.Millisecond
	for try := 1; ; try++ {
		events, upTo, err := sub.s.readFiltered(sub.ctx, sub.pos, sub.filter)
		if err == nil {
			return events, upTo, nil
		}
		if aerr := sub.alive(); aerr != nil {
			return nil, 0, aerr
		}
		if try == readTries || ctx.Err() != nil {
			return nil, 0, err
		}
		select {
		case <-time.After(wait):
			wait *= 2
		case <-ctx.Done():
			return nil, 0, ctx.Err()
		case <-sub.ctx.Done():
			return nil, 0, eventstore.ErrClosed
		}
	}
}

// alive returns why the subscription has ended, or nil.
func (sub *subscription) alive() error {
	if err := sub.s.open(); err != nil {
		return err
	}
	if sub.ctx.Err() != nil {
		return eventstore.ErrClosed
	}
	return nil
}

// Close implements eventstore.Subscription.
func (sub *subscription) Close() error {
	sub.cancel()
	return nil
}

// bell wakes every waiter at once: wait returns a channel that the next ring closes.
type bell struct {
	mu sync.Mutex
	ch chan struct{}
}

func (b *bell) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch == nil {
		b.ch = make(chan struct{})
	}
	return b.ch
}

func (b *bell) ring() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.ch != nil {
		close(b.ch)
		b.ch = nil
	}
}

// listen LISTENs on the schema's channel on a connection of its own and rings
// the bell at every notification, reconnecting after a failure (and ringing
// then too, for what it may have missed), until the store closes. The first
// connection's outcome is sent to started.
func (s *Store) listen(cfg *pgx.ConnConfig, started chan<- error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-s.done; cancel() }()
	first := true
	for wait := 100 * time.Millisecond; ctx.Err() == nil; wait = min(2*wait, 5*time.Second) {
		conn, err := pgx.ConnectConfig(ctx, cfg.Copy())
		if err == nil {
			_, err = conn.Exec(ctx, `LISTEN `+pgx.Identifier{s.channel}.Sanitize())
		}
		if first {
			started <- err
			first = false
			if err != nil {
				if conn != nil {
					conn.Close(context.Background())
				}
				return
			}
		}
		if err == nil {
			s.bell.ring()
			wait = 100 * time.Millisecond
			for {
				if _, err = conn.WaitForNotification(ctx); err != nil {
					break
				}
				s.bell.ring()
			}
		}
		if conn != nil {
			conn.Close(context.Background())
		}
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("event store notifications lost; reconnecting", "err", err, "in", wait)
		select {
		case <-time.After(wait):
		case <-ctx.Done():
		}
	}
}

// Close implements eventstore.Store: appends already pending are written (or
// fail), later ones return ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	for s.leading {
		s.idle.Wait()
	}
	s.mu.Unlock()
	close(s.done)
	<-s.stopped
	s.pool.Close()
	return nil
}
