package filestore_test

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/logtest"
)

// openLogged opens the store in dir, recording what it logs.
func openLogged(t *testing.T, dir string) (*filestore.Store, *logtest.Recorder) {
	t.Helper()
	logs, log := logtest.New()
	s, err := filestore.Open(filestore.Options{Dir: dir, SegmentSize: testSegmentSize, Log: log})
	if err != nil {
		t.Fatal(err)
	}
	return s, logs
}

const droppedMsg = "filestore: recovery dropped data after the end of the log"

func TestRecoveryLogsTheTornTailItDrops(t *testing.T) {
	dir := t.TempDir()
	s, logged := openLogged(t, dir)
	mustAppend(t, s, "order-1", eventstore.NoStream, event(1), event(2))
	mustAppend(t, s, "order-1", eventstore.Exact(2), event(3), event(4), event(5))
	closeStore(t, s)
	if got := logged.With(t, droppedMsg); len(got) != 0 {
		t.Fatalf("a clean open logged drops: %v", got)
	}

	path, end := segmentFile(t, dir)
	writeAt(t, path, end-3, []byte{0xde, 0xad}) // the last record of the last batch
	s, logged = openLogged(t, dir)
	defer closeStore(t, s)

	got := logged.With(t, droppedMsg)
	if len(got) != 1 {
		t.Fatalf("logged %d drop lines; want 1: %v", len(got), logged.Records(t))
	}
	r := got[0]
	batchStart := 2 * end / 5 // five events of one size: the last batch starts at 2/5
	want := map[string]any{"level": "WARN", "segment": "00000001.seg", "offset": float64(batchStart), "bytes": float64(end - batchStart), "whole_records": float64(2)}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %v; want %v (record %v)", k, r[k], v, r)
		}
	}
	opened := logged.With(t, "filestore: opened")
	if len(opened) != 1 || opened[0]["events"] != float64(2) {
		t.Errorf("opened lines = %v; want one with 2 events", opened)
	}
}
