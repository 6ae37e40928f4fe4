package readmodel

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// foldedBalances is balances with a Fold that sums the deposits in memory
// and writes each account's row once; its Apply, when refused is set,
// fails, so a rebuild that applies its events instead of folding them fails.
type foldedBalances struct {
	balances
	refused bool
}

// Schema adds an index, which a rebuild makes after the fold's rows.
func (f foldedBalances) Schema(d Dialect) []string {
	return append(f.balances.Schema(d), `CREATE INDEX IF NOT EXISTS test_balances_total ON test_balances (total)`)
}

func (f foldedBalances) Apply(ctx context.Context, tx Tx, e Envelope) error {
	if f.refused {
		return errors.New("a Folder's Apply called in a rebuild")
	}
	return f.balances.Apply(ctx, tx, e)
}

func (foldedBalances) Fold(d Dialect) Fold {
	return &balanceFold{sums: map[string][2]int64{}, in: NewInserter(d, "test_balances", "account", "total", "deposits")}
}

type balanceFold struct {
	sums map[string][2]int64 // account → total, deposits
	in   *Inserter
}

func (b *balanceFold) Add(_ context.Context, _ Tx, e Envelope) error {
	d, ok := e.Event.(deposited)
	if !ok {
		return nil
	}
	s := b.sums[d.Account]
	b.sums[d.Account] = [2]int64{s[0] + d.Amount, s[1] + 1}
	return nil
}

// Flush fails on an account holding exactly 13, to test that a failed flush
// rolls the rebuild back.
func (b *balanceFold) Flush(ctx context.Context, tx Tx) error {
	for _, a := range slices.Sorted(maps.Keys(b.sums)) {
		if b.sums[a][0] == 13 {
			return errors.New("unlucky total")
		}
		if err := b.in.Add(ctx, tx, a, b.sums[a][0], b.sums[a][1]); err != nil {
			return err
		}
	}
	return b.in.Flush(ctx, tx)
}

func runFoldSuite(t *testing.T, open func(t *testing.T) *DB) {
	ctx := context.Background()
	t.Run("should rebuild a Folder through its Fold, to the rows Apply builds, its indexes made", func(t *testing.T) {
		store := memstore.New(kernel.SystemClock{})
		accounts := foldedBalances{}.Fold(SQLite).(*balanceFold).in.per + 3 // one statement's rows and a few
		for i := range 2 * accounts {
			deposit(t, store, fmt.Sprint("a", i%accounts), int64(100+i))
		}
		liveDB, replayDB := open(t), open(t)
		projected(t, liveDB, store, balances{})
		p, err := NewProjector(ctx, replayDB, registry(), foldedBalances{refused: true})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := p.Replay(ctx, store, 100); err != nil || n != 2*accounts {
			t.Fatalf("replayed %d of %d events: %v", n, 2*accounts, err)
		}
		for i := range accounts {
			a := fmt.Sprint("a", i)
			wantTotal, wantN := balance(t, liveDB, a)
			if total, n := balance(t, replayDB, a); total != wantTotal || n != wantN || n != 2 {
				t.Fatalf("account %s: %d over %d deposits, live %d over %d", a, total, n, wantTotal, wantN)
			}
		}
		q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'test_balances_total'`
		if replayDB.Dialect == Postgres {
			q = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'test_balances_total'`
		}
		var indexes int
		if err := replayDB.QueryRow(q).Scan(&indexes); err != nil || indexes != 1 {
			t.Fatalf("the index after a rebuild: %d (%v)", indexes, err)
		}
	})

	t.Run("should leave the tables and checkpoints as they were when a fold fails to write its rows", func(t *testing.T) {
		db, store := open(t), memstore.New(kernel.SystemClock{})
		deposit(t, store, "m", 5)
		p := projected(t, db, store, balances{})
		markRows(t, db)
		before := p.Position()
		deposit(t, store, "m", 8) // 13: the flush fails
		folding, err := NewProjector(ctx, db, registry(), foldedBalances{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := folding.Replay(ctx, store, 7); err == nil {
			t.Fatal("the replay whose fold failed succeeded")
		}
		if total, n := balance(t, db, "m"); total != 5 || n != 1 || rebuilt(t, db) || folding.Position() != before {
			t.Fatalf("after a failed fold: balance %d over %d deposits, tables dropped %v, position %d (was %d)", total, n, rebuilt(t, db), folding.Position(), before)
		}
	})
}

func TestFoldSQLite(t *testing.T) { runFoldSuite(t, openTestSQLite) }

func TestFoldPostgres(t *testing.T) { runFoldSuite(t, openTestPostgres) }

func TestIsIndex(t *testing.T) {
	for s, want := range map[string]bool{
		`CREATE INDEX IF NOT EXISTS x ON t (a)`:  true,
		"create unique index\n\tx ON t (a)":      true,
		`CREATE TABLE IF NOT EXISTS t (a TEXT)`:  false,
		`CREATE UNIQUE TABLE`:                    false,
		`ALTER TABLE t ADD COLUMN index_of TEXT`: false,
	} {
		if got := isIndex(s); got != want {
			t.Errorf("isIndex(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestSortedIDsFollowTheirText(t *testing.T) {
	m := map[uuid.UUID]bool{}
	for range 100 {
		m[uuid.New()] = true
	}
	ids := SortedIDs(m)
	if len(ids) != len(m) {
		t.Fatalf("%d ids of %d", len(ids), len(m))
	}
	for i := 1; i < len(ids); i++ {
		if ids[i-1].String() >= ids[i].String() {
			t.Fatalf("%s before %s", ids[i-1], ids[i])
		}
	}
}

func TestInserterStatement(t *testing.T) {
	for d, want := range map[Dialect]string{
		SQLite:   `INSERT INTO t (a, b) VALUES (?, ?), (?, ?)`,
		Postgres: `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)`,
	} {
		if got := NewInserter(d, "t", "a", "b").statement(2); got != want {
			t.Errorf("dialect %v: %s, want %s", d, got, want)
		}
	}
}

func TestInserterRefusesARowOfTheWrongWidth(t *testing.T) {
	in := NewInserter(SQLite, "t", "a", "b")
	if err := in.Add(context.Background(), nil, "only a"); err == nil {
		t.Fatal("a row of one value queued for two columns")
	}
	if len(in.args) != 0 {
		t.Fatalf("the refused row left %v queued", in.args)
	}
}
