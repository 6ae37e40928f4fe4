package filestore

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"unsafe"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/procstat"
	"github.com/nongjiao/nongjiao/internal/testenv"
)

// disk is a blockFile over memory that records each write's offset and
// length.
type disk struct {
	data   []byte
	writes [][2]int64
}

func (d *disk) WriteAt(p []byte, off int64) (int, error) {
	d.writes = append(d.writes, [2]int64{off, int64(len(p))})
	return copy(d.data[off:], p), nil
}

func (d *disk) Close() error { return nil }

// Each direct write covers whole blocks: the records, the bytes before them
// in their first block (from the last write, or from the mapping when the
// last write was not there), and zeroes after them to the end of their last
// block. The mapping is garbage wherever the last write must be used, so
// taking the bytes from the wrong place changes what the disk holds.
func TestADirectWriteCoversWholeBlocks(t *testing.T) {
	const block = 512
	d := &disk{data: make([]byte, 8*block)}
	garbage := bytes.Repeat([]byte{0xff}, len(d.data))
	df := &directFile{f: d, block: block, tailAt: -1}
	var scratch []byte
	var want []byte
	write := func(name string, mapped []byte, n int) {
		t.Helper()
		p := bytes.Repeat([]byte{byte(len(want)%250 + 1)}, n)
		d.writes = d.writes[:0]
		if err := df.writeAt(mapped, p, int64(len(want)), &scratch); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want = append(want, p...)
		for _, w := range d.writes {
			if w[0]%block != 0 || w[1]%block != 0 {
				t.Fatalf("%s: wrote %d bytes at %d; want whole %d-byte blocks", name, w[1], w[0], block)
			}
		}
		if !bytes.Equal(d.data[:len(want)], want) {
			t.Fatalf("%s: the disk does not hold every record written", name)
		}
		if end := (len(want) + block - 1) / block * block; !bytes.Equal(d.data[len(want):end], make([]byte, end-len(want))) {
			t.Fatalf("%s: the rest of the last block is not zeroes", name)
		}
	}
	write("a first record", garbage, 100)
	write("one ending on a block's end", garbage, block-100)
	write("one starting a block", garbage, 1)
	write("one spanning blocks", garbage, 2*block+7)
	write("one filling its last block exactly", garbage, block-8)
	if got := len(d.writes); got != 1 || d.writes[0] != [2]int64{3 * block, block} {
		t.Fatalf("the last write was %v; want one block at %d", d.writes, 3*block)
	}

	// A fresh descriptor (a store opened again) knows no last block: the
	// bytes before the records come from the mapping.
	write("a first record after the end of a block", garbage, 30)
	df = &directFile{f: d, block: block, tailAt: -1}
	write("a write that must read the mapping", bytes.Clone(d.data), 40)
}

// aligned hands out memory at a multiple of pageAlign, of the length asked
// for, reusing what it has.
func TestAlignedScratch(t *testing.T) {
	var scratch []byte
	for _, n := range []int{1, 512, 4096, 10_000, 300} {
		b := aligned(&scratch, n)
		if len(b) != n || addr(b)%pageAlign != 0 {
			t.Fatalf("aligned(%d) = %d bytes at %#x", n, len(b), addr(b))
		}
	}
	if got := cap(scratch); got != 2*10_000+pageAlign {
		t.Fatalf("scratch grew to %d; want only for the largest (%d)", got, 2*10_000+pageAlign)
	}
}

// On a file system that offers direct I/O, an append of one small event
// writes the blocks it touches, not the page: 200 appends of a 300-byte
// event, each its own group commit, cause less than half a 4 KiB page each
// (through the page cache every one costs the whole page).
func TestASmallAppendWritesLessThanAPage(t *testing.T) {
	s, err := Open(Options{Dir: t.TempDir(), SegmentSize: minSegmentSize * 16})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.mu.RLock()
	block := s.segs[0].block
	s.mu.RUnlock()
	if block == 0 {
		testenv.Unavailable(t, "direct I/O", "the temporary directory's file system offers none (statx STATX_DIOALIGN)")
	}
	before := procstat.WrittenBytes()
	if before < 0 {
		testenv.Unavailable(t, "/proc/self/io", "the kernel does not count this process's writes")
	}
	const appends = 200
	for i := range appends {
		ev := eventstore.EventData{ID: uuid.New(), Type: "t", Data: bytes.Repeat([]byte("x"), 200)}
		if _, err := s.Append(context.Background(), "s-1", eventstore.Exact(uint64(i)), ev); err != nil {
			t.Fatal(err)
		}
	}
	per := (procstat.WrittenBytes() - before) / appends
	if per >= 2048 {
		t.Fatalf("%d bytes written an append; want under 2,048", per)
	}
	t.Logf("%d bytes written an append", per)
}

func addr(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// Only the segment taking appends holds a direct descriptor: it is opened by
// the segment's first append and closed when the log moves to the next
// segment, so a long log does not keep two descriptors a segment.
func TestOnlyTheSegmentTakingAppendsHoldsADirectDescriptor(t *testing.T) {
	s, err := Open(Options{Dir: t.TempDir(), SegmentSize: minSegmentSize})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	segs := func() []*segment {
		s.mu.RLock()
		defer s.mu.RUnlock()
		return slices.Clone(s.segs)
	}
	if segs()[0].block == 0 {
		testenv.Unavailable(t, "direct I/O", "the temporary directory's file system offers none (statx STATX_DIOALIGN)")
	}
	if segs()[0].direct != nil {
		t.Fatal("a segment holds a direct descriptor before its first append")
	}
	data := bytes.Repeat([]byte("x"), 4000)
	for i := 0; len(segs()) < 3; i++ { // into a third segment
		ev := eventstore.EventData{ID: uuid.New(), Type: "t", Data: data}
		if _, err := s.Append(context.Background(), "s-1", eventstore.Exact(uint64(i)), ev); err != nil {
			t.Fatal(err)
		}
	}
	all := segs()
	for i, seg := range all[:len(all)-1] {
		if seg.direct != nil {
			t.Errorf("segment %d, which the log has moved past, holds a direct descriptor", i+1)
		}
	}
	if all[len(all)-1].direct == nil {
		t.Error("the segment taking appends holds no direct descriptor")
	}
}
