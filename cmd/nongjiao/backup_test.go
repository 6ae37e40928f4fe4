package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
)

func openLog(t *testing.T, dataDir string) *filestore.Store {
	t.Helper()
	s, err := filestore.Open(filestore.Options{Dir: filepath.Join(dataDir, "events"), SegmentSize: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBackupAndRestoreCommands(t *testing.T) {
	data := t.TempDir()
	s := openLog(t, data)
	for range 3 {
		if _, err := s.Append(context.Background(), "thing-1", eventstore.Any, eventstore.EventData{ID: uuid.New(), Type: "test.Happened"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	command := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(args, &out, io.Discard)
		return out.String(), err
	}
	bk := filepath.Join(t.TempDir(), "backup")
	if _, err := command("backup", "--data-dir", data); err == nil || !strings.Contains(err.Error(), "--to is required") {
		t.Fatalf("backup without --to: %v", err)
	}
	if out, err := command("backup", "--data-dir", data, "--to", bk); err != nil || !strings.Contains(out, "3 events in 1 streams") {
		t.Fatalf("backup: %q, %v", out, err)
	}
	target := filepath.Join(t.TempDir(), "data")
	if out, err := command("restore", "--from", bk, "--data-dir", target); err != nil || !strings.Contains(out, "3 events") {
		t.Fatalf("restore: %q, %v", out, err)
	}
	if _, err := command("restore", "--from", bk, "--data-dir", target); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("restore into the restored directory without --force: %v", err)
	}
	if _, err := command("restore", "--from", bk, "--data-dir", target, "--force"); err != nil {
		t.Fatalf("restore --force: %v", err)
	}
	s = openLog(t, target)
	defer s.Close()
	if got, err := s.ReadAll(context.Background(), 0, 10); err != nil || len(got) != 3 {
		t.Fatalf("the restored log holds %d events (%v), want 3", len(got), err)
	}
}
