package demo

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/process"
)

// checkpointSpy records which consumer groups read which topics, so the test
// knows when every process manager has acknowledged the whole seed.
type checkpointSpy struct {
	messaging.MemoryCheckpoints
	mu     sync.Mutex
	groups map[[2]string]bool
}

func (c *checkpointSpy) Load(ctx context.Context, group, topic string) (uint64, error) {
	c.mu.Lock()
	c.groups[[2]string{group, topic}] = true
	c.mu.Unlock()
	return c.MemoryCheckpoints.Load(ctx, group, topic)
}

// TestTheProcessManagersFindTheDemoDone runs the exchange's process managers
// over the seeded store, as `serve --demo` does: the seed took their steps
// itself, so they must write nothing and refuse nothing.
func TestTheProcessManagersFindTheDemoDone(t *testing.T) {
	store, _, n := seeded(t, demoNow)
	var logs bytes.Buffer
	var logMu sync.Mutex
	log := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		logMu.Lock()
		defer logMu.Unlock()
		return logs.Write(p)
	}), nil))
	a := app.New(store, kernel.NewManualClock(demoNow), log, app.Options{})
	spy := &checkpointSpy{groups: map[[2]string]bool{}}
	r, err := messaging.NewRouter(messaging.RouterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := process.AddTo(r, a, log, process.WithFund(Fund), process.WithCheckpoints(spy)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	all, err := store.ReadAll(ctx, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	last := map[string]uint64{} // the last position of each topic: "$all" and each category
	for _, rec := range all {
		category, _, _ := strings.Cut(rec.Stream, "-")
		last[category] = rec.Position
		if !messaging.Internal(rec.Stream) {
			last[eventstore.AllStream] = rec.Position
		}
	}
	caughtUp := func() bool {
		spy.mu.Lock()
		defer spy.mu.Unlock()
		if len(spy.groups) == 0 {
			return false
		}
		for g := range spy.groups {
			if at, _ := spy.MemoryCheckpoints.Load(ctx, g[0], g[1]); at < last[g[1]] {
				return false
			}
		}
		return true
	}
	for deadline := time.Now().Add(10 * time.Second); !caughtUp(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the process managers did not catch up with the seed: %v", spy.groups)
		}
	}
	if after, _ := store.ReadAll(ctx, 0, 1<<20); len(after) != n {
		for _, rec := range after[n:] {
			t.Errorf("a process manager wrote %s to %s", rec.Type, rec.Stream)
		}
	}
	logMu.Lock()
	defer logMu.Unlock()
	if strings.Contains(logs.String(), "refused") {
		t.Errorf("a process manager was refused:\n%s", logs.String())
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
