// Package rmtest opens read-model databases for tests: an embedded SQLite
// in a temporary directory, or a fresh schema in the test PostgreSQL
// (NONGJIAO_POSTGRES_URL, default 127.0.0.1:5432/test), so every projection
// and query is tested on both backends the same way.
package rmtest

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/testenv"
)

// SQLite opens an embedded read-model database, closed when the test ends.
func SQLite(tb testing.TB) *readmodel.DB {
	tb.Helper()
	db, err := readmodel.OpenSQLite(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Postgres opens a fresh schema in the test PostgreSQL, closed and dropped
// when the test ends, or skips (fails under NONGJIAO_REQUIRE_SERVICES=1)
// when PostgreSQL is unreachable.
func Postgres(tb testing.TB) *readmodel.DB {
	tb.Helper()
	testenv.Dial(tb, "PostgreSQL", "127.0.0.1:5432")
	ctx := context.Background()
	dsn := testenv.Getenv("NONGJIAO_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	schema := "t_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16]
	db, err := readmodel.OpenPostgres(ctx, dsn, schema)
	if err != nil {
		testenv.Unavailable(tb, "PostgreSQL", err.Error())
	}
	tb.Cleanup(func() { // runs after cleanups registered later, such as a harness closing db
		db.Close()
		if admin, err := readmodel.OpenPostgres(ctx, dsn, ""); err == nil {
			admin.ExecContext(ctx, `DROP SCHEMA "`+schema+`" CASCADE`) //nolint:errcheck // best effort
			admin.Close()
		}
	})
	return db
}

// Both runs test on SQLite and on PostgreSQL, as subtests.
func Both(t *testing.T, test func(t *testing.T, db *readmodel.DB)) {
	t.Run("sqlite", func(t *testing.T) { test(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { test(t, Postgres(t)) })
}
