package readmodel

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite", pure Go
)

// Dialect names the SQL backend, for the few statements that differ.
type Dialect int

// Dialects.
const (
	SQLite Dialect = iota
	Postgres
)

// DB is a read-model database.
type DB struct {
	*sql.DB
	Dialect Dialect
}

// OpenSQLite opens (creating if needed) the embedded read-model database in
// dir. Writes are not fsynced at every commit (synchronous=NORMAL): the tables
// and their checkpoints commit together and are rebuilt from the event log, so
// losing the last commits on power loss only means re-applying them.
func OpenSQLite(dir string) (*DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(NORMAL)", "busy_timeout(10000)", "foreign_keys(ON)"} {
		q.Add("_pragma", p)
	}
	dsn := "file:" + filepath.Join(dir, "readmodels.db") + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("readmodel: open sqlite: %w", err)
	}
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("readmodel: open sqlite in %s: %w", dir, err)
	}
	return &DB{DB: db, Dialect: SQLite}, nil
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
	return &DB{DB: db, Dialect: Postgres}, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
