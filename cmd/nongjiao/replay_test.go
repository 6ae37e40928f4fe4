package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/nongjiao/nongjiao/internal/demo"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/sandbox"
	"github.com/nongjiao/nongjiao/internal/server"
)

// TestReplayLeavesOutConsumerGroupCheckpoints runs the command on a data
// directory holding, besides the demo, a consumer group's checkpoint, as
// every directory a server has run on does.
func TestReplayLeavesOutConsumerGroupCheckpoints(t *testing.T) {
	ctx, dir := context.Background(), t.TempDir()
	s, err := server.Open(ctx, server.Config{DataDir: dir, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	n, err := demo.Seed(ctx, s.Store, s.Config.Clock.Now(), slog.New(slog.DiscardHandler))
	if err == nil {
		err = messaging.NewStoreCheckpoints(s.Store).Save(ctx, "process.award.listing", "listing", 1)
	}
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := run([]string{"replay", "--data-dir", dir, "--store", "file", "--readmodel", "sqlite"}, &out, io.Discard); err != nil {
		t.Fatalf("replay: %v", err)
	}
	if want := fmt.Sprintf("replayed %d events ", n); !strings.HasPrefix(out.String(), want) {
		t.Fatalf("replay printed %q, want %q…", out.String(), want)
	}
}

// --sandbox reaches every command that opens a data directory: a sandbox
// seeded with it replays only with it, and serve refuses it without it.
func TestSandboxFlagOpensOnlyASandboxsDirectory(t *testing.T) {
	dir := t.TempDir()
	if err := run([]string{"seed", "--sandbox", "--data-dir", dir}, io.Discard, io.Discard); err != nil {
		t.Fatalf("seed --sandbox: %v", err)
	}
	for _, args := range [][]string{{"replay", "--data-dir", dir}, {"serve", "--data-dir", dir, "--listen", "127.0.0.1:0"}} {
		if err := run(args, io.Discard, io.Discard); !errors.Is(err, sandbox.ErrWrongMode) || !strings.Contains(err.Error(), "--sandbox") {
			t.Errorf("%s without --sandbox on a sandbox: %v", args[0], err)
		}
	}
	if err := run([]string{"replay", "--sandbox", "--data-dir", dir}, io.Discard, io.Discard); err != nil {
		t.Fatalf("replay --sandbox: %v", err)
	}
}
