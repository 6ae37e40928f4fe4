package readmodel

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"
)

// pageSizeOf reads the page size of db.
func pageSizeOf(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `PRAGMA page_size`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOpenSQLiteGivesEveryDatabasePageSizePages: a new database is made
// with pageSize pages, and one an earlier build made with 1 KiB pages is
// rewritten to pageSize, keeping its rows and WAL mode.
func TestOpenSQLiteGivesEveryDatabasePageSizePages(t *testing.T) {
	fresh := t.TempDir()
	db, err := OpenSQLite(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if got := pageSizeOf(t, db); got != pageSize {
		t.Errorf("new database: page size %d, want %d", got, pageSize)
	}
	db.Close()

	old := t.TempDir() // made by an earlier build, with 1 KiB pages and a row
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(old, "readmodels.db"))
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	for _, s := range []string{`PRAGMA page_size = 1024`, `PRAGMA journal_mode = WAL`,
		`CREATE TABLE t (v TEXT)`, `INSERT INTO t VALUES ('kept')`} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(s, err)
		}
	}
	if got := pageSizeOf(t, &DB{DB: raw}); got != 1024 {
		t.Fatalf("the earlier build's database: page size %d, want 1024", got)
	}
	raw.Close()
	db, err = OpenSQLite(old)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := pageSizeOf(t, db); got != pageSize {
		t.Errorf("existing database: page size %d, want %d", got, pageSize)
	}
	var v, mode string
	if err := db.QueryRowContext(context.Background(), `SELECT v FROM t WHERE v = $1`, "kept").Scan(&v); err != nil {
		t.Errorf("existing database's row: %v", err)
	}
	if err := db.QueryRowContext(context.Background(), `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v), want wal", mode, err)
	}
}

// TestWritesRunOnOneConnectionWithALargeCache: every write transaction
// runs on the same connection, whose page cache is writerCacheKiB, and a
// second write waits until the first is released.
func TestWritesRunOnOneConnectionWithALargeCache(t *testing.T) {
	ctx := context.Background()
	db, err := OpenSQLite(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var conns []int64
	for range 3 {
		held, err := db.Conn(ctx) // a connection of the pool, busy while the write runs
		if err != nil {
			t.Fatal(err)
		}
		tx, err := db.beginWrite(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var cache, id int64
		if err := tx.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
			t.Fatal(err)
		}
		if cache != -writerCacheKiB {
			t.Errorf("writing connection's cache_size %d, want %d", cache, -writerCacheKiB)
		}
		// A temporary table is seen by its own connection alone: the first
		// write makes it, the later ones find it.
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS conn (id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER)`); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO conn (at) VALUES (1)`); err != nil {
			t.Fatal(err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conn`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, id)
		if err := tx.commit(); err != nil {
			t.Fatal(err)
		}
		held.Close() // back to the pool first: a write given the pool's connection would take the other one next
		tx.end()
	}
	if conns[0] != 1 || conns[1] != 2 || conns[2] != 3 {
		t.Errorf("rows each write saw in its connection's temporary table: %v, want [1 2 3] (one connection)", conns)
	}

	tx, err := db.beginWrite(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := make(chan struct{})
	go func() {
		if tx2, err := db.beginWrite(ctx); err == nil {
			tx2.end() // nothing written
		}
		close(second)
	}()
	select {
	case <-second:
		t.Fatal("a second write began while the first was held")
	case <-time.After(50 * time.Millisecond):
	}
	tx.end() // nothing written
	<-second
}
