package messaging_test

import (
	"context"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/eventstore/kurrentdb"
	"github.com/nongjiao/nongjiao/internal/eventstore/kurrentdb/standin"
)

// TestUniversalKurrentDBStandIn runs the universal suite through the
// KurrentDB adapter over real gRPC, against the in-process stand-in server
// (not KurrentDB itself; see package standin): global positions there are
// sparse byte offsets, which the bridge must not assume dense. Every
// append is a gRPC call to a test double, so the suite runs with its
// official ForceShort option (100-message counts instead of 5,000-10,000);
// the full counts run on memstore and filestore.
func TestUniversalKurrentDBStandIn(t *testing.T) {
	srv, err := standin.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	store, err := kurrentdb.Open(ctx, srv.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	short := features
	short.ForceShort = true
	runUniversal(t, store, short)
}
