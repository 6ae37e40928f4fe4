// Package testenv decides what a test does when an outside part it needs
// (PostgreSQL, NATS, Node with npm packages, a KurrentDB server) is not there:
// it skips on a bare machine, and fails when NONGJIAO_REQUIRE_SERVICES=1 (as CI
// sets it), so a missing service can never pass silently in CI.
package testenv

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
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

// NodeCommand returns a command running a Node script of dir (a folder with
// a package.json whose npm packages are installed in its node_modules), or
// calls Unavailable when node or one of pkgs is missing. CI installs the
// packages of every such folder (.ci/run).
func NodeCommand(ctx context.Context, tb testing.TB, dir string, pkgs []string, script string, args ...string) *exec.Cmd {
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
	cmd := exec.CommandContext(ctx, node, append([]string{script}, args...)...)
	cmd.Dir = dir
	return cmd
}
