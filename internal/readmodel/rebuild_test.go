package readmodel

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/logtest"
)

// upTo is a Source holding only the events of store up to last: the store
// restored from an older backup, or with its tail dropped.
type upTo struct {
	store eventstore.Store
	last  uint64
}

func (u upTo) ReadAll(ctx context.Context, after uint64, max int) ([]eventstore.RecordedEvent, error) {
	return u.held(u.store.ReadAll(ctx, after, max))
}

func (u upTo) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, max int) ([]eventstore.RecordedEvent, error) {
	return u.held(u.store.ReadStream(ctx, stream, dir, from, max))
}

// held keeps the events up to last of a forwards read.
func (u upTo) held(recs []eventstore.RecordedEvent, err error) ([]eventstore.RecordedEvent, error) {
	for i, r := range recs {
		if r.Position > u.last {
			return recs[:i], err
		}
	}
	return recs, err
}

// errRead is failingAfter's read error.
var errRead = errors.New("read failed")

// failingAfter is a Source whose reads of $all after position from fail.
type failingAfter struct {
	eventstore.Store
	from uint64
}

func (f failingAfter) ReadAll(ctx context.Context, after uint64, max int) ([]eventstore.RecordedEvent, error) {
	if after >= f.from {
		return nil, errRead
	}
	return f.Store.ReadAll(ctx, after, max)
}

// markRows adds a row no event projects, so a test sees whether the tables were rebuilt.
func markRows(tb testing.TB, db *DB) {
	tb.Helper()
	if _, err := db.Exec(`INSERT INTO test_balances (account, total, deposits) VALUES ('marker', 0, 0)`); err != nil {
		tb.Fatal(err)
	}
}

