package filestore

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/nongjiao/nongjiao/internal/durable"
)

// LogStats describes the log ScanLog read.
type LogStats struct {
	Last     uint64 // position of the last event, which is also the number of events; 0 for an empty log
	Streams  int    // streams with at least one event
	Segments int    // segment files holding records
}

// ScanLog reads the log in dir without taking its lock and without changing
// any file, so it may run beside the store that has dir open. It ends the log
// where Open's recovery would: after the longest prefix of whole batches of
// checksummed records with consecutive positions and versions. A torn or
// half-written tail, and segments after it, are left out.
//
// For each segment holding part of that prefix, in order, ScanLog reads the
// file and calls each with the file's name and the bytes of its records in
// the prefix, valid only during the call.
//
// A store writing dir may have written records it has not yet made durable
// nor acknowledged; those can be in the prefix. A caller that must not pass
// on what a crash of the store could still lose fsyncs the segment files
// after ScanLog returns: that makes every byte ScanLog read durable.
func ScanLog(dir string, each func(name string, records []byte) error) (LogStats, error) {
	nums, err := segmentFiles(dir)
	if err != nil {
		return LogStats{}, err
	}
	// A store that is never opened: its index and streams are what
	// scanSegment fills and checks positions and versions against. Without
	// the committer's ids map, no event id is kept.
	s := &Store{streams: map[string]*streamIndex{}}
	s.c = committer{store: s}
	var st LogStats
	var buf []byte
	for slot, num := range nums {
		name := segmentName(num)
		if buf, err = readFile(filepath.Join(dir, name), buf); err != nil {
			return LogStats{}, err
		}
		s.segs = append(s.segs, &segment{num: num, data: buf})
		end, clean := s.scanSegment(slot)
		s.segs[slot].data = nil // buf is reused for the next segment
		if end == 0 {
			break // an unused spare, or a first record that does not follow on
		}
		st.Segments++
		if err := each(name, buf[:end]); err != nil {
			return LogStats{}, err
		}
		if !clean {
			break
		}
	}
	st.Last, st.Streams = uint64(len(s.index)), len(s.streams)
	return st, nil
}

// segmentFiles returns the numbers of dir's segment files in order, up to the
// first gap. Unlike listSegments it removes nothing: a store may be preparing
// a segment in dir at the same time.
func segmentFiles(dir string) ([]int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var nums []int
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), segmentExt)
		if n, err := strconv.Atoi(base); ok && err == nil && n >= 1 {
			nums = append(nums, n)
		}
	}
	slices.Sort(nums)
	for i := 1; i < len(nums); i++ {
		if nums[i] != nums[i-1]+1 {
			return nums[:i], nil
		}
	}
	return nums, nil
}

// readFile reads the whole file at path into buf, grown as needed.
func readFile(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	buf = slices.Grow(buf[:0], int(info.Size()))[:info.Size()]
	if _, err := io.ReadFull(f, buf); err != nil {
		return nil, fmt.Errorf("filestore: read %s: %w", path, err)
	}
	return buf, nil
}

// Lock takes the lock Open takes on dir, creating dir if needed, so that no
// store opens dir until the returned file is closed; like Open, it creates dir
// durably (durable.MkdirAll). It fails with ErrLocked
// while a store, in this or another process, has dir open.
func Lock(dir string) (io.Closer, error) {
	if err := durable.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return lockDir(dir)
}
