package lease_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore/pgtest"
	"github.com/nongjiao/nongjiao/internal/lease"
)

// TestOneHolderAndTakeover: of two competitors one holds the lease and the
// other waits; when the holder releases, the other takes over within the poll
// interval; when the holder's session is killed, its held context ends with
// ErrLost and the other takes over.
func TestOneHolderAndTakeover(t *testing.T) {
	url, schema := pgtest.Schema(t) // the schema only names the lease
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	const poll = 100 * time.Millisecond
	a := &lease.Postgres{URL: url, Name: schema, Poll: poll}
	b := &lease.Postgres{URL: url, Name: schema, Poll: poll}

	heldA, releaseA, err := a.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type acquired struct {
		held    context.Context
		release func()
		at      time.Time
	}
	got := make(chan acquired, 1)
	go func() {
		held, release, err := b.Acquire(ctx)
		if err != nil {
			t.Error(err)
			return
		}
		got <- acquired{held, release, time.Now()}
	}()
	select {
	case <-got:
		t.Fatal("a second competitor took a lease already held")
	case <-time.After(5 * poll):
	}
	released := time.Now()
	releaseA()
	if heldA.Err() == nil {
		t.Fatal("the released lease's context is still live")
	}
	var bHeld acquired
	select {
	case bHeld = <-got:
	case <-ctx.Done():
		t.Fatal("the standby never took the released lease")
	}
	if took := bHeld.at.Sub(released); took > 3*poll {
		t.Errorf("the standby took over %v after the release, want within %v", took, 3*poll)
	}

	// Kill the holder's session from outside: it must learn it lost the lease.
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND a.application_name = $1`, lease.ApplicationName(schema)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-bHeld.held.Done():
		if !errors.Is(context.Cause(bHeld.held), lease.ErrLost) {
			t.Errorf("held context ended with %v, want ErrLost", context.Cause(bHeld.held))
		}
	case <-ctx.Done():
		t.Fatal("the holder never noticed its session was killed")
	}
	bHeld.release()
	heldA, releaseA, err = a.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	releaseA()
}