func rebuilt(tb testing.TB, db *DB) bool {
	tb.Helper()
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM test_balances WHERE account = 'marker'`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n == 0
}

// projected returns a projector over db that has applied every event of store.
func projected(tb testing.TB, db *DB, store eventstore.Store, proj balances) *Projector {
	tb.Helper()
	p, err := NewProjector(context.Background(), db, registry(), proj)
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.Apply(context.Background(), readAll(tb, store)...); err != nil {
		tb.Fatal(err)
	}
	return p
}

// restart opens db again as a new process would, logging to a new sink, and
// runs the start-up check against src.
func restart(tb testing.TB, db *DB, src Source, proj balances) (*Projector, *logtest.Buffer) {
	tb.Helper()
	p, err := NewProjector(context.Background(), db, registry(), proj)
	if err != nil {
		tb.Fatal(err)
	}
	sink := &logtest.Buffer{}
	p.Log = sink.Logger()
	if err := p.RebuildStale(context.Background(), src); err != nil {
		tb.Fatal(err)
	}
	return p, sink
}

func runRebuildSuite(t *testing.T, open func(t *testing.T) *DB) {
	ctx := context.Background()

	for _, c := range []struct {
		name string
		src  func(store eventstore.Store) Source // after 20 deposits projected
		want error                               // nil: any error
	}{
		{"an event fails to apply", func(store eventstore.Store) Source {
			deposit(t, store, "m", 13) // the replay drops the tables, applies 20 events, then fails on this one
			return store
		}, nil},
		{"reading the events fails", func(store eventstore.Store) Source {
			return failingAfter{store, 14} // the third read of 7 fails
		}, errRead},
	} {
		t.Run("should leave the tables and checkpoints as they were when a replay fails midway: "+c.name, func(t *testing.T) {
			db, store := open(t), memstore.New(kernel.SystemClock{})
			for i := range 20 {
				deposit(t, store, "m", int64(i+20))
			}
			p := projected(t, db, store, balances{})
			markRows(t, db)
			before := p.Position()
			if _, err := p.Replay(ctx, c.src(store), 7); err == nil || (c.want != nil && !errors.Is(err, c.want)) {
				t.Fatalf("the failing replay returned %v, want an error (%v)", err, c.want)
			}
			if total, n := balance(t, db, "m"); n != 20 || total != 20*20+19*20/2 || rebuilt(t, db) {
				t.Fatalf("after a failed replay: balance %d over %d deposits, tables dropped %v", total, n, rebuilt(t, db))
			}
			restarted, err := NewProjector(ctx, db, registry(), balances{})
			if err != nil {
				t.Fatal(err)
			}
			if p.Position() != before || restarted.Position() != before {
				t.Fatalf("after a failed replay the position is %d (stored %d), was %d", p.Position(), restarted.Position(), before)
			}
		})
	}

	t.Run("should rebuild at start a projection whose checkpoint is past the store's last event, not one at it", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		deposit(t, store, "h", 1)
		deposit(t, store, "h", 2)
		head := deposit(t, store, "h", 4).Position
		projected(t, db, store, balances{})
		markRows(t, db)

		_, sink := restart(t, db, upTo{store, head}, balances{})
		if rebuilt(t, db) || len(sink.Lines(slog.LevelWarn)) != 0 {
			t.Fatalf("a checkpoint at the store's last event was rebuilt: %v", sink.Lines(slog.LevelWarn))
		}

		p, sink := restart(t, db, upTo{store, head - 1}, balances{}) // the last event is gone
		if !rebuilt(t, db) || p.Position() != head-1 {
			t.Fatalf("a checkpoint past the store's last event: rebuilt %v, position %d", rebuilt(t, db), p.Position())
		}
		if total, n := balance(t, db, "h"); total != 3 || n != 2 {
			t.Fatalf("rebuilt balance %d over %d deposits, want 3 over 2", total, n)
		}
		warn := sink.Lines(slog.LevelWarn)
		if len(warn) != 1 || !strings.Contains(warn[0], "test_balances") || !strings.Contains(warn[0], "which the event store does not hold") {
			t.Fatalf("want one WARN line naming the projection and why, got %q", warn)
		}
	})

	t.Run("should rebuild at start a projection built by another version, once", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		deposit(t, store, "v", 5)
		projected(t, db, store, balances{})
		markRows(t, db)

		_, sink := restart(t, db, store, balances{bump: 1})
		warn := sink.Lines(slog.LevelWarn)
		if !rebuilt(t, db) || len(warn) != 1 || !strings.Contains(warn[0], "version 1, this build projects version 2") {
			t.Fatalf("a new version: rebuilt %v, WARN %q", rebuilt(t, db), warn)
		}
		if total, _ := balance(t, db, "v"); total != 5 {
			t.Fatalf("rebuilt balance %d, want 5", total)
		}
		markRows(t, db)
		if _, sink := restart(t, db, store, balances{bump: 1}); rebuilt(t, db) || len(sink.Lines(slog.LevelWarn)) != 0 {
			t.Fatalf("the same version was rebuilt again: %q", sink.Lines(slog.LevelWarn))
		}
	})

	t.Run("should record versions in a checkpoint table made before them and rebuild once", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		at := deposit(t, store, "o", 6).Position
		for _, q := range []string{
			`CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, position BIGINT NOT NULL)`,
			`CREATE TABLE test_balances (account TEXT PRIMARY KEY, total BIGINT NOT NULL, deposits BIGINT NOT NULL)`,
			`INSERT INTO test_balances VALUES ('o', 6, 1), ('marker', 0, 0)`,
		} {
			if _, err := db.Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.Exec(`INSERT INTO projection_checkpoints VALUES ('test_balances', $1)`, at); err != nil {
			t.Fatal(err)
		}
		p, sink := restart(t, db, store, balances{})
		if warn := sink.Lines(slog.LevelWarn); !rebuilt(t, db) || p.Position() != at || len(warn) != 1 || !strings.Contains(warn[0], "built before projection versions were recorded") {
			t.Fatalf("old checkpoint table: rebuilt %v at %d, WARN %q", rebuilt(t, db), p.Position(), sink.Lines(slog.LevelWarn))
		}
		markRows(t, db)
		if _, sink := restart(t, db, store, balances{}); rebuilt(t, db) {
			t.Fatalf("rebuilt again after the version was recorded: %q", sink.Lines(slog.LevelWarn))
		}
	})
}

func TestRebuildSQLite(t *testing.T) { runRebuildSuite(t, openTestSQLite) }

func TestRebuildPostgres(t *testing.T) { runRebuildSuite(t, openTestPostgres) }

// gated fails every event while closed is set.
type gated struct {
	closed *atomic.Bool
	tries  *atomic.Int32
}

func (gated) Name() string            { return "test_gated" }
func (gated) Version() int            { return 1 }
func (gated) Tables() []string        { return nil }
func (gated) Schema(Dialect) []string { return nil }
func (g gated) Apply(context.Context, Tx, Envelope) error {
	g.tries.Add(1)
	if g.closed.Load() {
		return errors.New("gate closed")
	}
	return nil
}

func TestApplierLogsAFailureWhenItStartsAndWhenItRecoversOnly(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	store := memstore.New(kernel.SystemClock{})
	g := gated{closed: &atomic.Bool{}, tries: &atomic.Int32{}}
	g.closed.Store(true)
	p, err := NewProjector(ctx, openTestSQLite(t), registry(), g)
	if err != nil {
		t.Fatal(err)
	}
	sink := &logtest.Buffer{}
	p.Log = sink.Logger()
	go p.ApplyQueued(ctx)
	rec := deposit(t, store, "x", 1)
	if err := p.Enqueue(ctx, readAll(t, store)[0]); err != nil {
		t.Fatal(err)
	}
	for g.tries.Load() < 4 { // the first try and three retries (50, 100, 200 ms)
		time.Sleep(10 * time.Millisecond)
	}
	g.closed.Store(false)
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.WaitFor(wctx, rec.Position); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); len(sink.Lines(slog.LevelInfo)) == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond) // the recovery is logged just after the commit WaitFor saw
	}
	errs, infos := sink.Lines(slog.LevelError), sink.Lines(slog.LevelInfo)
	if len(errs) != 1 || !strings.Contains(errs[0], "gate closed") {
		t.Fatalf("want one ERROR line with the error, got %q", errs)
	}
	if len(infos) != 1 || !strings.Contains(infos[0], "recovered") {
		t.Fatalf("want one INFO line on recovery, got %q", infos)
	}
}
