// Package testenv decides what a test does when an outside part it needs
// (PostgreSQL, Node with npm packages, Chromium, a KurrentDB server) is not there:
// it skips on a bare machine, and fails when NONGJIAO_REQUIRE_SERVICES=1 (as CI
// sets it), so a missing service can never pass silently in CI.
package testenv

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Required reports whether missing services must fail tests.
func Required() bool { return os.Getenv("NONGJIAO_REQUIRE_SERVICES") == "1" }

// Unavailable skips tb, or fails it when services are required, explaining why.
func Unavailable(tb testing.TB, service, why string) {
	tb.Helper()
	if Required() {
		tb.Fatalf("%s is required (NONGJIAO_REQUIRE_SERVICES=1) but unavailable: %s", service, why)
	}
	tb.Skipf("%s unavailable, skipping: %s", service, why)
}

// Dial checks that a TCP address answers, and calls Unavailable if not.
func Dial(tb testing.TB, service, addr string) {
	tb.Helper()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		Unavailable(tb, service, err.Error())
		return
	}
	_ = c.Close()
}

// Getenv returns the environment variable's value, or def when unset.
func Getenv(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// Node is node with the npm packages of one folder, found by NeedNode.
type Node struct{ path, dir string }

// NeedNode returns node to run the scripts of dir (a folder with a
// package.json whose npm packages are installed in its node_modules), or
// calls Unavailable when node or one of pkgs is missing. A test calls it
// before it starts anything, so that it never skips with a server running.
// CI installs the packages of every such folder (.ci/run).
func NeedNode(tb testing.TB, dir string, pkgs ...string) Node {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		Unavailable(tb, "node", err.Error())
	}
	for _, pkg := range pkgs {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg)); err != nil {
			Unavailable(tb, "npm package "+pkg, "run npm install in "+dir)
		}
	}
	return Node{path: node, dir: dir}
}

// Command returns a command running script of the folder with args.
func (n Node) Command(ctx context.Context, script string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, n.path, append([]string{script}, args...)...)
	cmd.Dir = n.dir
	return cmd
}

// Start runs script of the folder with args until tb ends and returns the
// first line it prints (a server script prints where it listens). It fails
// tb when the script prints no line.
func (n Node) Start(tb testing.TB, script string, args ...string) []byte {
	tb.Helper()
	Starting(tb)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := n.Command(ctx, script, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var stderr bytes.Buffer // read only once Wait has copied all of it
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	waited := false
	tb.Cleanup(func() {
		cancel()
		if !waited {
			_ = cmd.Wait()
		}
	})
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		waited = true
		werr := cmd.Wait()
		tb.Fatalf("%s printed %q: %v (exit: %v); its stderr:\n%s", script, line, err, werr, stderr.Bytes())
	}
	return line
}

// NeedChromium returns the path of the Chromium the browser tests drive:
// NONGJIAO_CHROMIUM when set, else the first "chromium" on PATH. It calls
// Unavailable when there is none; no test downloads a browser.
func NeedChromium(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath(Getenv("NONGJIAO_CHROMIUM", "chromium"))
	if err != nil {
		Unavailable(tb, "Chromium", err.Error()+" (install a chromium package, or set NONGJIAO_CHROMIUM)")
	}
	return path
}

// skipRun marks the run RequireSkipsWithoutPackages starts.
const skipRun = "NONGJIAO_TESTENV_MUST_SKIP"

// Starting is called by test helpers that start a server or another part:
// it fails tb in a run where every test must skip before it starts anything
// (see RequireSkipsWithoutPackages).
func Starting(tb testing.TB) {
	tb.Helper()
	if os.Getenv(skipRun) == "1" {
		tb.Fatal("started a part before deciding to skip: call the testenv checks first")
	}
}

// RequireSkipsWithoutPackages runs the named tests of the running test
// binary again, in an empty folder (where the relative paths to their npm
// packages find nothing) and without NONGJIAO_REQUIRE_SERVICES, and fails tb
// unless every one of them skips before it starts anything (Starting) and
// the run passes: a bare machine's `go test` must not fail for want of a
// service.
func RequireSkipsWithoutPackages(tb testing.TB, tests ...string) {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^("+strings.Join(tests, "|")+")$", "-test.v", "-test.count=1")
	cmd.Dir = tb.TempDir()
	cmd.Env = []string{skipRun + "=1"}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NONGJIAO_REQUIRE_SERVICES=") && !strings.HasPrefix(kv, skipRun+"=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("without npm packages: %v\n%s", err, out)
	}
	for _, name := range tests {
		if !strings.Contains(string(out), "--- SKIP: "+name+" ") {
			tb.Errorf("without npm packages %s did not skip:\n%s", name, out)
		}
	}
}

// WaitUntil polls cond every millisecond until it holds, failing tb if it
// does not within 10 s; what says what cond waits for.
func WaitUntil(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// KeepsTrying waits until something refused by a store that is down has
// tried again (tries reaches 2), and fails tb if it gave up meanwhile: if
// ended, where it reports how it stopped, holds an error. who names it in
// the failures.
func KeepsTrying(tb testing.TB, who string, tries func() int32, ended <-chan error) {
	tb.Helper()
	WaitUntil(tb, who+" reads again while the store is down", func() bool { return tries() >= 2 })
	select {
	case err := <-ended:
		tb.Fatalf("%s ended while the store was down: %v", who, err)
	default:
	}
}
