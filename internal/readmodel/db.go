package readmodel

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite", pure Go

	"github.com/nongjiao/nongjiao/internal/readmodel/changes"
)

// Dialect names the SQL backend, for the few statements that differ.
type Dialect int

// Dialects.
const (
	SQLite Dialect = iota
	Postgres
)

// DB is a read-model database. Its ExecContext, QueryContext and
// QueryRowContext keep a prepared statement per query text (for queries with
// arguments), so a hot query or projection statement is parsed once, not at
// every call: with SQLite, parsing was a quarter of a projection's CPU.
// Queries must therefore take their values as arguments, never spliced into
// the text. A DB must not be copied.
type DB struct {
	*sql.DB
	Dialect Dialect

	mu    sync.Mutex
	stmts map[string]*sql.Stmt

	writeMu sync.Mutex // held from beginWrite until its transaction ends
	writer  *sql.Conn  // SQLite: the connection every write transaction runs on
}

// maxStatements bounds the statement cache; past it, queries run unprepared.
const maxStatements = 2048

func newDB(db *sql.DB, d Dialect) *DB { return &DB{DB: db, Dialect: d, stmts: map[string]*sql.Stmt{}} }

// stmt returns the cached statement for query, preparing it on first use; nil
// when the cache is full or preparing failed (the caller runs it unprepared
// and gets the error, if any, from that).
func (db *DB) stmt(ctx context.Context, query string) *sql.Stmt {
	db.mu.Lock()
	st, ok := db.stmts[query]
	full := len(db.stmts) >= maxStatements
	db.mu.Unlock()
	if ok || full {
		return st
	}
	st, err := db.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	if other, ok := db.stmts[query]; ok {
		st.Close()
		return other
	}
	db.stmts[query] = st
	return st
}

// ExecContext runs a statement, prepared once per query text when it has arguments.
func (db *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := db.cached(ctx, query, args); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return db.DB.ExecContext(ctx, query, args...)
}

