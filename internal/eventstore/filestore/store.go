package filestore

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/durable"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Errors of Open and Append (see the package documentation).
var (
	ErrLocked           = errors.New("filestore: data directory is in use by another store")
	ErrCorrupt          = errors.New("filestore: data directory is corrupt")
	ErrTooLarge         = errors.New("filestore: event or batch too large")
	ErrPartialDuplicate = errors.New("filestore: batch repeats some, not all, of the stream's stored event ids")
)

// DefaultSegmentSize is the size of a segment file when Options leaves it 0.
// Every segment is zero-filled once before use, and the next one is
// prepared when the current one is half full, so a log has written up to one
// and a half segments of zeroes more than it holds: 16 MiB bounds that at
// 24 MiB (64 MiB segments wrote 160 MiB of zeroes for a 90 MiB log), while
// still taking some 40,000 events between two segment rolls.
const DefaultSegmentSize = 16 << 20

// minSegmentSize keeps a segment large enough for an ordinary event.
const minSegmentSize = 64 << 10

// Options configure Open.
type Options struct {
	// Dir is the data directory; Open creates it if needed. Required.
	Dir string
	// Clock stamps events' Recorded time; kernel.SystemClock when nil.
	Clock kernel.Clock
	// SegmentSize is the size of each pre-allocated segment file; a batch
	// of one append must fit in one. DefaultSegmentSize when 0, at least 64 KiB.
	SegmentSize int64
	// Log receives what Open recovered and dropped; nothing is logged when nil.
	Log *slog.Logger
}

// Store is the embedded event store. Open one per directory; it is safe for
// concurrent use.
type Store struct {
	dir   string
	clock kernel.Clock
	size  int64
	lock  *os.File
	log   *slog.Logger

	// sendMu orders Append's sends on reqs against Close closing it.
	sendMu  sync.RWMutex
	closing bool
	reqs    chan *request

	c         committer // owned by the committer goroutine
	fault     fault
	committed chan struct{} // closed when the committer has stopped
	spare     chan spare    // the next segment, prepared in the background
	preparing sync.WaitGroup

	// mu guards the published index: what readers may see, all of it durable.
	mu      sync.RWMutex
	segs    []*segment
	index   []uint64 // index[p-1] locates position p: segment slot<<40 | offset
	streams map[string]*streamIndex
	changed chan struct{} // closed and replaced whenever index grows or the store closes
	closed  bool

	// mapMu keeps Close from unmapping segments while a reader decodes them.
	mapMu    sync.RWMutex
	unmapped bool
}

// streamIndex is one stream's entry in the index.
type streamIndex struct {
	key       uint32   // the stream's number in idKey
	positions []uint64 // positions[v-1] is the position of version v
}

// idKey identifies an event id within a stream.
type idKey struct {
	stream uint32
	id     uuid.UUID
}

// spare is a prepared segment, or why it could not be.
type spare struct {
	seg *segment
	err error
}

const offsetBits = 40

func locate(slot int, off int64) uint64 { return uint64(slot)<<offsetBits | uint64(off) }

func unlocate(l uint64) (slot int, off int64) {
	return int(l >> offsetBits), int64(l & (1<<offsetBits - 1))
}

var _ eventstore.Store = (*Store)(nil)

// Open opens or creates the store in opts.Dir, recovering the log after a
// crash. It fails with ErrLocked while another store has the directory open.
func Open(opts Options) (*Store, error) {
	if opts.Dir == "" {
		return nil, errors.New("filestore: Options.Dir is required")
	}
	if opts.Clock == nil {
		opts.Clock = kernel.SystemClock{}
	}
	if opts.SegmentSize == 0 {
		opts.SegmentSize = DefaultSegmentSize
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.SegmentSize < minSegmentSize || opts.SegmentSize >= 1<<offsetBits {
		return nil, fmt.Errorf("filestore: SegmentSize %d out of range", opts.SegmentSize)
	}
	if err := durable.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, err
	}
	lock, err := lockDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	s := &Store{
		dir:       opts.Dir,
		clock:     opts.Clock,
		size:      opts.SegmentSize,
		lock:      lock,
		log:       opts.Log,
		reqs:      make(chan *request, 4096),
		committed: make(chan struct{}),
		spare:     make(chan spare, 1),
		streams:   map[string]*streamIndex{},
		changed:   make(chan struct{}),
	}
	s.c = committer{store: s, streams: map[string]*cstream{}, ids: map[idKey]stored{}}
	if err := s.recover(); err != nil {
		for _, seg := range s.segs {
			_ = seg.close()
		}
		_ = lock.Close()
		return nil, err
	}
	s.log.Info("filestore: opened", "dir", s.dir, "events", len(s.index), "streams", len(s.streams), "segments", len(s.segs))
	go s.c.run()
	go s.releaseSealed()
	return s, nil
}

