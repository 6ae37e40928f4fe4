package messaging_test

import (
	"context"
	"strings"
	"testing"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/messaging"
)

func TestCheckpointStores(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) messaging.CheckpointStore{
		"memory": func(*testing.T) messaging.CheckpointStore { return &messaging.MemoryCheckpoints{} },
		"store":  func(t *testing.T) messaging.CheckpointStore { return messaging.NewStoreCheckpoints(newStore(t)) },
	} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			cp := open(t)
			load := func(group, topic string) uint64 {
				t.Helper()
				p, err := cp.Load(ctx, group, topic)
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			if p := load("g", "$all"); p != 0 {
				t.Fatalf("new group at %d, want 0", p)
			}
			for _, p := range []uint64{7, 7, 12} {
				if err := cp.Save(ctx, "g", "$all", p); err != nil {
					t.Fatal(err)
				}
			}
			if p := load("g", "$all"); p != 12 {
				t.Fatalf("checkpoint %d, want the last saved 12", p)
			}
			// Groups and topics do not share checkpoints, even when the
			// names could be split differently.
			if err := cp.Save(ctx, "a-b", "c", 3); err != nil {
				t.Fatal(err)
			}
			for _, k := range [][2]string{{"a", "b-c"}, {"g", "listing"}, {"h", "$all"}} {
				if p := load(k[0], k[1]); p != 0 {
					t.Errorf("group %q topic %q at %d, want 0", k[0], k[1], p)
				}
			}
		})
	}
}

func TestStoreCheckpointsLiveInTheSystemCategoryAndSkipRepeatedSaves(t *testing.T) {
	ctx := context.Background()
	store := newStore(t)
	cp := messaging.NewStoreCheckpoints(store)
	for _, p := range []uint64{5, 5, 9} {
		if err := cp.Save(ctx, "g", "listing", p); err != nil {
			t.Fatal(err)
		}
	}
	stream := messaging.CheckpointStream("g", "listing")
	if !strings.HasPrefix(stream, messaging.SystemCategory+"-") {
		t.Fatalf("checkpoint stream %q is outside %q", stream, messaging.SystemCategory)
	}
	rec, err := store.ReadStream(ctx, stream, eventstore.Forwards, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rec) != 2 || rec[0].Type != messaging.CheckpointStoredType {
		t.Fatalf("checkpoint stream has %d events (%+v), want 2 of type %s (saving 5 twice writes once)", len(rec), rec, messaging.CheckpointStoredType)
	}
}
