package kurrentdb

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// Servers differ in which positions they fill on events read from a stream.
func TestFromRecordedPosition(t *testing.T) {
	for _, c := range []struct {
		name            string
		commit, prepare uint64
		want            uint64
	}{
		{"both set", 4242, 4242, 4242},
		{"commit unset", math.MaxUint64, 4242, 4242},
		{"both unset", math.MaxUint64, math.MaxUint64, 0},
	} {
		e := fromRecorded(&esdb.RecordedEvent{
			EventID: uuid.New(), EventNumber: 6, StreamID: "order-1", EventType: "Placed",
			Position: esdb.Position{Commit: c.commit, Prepare: c.prepare}, CreatedDate: time.Unix(1, 0),
		})
		if e.Position != c.want || e.Version != 7 {
			t.Errorf("%s: position %d version %d, want position %d version 7", c.name, e.Position, e.Version, c.want)
		}
	}
}

// Events written by other programs may carry metadata that is not ours.
func TestFromRecordedForeignMetadata(t *testing.T) {
	for _, meta := range []string{"", "not json", `{"$correlationId":"x"}`} {
		e := fromRecorded(&esdb.RecordedEvent{UserMetadata: []byte(meta), CreatedDate: time.Unix(1, 0)})
		if e.Metadata != (eventstore.Metadata{}) {
			t.Errorf("metadata %q read as %+v, want none", meta, e.Metadata)
		}
	}
}

// Correlation and causation ids are also stored under KurrentDB's names.
func TestMetadataForKurrentDBProjections(t *testing.T) {
	meta := eventstore.Metadata{CommandID: "c", Actor: "a", CorrelationID: "corr", CausationID: "cause"}
	out, err := toProposed([]eventstore.EventData{{ID: uuid.New(), Type: "Placed", Metadata: meta}})
	if err != nil {
		t.Fatal(err)
	}
	var stored map[string]string
	if err := json.Unmarshal(out[0].Metadata, &stored); err != nil {
		t.Fatal(err)
	}
	if stored["$correlationId"] != "corr" || stored["$causationId"] != "cause" {
		t.Fatalf("stored metadata %v, want $correlationId and $causationId", stored)
	}
	if back := fromRecorded(&esdb.RecordedEvent{UserMetadata: out[0].Metadata}); back.Metadata != meta {
		t.Fatalf("read back %+v, want %+v", back.Metadata, meta)
	}
}
