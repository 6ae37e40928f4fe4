package readmodel

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
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

func TestOpenSQLiteGivesANewDatabaseSmallPagesAndKeepsAnExistingOnesSize(t *testing.T) {
	fresh := t.TempDir()
	db, err := OpenSQLite(fresh)
	if err != nil {
		t.Fatal(err)
	}
	if got := pageSizeOf(t, db); got != pageSize {
		t.Errorf("new database: page size %d, want %d", got, pageSize)
	}
	db.Close()

	old := t.TempDir() // made before pageSize, with SQLite's default 4 KiB pages and a row
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(old, "readmodels.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`PRAGMA page_size = 4096`, `PRAGMA journal_mode = WAL`, `CREATE TABLE t (v TEXT)`, `INSERT INTO t VALUES ('kept')`} {
		if _, err := raw.Exec(s); err != nil {
			t.Fatal(s, err)
		}
	}
	raw.Close()
	db, err = OpenSQLite(old)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := pageSizeOf(t, db); got != 4096 {
		t.Errorf("existing database: page size %d, want 4096 kept", got)
	}
	var v string
	if err := db.QueryRowContext(context.Background(), `SELECT v FROM t WHERE v = $1`, "kept").Scan(&v); err != nil {
		t.Errorf("existing database's row: %v", err)
	}
}
