package backup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/backup"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/sandbox"
)

// fixtureEvents is how many events dataDir holds: enough to fill two 64 KiB segments.
const fixtureEvents = 120

// dataDir makes a stopped server's data directory: a log of fixtureEvents
// events in 64 KiB segments, read models, a secret.
func dataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := filestore.Open(filestore.Options{Dir: filepath.Join(dir, "events"), SegmentSize: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	for i := range fixtureEvents / 2 {
		e := func(n int) eventstore.EventData {
			return eventstore.EventData{ID: uuid.New(), Type: "test.Happened", Data: fmt.Appendf(nil, `{"n":%d,"pad":%q}`, n, strings.Repeat("x", 600)),
				Metadata: eventstore.Metadata{CommandID: "cmd", Actor: "test", CausationID: "cause"}}
		}
		if _, err := s.Append(context.Background(), fmt.Sprintf("thing-%d", i%7), eventstore.Any, e(2*i), e(2*i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := readmodel.OpenSQLite(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readmodel.NewProjector(context.Background(), db, kernel.NewRegistry()); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.CreateSecret(dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func backUp(t *testing.T, dir string) (string, backup.Manifest) {
	t.Helper()
	bk := filepath.Join(t.TempDir(), "backup")
	m, err := backup.Backup(context.Background(), backup.Options{DataDir: dir, To: bk, Clock: kernel.NewManualClock(now)})
	if err != nil {
		t.Fatal(err)
	}
	return bk, m
}

// events opens the log in dir and returns how many events it holds.
func events(t *testing.T, dir string) int {
	t.Helper()
	s, err := filestore.Open(filestore.Options{Dir: filepath.Join(dir, "events")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return len(readAll(t, s))
}

func TestRestoreRefusesADamagedBackupAndLeavesTheTargetAlone(t *testing.T) {
	bk, m := backUp(t, dataDir(t))
	if len(m.Files) != 4 || m.Segments != 2 || m.LastPosition != fixtureEvents {
		t.Fatalf("manifest: %+v, want 2 segments, read models and secret, %d events", m, fixtureEvents)
	}
	for _, f := range m.Files {
		t.Run(f.Path, func(t *testing.T) {
			path := filepath.Join(bk, filepath.FromSlash(f.Path))
			good, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			damaged := bytes.Clone(good)
			damaged[len(damaged)/2] ^= 0x01
			if err := os.WriteFile(path, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			defer os.WriteFile(path, good, 0o600) //nolint:errcheck // the next subtest fails if it did not work

			target := filepath.Join(t.TempDir(), "data")
			if _, err := backup.Restore(context.Background(), backup.RestoreOptions{From: bk, DataDir: target}); !errors.Is(err, backup.ErrDamaged) {
				t.Fatalf("restore of a backup with a flipped bit in %s: %v, want ErrDamaged", f.Path, err)
			}
			if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the refused restore created the target: %v", err)
			}
		})
	}
	// A manifest edited by hand must still match what the files hold.
	for name, edit := range map[string]func(*backup.Manifest){
		"another end":        func(m *backup.Manifest) { m.LastPosition-- },
		"a path outside":     func(m *backup.Manifest) { m.Files[0].Path = "../readmodels.db" },
		"a later format":     func(m *backup.Manifest) { m.Format++ },
		"another checkpoint": func(m *backup.Manifest) { m.ReadModelPosition++ },
	} {
		t.Run("manifest with "+name, func(t *testing.T) {
			path := filepath.Join(bk, "manifest.json")
			good, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			defer os.WriteFile(path, good, 0o600) //nolint:errcheck // the next subtest fails if it did not work
			edited := m
			edited.Files = slices.Clone(m.Files)
			edit(&edited)
			b, _ := json.Marshal(edited)
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := backup.Verify(context.Background(), bk); !errors.Is(err, backup.ErrDamaged) {
				t.Fatalf("verify: %v, want ErrDamaged", err)
			}
		})
	}
	// Undamaged again, it restores.
	if got := events(t, restore(t, bk)); got != fixtureEvents {
		t.Fatalf("restored %d events, want %d", got, fixtureEvents)
	}
}

func TestRestoreRefusesANonEmptyDataDirUnlessForced(t *testing.T) {
	bk, _ := backUp(t, dataDir(t))
	target := dataDir(t) // another exchange's data
	notes := filepath.Join(target, "notes.txt")
	if err := os.WriteFile(notes, []byte("kept"), 0o644); err != nil {
		t.Fatal(err)
	}
	oldSecret, _ := os.ReadFile(filepath.Join(target, auth.SecretFile))
	// More events than the backup, so the test can tell which log is there.
	s, err := filestore.Open(filestore.Options{Dir: filepath.Join(target, "events")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Append(context.Background(), "other-1", eventstore.Any, eventstore.EventData{ID: uuid.New(), Type: "test.Other"}); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Restore(context.Background(), backup.RestoreOptions{From: bk, DataDir: target, Force: true}); !errors.Is(err, filestore.ErrLocked) {
		t.Fatalf("forced restore while a store has the target open: %v, want ErrLocked", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	if _, err := backup.Restore(context.Background(), backup.RestoreOptions{From: bk, DataDir: target}); !errors.Is(err, backup.ErrNotEmpty) {
		t.Fatalf("restore into a data directory in use: %v, want ErrNotEmpty", err)
	}
	if got := events(t, target); got != fixtureEvents+1 {
		t.Fatalf("the refused restore changed the log: %d events", got)
	}
	if _, err := backup.Restore(context.Background(), backup.RestoreOptions{From: bk, DataDir: target, Force: true}); err != nil {
		t.Fatal(err)
	}
	if got := events(t, target); got != fixtureEvents {
		t.Fatalf("after a forced restore the log has %d events, want the backup's %d", got, fixtureEvents)
	}
	secret, _ := os.ReadFile(filepath.Join(target, auth.SecretFile))
	backedUp, _ := os.ReadFile(filepath.Join(bk, auth.SecretFile))
	if !bytes.Equal(secret, backedUp) || bytes.Equal(secret, oldSecret) {
		t.Fatal("the forced restore did not install the backup's secret")
	}
	entries, _ := os.ReadDir(target)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{auth.SecretFile, "events", "notes.txt", "readmodels.db"}; strings.Join(names, " ") != strings.Join(want, " ") {
		t.Fatalf("after the restore the data directory holds %v, want %v", names, want)
	}
	if _, err := backup.Backup(context.Background(), backup.Options{DataDir: target, To: bk}); !errors.Is(err, backup.ErrExists) {
		t.Fatalf("backup over an existing backup: %v, want ErrExists", err)
	}
}

func TestBackupLeavesATornTailOut(t *testing.T) {
	dir := dataDir(t)
	segs, _ := filepath.Glob(filepath.Join(dir, "events", "*.seg"))
	last := segs[len(segs)-1]
	data, err := os.ReadFile(last)
	if err != nil {
		t.Fatal(err)
	}
	end := len(bytes.TrimRight(data, "\x00"))
	// The start of a record that was never finished: a header and some body.
	torn := bytes.Clone(data)
	copy(torn[end:], append([]byte{0x40, 0x02, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd}, bytes.Repeat([]byte{7}, 100)...))
	if err := os.WriteFile(last, torn, 0o644); err != nil {
		t.Fatal(err)
	}

	bk, m := backUp(t, dir)
	if m.LastPosition != fixtureEvents {
		t.Fatalf("backup of a log with a torn tail ends at %d, want %d", m.LastPosition, fixtureEvents)
	}
	copied, err := os.ReadFile(filepath.Join(bk, "events", filepath.Base(last)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(copied, data[:end]) {
		t.Fatalf("the backup's last segment holds %d bytes, want the %d bytes of records before the torn tail", len(copied), end)
	}
	if got := events(t, restore(t, bk)); got != fixtureEvents {
		t.Fatalf("restored %d events, want %d", got, fixtureEvents)
	}
}

// A sandbox's backup restores as a sandbox, at its own time: the marker
// and the saved clock travel with the events.
func TestASandboxRestoresAsASandbox(t *testing.T) {
	dir := dataDir(t)
	if err := os.WriteFile(filepath.Join(dir, sandbox.MarkerFile), []byte(`{"mode":"sandbox","created":"2026-03-10T01:30:00Z"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	clock, err := sandbox.OpenClock(dir, now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := clock.Save(); err != nil {
		t.Fatal(err)
	}
	bk, _ := backUp(t, dir)
	restored := restore(t, bk)
	if _, err := sandbox.Mark(restored, false, now); !errors.Is(err, sandbox.ErrWrongMode) {
		t.Fatalf("the restored sandbox opened as a real exchange: %v", err)
	}
	created, err := sandbox.Mark(restored, true, now)
	if err != nil || !created.Equal(time.Date(2026, 3, 10, 1, 30, 0, 0, time.UTC)) {
		t.Fatalf("the restored sandbox: created %s, %v", created, err)
	}
	if c, err := sandbox.OpenClock(restored, created); err != nil || !c.Now().Equal(now.AddDate(1, 0, 0)) {
		t.Fatalf("the restored sandbox's clock: %s, %v", c.Now(), err)
	}
}
