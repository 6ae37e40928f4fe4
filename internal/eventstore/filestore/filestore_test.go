package filestore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/eventstore/storetest"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// testSegmentSize is small so that tests also cross segments.
const testSegmentSize = 256 << 10

func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB) eventstore.Store {
		return open(t, t.TempDir())
	})
}

// open opens a store in dir with small segments.
func open(t testing.TB, dir string) *filestore.Store {
	t.Helper()
	s, err := filestore.Open(filestore.Options{Dir: dir, SegmentSize: testSegmentSize})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func closeStore(t testing.TB, s *filestore.Store) {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func event(n int) eventstore.EventData {
	return eventstore.EventData{
		ID:       uuid.New(),
		Type:     "test.Happened",
		Data:     fmt.Appendf(nil, `{"n":%d,"pad":%q}`, n, strings.Repeat("x", 200)),
		Metadata: eventstore.Metadata{CommandID: "cmd", Actor: "actor", CorrelationID: "corr", CausationID: "cause"},
	}
}

func mustAppend(t testing.TB, s eventstore.Store, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) eventstore.AppendResult {
	t.Helper()
	res, err := s.Append(context.Background(), stream, expected, events...)
	if err != nil {
		t.Fatalf("Append(%s, %s): %v", stream, expected, err)
	}
	return res
}

// readAll reads the whole log.
func readAll(t testing.TB, s eventstore.Store) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for after := uint64(0); ; {
		page, err := s.ReadAll(context.Background(), after, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		after = page[len(page)-1].Position
	}
}

// checkLog asserts the log holds exactly the events of want, each once, in
// $all order, with strictly increasing positions, and that every stream
// reads back with consecutive versions.
func checkLog(t testing.TB, s eventstore.Store, want []uuid.UUID) {
	t.Helper()
	all := readAll(t, s)
	if len(all) != len(want) {
		t.Fatalf("log holds %d events, want %d", len(all), len(want))
	}
	streams := map[string][]uuid.UUID{}
	for i, e := range all {
		if e.ID != want[i] {
			t.Fatalf("event %d is %s, want %s", i, e.ID, want[i])
		}
		if i > 0 && e.Position <= all[i-1].Position {
			t.Fatalf("position %d follows %d", e.Position, all[i-1].Position)
		}
		streams[e.Stream] = append(streams[e.Stream], e.ID)
		if e.Version != uint64(len(streams[e.Stream])) {
			t.Fatalf("%s has version %d as its event %d", e.Stream, e.Version, len(streams[e.Stream]))
		}
	}
	for stream, ids := range streams {
		got, err := s.ReadStream(context.Background(), stream, eventstore.Forwards, 1, len(ids)+1)
		if err != nil || len(got) != len(ids) {
			t.Fatalf("ReadStream(%s) = %d events, %v; want %d", stream, len(got), err, len(ids))
		}
		for i, e := range got {
			if e.ID != ids[i] {
				t.Fatalf("%s v%d is %s, $all says %s", stream, i+1, e.ID, ids[i])
			}
		}
	}
}

func ids(events []eventstore.EventData) []uuid.UUID {
	out := make([]uuid.UUID, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

func TestReopenKeepsEverything(t *testing.T) {
	dir := t.TempDir()
	clock := kernel.NewManualClock(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC))
	s, err := filestore.Open(filestore.Options{Dir: dir, SegmentSize: 64 << 10, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	// About five 64 KiB segments of events in batches of 1 to 4.
	var want []eventstore.EventData
	for i := 0; len(want) < 1200; i++ {
		batch := make([]eventstore.EventData, 1+i%4)
		for j := range batch {
			batch[j] = event(len(want) + j)
		}
		mustAppend(t, s, fmt.Sprintf("order-%d", i%7), eventstore.Any, batch...)
		want = append(want, batch...)
		clock.Advance(time.Second)
	}
	before := readAll(t, s)
	closeStore(t, s)

	s = open(t, dir)
	defer closeStore(t, s)
	checkLog(t, s, ids(want))
	after := readAll(t, s)
	for i := range before {
		b, a := before[i], after[i]
		if a.Position != b.Position || !a.Recorded.Equal(b.Recorded) || !bytes.Equal(a.Data, b.Data) || a.Metadata != b.Metadata || a.Type != b.Type {
			t.Fatalf("event %d after reopen = %+v, before %+v", i, a, b)
		}
	}
	// Versions, positions and idempotency continue across the reopen.
	end := before[len(before)-1]
	res := mustAppend(t, s, end.Stream, eventstore.Any, want[len(want)-1])
	if res.Position != end.Position {
		t.Fatalf("re-append of the last event after reopen wrote at %d", res.Position)
	}
	v := uint64(0)
	for _, e := range before {
		if e.Stream == "order-3" {
			v = e.Version
		}
	}
	next := mustAppend(t, s, "order-3", eventstore.Exact(v), event(0))
	if next.Version != v+1 || next.Position <= before[len(before)-1].Position {
		t.Fatalf("append after reopen = %+v, want version %d after position %d", next, v+1, before[len(before)-1].Position)
	}
}

func TestSecondOpenIsRefused(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	mustAppend(t, s, "order-1", eventstore.NoStream, event(1))
	if _, err := filestore.Open(filestore.Options{Dir: dir}); !errors.Is(err, filestore.ErrLocked) {
		t.Fatalf("second Open = %v, want ErrLocked", err)
	}
	// The refused Open left the first store working.
	mustAppend(t, s, "order-1", eventstore.Exact(1), event(2))
	closeStore(t, s)
	s = open(t, dir)
	defer closeStore(t, s)
	if got := readAll(t, s); len(got) != 2 {
		t.Fatalf("after reopen: %d events, want 2", len(got))
	}
}

// segmentFile returns the path of the segment holding the data and the
// offset just after its last non-zero byte.
func segmentFile(t *testing.T, dir string) (string, int) {
	t.Helper()
	path := filepath.Join(dir, "00000001.seg")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	end := len(bytes.TrimRight(data, "\x00"))
	if end == 0 {
		t.Fatal("segment holds no data")
	}
	return path, end
}

func TestTornTail(t *testing.T) {
	for _, c := range []struct {
		name   string
		damage func(t *testing.T, path string, end int)
		keep   bool // whether the last batch survives
	}{
		{"a file cut inside the last record loses the last batch", func(t *testing.T, path string, end int) {
			if err := os.Truncate(path, int64(end-7)); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a garbled last record loses the whole last batch", func(t *testing.T, path string, end int) {
			writeAt(t, path, end-3, []byte{0xde, 0xad})
		}, false},
		{"a garbled first record loses its whole batch for good", func(t *testing.T, path string, end int) {
			// The five events have the same size: the last batch starts at 2/5.
			writeAt(t, path, 2*end/5+20, []byte{0xde, 0xad})
		}, false},
		{"junk after the last record is dropped", func(t *testing.T, path string, end int) {
			writeAt(t, path, end+100, []byte("junk that is not a record"))
		}, true},
		{"a half-written header after the last record is dropped", func(t *testing.T, path string, end int) {
			writeAt(t, path, end, []byte{0x40, 0, 0, 0, 0x12})
		}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir)
			first := []eventstore.EventData{event(1), event(2)}
			last := []eventstore.EventData{event(3), event(4), event(5)}
			mustAppend(t, s, "order-1", eventstore.NoStream, first...)
			mustAppend(t, s, "order-1", eventstore.Exact(2), last...)
			closeStore(t, s)

			path, end := segmentFile(t, dir)
			c.damage(t, path, end)

			s = open(t, dir)
			want := ids(first)
			if c.keep {
				want = append(want, ids(last)...)
			}
			checkLog(t, s, want)
			// New appends land after what survived, and survive a reopen.
			more := event(6)
			res := mustAppend(t, s, "order-1", eventstore.Exact(uint64(len(want))), more)
			if res.Version != uint64(len(want))+1 {
				t.Fatalf("append after recovery: version %d", res.Version)
			}
			closeStore(t, s)
			s = open(t, dir)
			defer closeStore(t, s)
			checkLog(t, s, append(want, more.ID))
		})
	}
}

func writeAt(t *testing.T, path string, off int, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b, int64(off)); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptionBeforeTheTailIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := filestore.Open(filestore.Options{Dir: dir, SegmentSize: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 1000 { // about four segments
		mustAppend(t, s, "order-1", eventstore.Any, event(i))
	}
	closeStore(t, s)
	writeAt(t, filepath.Join(dir, "00000001.seg"), 1000, []byte("bit rot"))
	if _, err := filestore.Open(filestore.Options{Dir: dir, SegmentSize: 64 << 10}); !errors.Is(err, filestore.ErrCorrupt) {
		t.Fatalf("Open = %v, want ErrCorrupt", err)
	}
}

func TestRefusals(t *testing.T) {
	s := open(t, t.TempDir())
	defer closeStore(t, s)
	ctx := context.Background()
	a, b := event(1), event(2)
	mustAppend(t, s, "order-1", eventstore.NoStream, a)
	if _, err := s.Append(ctx, "order-1", eventstore.Any, a, b); !errors.Is(err, filestore.ErrPartialDuplicate) {
		t.Errorf("a batch repeating one of two ids = %v, want ErrPartialDuplicate", err)
	}
	huge := event(3)
	huge.Data = bytes.Repeat([]byte("x"), testSegmentSize)
	if _, err := s.Append(ctx, "order-1", eventstore.Any, huge); !errors.Is(err, filestore.ErrTooLarge) {
		t.Errorf("an event larger than a segment = %v, want ErrTooLarge", err)
	}
	long := event(4)
	long.Type = strings.Repeat("t", 1<<16)
	if _, err := s.Append(ctx, "order-1", eventstore.Any, long); !errors.Is(err, filestore.ErrTooLarge) {
		t.Errorf("a 64 KiB type = %v, want ErrTooLarge", err)
	}
	checkLog(t, s, []uuid.UUID{a.ID})
}

func TestCloseSettlesPendingAppends(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	const writers = 32
	var mu sync.Mutex
	var acked []uuid.UUID
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := 0; ; i++ {
				e := event(i)
				_, err := s.Append(context.Background(), fmt.Sprintf("order-%d", w), eventstore.Any, e)
				if errors.Is(err, eventstore.ErrClosed) {
					return
				}
				if err != nil {
					t.Errorf("Append during Close: %v", err)
					return
				}
				mu.Lock()
				acked = append(acked, e.ID)
				mu.Unlock()
			}
		})
	}
	time.Sleep(50 * time.Millisecond)
	closeStore(t, s)
	wg.Wait() // every Append returned: none hangs across Close

	s = open(t, dir)
	defer closeStore(t, s)
	stored := map[uuid.UUID]bool{}
	for _, e := range readAll(t, s) {
		stored[e.ID] = true
	}
	for _, id := range acked {
		if !stored[id] {
			t.Fatalf("append %s acknowledged before Close is missing", id)
		}
	}
	if len(acked) == 0 {
		t.Fatal("nothing was appended before Close")
	}
}