// releaseInterval is how often the pages of sealed segments are released.
const releaseInterval = 5 * time.Second

// releaseSealed periodically drops the pages of every segment but the last
// from the process's mapping (madvise MADV_DONTNEED). The data stays in the
// file and the kernel's page cache: a reader touching it again faults the
// pages back in. Without it every event ever read would stay in the process's
// resident set. It stops when the store closes.
func (s *Store) releaseSealed() {
	t := time.NewTicker(releaseInterval)
	defer t.Stop()
	for range t.C {
		if !s.release() {
			return
		}
	}
}

// release drops the sealed segments' pages once; false when the store is closed.
func (s *Store) release() bool {
	s.mu.RLock()
	closed, segs := s.closed, s.segs
	s.mu.RUnlock()
	if closed {
		return false
	}
	s.mapMu.RLock()
	defer s.mapMu.RUnlock()
	if !s.unmapped {
		for _, seg := range segs[:max(len(segs)-1, 0)] {
			releasePages(seg.data)
		}
	}
	return true
}

// recover maps the segments, rebuilds the index from the longest valid
// prefix of the log, and removes what follows it: a torn or unacknowledged
// tail of the last group commit.
func (s *Store) recover() error {
	nums, err := listSegments(s.dir)
	if err != nil {
		return err
	}
	if len(nums) == 0 {
		seg, err := createSegment(s.dir, 1, s.size)
		if err != nil {
			return err
		}
		s.segs = []*segment{seg}
		s.c.seg, s.c.slot, s.c.off, s.c.next = seg, 0, 0, 1
		return nil
	}
	for _, n := range nums {
		seg, err := openSegment(s.dir, n, s.size)
		if err != nil {
			return err
		}
		s.segs = append(s.segs, seg)
	}
	ends, err := s.scan()
	if err != nil {
		return err
	}
	slot, end := len(ends)-1, ends[len(ends)-1]
	// Remove the segments after the end; zero the rest of the last one.
	for _, seg := range s.segs[slot+1:] {
		s.logDropped(seg, 0)
		if err := seg.remove(s.dir); err != nil {
			return err
		}
	}
	s.segs = s.segs[:slot+1]
	last := s.segs[slot]
	if s.logDropped(last, end) > 0 {
		if err := zero(last.f, end, int64(len(last.data))); err != nil {
			return err
		}
		if err := last.sync(); err != nil {
			return err
		}
	}
	if err := durable.SyncDir(s.dir); err != nil {
		return err
	}
	s.c.next = uint64(len(s.index)) + 1
	for name, st := range s.streams {
		s.c.streams[name] = &cstream{index: st, version: uint64(len(st.positions))}
	}
	if end == 0 && slot > 0 {
		// The last segment is an unused spare: keep filling the one before.
		s.spare <- spare{seg: last}
		s.segs = s.segs[:slot]
		s.c.seg, s.c.slot, s.c.off, s.c.spared = s.segs[slot-1], slot-1, ends[slot-1], true
		return nil
	}
	s.c.seg, s.c.slot, s.c.off = last, slot, end
	return nil
}

// scan indexes every valid record and returns where the records of each
// segment end, up to the segment where the log ends: the last one, or the
// first whose records stop being valid. Invalid data is the torn tail of the
// last group commits, so it is corruption if more than tornLimit later
// segments hold data.
func (s *Store) scan() (ends []int64, err error) {
	for slot := range s.segs {
		end, clean := s.scanSegment(slot)
		ends = append(ends, end)
		if clean {
			continue
		}
		written := 0
		for _, later := range s.segs[slot+1:] {
			if !allZero(later.data) {
				written++
			}
		}
		if written > tornLimit {
			return nil, fmt.Errorf("%w: invalid record in %s at offset %d", ErrCorrupt, segmentName(s.segs[slot].num), end)
		}
		break
	}
	return ends, nil
}

// scanSegment indexes the whole batches of one segment and returns the
// offset after them. clean reports whether the records ended with a zero
// header after a whole batch, rather than with a torn, invalid or
// out-of-sequence record or a batch cut short (not acknowledged).
func (s *Store) scanSegment(slot int) (end int64, clean bool) {
	data := s.segs[slot].data
	var batch []record
	for off := int64(0); ; {
		r, size, ok, valid := parse(data[off:])
		if !ok {
			return end, valid && len(batch) == 0
		}
		if r.position() != uint64(len(s.index)+len(batch))+1 {
			return end, false
		}
		batch = append(batch, r)
		off += int64(size)
		if r.left() > 0 {
			continue
		}
		if !s.indexBatch(slot, end, batch) {
			return end, false
		}
		end, batch = off, batch[:0]
	}
}

