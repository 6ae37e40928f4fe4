package filestore

import (
	"context"
	"fmt"
	"sync/atomic"

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
	select {
	case s.reqs <- r:
	case <-ctx.Done():
		s.sendMu.RUnlock()
		return eventstore.AppendResult{}, ctx.Err()
	}
	s.sendMu.RUnlock()

	select {
	case <-r.done:
		return r.res, r.err
	case <-ctx.Done():
		return eventstore.AppendResult{}, ctx.Err()
	}
}

// committer is the goroutine that orders and writes appends, and its own
// state; the settler goroutine it starts syncs, publishes and answers them.
// While the settler waits for one fdatasync, the committer decides and
// writes the next group, and one fdatasync then covers every group written
// before it.
type committer struct {
	store   *Store
	streams map[string]*cstream // every stream written, synced or not
	ids     map[idKey]stored    // every event id written → where
	nextKey uint32              // the next new stream's key
	next    uint64              // the next position
	seg     *segment            // where the next record goes:
	slot    int                 // seg's index in Store.segs,
	off     int64               // and the offset in it
	buf     []byte              // records not yet written, to go at off-len(buf)
	scratch []byte              // the aligned blocks of a direct write (segment.write)
	spared  bool                // whether the spare for after seg is prepared or on its way
}

// cstream is a stream as the committer sees it: with every append written,
// durable or not. index is what readers see once the settler publishes.
type cstream struct {
	index   *streamIndex
	version uint64
}

// stored is where an event id was written.
type stored struct{ version, position uint64 }

// group is one round of the committer: the requests it took, and what they
// wrote, for the settler to sync and publish.
type group struct {
	reqs    []*request
	writes  []write
	index   []uint64   // locations of the group's new positions, in order
	touched []*segment // segments written to, in order
}

// write is one append's batch: n events from position first, in a stream
// that readers see for the first time if list.
type write struct {
	name  string
	st    *streamIndex
	first uint64
	n     int
	list  bool
}

// fault holds the first write or sync failure; after it every append fails
// with an error matching eventstore.ErrUnavailable.
type fault struct{ err atomic.Pointer[error] }

func (f *fault) set(err error) {
	err = fmt.Errorf("filestore: write failed; reopen the store to recover: %w: %w", eventstore.ErrUnavailable, err)
	f.err.CompareAndSwap(nil, &err)
}