// QueryContext runs a query, prepared once per query text when it has
// arguments. Under changes.Track, a read no changes.Depend covers makes the
// tracked result depend on every change.
func (db *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	changes.Read(ctx)
	if st := db.cached(ctx, query, args); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a one-row query, prepared once per query text when
// it has arguments; under changes.Track as QueryContext.
func (db *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	changes.Read(ctx)
	if st := db.cached(ctx, query, args); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.DB.QueryRowContext(ctx, query, args...)
}

func (db *DB) cached(ctx context.Context, query string, args []any) *sql.Stmt {
	if len(args) == 0 { // schema changes and constant queries are not worth a statement
		return nil
	}
	return db.stmt(ctx, query)
}

// forgetStatements closes the cached statements (after tables were dropped).
func (db *DB) forgetStatements() {
	db.mu.Lock()
	defer db.mu.Unlock()
	for q, st := range db.stmts {
		st.Close()
		delete(db.stmts, q)
	}
}

// Close closes the cached statements, the writing connection and the database.
func (db *DB) Close() error {
	db.forgetStatements()
	db.writeMu.Lock()
	if db.writer != nil {
		db.writer.Close()
		db.writer = nil
	}
	db.writeMu.Unlock()
	return db.DB.Close()
}

// writerCacheKiB is the page cache of the SQLite connection that writes
// (SQLite's default holds 2 MiB, 1,000 of the database's 2 KiB pages). A
// write transaction's pages stay dirty until it commits, and a cache that
// cannot hold them writes them to the WAL early and reads them back; a page
// evicted between two transactions is read again from the WAL or the file.
// Only the writing connection keeps its cache from one transaction to the
// next (a reader's is emptied whenever another connection has committed), so
// only it gets a large one. Pages are allocated as they are used and kept
// until the connection closes.
const writerCacheKiB = 64 << 10

// writeTx is a write transaction of beginWrite. Its statements run with
// stmts; commit commits it unless the context it was begun with has ended;
// end, deferred by the caller, rolls back what was not committed and lets
// the next write begin.
type writeTx struct {
	*sql.Tx
	stmts   context.Context
	begun   context.Context
	release func()
}

// commit commits the transaction, or returns the error of the context it
// was begun with once that has ended: on SQLite neither the transaction nor
// its statements end with it (beginWrite).
func (w *writeTx) commit() error {
	if err := w.begun.Err(); err != nil {
		return err
	}
	return w.Tx.Commit()
}

// end rolls back the transaction unless it committed, and releases it.
func (w *writeTx) end() {
	w.Tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	w.release()
}

// beginWrite begins a write transaction. With SQLite every write transaction
// runs on one connection kept for it, so that the pages it changes stay in
// that connection's cache (writerCacheKiB) from one transaction to the next,
// and neither it nor its statements end with ctx: database/sql would roll
// the transaction back on a goroutine of its own, which could still be
// rolling back when the next write begins on the same connection, and the
// driver starts a goroutine to interrupt each statement whose context can
// end (a projector transaction runs a few statements for every event); the
// transaction's commit checks ctx instead. With PostgreSQL it is a
// transaction of the pool, and it and its statements end with ctx, so that a
// statement waiting on a lock is cancelled with it.
func (db *DB) beginWrite(ctx context.Context) (*writeTx, error) {
	if db.Dialect != SQLite {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		return &writeTx{Tx: tx, stmts: ctx, begun: ctx, release: func() {}}, nil
	}
	db.writeMu.Lock()
	if db.writer == nil {
		var err error
		if db.writer, err = db.openWriter(ctx); err != nil {
			db.writeMu.Unlock()
			return nil, err
		}
	}
	stmts := context.WithoutCancel(ctx)
	tx, err := db.writer.BeginTx(stmts, nil)
	if err != nil {
		db.writer.Close() // opened again by the next write
		db.writer = nil
		db.writeMu.Unlock()
		return nil, err
	}
	return &writeTx{Tx: tx, stmts: stmts, begun: ctx, release: db.writeMu.Unlock}, nil
}

// openWriter takes a connection from the pool for writing and sizes its cache.
func (db *DB) openWriter(ctx context.Context) (*sql.Conn, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA cache_size = -%d`, writerCacheKiB)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("size the page cache: %w", err)
	}
	return conn, nil
}

// txn is the projector's Tx: a transaction whose statements come from
// prepare, which returns nil to run a query unprepared.
type txn struct {
	tx      *sql.Tx
	prepare func(ctx context.Context, query string, args []any) *sql.Stmt
}

// inTx runs the DB's cached statements inside tx: a live batch.
func (db *DB) inTx(tx *sql.Tx) txn {
	return txn{tx, func(ctx context.Context, query string, args []any) *sql.Stmt {
		if st := db.cached(ctx, query, args); st != nil {
			return tx.StmtContext(ctx, st)
		}
		return nil
	}}
}

// ownStatements runs tx with statements prepared on tx itself, kept until it
// ends: a rebuild's statements name tables created inside tx, which other
// connections (and the DB's cache) cannot see until it commits.
func ownStatements(tx *sql.Tx) txn {
	stmts := map[string]*sql.Stmt{}
	return txn{tx, func(ctx context.Context, query string, args []any) *sql.Stmt {
		if len(args) == 0 {
			return nil
		}
		if st, ok := stmts[query]; ok {
			return st
		}
		st, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return nil
		}
		stmts[query] = st
		return st
	}}
}

func (t txn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.prepare(ctx, query, args); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

func (t txn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.prepare(ctx, query, args); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

func (t txn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.prepare(ctx, query, args); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}

// OpenSQLite opens (creating if needed) the embedded read-model database in
// dir. Writes are not fsynced at every commit (synchronous=NORMAL): the tables
// and their checkpoints commit together and are rebuilt from the event log, so
// losing the last commits on power loss only means re-applying them. The WAL
// is checkpointed into the database every 65,536 pages (64 MiB of pageSize
// pages) instead of SQLite's 1,000: a page the projector changes in many
// transactions between two checkpoints is copied into the database once, not
// once per 1,000 pages of log (BenchmarkProject with 4 KiB pages: 11.1 to 9.4
// KB written per event live, 281 to 141 B per event in a replay).
func OpenSQLite(dir string) (*DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)", "foreign_keys(ON)",
		"wal_autocheckpoint(65536)"} {
		q.Add("_pragma", p)
	}
	path := filepath.Join(dir, "readmodels.db")
	if err := setPageSize(path); err != nil {
		return nil, err
	}
	dsn := "file:" + path + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("readmodel: open sqlite: %w", err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("readmodel: open sqlite in %s: %w", dir, err)
	}
	// Keep connections (and their prepared statements) instead of opening one
	// per concurrent query: WAL readers run in parallel with the one writer.
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	return newDB(db, SQLite), nil
}

// pageSize is the page size of the embedded read-model database. Every page
// a commit changes is appended whole to the WAL, and a live projector commit
// changes a handful of scattered pages (a listing's row, a bid's, the index
// entries, the checkpoint row) for a few events, so small pages write less
// live; but a rebuild writes every table at once, and its cost grows with the
// pages: a board row of some 540 bytes fits once on a 1 KiB page (47 % of it
// unused) and three times on a 2 KiB one. With 2 KiB pages BenchmarkReplay
// gave 199,739–207,281 events/s against 190,376–194,177 for 1 KiB, in
// alternating runs, and the load test wrote 2.6× the log's bytes against
// 2.3×; 4 KiB pages replay faster still but wrote 2.3 times 1 KiB's bytes
// live (docs/performance.md, "Read-model pages of 2 KiB").
const pageSize = 2048

// setPageSize gives the database at path pageSize: a new one when its first
// page is written, which the driver's journal_mode pragma does before any
// other it is given; an existing one of another page size by VACUUM, which
// rewrites it whole and cannot change the page size in WAL mode. Either runs
// before the database's pool opens, so nothing else has it open.
func setPageSize(path string) error {
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		return fmt.Errorf("readmodel: open sqlite: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var pages, size int
	if err := db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		return fmt.Errorf("readmodel: open sqlite %s: %w", path, err)
	}
	if err := db.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
		return fmt.Errorf("readmodel: open sqlite %s: %w", path, err)
	}
	set := fmt.Sprintf("PRAGMA page_size = %d", pageSize)
	stmts := []string{set, "PRAGMA journal_mode = WAL"}
	if pages > 0 && size != pageSize {
		stmts = []string{"PRAGMA journal_mode = DELETE", set, "VACUUM", "PRAGMA journal_mode = WAL"}
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("readmodel: open sqlite %s: %s: %w", path, s, err)
		}
	}
	return nil
}

// OpenPostgres connects to PostgreSQL, e.g. "postgres://127.0.0.1:5432/test".
// Tables live in schema (created if missing) so several instances can share a database.
func OpenPostgres(ctx context.Context, dsn, schema string) (*DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("readmodel: open postgres: %w", err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("readmodel: connect postgres: %w", err)
	}
	if schema != "" {
		if _, err := db.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+quoteIdent(schema)); err != nil {
			db.Close()
			return nil, fmt.Errorf("readmodel: create schema: %w", err)
		}
		db.Close()
		joiner := "?"
		if strings.Contains(dsn, "?") {
			joiner = "&"
		}
		cfg := dsn + joiner + "search_path=" + url.QueryEscape(schema)
		if db, err = sql.Open("pgx", cfg); err != nil {
			return nil, err
		}
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	return newDB(db, Postgres), nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
