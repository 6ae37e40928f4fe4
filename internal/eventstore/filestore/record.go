package filestore

import (
	"encoding/binary"
	"hash/crc32"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// A record is one event on disk, little-endian:
//
//	header  u32 body length, u32 CRC-32C (Castagnoli) of the body
//	body    u64 position, u64 version, i64 recorded (Unix ns), [16] id,
//	        u32 records left in the batch after this one,
//	        u16 stream, u16 type, u32 data, u16 command id, u16 actor,
//	        u16 correlation id, u16 causation id lengths,
//	        then those bytes in that order.
//
// A zero header marks the end of a segment's records.
const (
	headerSize = 8
	fixedSize  = 8 + 8 + 8 + 16 + 4 + 2 + 2 + 4 + 2*4
	// lengthsAt is where the variable fields' lengths start in the body.
	lengthsAt = 8 + 8 + 8 + 16 + 4
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// recordSize is the size on disk of e appended to stream.
func recordSize(stream string, e *eventstore.EventData) int {
	m := &e.Metadata
	return headerSize + fixedSize + len(stream) + len(e.Type) + len(e.Data) +
		len(m.CommandID) + len(m.Actor) + len(m.CorrelationID) + len(m.CausationID)
}

// fits reports whether every variable field of e fits its length prefix.
func fits(stream string, e *eventstore.EventData) bool {
	m := &e.Metadata
	for _, s := range []string{stream, e.Type, m.CommandID, m.Actor, m.CorrelationID, m.CausationID} {
		if len(s) > math.MaxUint16 {
			return false
		}
	}
	return len(e.Data) <= math.MaxUint32
}

// appendRecord appends e's record to buf, leaving position, version,
// recorded time and CRC zero for seal to fill in once the committer has
// ordered the append. left is the number of records after it in its batch.
func appendRecord(buf []byte, stream string, e *eventstore.EventData, left uint32) []byte {
	le := binary.LittleEndian
	m := &e.Metadata
	buf = le.AppendUint32(buf, uint32(recordSize(stream, e)-headerSize))
	buf = append(buf, make([]byte, 4+8+8+8)...)
	buf = append(buf, e.ID[:]...)
	buf = le.AppendUint32(buf, left)
	buf = le.AppendUint16(buf, uint16(len(stream)))
	buf = le.AppendUint16(buf, uint16(len(e.Type)))
	buf = le.AppendUint32(buf, uint32(len(e.Data)))
	for _, s := range []string{m.CommandID, m.Actor, m.CorrelationID, m.CausationID} {
		buf = le.AppendUint16(buf, uint16(len(s)))
	}
	buf = append(buf, stream...)
	buf = append(buf, e.Type...)
	buf = append(buf, e.Data...)
	for _, s := range []string{m.CommandID, m.Actor, m.CorrelationID, m.CausationID} {
		buf = append(buf, s...)
	}
	return buf
}

// seal fills in the position, version and recorded time of the record at the
// start of b, computes its CRC, and returns its size.
func seal(b []byte, pos, version uint64, recorded int64) int {
	le := binary.LittleEndian
	size := headerSize + int(le.Uint32(b))
	body := b[headerSize:size]
	le.PutUint64(body, pos)
	le.PutUint64(body[8:], version)
	le.PutUint64(body[16:], uint64(recorded))
	le.PutUint32(b[4:], crc32.Checksum(body, castagnoli))
	return size
}

// idAt returns the id of the record at the start of b, and its size.
func idAt(b []byte) (id uuid.UUID, size int) {
	copy(id[:], b[headerSize+24:])
	return id, headerSize + int(binary.LittleEndian.Uint32(b))
}

// recordAt returns the record at offset off of a segment's data.
func recordAt(data []byte, off int64) record {
	n := int64(binary.LittleEndian.Uint32(data[off:]))
	return record(data[off+headerSize : off+headerSize+n])
}

// record is a view of one record's body inside a segment.
type record []byte

// parse returns the record at the start of b and its size on disk. It
// returns ok false at the end of the records (a zero header) and valid false
// for a record that is cut short, fails its checksum or is malformed.
func parse(b []byte) (r record, size int, ok, valid bool) {
	if len(b) < headerSize {
		return nil, 0, false, true
	}
	le := binary.LittleEndian
	n, sum := le.Uint32(b), le.Uint32(b[4:])
	if n == 0 && sum == 0 {
		return nil, 0, false, true
	}
	size = headerSize + int(n)
	if n < fixedSize || size > len(b) {
		return nil, 0, false, false
	}
	body := b[headerSize:size]
	if crc32.Checksum(body, castagnoli) != sum {
		return nil, 0, false, false
	}
	r = record(body)
	if r.varLen() != len(body)-fixedSize {
		return nil, 0, false, false
	}
	return r, size, true, true
}

func (r record) position() uint64 { return binary.LittleEndian.Uint64(r) }
func (r record) version() uint64  { return binary.LittleEndian.Uint64(r[8:]) }
func (r record) left() uint32     { return binary.LittleEndian.Uint32(r[40:]) }

func (r record) id() (id uuid.UUID) {
	copy(id[:], r[24:40])
	return id
}

// lengths returns the seven variable fields' lengths.
func (r record) lengths() [7]int {
	le := binary.LittleEndian
	l := r[lengthsAt:]
	return [7]int{
		int(le.Uint16(l)), int(le.Uint16(l[2:])), int(le.Uint32(l[4:])),
		int(le.Uint16(l[8:])), int(le.Uint16(l[10:])), int(le.Uint16(l[12:])), int(le.Uint16(l[14:])),
	}
}

func (r record) varLen() int {
	n := 0
	for _, l := range r.lengths() {
		n += l
	}
	return n
}

// streamAndType returns the stream and type bytes without copying.
func (r record) streamAndType() (stream, typ []byte) {
	l := r.lengths()
	v := r[fixedSize:]
	return v[:l[0]], v[l[0] : l[0]+l[1]]
}

// event decodes the record into a RecordedEvent that shares no memory with
// the segment: one string holds stream, type and metadata, one slice the data.
func (r record) event() eventstore.RecordedEvent {
	le := binary.LittleEndian
	l := r.lengths()
	v := r[fixedSize:]
	data := v[l[0]+l[1] : l[0]+l[1]+l[2]]
	var b strings.Builder // one allocation for the six strings
	b.Grow(len(v) - len(data))
	b.Write(v[:l[0]+l[1]])
	b.Write(v[l[0]+l[1]+l[2]:])
	s := b.String()
	cut := func(n int) string {
		f := s[:n]
		s = s[n:]
		return f
	}
	e := eventstore.RecordedEvent{
		ID:       r.id(),
		Version:  r.version(),
		Position: r.position(),
		Recorded: time.Unix(0, int64(le.Uint64(r[16:]))).UTC(),
	}
	e.Stream = cut(l[0])
	e.Type = cut(l[1])
	e.Metadata = eventstore.Metadata{CommandID: cut(l[3]), Actor: cut(l[4]), CorrelationID: cut(l[5]), CausationID: cut(l[6])}
	if len(data) > 0 {
		e.Data = append([]byte(nil), data...)
	}
	return e
}
