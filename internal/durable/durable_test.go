package durable_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/nongjiao/nongjiao/internal/durable"
)

// recordSyncs records the directories synced during the test, running
// check at each sync.
func recordSyncs(t *testing.T, check func(dir string)) *[]string {
	t.Helper()
	var synced []string
	t.Cleanup(durable.HookSyncDir(func(dir string) {
		synced = append(synced, dir)
		if check != nil {
			check(dir)
		}
	}))
	return &synced
}

func TestCreateFileSyncsTheDirectoryAfterTheFileIsNamed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "secret")
	synced := recordSyncs(t, func(string) {
		if b, err := os.ReadFile(path); err != nil || string(b) != "data" {
			t.Errorf("directory synced before the file was in place: %q, %v", b, err)
		}
	})
	if err := durable.CreateFile(path, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(*synced, []string{dir}) {
		t.Fatalf("synced %v; want %v once", *synced, dir)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("stat = %v, %v; want mode 0600", st, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries; want only the file (no temporary left)", len(entries))
	}
}

func TestCreateFileNeverReplacesAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret")
	if err := durable.CreateFile(path, []byte("first"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := durable.CreateFile(path, []byte("second"), 0o600); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second CreateFile = %v; want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "first" {
		t.Fatalf("file holds %q; want the first", b)
	}
}

func TestMkdirAllSyncsTheParentOfEveryDirectoryItCreates(t *testing.T) {
	root := t.TempDir()
	synced := recordSyncs(t, nil)
	if err := durable.MkdirAll(filepath.Join(root, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	want := []string{root, filepath.Join(root, "a")}
	if !slices.Equal(*synced, want) {
		t.Fatalf("synced %v; want %v", *synced, want)
	}
	*synced = nil
	if err := durable.MkdirAll(filepath.Join(root, "a", "b"), 0o755); err != nil || len(*synced) != 0 {
		t.Fatalf("MkdirAll of an existing directory = %v, synced %v; want nil and no sync", err, *synced)
	}
	file := filepath.Join(root, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := durable.MkdirAll(file, 0o755); err == nil {
		t.Fatal("MkdirAll over a file succeeded")
	}
}

func TestReplaceFileReplacesDurably(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "clock")
	if err := durable.ReplaceFile(path, []byte("first"), 0o644); err != nil {
		t.Fatal(err)
	}
	synced := recordSyncs(t, func(string) {
		if b, err := os.ReadFile(path); err != nil || string(b) != "second" {
			t.Errorf("directory synced before the new file was in place: %q, %v", b, err)
		}
	})
	if err := durable.ReplaceFile(path, []byte("second"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(*synced, []string{dir}) {
		t.Fatalf("synced %v; want %v once", *synced, dir)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("directory holds %d entries; want only the file (no temporary left)", len(entries))
	}
}
