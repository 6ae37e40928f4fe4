package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// call runs the command line args as main does and returns its exit status
// and output.
func call(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = exitStatus(run(args, &out, &errOut), &errOut)
	return code, out.String(), errOut.String()
}

// Every way of asking for help prints usage and exits 0: the top-level
// forms on stdout, a command's own -h/--help on stderr, as the flag package
// does, and "help COMMAND" on stdout.
func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{nil, {"help"}, {"-h"}, {"-help"}, {"--help"}} {
		code, stdout, stderr := call(t, args...)
		if code != 0 || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
		for _, c := range commands() {
			if !strings.Contains(stdout, "\n  "+c.name+" ") {
				t.Errorf("%q: the usage does not list %s:\n%s", args, c.name, stdout)
			}
		}
	}
	for _, c := range commands() {
		want := "usage: nongjiao " + c.name
		if code, stdout, stderr := call(t, "help", c.name); code != 0 || !strings.Contains(stdout, want) || stderr != "" {
			t.Errorf("help %s: exit %d, stdout %q, stderr %q", c.name, code, stdout, stderr)
		}
		for _, h := range []string{"-h", "--help"} {
			if code, stdout, stderr := call(t, c.name, h); code != 0 || !strings.Contains(stderr, want) || stdout != "" {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q", c.name, h, code, stdout, stderr)
			}
		}
	}
	if _, stdout, _ := call(t, "help", "token"); !strings.Contains(stdout, "-party") {
		t.Errorf("help token does not list token's flags:\n%s", stdout)
	}
}

// An unknown command, also as help's argument, prints the usage to stderr
// and exits 2.
func TestUnknownCommandExitsTwo(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"--frobnicate"}, {"help", "frobnicate"}} {
		code, stdout, stderr := call(t, args...)
		if code != 2 || stdout != "" || !strings.Contains(stderr, `unknown command "`) || !strings.Contains(stderr, "usage: nongjiao COMMAND") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}

// A failing command exits 1 with its error on stderr.
func TestFailedCommandExitsOne(t *testing.T) {
	code, _, stderr := call(t, "token", "--data-dir", t.TempDir(), "--role", "mayor", "--party", "x")
	if code != 1 || !strings.HasPrefix(stderr, "nongjiao: ") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestSchemaPrintsTheCommittedSDL(t *testing.T) {
	want, err := os.ReadFile(filepath.Join("..", "..", "schema", "schema.graphql"))
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := call(t, "schema")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if stdout != string(want) {
		t.Errorf("nongjiao schema differs from schema/schema.graphql (%d bytes against %d)", len(stdout), len(want))
	}
}

func TestVersionNamesTheGoVersion(t *testing.T) {
	code, stdout, stderr := call(t, "version")
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.HasPrefix(stdout, "nongjiao ") || !strings.Contains(stdout, runtime.Version()) {
		t.Errorf("version printed %q", stdout)
	}
}

// seed writes the demo into an empty data directory and nothing into one
// that already holds events.
func TestSeedWritesTheDemoOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("writes the whole demo story")
	}
	dir := t.TempDir()
	args := []string{"seed", "--data-dir", dir, "--store", "file", "--readmodel", "sqlite"}
	code, stdout, stderr := call(t, args...)
	if code != 0 || !strings.Contains(stdout, "wrote the demo's") {
		t.Fatalf("first seed: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	first := countEvents(t, dir)
	if first == 0 {
		t.Fatal("seed wrote no events")
	}
	code, stdout, stderr = call(t, args...)
	if code != 0 || !strings.Contains(stdout, "already holds events") {
		t.Fatalf("second seed: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if again := countEvents(t, dir); again != first {
		t.Errorf("the second seed changed the store: %d events, then %d", first, again)
	}
}

// countEvents returns how many events the embedded store in dir holds.
func countEvents(t *testing.T, dir string) int {
	t.Helper()
	s := openLog(t, dir)
	defer s.Close()
	events, err := s.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}
