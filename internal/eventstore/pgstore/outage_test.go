package pgstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/pgstore/pgtest"
)

// A subscription outlives the loss of every connection of its store (as a
// restart of PostgreSQL breaks them): the failed read is retried on a new
// connection, the listener reconnects, and the events appended afterwards
// arrive, none skipped.
func TestSubscriptionOutlivesBrokenConnections(t *testing.T) {
	url, schema := pgtest.Schema(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	// Named after the schema: the test ends only its own sessions, not
	// those of tests running beside it on the same server.
	opts := pgstore.Options{URL: url, Schema: schema, ApplicationName: "pgstore " + schema}
	reader, writer := openWith(t, opts), openWith(t, opts)
	sub, err := reader.SubscribeAll(ctx, 0, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	// An append on a broken connection fails; its retry with the same id
	// is safe, as for any failed append.
	appendOne := func() uuid.UUID {
		e := eventstore.EventData{ID: uuid.New(), Type: "test.Appended", Data: []byte(`{}`)}
		_, err := writer.Append(ctx, "s-1", eventstore.Any, e)
		if err != nil {
			_, err = writer.Append(ctx, "s-1", eventstore.Any, e)
		}
		if err != nil {
			t.Fatal(err)
		}
		return e.ID
	}
	if first := appendOne(); must(t, sub, ctx).ID != first {
		t.Fatal("the first event did not arrive first")
	}

	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var killed int
	if err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()`,
		"pgstore "+schema).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed < 2 {
		t.Fatalf("terminated %d sessions, want the stores' pooled and listening ones", killed)
	}
	want := []uuid.UUID{appendOne(), appendOne(), appendOne()}
	for i, id := range want {
		if got := must(t, sub, ctx); got.ID != id {
			t.Fatalf("event %d after the outage is %s, want %s", i, got.ID, id)
		}
	}
}

func must(t *testing.T, sub eventstore.Subscription, ctx context.Context) eventstore.RecordedEvent {
	t.Helper()
	e, err := sub.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
