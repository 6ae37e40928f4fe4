package kurrentdb

import (
	"context"
	"errors"
	"testing"
)

func TestKnownStreamsKeepTheMostRecentlyUsed(t *testing.T) {
	ks := newKnownStreams(2)
	use := func(stream string) *known {
		k, err := ks.lock(t.Context(), stream)
		if err != nil {
			t.Fatal(err)
		}
		k.unlock()
		return k
	}
	a := use("a")
	use("b")
	use("a") // b is now the least recently used
	use("c")
	if _, ok := ks.streams["b"]; ok || len(ks.streams) != 2 || ks.lru.Len() != 2 {
		t.Fatalf("kept %v, want a and c", ks.streams)
	}
	if use("a") != a {
		t.Fatal("a was dropped although used more recently than b")
	}
}

func TestKnownStreamLockHonoursTheContext(t *testing.T) {
	ks := newKnownStreams(2)
	k, err := ks.lock(t.Context(), "a")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := ks.lock(ctx, "a"); !errors.Is(err, context.Canceled) {
		t.Fatalf("lock of a held stream with a cancelled context = %v, want context.Canceled", err)
	}
	k.unlock()
	if _, err := ks.lock(t.Context(), "a"); err != nil {
		t.Fatalf("lock after unlock: %v", err)
	}
}
