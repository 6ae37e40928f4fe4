package filestore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
)

// scan runs ScanLog and returns a copy of the records it passed on per segment.
func scan(t testing.TB, dir string) (filestore.LogStats, map[string][]byte) {
	t.Helper()
	got := map[string][]byte{}
	st, err := filestore.ScanLog(dir, func(name string, records []byte) error {
		got[name] = bytes.Clone(records)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st, got
}

func TestScanLogEndsWhereRecoveryDoesAndChangesNothing(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(t *testing.T, path string, end int)
		events uint64
	}{
		{"an intact log is read whole", func(*testing.T, string, int) {}, 5},
		{"a garbled last record drops the last batch", func(t *testing.T, path string, end int) {
			writeAt(t, path, end-3, []byte{0xde, 0xad})
		}, 2},
		{"a half-written header after the last record is left out", func(t *testing.T, path string, end int) {
			writeAt(t, path, end, []byte{0x40, 0, 0, 0, 0x12})
		}, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir)
			mustAppend(t, s, "order-1", eventstore.NoStream, event(1), event(2))
			mustAppend(t, s, "order-2", eventstore.NoStream, event(3), event(4), event(5))
			closeStore(t, s)
			path, end := segmentFile(t, dir)
			c.damage(t, path, end)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}

			st, got := scan(t, dir)
			if st.Last != c.events || st.Segments != 1 {
				t.Fatalf("ScanLog: %+v, want %d events in 1 segment", st, c.events)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Fatal("ScanLog changed the segment file")
			}
			records := got[filepath.Base(path)]
			if !bytes.HasPrefix(before, records) || len(bytes.TrimRight(records, "\x00")) != len(records) {
				t.Fatalf("ScanLog passed on %d bytes that are not the log's records", len(records))
			}
			// The store's own recovery keeps exactly the events ScanLog counted.
			s = open(t, dir)
			defer closeStore(t, s)
			if n := uint64(len(readAll(t, s))); n != st.Last {
				t.Fatalf("recovery kept %d events, ScanLog %d", n, st.Last)
			}
		})
	}
}

// TestScanLogBesideAWritingStore scans a store that four goroutines append to
// across segments: every scan covers at least every append acknowledged
// before it started, and what it passed on is, byte for byte, the start of
// the log the store finally holds.
func TestScanLogBesideAWritingStore(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	var acked atomic.Uint64 // the highest position acknowledged so far
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			stream := fmt.Sprintf("order-%d", w)
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				res, err := s.Append(context.Background(), stream, eventstore.Any, event(n), event(n))
				if err != nil {
					t.Error(err)
					return
				}
				for old := acked.Load(); old < res.Position && !acked.CompareAndSwap(old, res.Position); old = acked.Load() {
				}
			}
		})
	}
	type snapshot struct {
		acked uint64
		stats filestore.LogStats
		data  map[string][]byte
	}
	var scans []snapshot
	// Scan at least five times, and until a scan has crossed into a later segment.
	for deadline := time.Now().Add(20 * time.Second); len(scans) < 5 || scans[len(scans)-1].stats.Segments < 2; {
		if time.Now().After(deadline) {
			t.Fatalf("the appends did not fill a segment: %+v", scans[len(scans)-1].stats)
		}
		time.Sleep(20 * time.Millisecond)
		before := acked.Load()
		st, data := scan(t, dir)
		scans = append(scans, snapshot{before, st, data})
	}
	close(stop)
	wg.Wait()
	closeStore(t, s)

	for i, sc := range scans {
		if sc.stats.Last < sc.acked || sc.acked == 0 {
			t.Errorf("scan %d ends at %d, before the acknowledged position %d", i, sc.stats.Last, sc.acked)
		}
		for name, records := range sc.data {
			final, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(final, records) {
				t.Errorf("scan %d: %s is not the start of the final segment", i, name)
			}
		}
	}
}

func TestLockKeepsTheStoreFromOpening(t *testing.T) {
	dir := t.TempDir()
	lock, err := filestore.Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := filestore.Open(filestore.Options{Dir: dir}); !errors.Is(err, filestore.ErrLocked) {
		t.Fatalf("Open while locked: %v, want ErrLocked", err)
	}
	if err := lock.Close(); err != nil {
		t.Fatal(err)
	}
	s := open(t, dir)
	defer closeStore(t, s)
	if _, err := filestore.Lock(dir); !errors.Is(err, filestore.ErrLocked) {
		t.Fatalf("Lock while open: %v, want ErrLocked", err)
	}
}
