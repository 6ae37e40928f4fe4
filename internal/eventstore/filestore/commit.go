package filestore

import (
	"context"
	"fmt"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// request is one Append waiting for the committer.
type request struct {
	stream   string
	expected eventstore.ExpectedVersion
	records  []byte // the batch's records, encoded by Append, sealed by the committer
	count    int    // number of records
	res      eventstore.AppendResult
	err      error
	done     chan struct{} // closed when res or err is set
}

// Append implements eventstore.Store. It encodes the batch in the caller's
// goroutine, queues it for the committer, and returns once the committer has
// made it durable (or refused it). If ctx ends first, Append returns ctx's
// error and the append may or may not be written.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.Validate(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	size := 0
	for i := range events {
		if !fits(stream, &events[i]) {
			return eventstore.AppendResult{}, fmt.Errorf("%w: event %d has a field over 64 KiB", ErrTooLarge, i)
		}
		size += recordSize(stream, &events[i])
	}
	if int64(size) > s.size {
		return eventstore.AppendResult{}, fmt.Errorf("%w: %d bytes do not fit a %d-byte segment", ErrTooLarge, size, s.size)
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	r := &request{stream: stream, expected: expected, count: len(events), records: make([]byte, 0, size), done: make(chan struct{})}
	for i := range events {
		r.records = appendRecord(r.records, stream, &events[i], uint32(len(events)-1-i))
	}

	s.sendMu.RLock()
	if s.closing {
		s.sendMu.RUnlock()
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	s.reqs <- r
	s.sendMu.RUnlock()

	select {
	case <-r.done:
		return r.res, r.err
	case <-ctx.Done():
		return eventstore.AppendResult{}, ctx.Err()
	}
}

// committer is the one goroutine that orders, writes and publishes appends.
// Its fields are its own; it publishes to Store's index under Store.mu.
type committer struct {
	store   *Store
	ids     map[idKey]uint64 // every stored event id → its version
	nextKey uint32           // the next new stream's key
	next    uint64           // the next position
	seg     *segment         // where the next record goes:
	slot    int              // seg's index in Store.segs,
	off     int64            // and the offset in it
	failed  error            // a write or fsync failed: refuse everything

	// One group commit's state, reused.
	buf       []byte     // records not yet written, to go at off-len(buf)
	touched   []*segment // segments written, to sync
	index     []uint64   // locations of the new positions
	staged    map[string]*staged
	stagedIDs map[idKey]uint64
}

// staged is a stream as the group being committed sees it.
type staged struct {
	published *streamIndex // nil for a new stream
	key       uint32
	positions []uint64 // positions of the group's new versions
}

func (t *staged) base() uint64 {
	if t.published == nil {
		return 0
	}
	return uint64(len(t.published.positions))
}

func (t *staged) version() uint64 { return t.base() + uint64(len(t.positions)) }

func (t *staged) position(v uint64) uint64 {
	if b := t.base(); v > b {
		return t.positions[v-b-1]
	}
	return t.published.positions[v-1]
}

// maxGroup bounds the appends one group commit takes.
const maxGroup = 4096

// run commits groups until Close closes the queue, then returns.
func (c *committer) run() {
	defer close(c.store.committed)
	group := make([]*request, 0, maxGroup)
	for r := range c.store.reqs {
		// Take everything queued, up to half a segment, so a group's writes
		// span at most two segments (recovery relies on it).
		group = append(group[:0], r)
		bytes := int64(len(r.records))
	drain:
		for len(group) < maxGroup && bytes < c.store.size/2 {
			select {
			case r, ok := <-c.store.reqs:
				if !ok {
					break drain
				}
				group = append(group, r)
				bytes += int64(len(r.records))
			default:
				break drain
			}
		}
		c.commit(group)
	}
}

// commit decides every request of the group in order, writes and syncs what
// they append, publishes it, and only then answers them.
func (c *committer) commit(group []*request) {
	clear(c.staged)
	clear(c.stagedIDs)
	c.buf, c.index = c.buf[:0], c.index[:0]
	c.touched = append(c.touched[:0], c.seg)
	now := c.store.clock.Now().UTC().UnixNano()
	writes := false
	for _, r := range group {
		if c.failed == nil {
			writes = c.decide(r, now) || writes
		}
	}
	if writes && c.failed == nil {
		if err := c.flush(); err != nil {
			c.failed = fmt.Errorf("filestore: write failed; reopen the store to recover: %w", err)
		} else {
			c.publish()
		}
	}
	for _, r := range group {
		if c.failed != nil {
			r.res, r.err = eventstore.AppendResult{}, c.failed
		}
		close(r.done)
	}
}

// decide sets r's result or error, staging its records when it appends, and
// reports whether it did.
func (c *committer) decide(r *request, now int64) bool {
	t := c.stream(r.stream)
	found, last := 0, uint64(0)
	for b := r.records; len(b) > 0; {
		id, size := idAt(b)
		k := idKey{t.key, id}
		v, ok := c.stagedIDs[k]
		if !ok {
			v, ok = c.ids[k]
		}
		if ok {
			found++
			last = max(last, v)
		}
		b = b[size:]
	}
	switch {
	case found == r.count:
		r.res = eventstore.AppendResult{Version: last, Position: t.position(last)}
		return false
	case found > 0:
		r.err = ErrPartialDuplicate
		return false
	}
	version := t.version()
	if !r.expected.Matches(version) {
		r.err = &eventstore.ConflictError{Stream: r.stream, Expected: r.expected, Actual: version}
		return false
	}
	if c.off+int64(len(r.records)) > int64(len(c.seg.data)) {
		if err := c.roll(); err != nil {
			c.failed = fmt.Errorf("filestore: new segment: %w", err)
			return false
		}
	}
	at := len(c.buf)
	c.buf = append(c.buf, r.records...)
	for b := c.buf[at:]; len(b) > 0; {
		version++
		size := seal(b, c.next, version, now)
		id, _ := idAt(b)
		c.stagedIDs[idKey{t.key, id}] = version
		t.positions = append(t.positions, c.next)
		c.index = append(c.index, locate(c.slot, c.off))
		c.next++
		c.off += int64(size)
		b = b[size:]
	}
	r.res = eventstore.AppendResult{Version: version, Position: c.next - 1}
	return true
}

// stream returns the group's view of a stream, creating it on first use.
func (c *committer) stream(name string) *staged {
	if t, ok := c.staged[name]; ok {
		return t
	}
	// Only the committer writes streams, so it reads them without the lock.
	t := &staged{published: c.store.streams[name]}
	if t.published != nil {
		t.key = t.published.key
	} else {
		t.key = c.nextKey
		c.nextKey++
	}
	c.staged[name] = t
	return t
}

// write writes the buffered records to the current segment.
func (c *committer) write() error {
	if len(c.buf) == 0 {
		return nil
	}
	_, err := c.seg.f.WriteAt(c.buf, c.off-int64(len(c.buf)))
	c.buf = c.buf[:0]
	return err
}

// flush writes the buffered records and syncs every segment the group wrote.
func (c *committer) flush() error {
	if err := c.write(); err != nil {
		return err
	}
	for _, seg := range c.touched {
		if err := seg.sync(); err != nil {
			return err
		}
	}
	return nil
}

// roll moves on to the prepared spare segment, after writing the buffered
// records to the current one, and starts preparing the next spare.
func (c *committer) roll() error {
	if err := c.write(); err != nil {
		return err
	}
	sp := <-c.store.spare
	if sp.err != nil {
		return sp.err
	}
	c.store.mu.Lock()
	c.store.segs = append(c.store.segs, sp.seg)
	c.store.mu.Unlock()
	c.seg, c.slot, c.off = sp.seg, c.slot+1, 0
	c.touched = append(c.touched, sp.seg)
	c.prepare()
	return nil
}

// prepare creates the next spare segment in the background.
func (c *committer) prepare() {
	s, num := c.store, c.seg.num+1
	s.preparing.Add(1)
	go func() {
		defer s.preparing.Done()
		seg, err := createSegment(s.dir, num, s.size)
		s.spare <- spare{seg, err}
	}()
}

// publish makes the group's durable appends visible to readers and
// subscribers, and remembers their ids.
func (c *committer) publish() {
	s := c.store
	s.mu.Lock()
	s.index = append(s.index, c.index...)
	for name, t := range c.staged {
		if len(t.positions) == 0 {
			continue
		}
		if t.published == nil {
			t.published = &streamIndex{key: t.key}
			s.streams[name] = t.published
		}
		t.published.positions = append(t.published.positions, t.positions...)
	}
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
	for k, v := range c.stagedIDs {
		c.ids[k] = v
	}
}
