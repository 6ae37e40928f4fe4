package server_test

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore/pgtest"
	"github.com/nongjiao/nongjiao/internal/lease"
	"github.com/nongjiao/nongjiao/internal/server"
)

// A worker whose lease session is killed while it lives stops working and
// Run fails, so that its supervisor restarts it as a standby; a second
// worker meanwhile takes the lease.
func TestAWorkerThatLosesItsLeaseStops(t *testing.T) {
	url, schema := pgtest.Schema(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	run := func() (*server.Server, chan error) {
		s, err := server.Open(ctx, server.Config{DataDir: t.TempDir(), Store: "postgres", ReadModel: "postgres",
			PostgresURL: url, PostgresSchema: schema, Worker: true, LeasePoll: 50 * time.Millisecond,
			Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if s.Projector.Linger != 0 {
			t.Fatalf("a worker on shared read models gathers events for %v: replicas' read-your-writes would wait it out", s.Projector.Linger)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- s.Run(ctx, ln) }()
		return s, done
	}
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	holders := func() []int32 {
		rows, _ := admin.Query(ctx, `SELECT l.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1`, lease.ApplicationName("worker/"+schema))
		pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil {
			t.Fatal(err)
		}
		return pids
	}
	waitHolder := func(not int32) int32 {
		for ctx.Err() == nil {
			if pids := holders(); len(pids) == 1 && pids[0] != not {
				return pids[0]
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatal("no worker took the lease")
		return 0
	}

	_, first := run()
	holder := waitHolder(0)
	_, second := run()
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend($1)`, holder); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-first:
		if err == nil || !strings.Contains(err.Error(), "lease was lost") {
			t.Fatalf("Run of the worker that lost its lease = %v, want the lease-lost error", err)
		}
	case err := <-second:
		t.Fatalf("the standby stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the worker that lost its lease is still running 10 s later")
	}
	waitHolder(holder) // the standby took over
	cancel()
	if err := <-second; err != nil && !errors.Is(err, context.Canceled) {
		t.Errorf("the new holder's Run = %v, want nil once stopped", err)
	}
}
