package filestore

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// Releasing sealed segments' pages drops them from the process's mapping
// only: every event still reads back the same.
func TestReleasedSegmentsReadTheSame(t *testing.T) {
	ctx := context.Background()
	s, err := Open(Options{Dir: t.TempDir(), SegmentSize: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	data := []byte(`{"pad":"` + strings.Repeat("x", 900) + `"}`)
	for i := range 300 { // about 300 KiB: several 64 KiB segments
		if _, err := s.Append(ctx, "s-"+uuid.NewString()[:4], eventstore.Any,
			eventstore.EventData{ID: uuid.New(), Type: "t", Data: data}); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
	before, err := s.ReadAll(ctx, 0, 1000)
	if err != nil || len(before) != 300 {
		t.Fatalf("read %d events, %v", len(before), err)
	}
	if len(s.segs) < 3 {
		t.Fatalf("only %d segments: the test needs sealed ones", len(s.segs))
	}
	if !s.release() {
		t.Fatal("release on an open store reported it closed")
	}
	after, err := s.ReadAll(ctx, 0, 1000)
	if err != nil || !reflect.DeepEqual(before, after) {
		t.Fatalf("events changed after releasing pages (err %v)", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s.release() {
		t.Fatal("release after Close touched unmapped segments")
	}
}
