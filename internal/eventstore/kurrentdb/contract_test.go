package kurrentdb_test

import (
	"os"
	"testing"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/storetest"
)

// TestContract runs the shared contract suite through the adapter, over real
// gRPC, against the in-process stand-in (not KurrentDB; see package standin).
// All subtests share one server, as they would share a real one.
func TestContract(t *testing.T) {
	url := standIn(t)
	storetest.Run(t, func(tb testing.TB) eventstore.Store { return open(tb, url) })
}

// TestContractKurrentDB runs the same suite against a real KurrentDB named by
// NONGJIAO_KURRENTDB_URL, e.g. 'esdb://127.0.0.1:2113?tls=false' for the one
// deploy/kurrentdb/compose.yaml starts. No KurrentDB can be installed where
// CI runs, so this test skips without the variable whatever
// NONGJIAO_REQUIRE_SERVICES says; the stand-in run above is CI's proof.
func TestContractKurrentDB(t *testing.T) {
	url := os.Getenv("NONGJIAO_KURRENTDB_URL")
	if url == "" {
		t.Skip("NONGJIAO_KURRENTDB_URL is not set: start KurrentDB with `docker compose -f deploy/kurrentdb/compose.yaml up -d` " +
			"and set NONGJIAO_KURRENTDB_URL='esdb://127.0.0.1:2113?tls=false' to run the contract suite against it")
	}
	storetest.Run(t, func(tb testing.TB) eventstore.Store { return open(tb, url) })
}
