package standin

import (
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
)

// record is one event in the log. Its position is both its commit and its
// prepare position.
type record struct {
	pos         uint64
	stream      string
	revision    uint64
	id          uuid.UUID
	eventType   string
	contentType string
	data        []byte
	meta        []byte
	created     int64 // .NET ticks (100 ns) since the Unix epoch, as KurrentDB sends them
}

// size is the record's length in the log: a fixed header and its fields.
func (r record) size() uint64 {
	const header = 88
	return header + uint64(len(r.stream)+len(r.eventType)+len(r.contentType)+len(r.data)+len(r.meta))
}

// firstPosition is where the first record starts: the log opens with a
// header and epoch records of its own.
const firstPosition = 4096

// recentIDs is how many of the last written events the idempotency check of an
// append with expected revision any or stream_exists looks at.
const recentIDs = 1024

// eventLog is the stand-in's storage: every record in $all order.
type eventLog struct {
	mu      sync.Mutex
	records []record         // in $all order; positions increase
	streams map[string][]int // stream → indexes into records, by revision
	end     uint64           // the position after the last record
	changed chan struct{}    // closed and replaced on every write
}

func newEventLog() *eventLog {
	return &eventLog{streams: map[string][]int{}, end: firstPosition, changed: make(chan struct{})}
}

// proposed is an event to write.
type proposed struct {
	id          uuid.UUID
	eventType   string
	contentType string
	data, meta  []byte
}

// expectation is an append's expected revision: any, no stream, stream
// exists, or exactly revision.
type expectation struct {
	kind     expectKind
	revision uint64
}

type expectKind uint8

const (
	expectAny expectKind = iota
	expectNoStream
	expectStreamExists
	expectRevision
)

// appendResult is what an append did: wrote (written true, at position of
// the last event), found the events already written (idempotent; current is
// then the revision of the last of them), or found a wrong expected version
// (neither; current is the stream's last revision, or -1 if it has none).
type appendResult struct {
	written    bool
	idempotent bool
	current    int64
	position   uint64
}

// append writes events to stream if expected holds, KurrentDB-style.
func (l *eventLog) append(stream string, expected expectation, events []proposed, now time.Time) appendResult {
	l.mu.Lock()
	defer l.mu.Unlock()
	idx := l.streams[stream]
	current := int64(len(idx)) - 1
	switch expected.kind {
	case expectNoStream, expectRevision:
		after := int64(-1)
		if expected.kind == expectRevision {
			after = int64(expected.revision)
		}
		if current != after {
			// Written before, right after the expected revision?
			if current > after && l.sameAt(idx, int(after+1), events) {
				return appendResult{idempotent: true, current: after + int64(len(events))}
			}
			return appendResult{current: current}
		}
	case expectStreamExists, expectAny:
		if expected.kind == expectStreamExists && current < 0 {
			return appendResult{current: current}
		}
		if at, ok := l.recent(stream, events[0].id); ok {
			if l.sameAt(idx, at, events) {
				return appendResult{idempotent: true, current: int64(at + len(events) - 1)}
			}
			return appendResult{current: current}
		}
	}
	ticks := now.UnixNano() / 100
	for _, e := range events {
		r := record{
			pos: l.end, stream: stream, revision: uint64(len(idx)), id: e.id, eventType: e.eventType,
			contentType: e.contentType, data: e.data, meta: e.meta, created: ticks,
		}
		idx = append(idx, len(l.records))
		l.records = append(l.records, r)
		l.end += r.size()
	}
	l.streams[stream] = idx
	close(l.changed)
	l.changed = make(chan struct{})
	return appendResult{written: true, current: int64(len(idx)) - 1, position: l.records[len(l.records)-1].pos}
}

// sameAt reports whether the stream's events from revision from on are
// events, by id.
func (l *eventLog) sameAt(idx []int, from int, events []proposed) bool {
	if from < 0 || from+len(events) > len(idx) {
		return false
	}
	for i, e := range events {
		if l.records[idx[from+i]].id != e.id {
			return false
		}
	}
	return true
}

// recent returns the revision of event id in stream if it is among the last
// recentIDs records written.
func (l *eventLog) recent(stream string, id uuid.UUID) (int, bool) {
	for i := len(l.records) - 1; i >= max(0, len(l.records)-recentIDs); i-- {
		if r := l.records[i]; r.id == id && r.stream == stream {
			return int(r.revision), true
		}
	}
	return 0, false
}

// stream returns up to count records of a stream in read order, starting at
// the revision from picks given the stream's last revision; false if the
// stream has no events.
func (l *eventLog) stream(name string, from func(last uint64) uint64, backwards bool, count uint64) ([]record, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	idx := l.streams[name]
	if len(idx) == 0 {
		return nil, false
	}
	n := uint64(len(idx))
	var out []record
	// Backwards past revision 0, r wraps around to beyond the last.
	for r := from(n - 1); r < n && uint64(len(out)) < count; {
		out = append(out, l.records[idx[r]])
		if backwards {
			r--
		} else {
			r++
		}
	}
	return out, true
}

// from returns the records from index i on, the channel that is closed on
// the next write, and the end position.
func (l *eventLog) from(i int) ([]record, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if i >= len(l.records) {
		return nil, l.changed
	}
	return append([]record(nil), l.records[i:]...), l.changed
}

// index returns the index of the record at pos (or len(records) if pos is the
// end of the log), and false if pos is neither a record's start nor the end.
func (l *eventLog) index(pos uint64) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if pos == l.end {
		return len(l.records), true
	}
	i := sort.Search(len(l.records), func(i int) bool { return l.records[i].pos >= pos })
	return i, i < len(l.records) && l.records[i].pos == pos
}

// length returns how many records the log holds.
func (l *eventLog) length() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.records)
}
