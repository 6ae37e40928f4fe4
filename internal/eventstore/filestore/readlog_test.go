package filestore_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
)

func TestReadLogReadsWhatTheOpenStoreReads(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	for n := range 3 {
		if _, err := s.Append(context.Background(), "order-1", eventstore.Any, event(n), event(n+10)); err != nil {
			t.Fatal(err)
		}
	}
	want, err := s.ReadAll(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []eventstore.RecordedEvent
	if err := filestore.ReadLog(dir, func(e eventstore.RecordedEvent) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(want) != 6 || !reflect.DeepEqual(got, want) {
		t.Fatalf("ReadLog beside the open store read\n%+v\nwant\n%+v", got, want)
	}
	if err := filestore.ReadLog(filepath.Join(dir, "none"), func(eventstore.RecordedEvent) error { t.Fatal("an event"); return nil }); err != nil {
		t.Fatalf("a directory that does not exist: %v", err)
	}
}