// logDropped logs the data of seg from offset from on, which recovery is
// about to drop, and returns its length up to its last non-zero byte.
func (s *Store) logDropped(seg *segment, from int64) int {
	tail := seg.data[from:]
	n := dataEnd(tail)
	if n == 0 {
		return 0
	}
	records := 0
	for b := tail[:n]; ; records++ {
		_, size, ok, _ := parse(b)
		if !ok {
			break
		}
		b = b[size:]
	}
	s.log.Warn("filestore: recovery dropped data after the end of the log",
		"segment", segmentName(seg.num), "offset", from, "bytes", n, "whole_records", records)
	return n
}

// dataEnd returns the length of b up to its last non-zero byte.
func dataEnd(b []byte) int {
	for len(b) > 0 {
		n := min(len(b), len(zeroes))
		if !allZero(b[len(b)-n:]) {
			return len(bytes.TrimRight(b, "\x00"))
		}
		b = b[:len(b)-n]
	}
	return 0
}

// allZero reports whether b holds only zero bytes.
func allZero(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), len(zeroes))
		if !bytes.Equal(b[:n], zeroes[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

// indexBatch adds a whole batch read from disk to the index, or reports false
// if its versions do not follow the stream's. With no committer's ids map
// (ScanLog, which only checks and counts) the event ids are not recorded.
func (s *Store) indexBatch(slot int, at int64, batch []record) bool {
	stream, _ := batch[0].streamAndType()
	st := s.streams[string(stream)]
	var have uint64
	if st != nil {
		have = uint64(len(st.positions))
	}
	for i, r := range batch {
		name, _ := r.streamAndType()
		if r.version() != have+uint64(i)+1 || !bytes.Equal(name, stream) {
			return false
		}
	}
	if st == nil {
		st = &streamIndex{key: s.c.nextKey}
		s.c.nextKey++
		s.streams[string(stream)] = st
	}
	for _, r := range batch {
		s.index = append(s.index, locate(slot, at))
		st.positions = append(st.positions, r.position())
		if s.c.ids != nil {
			s.c.ids[idKey{st.key, r.id()}] = stored{r.version(), r.position()}
		}
		at += int64(headerSize + len(r))
	}
	return true
}

// discardUnacknowledged durably zeroes whatever a failed store wrote after
// its last acknowledged record. After a failed fsync the page cache may hold
// records the disk does not; recovery reads through the page cache, so
// reopening would keep them, and a crash would later lose them from under
// the acknowledged appends that follow. It runs once the committer has stopped.
func (s *Store) discardUnacknowledged() error {
	slot, end := 0, int64(0)
	if n := len(s.index); n > 0 {
		slot, end = unlocate(s.index[n-1])
		end += int64(headerSize + len(recordAt(s.segs[slot].data, end)))
	}
	for _, seg := range s.segs[slot:] {
		if n := dataEnd(seg.data[end:]); n > 0 {
			if err := errors.Join(zero(seg.f, end, end+int64(n)), seg.sync()); err != nil {
				return fmt.Errorf("filestore: discard the unacknowledged tail of %s: %w", segmentName(seg.num), err)
			}
		}
		end = 0
	}
	return nil
}

// Close completes the appends already queued, ends subscriptions, and
// releases the directory. Later calls return nil. After a write or sync
// failure it first zeroes, durably, what was written but not acknowledged.
func (s *Store) Close() error {
	s.sendMu.Lock()
	if s.closing {
		s.sendMu.Unlock()
		return nil
	}
	s.closing = true
	close(s.reqs)
	s.sendMu.Unlock()
	<-s.committed
	s.preparing.Wait()

	s.mu.Lock()
	s.closed = true
	close(s.changed)
	segs := s.segs
	s.mu.Unlock()

	var errs []error
	if s.fault.get() != nil {
		errs = append(errs, s.discardUnacknowledged())
	}
	s.mapMu.Lock()
	s.unmapped = true
	for _, seg := range segs {
		errs = append(errs, seg.close())
	}
	select {
	case sp := <-s.spare:
		if sp.seg != nil {
			errs = append(errs, sp.seg.close())
		}
	default:
	}
	s.mapMu.Unlock()
	errs = append(errs, s.lock.Close()) // closing the file drops the flock
	return errors.Join(errs...)
}
