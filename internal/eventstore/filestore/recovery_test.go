package filestore_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
)

// openLogged opens the store in dir, logging to the returned buffer as JSON.
func openLogged(t *testing.T, dir string) (*filestore.Store, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	s, err := filestore.Open(filestore.Options{Dir: dir, SegmentSize: testSegmentSize, Log: slog.New(slog.NewJSONHandler(&buf, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return s, &buf
}

// records returns the log records of buf with message msg.
func records(t *testing.T, buf *bytes.Buffer, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n")) {
		var r map[string]any
		if err := json.Unmarshal(line, &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

const droppedMsg = "filestore: recovery dropped data after the end of the log"

func TestRecoveryLogsTheTornTailItDrops(t *testing.T) {
	dir := t.TempDir()
	s, logged := openLogged(t, dir)
	mustAppend(t, s, "order-1", eventstore.NoStream, event(1), event(2))
	mustAppend(t, s, "order-1", eventstore.Exact(2), event(3), event(4), event(5))
	closeStore(t, s)
	if got := records(t, logged, droppedMsg); len(got) != 0 {
		t.Fatalf("a clean open logged drops: %v", got)
	}

	path, end := segmentFile(t, dir)
	writeAt(t, path, end-3, []byte{0xde, 0xad}) // the last record of the last batch
	s, logged = openLogged(t, dir)
	defer closeStore(t, s)

	got := records(t, logged, droppedMsg)
	if len(got) != 1 {
		t.Fatalf("logged %d drop lines; want 1:\n%s", len(got), logged)
	}
	r := got[0]
	batchStart := 2 * end / 5 // five events of one size: the last batch starts at 2/5
	want := map[string]any{"level": "WARN", "segment": "00000001.seg", "offset": float64(batchStart), "bytes": float64(end - batchStart), "whole_records": float64(2)}
	for k, v := range want {
		if r[k] != v {
			t.Errorf("%s = %v; want %v (record %v)", k, r[k], v, r)
		}
	}
	opened := records(t, logged, "filestore: opened")
	if len(opened) != 1 || opened[0]["events"] != float64(2) {
		t.Errorf("opened lines = %v; want one with 2 events", opened)
	}
}
