package pgstore_test

import (
	"context"
	"testing"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore/pgtest"
	"github.com/nongjiao/nongjiao/internal/eventstore/storetest"
)

// open opens a store in a fresh schema of the test PostgreSQL, or skips.
func open(tb testing.TB) *pgstore.Store {
	tb.Helper()
	url, schema := pgtest.Schema(tb)
	return openWith(tb, pgstore.Options{URL: url, Schema: schema})
}

// openWith opens a store with opts, closed when the test ends.
func openWith(tb testing.TB, opts pgstore.Options) *pgstore.Store {
	tb.Helper()
	s, err := pgstore.Open(context.Background(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// TestContract runs the shared contract suite, each subtest on a schema of its own.
func TestContract(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) eventstore.Store { return open(tb) })
}