func (f *fault) get() error {
	if p := f.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Err returns the write or sync failure after which the store refuses every
// append (matching eventstore.ErrUnavailable), or nil while it accepts them.
func (s *Store) Err() error { return s.fault.get() }

// maxGroup bounds the appends one group takes.
const maxGroup = 4096

// maxAhead is how many written groups may wait for the settler. With the
// group being written and the ones being synced, at most maxAhead+2 groups
// are unsynced, each at most half a segment or a single append's batch of at
// most a segment: a crash can tear a segment and leave data in at most
// tornLimit later ones (recovery relies on it).
const (
	maxAhead  = 1
	tornLimit = maxAhead + 2
)

// run commits groups until Close closes the queue, then lets the settler
// finish and returns.
func (c *committer) run() {
	s := c.store
	groups := make(chan *group, maxAhead)
	settled := make(chan struct{})
	go c.settle(groups, settled)
	defer func() {
		close(groups)
		<-settled
		close(s.committed)
	}()
	var carry *request // taken from the queue but left for the next group
	for {
		r := carry
		if r == nil {
			var ok bool
			if r, ok = <-s.reqs; !ok {
				return
			}
		}
		// Take everything queued, up to half a segment of records.
		g := &group{reqs: []*request{r}}
		size := int64(len(r.records))
		carry = nil
	gather:
		for len(g.reqs) < maxGroup {
			select {
			case r, ok := <-s.reqs:
				if !ok {
					break gather
				}
				if size += int64(len(r.records)); size > s.size/2 {
					carry = r
					break gather
				}
				g.reqs = append(g.reqs, r)
			default:
				break gather
			}
		}
		c.commit(g)
		groups <- g
	}
}

// commit decides every request of the group in order and writes what they
// append. The settler answers them.
func (c *committer) commit(g *group) {
	if c.store.fault.get() != nil {
		return
	}
	g.touched = append(g.touched, c.seg)
	now := c.store.clock.Now().UTC().UnixNano()
	for _, r := range g.reqs {
		if err := c.decide(g, r, now); err != nil {
			c.store.fault.set(err)
			return
		}
	}
	if err := c.write(); err != nil {
		c.store.fault.set(err)
	}
}

// decide sets r's result or refusal, and stages its records when it appends.
// It returns only I/O errors.
func (c *committer) decide(g *group, r *request, now int64) error {
	cs := c.streams[r.stream]
	var version uint64
	if cs != nil {
		version = cs.version
		found, last := 0, stored{}
		for b := r.records; len(b) > 0; {
			id, size := idAt(b)
			if at, ok := c.ids[idKey{cs.index.key, id}]; ok {
				found++
				if at.version > last.version {
					last = at
				}
			}
			b = b[size:]
		}
		switch {
		case found == r.count:
			r.res = eventstore.AppendResult{Version: last.version, Position: last.position}
			return nil
		case found > 0:
			r.err = ErrPartialDuplicate
			return nil
		}
	}
	if !r.expected.Matches(version) {
		r.err = &eventstore.ConflictError{Stream: r.stream, Expected: r.expected, Actual: version}
		return nil
	}
	if cs == nil {
		cs = &cstream{index: &streamIndex{key: c.nextKey}}
		c.nextKey++
		c.streams[r.stream] = cs
	}
	if c.off+int64(len(r.records)) > int64(len(c.seg.data)) {
		if err := c.roll(g); err != nil {
			return err
		}
	}
	g.writes = append(g.writes, write{name: r.stream, st: cs.index, first: c.next, n: r.count, list: version == 0})
	at := len(c.buf)
	c.buf = append(c.buf, r.records...)
	for b := c.buf[at:]; len(b) > 0; {
		version++
		size := seal(b, c.next, version, now)
		id, _ := idAt(b)
		c.ids[idKey{cs.index.key, id}] = stored{version, c.next}
		g.index = append(g.index, locate(c.slot, c.off))
		c.next++
		c.off += int64(size)
		b = b[size:]
	}
	cs.version = version
	r.res = eventstore.AppendResult{Version: version, Position: c.next - 1}
	if !c.spared && c.off > int64(len(c.seg.data))/2 {
		c.prepare()
	}
	return nil
}

// write writes the buffered records to the current segment.
func (c *committer) write() error {
	if len(c.buf) == 0 {
		return nil
	}
	err := c.seg.write(c.buf, c.off-int64(len(c.buf)), &c.scratch)
	c.buf = c.buf[:0]
	return err
}

// roll moves on to the spare segment, after writing the buffered records to
// the current one and closing its direct descriptor.
func (c *committer) roll(g *group) error {
	if err := c.write(); err != nil {
		return err
	}
	if err := c.seg.seal(); err != nil {
		return err
	}
	if !c.spared {
		c.prepare()
	}
	sp := <-c.store.spare
	if sp.err != nil {
		return sp.err
	}
	c.store.mu.Lock()
	c.store.segs = append(c.store.segs, sp.seg)
	c.store.mu.Unlock()
	c.seg, c.slot, c.off = sp.seg, c.slot+1, 0
	g.touched = append(g.touched, sp.seg)
	c.spared = false
	return nil
}

// prepare creates the segment after the current one in the background. The
// committer starts it when the current segment is half full: zero-filling a
// segment competes with appends for the disk, so it happens once per segment
// and in good time rather than right after every roll.
func (c *committer) prepare() {
	c.spared = true
	s, num := c.store, c.seg.num+1
	s.preparing.Add(1)
	go func() {
		defer s.preparing.Done()
		seg, err := createSegment(s.dir, num, s.size)
		s.spare <- spare{seg, err}
	}()
}

// settle takes the written groups in order, as many as are waiting, makes
// them durable with one fdatasync per segment, publishes them to readers and
// subscribers, and answers their requests.
func (c *committer) settle(groups <-chan *group, settled chan<- struct{}) {
	defer close(settled)
	s := c.store
	var batch []*group
	for g := range groups {
		batch = append(batch[:0], g)
	more:
		for {
			select {
			case g, ok := <-groups:
				if !ok {
					break more
				}
				batch = append(batch, g)
			default:
				break more
			}
		}
		var synced *segment
		for _, g := range batch {
			for _, seg := range g.touched {
				if len(g.writes) == 0 || seg == synced || s.fault.get() != nil {
					continue
				}
				if err := seg.sync(); err != nil {
					s.fault.set(err)
				}
				synced = seg
			}
		}
		err := s.fault.get()
		if err == nil {
			s.publish(batch)
		}
		for _, g := range batch {
			for _, r := range g.reqs {
				if err != nil {
					r.res, r.err = eventstore.AppendResult{}, err
				}
				close(r.done)
			}
		}
	}
}

// publish makes durable groups visible to readers and wakes subscribers.
func (s *Store) publish(groups []*group) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range groups {
		s.index = append(s.index, g.index...)
		for _, w := range g.writes {
			if w.list {
				s.streams[w.name] = w.st
			}
			for p := range uint64(w.n) {
				w.st.positions = append(w.st.positions, w.first+p)
			}
		}
	}
	close(s.changed)
	s.changed = make(chan struct{})
}
