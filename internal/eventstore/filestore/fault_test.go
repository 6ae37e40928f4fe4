package filestore

import (
	"context"
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// A write failure makes every later append fail with an error matching
// eventstore.ErrUnavailable while reads go on; closing and opening the store
// again recovers it.
func TestAWriteFailureMakesTheStoreUnavailableUntilReopened(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, SegmentSize: minSegmentSize})
	if err != nil {
		t.Fatal(err)
	}
	ev := func() eventstore.EventData {
		return eventstore.EventData{ID: uuid.New(), Type: "t", Data: []byte(`{}`)}
	}
	if _, err := s.Append(ctx, "s-1", eventstore.NoStream, ev()); err != nil {
		t.Fatal(err)
	}
	if err := s.Err(); err != nil {
		t.Fatalf("Err of a sound store = %v", err)
	}
	s.mu.RLock()
	s.segs[len(s.segs)-1].closeWriter() // the next write fails
	s.mu.RUnlock()
	for i := range 3 {
		if _, err := s.Append(ctx, "s-1", eventstore.Any, ev()); !errors.Is(err, eventstore.ErrUnavailable) {
			t.Fatalf("append %d after the failure = %v; want ErrUnavailable", i, err)
		}
	}
	if err := s.Err(); !errors.Is(err, eventstore.ErrUnavailable) {
		t.Fatalf("Err after the failure = %v; want ErrUnavailable", err)
	}
	if got, err := s.ReadStream(ctx, "s-1", eventstore.Forwards, 1, 10); err != nil || len(got) != 1 {
		t.Fatalf("read after the failure = %d events, %v; want the one written before", len(got), err)
	}
	_ = s.Close() // reports the file closed underneath it

	s, err = Open(Options{Dir: dir, SegmentSize: minSegmentSize})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := s.Append(ctx, "s-1", eventstore.Exact(1), ev())
	if err != nil || res.Version != 2 {
		t.Fatalf("append after reopening = %+v, %v; want version 2", res, err)
	}
}

// Closing a failed store zeroes what it wrote but never acknowledged: after
// a failed fsync that data may be in the page cache only, or on the disk
// (written directly) without the sync that makes it durable, and a reopen
// must not build on it.
func TestClosingAFailedStoreDiscardsWhatWasNotAcknowledged(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir, SegmentSize: minSegmentSize})
	if err != nil {
		t.Fatal(err)
	}
	acked := eventstore.EventData{ID: uuid.New(), Type: "t", Data: []byte(`{}`)}
	res, err := s.Append(ctx, "s-1", eventstore.NoStream, acked)
	if err != nil {
		t.Fatal(err)
	}
	// A group written after it whose fsync then failed: a whole, valid
	// record that recovery would keep.
	unacked := eventstore.EventData{ID: uuid.New(), Type: "t", Data: []byte(`{}`)}
	rec := appendRecord(nil, "s-1", &unacked, 0)
	seal(rec, res.Position+1, res.Version+1, 0)
	s.mu.RLock()
	seg, off := s.segs[0], int64(headerSize+len(recordAt(s.segs[0].data, 0)))
	s.mu.RUnlock()
	if err := seg.write(rec, off, new([]byte)); err != nil {
		t.Fatal(err)
	}
	s.fault.set(errors.New("injected fsync failure"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(Options{Dir: dir, SegmentSize: minSegmentSize})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := s.ReadAll(ctx, 0, 10)
	if err != nil || len(all) != 1 || all[0].ID != acked.ID {
		t.Fatalf("after reopening: %d events, %v; want only the acknowledged one", len(all), err)
	}
}

// closeWriter closes the descriptor the segment's appends are written
// through, so that the next write fails.
func (s *segment) closeWriter() {
	if s.direct != nil {
		_ = s.direct.f.Close()
		return
	}
	_ = s.f.Close()
}
