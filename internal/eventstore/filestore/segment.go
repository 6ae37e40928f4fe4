package filestore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/nongjiao/nongjiao/internal/durable"
)

// A segment is one pre-allocated log file, memory-mapped for reading. The
// committer writes it with pwrite, through the page cache or directly
// (direct.go); either way the kernel keeps the mapping coherent with the
// writes (a direct write drops the range it wrote from the page cache).
type segment struct {
	num    int // 1, 2, 3, ...: the file name
	f      *os.File
	data   []byte      // the mapping, the whole file
	block  int64       // the block size appends are written in directly (directBlock); 0: through f and the page cache
	direct *directFile // the direct descriptor while the segment takes appends: opened by the first, closed by seal
}

const segmentExt = ".seg"

func segmentName(num int) string { return fmt.Sprintf("%08d%s", num, segmentExt) }

// listSegments returns the numbers of dir's segment files in order, and
// removes files left half-prepared by a crash.
func listSegments(dir string) ([]int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var nums []int
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, segmentExt+".tmp") {
			if err := os.Remove(filepath.Join(dir, name)); err != nil {
				return nil, err
			}
			continue
		}
		base, ok := strings.CutSuffix(name, segmentExt)
		if !ok {
			continue
		}
		n, err := strconv.Atoi(base)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%w: unexpected file %s", ErrCorrupt, name)
		}
		nums = append(nums, n)
	}
	slices.Sort(nums)
	for i, n := range nums {
		if n != nums[0]+i {
			return nil, fmt.Errorf("%w: segment %s missing", ErrCorrupt, segmentName(nums[0]+i))
		}
	}
	return nums, nil
}

// createSegment makes a segment of size bytes durably: a temporary file,
// reserved, synced, then renamed and the directory synced.
//
// Where appends will be written directly (directBlock), the file is reserved
// with fallocate: it reads as zeroes and costs no writes, and each append's
// fdatasync also commits the file system's record of the blocks it filled.
// Elsewhere it is zero-filled, which makes every later fdatasync a plain
// overwrite (on ext4 about half the cost of growing a file) at the price of
// writing the segment twice: once as zeroes, once as records. Appends
// through the page cache already write a whole page at each small group
// commit, so there the zeroes are the cheaper of the two; written directly,
// the journal is (docs/performance.md, "direct writes, and bids read from
// the log").
func createSegment(dir string, num int, size int64) (*segment, error) {
	final := filepath.Join(dir, segmentName(num))
	tmp := final + ".tmp"
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	if directBlock(f, size) == 0 || preallocate(f, size) != nil {
		err = zeroPaced(f, size)
	}
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = f.Close()
	} else {
		_ = f.Close()
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err == nil {
		err = durable.SyncDir(dir)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return nil, fmt.Errorf("filestore: create segment %d: %w", num, err)
	}
	return openSegment(dir, num, size)
}

// openSegment opens and maps an existing segment, first extending it with
// zeroes to at least size bytes (a file cut short by a crash or by hand).
func openSegment(dir string, num int, size int64) (*segment, error) {
	f, err := os.OpenFile(filepath.Join(dir, segmentName(num)), os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*segment, error) {
		_ = f.Close()
		return nil, fmt.Errorf("filestore: open segment %d: %w", num, err)
	}
	st, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if have := st.Size(); have < size {
		if err := zero(f, have, size); err != nil {
			return fail(err)
		}
		if err := f.Sync(); err != nil {
			return fail(err)
		}
	} else {
		size = have
	}
	data, err := mapFile(f, int(size))
	if err != nil {
		return fail(err)
	}
	return &segment{num: num, f: f, data: data, block: directBlock(f, size)}, nil
}

// write writes p at off: directly, in s.block's blocks, where the file
// system offers it, through the page cache otherwise. scratch is the
// caller's buffer for the aligned blocks, kept between writes. The direct
// descriptor is opened by the first write, so that only the segment taking
// appends holds one.
func (s *segment) write(p []byte, off int64, scratch *[]byte) error {
	if s.direct == nil && s.block > 0 {
		d, err := openDirect(s.f.Name())
		if err != nil {
			// Refused (a file system that reports direct I/O it then
			// rejects): the appends go through f, as they do elsewhere.
			s.block = 0
		} else {
			s.direct = &directFile{f: d, block: s.block, tailAt: -1}
		}
	}
	if s.direct != nil {
		return s.direct.writeAt(s.data, p, off, scratch)
	}
	_, err := s.f.WriteAt(p, off)
	return err
}

// seal closes the direct descriptor of a segment the log has moved past.
// What was written through it is synced through f, like everything else.
func (s *segment) seal() error {
	if s.direct == nil {
		return nil
	}
	err := s.direct.f.Close()
	s.direct = nil
	return err
}

// zeroes is one memory page of zeroes: zero writes a page at a time. The
// page cache keeps a file's data in folios as large as the writes that
// created them (Linux 6.x on ext4), and the kernel counts a whole folio as
// written each time a clean one is dirtied: a segment zero-filled in 1 MiB
// writes made every later append after an fdatasync count (and, for the
// folio's dirty blocks, write) 1 MiB. Filled a page at a time, an append of
// one 400-byte event after an fdatasync counts 4 KiB.
var zeroes = make([]byte, os.Getpagesize())

// zero writes zeroes to f from offset from up to offset to, a page at a time.
func zero(f *os.File, from, to int64) error {
	for from < to {
		n := min(int64(len(zeroes)), to-from)
		if _, err := f.WriteAt(zeroes[:n], from); err != nil {
			return err
		}
		from += n
	}
	return nil
}

// zeroPaced fills f with size zeroes, syncing every chunk, so that the
// store's own fdatasyncs never queue behind a whole segment of zeroes.
func zeroPaced(f *os.File, size int64) error {
	const chunk = 4 << 20
	for off := int64(0); off < size; off += chunk {
		if err := zero(f, off, min(off+chunk, size)); err != nil {
			return err
		}
		if err := datasync(f); err != nil {
			return err
		}
	}
	return nil
}

// sync makes the segment's written data durable.
func (s *segment) sync() error { return datasync(s.f) }

// close unmaps and closes the segment.
func (s *segment) close() error {
	return errors.Join(s.seal(), unmap(s.data), s.f.Close())
}

// remove closes the segment and deletes its file.
func (s *segment) remove(dir string) error {
	return errors.Join(s.close(), os.Remove(filepath.Join(dir, segmentName(s.num))))
}

// lockDir takes an exclusive, non-blocking lock on dir/LOCK (see tryLock).
func lockDir(dir string) (*os.File, error) {
	f, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	locked, err := tryLock(f)
	if err == nil && locked {
		return f, nil
	}
	_ = f.Close()
	if err != nil {
		return nil, fmt.Errorf("filestore: lock %s: %w", dir, err)
	}
	return nil, fmt.Errorf("%w: %s", ErrLocked, dir)
}
