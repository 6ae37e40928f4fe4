package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/server"
)

// A server stopped at any moment while it starts stops cleanly: Run returns
// nil when its context is cancelled before it begins or up to 2.2 ms after
// (start-up takes about 1.5 ms), for a worker and for a replica alike.
func TestRunStoppedWhileStartingReturnsNil(t *testing.T) {
	for _, worker := range []bool{true, false} {
		for i := range 12 {
			delay := time.Duration(i) * 200 * time.Microsecond
			s, err := server.Open(context.Background(), server.Config{
				DataDir: t.TempDir(), Worker: worker, SchedulerTick: time.Millisecond,
				Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			})
			if err != nil {
				t.Fatal(err)
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			if delay == 0 {
				cancel()
			} else {
				time.AfterFunc(delay, cancel)
			}
			err = s.Run(ctx, ln)
			cancel()
			s.Close()
			if err != nil {
				t.Fatalf("worker %v, cancelled after %v: Run returned %v, want nil", worker, delay, err)
			}
		}
	}
}
