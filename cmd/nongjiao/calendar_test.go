package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCalendarImportIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cn-2027.csv")
	if err := os.WriteFile(file, []byte("date,kind,name\n2027-01-01,HOLIDAY,元旦\n2027-01-02,HOLIDAY,元旦\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	importing := func(extra ...string) (int, string, string) {
		return call(t, append([]string{"calendar", "import", "--data-dir", dir}, extra...)...)
	}
	if code, stdout, stderr := importing(); code != 0 || !strings.Contains(stdout, "imported 39 new day(s) of 39") {
		t.Fatalf("the built-in notices: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if code, stdout, stderr := importing("--file", file); code != 0 || !strings.Contains(stdout, "imported 2 new day(s) of 2") {
		t.Fatalf("a file: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	events := countEvents(t, dir)
	if code, stdout, stderr := importing("--file", file); code != 0 || !strings.Contains(stdout, "imported 0 new day(s) of 2") {
		t.Fatalf("the file again: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if again := countEvents(t, dir); again != events {
		t.Fatalf("importing again wrote events: %d, then %d", events, again)
	}
	if err := os.WriteFile(file, []byte("date,kind,name\n2027-01-02,WORKING_DAY,元旦\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := importing("--file", file); code != 1 || !strings.Contains(stderr, "DAY_ALREADY_DECLARED") {
		t.Fatalf("a conflicting file: exit %d, stderr %q", code, stderr)
	}
	if code, _, stderr := call(t, "calendar", "export", "--data-dir", dir); code != 1 || !strings.Contains(stderr, "the one subcommand is import") {
		t.Fatalf("an unknown subcommand: exit %d, stderr %q", code, stderr)
	}
}
