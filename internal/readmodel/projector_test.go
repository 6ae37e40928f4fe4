package readmodel

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/testenv"
)

type deposited struct {
	Account string `json:"account"`
	Amount  int64  `json:"amount"`
}

func (deposited) EventType() string { return "test.Deposited.v1" }

// balances sums deposits per account; it fails on a deposit of exactly 13, to
// test that a failed batch changes nothing. bump raises its Version.
type balances struct{ bump int }

func (balances) Name() string     { return "test_balances" }
func (b balances) Version() int   { return 1 + b.bump }
func (balances) Tables() []string { return []string{"test_balances"} }
func (balances) Schema(Dialect) []string {
	return []string{`CREATE TABLE IF NOT EXISTS test_balances (account TEXT PRIMARY KEY, total BIGINT NOT NULL, deposits BIGINT NOT NULL)`}
}
func (balances) Apply(ctx context.Context, tx Tx, e Envelope) error {
	d, ok := e.Event.(deposited)
	if !ok {
		return nil
	}
	if d.Amount == 13 {
		return errors.New("unlucky deposit")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO test_balances (account, total, deposits) VALUES ($1, $2, 1)
		ON CONFLICT (account) DO UPDATE SET total = test_balances.total + excluded.total, deposits = test_balances.deposits + 1`,
		d.Account, d.Amount)
	return err
}

// cancelling is balances that calls cancel once it has applied a deposit
// of 99: the context its projector was given ends in the middle of a batch.
type cancelling struct {
	balances
	cancel context.CancelFunc
}

func (c cancelling) Apply(ctx context.Context, tx Tx, e Envelope) error {
	err := c.balances.Apply(ctx, tx, e)
	if d, ok := e.Event.(deposited); ok && d.Amount == 99 {
		c.cancel()
	}
	return err
}

func registry() *kernel.Registry {
	r := kernel.NewRegistry()
	r.Register(deposited{})
	return r
}

func deposit(tb testing.TB, s eventstore.Store, account string, amount int64) eventstore.AppendResult {
	tb.Helper()
	data, _ := json.Marshal(deposited{Account: account, Amount: amount})
	res, err := s.Append(context.Background(), "acct-"+account, eventstore.Any,
		eventstore.EventData{ID: uuid.New(), Type: "test.Deposited.v1", Data: data})
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func balance(tb testing.TB, db *DB, account string) (total, deposits int64) {
	tb.Helper()
	err := db.QueryRow(`SELECT total, deposits FROM test_balances WHERE account = $1`, account).Scan(&total, &deposits)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		tb.Fatal(err)
	}
	return total, deposits
}

func readAll(tb testing.TB, s eventstore.Store) []eventstore.RecordedEvent {
	tb.Helper()
	recs, err := s.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}

// runProjectorSuite is the contract every read-model backend passes.
func runProjectorSuite(t *testing.T, open func(t *testing.T) *DB) {
	ctx := context.Background()

	t.Run("should apply each event once even when it is delivered again", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		p, err := NewProjector(ctx, db, registry(), balances{})
		if err != nil {
			t.Fatal(err)
		}
		deposit(t, store, "a", 5)
		deposit(t, store, "a", 7)
		recs := readAll(t, store)
		if err := p.Apply(ctx, recs...); err != nil {
			t.Fatal(err)
		}
		if err := p.Apply(ctx, recs...); err != nil { // at-least-once redelivery
			t.Fatal(err)
		}
		if total, n := balance(t, db, "a"); total != 12 || n != 2 {
			t.Fatalf("balance %d over %d deposits, want 12 over 2", total, n)
		}
		if p.Position() != recs[1].Position {
			t.Fatalf("position %d, want %d", p.Position(), recs[1].Position)
		}
	})

	t.Run("should write nothing of a batch whose context ends while it applies", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		batchCtx, cancel := context.WithCancel(ctx)
		p, err := NewProjector(ctx, db, registry(), cancelling{cancel: cancel})
		if err != nil {
			t.Fatal(err)
		}
		deposit(t, store, "c", 99)
		deposit(t, store, "c", 1)
		recs := readAll(t, store)
		if err := p.Apply(batchCtx, recs...); err == nil {
			t.Fatal("a batch whose context ended was committed")
		}
		if total, n := balance(t, db, "c"); total != 0 || n != 0 || p.Position() != 0 {
			t.Fatalf("balance %d over %d deposits at position %d after the ended batch, want nothing", total, n, p.Position())
		}
		p.projs[0] = balances{} // the next batch runs to its end
		if err := p.Apply(ctx, recs...); err != nil {
			t.Fatalf("the batch again, with a live context: %v", err)
		}
		if total, n := balance(t, db, "c"); total != 100 || n != 2 {
			t.Fatalf("balance %d over %d deposits, want 100 over 2", total, n)
		}
	})

	t.Run("should resume from its checkpoint after a restart", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		p, _ := NewProjector(ctx, db, registry(), balances{})
		deposit(t, store, "b", 1)
		if err := p.Apply(ctx, readAll(t, store)...); err != nil {
			t.Fatal(err)
		}
		deposit(t, store, "b", 2)
		restarted, err := NewProjector(ctx, db, registry(), balances{})
		if err != nil {
			t.Fatal(err)
		}
		if restarted.Position() != p.Position() {
			t.Fatalf("restarted at %d, checkpoint was %d", restarted.Position(), p.Position())
		}
		if err := restarted.Apply(ctx, readAll(t, store)...); err != nil { // replays all: the first is skipped
			t.Fatal(err)
		}
		if total, n := balance(t, db, "b"); total != 3 || n != 2 {
			t.Fatalf("balance %d over %d deposits, want 3 over 2", total, n)
		}
	})

	t.Run("should change nothing when a batch fails", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		p, _ := NewProjector(ctx, db, registry(), balances{})
		deposit(t, store, "c", 4)
		deposit(t, store, "c", 13)
		if err := p.Apply(ctx, readAll(t, store)...); err == nil {
			t.Fatal("failing batch succeeded")
		}
		if total, n := balance(t, db, "c"); total != 0 || n != 0 || p.Position() != 0 {
			t.Fatalf("after a failed batch: balance %d, %d deposits, position %d", total, n, p.Position())
		}
		restarted, _ := NewProjector(ctx, db, registry(), balances{})
		if restarted.Position() != 0 {
			t.Fatalf("checkpoint of a failed batch was stored: %d", restarted.Position())
		}
	})

	t.Run("should let a replica that does not project wait for the worker's position", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		worker, _ := NewProjector(ctx, db, registry(), balances{})
		replica, _ := NewProjector(ctx, db, registry(), balances{})
		fctx, stop := context.WithCancel(ctx)
		defer stop()
		go replica.Follow(fctx, 5*time.Millisecond) //nolint:errcheck // ends with fctx
		last := deposit(t, store, "g", 7)
		if err := worker.Apply(ctx, readAll(t, store)...); err != nil {
			t.Fatal(err)
		}
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if err := replica.WaitFor(wctx, last.Position); err != nil {
			t.Fatalf("the replica never saw the worker's checkpoint: %v", err)
		}
	})

	t.Run("should hold back everything behind an event that fails to apply", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		p, _ := NewProjector(ctx, db, registry(), balances{})
		runCtx, stop := context.WithCancel(ctx)
		defer stop()
		go p.ApplyQueued(runCtx)
		good := deposit(t, store, "f", 4)
		bad := deposit(t, store, "f", 13) // fails until someone fixes the projection
		deposit(t, store, "f", 5)
		for _, rec := range readAll(t, store) {
			if err := p.Enqueue(ctx, rec); err != nil {
				t.Fatal(err)
			}
		}
		wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := p.WaitFor(wctx, good.Position); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond) // give it time to (wrongly) skip ahead
		if p.Position() >= bad.Position {
			t.Fatalf("position %d passed the failing event at %d", p.Position(), bad.Position)
		}
		if total, n := balance(t, db, "f"); total != 4 || n != 1 {
			t.Fatalf("balance %d over %d deposits: something behind the failing event was applied", total, n)
		}
	})

	t.Run("should rebuild the same rows on replay", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		p, _ := NewProjector(ctx, db, registry(), balances{})
		for i := range 30 {
			deposit(t, store, fmt.Sprintf("r%d", i%3), int64(100+i))
		}
		if err := p.Apply(ctx, readAll(t, store)...); err != nil {
			t.Fatal(err)
		}
		before := make([]int64, 3)
		for i := range before {
			before[i], _ = balance(t, db, fmt.Sprintf("r%d", i))
		}
		n, err := p.Replay(ctx, store, 7)
		if err != nil || n != 30 {
			t.Fatalf("replay read %d events, err %v", n, err)
		}
		for i := range before {
			if got, _ := balance(t, db, fmt.Sprintf("r%d", i)); got != before[i] {
				t.Fatalf("r%d = %d after replay, %d before", i, got, before[i])
			}
		}
	})
}

// openTestSQLite opens an embedded database in a temporary directory.
func openTestSQLite(t *testing.T) *DB {
	t.Helper()
	db, err := OpenSQLite(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestProjectorSQLite(t *testing.T) { runProjectorSuite(t, openTestSQLite) }

// postgresDSN is the PostgreSQL the tests use; CI starts it on 127.0.0.1:5432.
func postgresDSN() string {
	return testenv.Getenv("NONGJIAO_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
}

// openTestPostgres opens a fresh schema in the test PostgreSQL, dropped after
// the test, or skips (fails under NONGJIAO_REQUIRE_SERVICES=1) when it is unreachable.
func openTestPostgres(t *testing.T) *DB {
	t.Helper()
	testenv.Dial(t, "PostgreSQL", "127.0.0.1:5432")
	ctx := context.Background()
	schema := "t_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16]
	db, err := OpenPostgres(ctx, postgresDSN(), schema)
	if err != nil {
		testenv.Unavailable(t, "PostgreSQL", err.Error())
	}
	t.Cleanup(func() {
		db.ExecContext(ctx, `DROP SCHEMA `+quoteIdent(schema)+` CASCADE`) //nolint:errcheck
		db.Close()
	})
	return db
}

func TestProjectorPostgres(t *testing.T) {
	runProjectorSuite(t, openTestPostgres)
}
