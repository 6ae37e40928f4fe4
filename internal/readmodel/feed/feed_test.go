package feed_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/feed"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
)

type happened struct{}

func (happened) EventType() string { return "test.Happened.v1" }

// counts counts the events of each stream.
type counts struct{}

func (counts) Name() string     { return "test_counts" }
func (counts) Version() int     { return 1 }
func (counts) Tables() []string { return []string{"test_counts"} }
func (counts) Schema(readmodel.Dialect) []string {
	return []string{`CREATE TABLE IF NOT EXISTS test_counts (stream TEXT PRIMARY KEY, n BIGINT NOT NULL)`}
}
func (counts) Apply(ctx context.Context, tx readmodel.Tx, e readmodel.Envelope) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO test_counts (stream, n) VALUES ($1, 1)
		ON CONFLICT (stream) DO UPDATE SET n = test_counts.n + 1`, e.Stream)
	return err
}

func count(tb testing.TB, db *readmodel.DB, stream string) int {
	tb.Helper()
	var n int
	if err := db.QueryRow(`SELECT n FROM test_counts WHERE stream = $1`, stream).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func happen(tb testing.TB, store eventstore.Store, stream string) eventstore.AppendResult {
	tb.Helper()
	res, err := store.Append(context.Background(), stream, eventstore.Any, eventstore.EventData{ID: uuid.New(), Type: "test.Happened.v1", Data: []byte(`{}`)})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

// TestLiveFeedAndReplayReadTheSameEvents runs the projector live on a store
// whose consumer groups keep checkpoints in it, as a server's do, then
// replays it: both leave out the checkpoint streams, which the projector
// cannot decode.
func TestLiveFeedAndReplayReadTheSameEvents(t *testing.T) {
	ctx := context.Background()
	db, store := rmtest.SQLite(t), memstore.New(kernel.SystemClock{})
	reg := kernel.NewRegistry()
	reg.Register(happened{})
	p, err := readmodel.NewProjector(ctx, db, reg, counts{})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- feed.Run(runCtx, store, p) }()
	checkpoints := messaging.NewStoreCheckpoints(store)
	var last eventstore.AppendResult
	for i := range 30 {
		last = happen(t, store, "thing-1")
		if err := checkpoints.Save(ctx, "another-group", "$all", uint64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.WaitFor(wctx, last.Position); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "thing-1"); n != 30 {
		t.Fatalf("live: %d events counted, want 30", n)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	short, cancel2 := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel2()
	if err := p.WaitFor(short, last.Position+1000); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("waiting for an unreached position returned %v", err)
	}

	if _, err := p.Replay(ctx, store, 4); err == nil {
		t.Fatal("a replay of every stored event, checkpoints included, succeeded: the test store has no checkpoints")
	}
	n, err := p.Replay(ctx, feed.Source(store), 4)
	if err != nil || n != 30 {
		t.Fatalf("replay read %d events, err %v; want 30", n, err)
	}
	if n := count(t, db, "thing-1"); n != 30 || p.Position() != last.Position {
		t.Fatalf("replayed: %d events counted at position %d, want 30 at %d", n, p.Position(), last.Position)
	}
}
