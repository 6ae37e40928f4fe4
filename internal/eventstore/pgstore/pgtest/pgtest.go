// Package pgtest gives a test a fresh schema in the test PostgreSQL
// (NONGJIAO_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test),
// dropped when the test ends, or skips the test (fails it under
// NONGJIAO_REQUIRE_SERVICES=1) when PostgreSQL is unreachable.
package pgtest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/nongjiao/nongjiao/internal/testenv"
)

// URL returns the test PostgreSQL's connection string.
func URL() string {
	return testenv.Getenv("NONGJIAO_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
}

// Schema checks that PostgreSQL answers, before the test starts anything,
// and returns its URL and the name of a schema of the test's own (not yet
// created), which is dropped when the test ends.
func Schema(tb testing.TB) (url, schema string) {
	tb.Helper()
	url = URL()
	// The server of the URL, not a fixed address; bounded so that an
	// unreachable host skips promptly.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		testenv.Unavailable(tb, "PostgreSQL", err.Error())
	}
	conn.Close(context.Background())
	schema = "t_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16]
	tb.Cleanup(func() {
		ctx := context.Background()
		if conn, err := pgx.Connect(ctx, url); err == nil {
			conn.Exec(ctx, `DROP SCHEMA IF EXISTS `+pgx.Identifier{schema}.Sanitize()+` CASCADE`) //nolint:errcheck // best effort
			conn.Close(ctx)
		}
	})
	return url, schema
}
