package server_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/server"
)

// countingStore counts the subscriptions opened on the store it wraps.
type countingStore struct {
	eventstore.Store
	subscriptions *atomic.Int32
}

func (c countingStore) SubscribeAll(ctx context.Context, after uint64, f eventstore.Filter) (eventstore.Subscription, error) {
	c.subscriptions.Add(1)
	return c.Store.SubscribeAll(ctx, after, f)
}

// A worker's projector, workflows, scheduler watchers and live hub consume
// one subscription of the store, and an event written still reaches the
// read models and the scheduler through it.
func TestAWorkerSubscribesToTheStoreOnce(t *testing.T) {
	var n atomic.Int32
	cfg := server.WithBackendWrapper(server.Config{DataDir: t.TempDir(), Worker: true, SchedulerTick: time.Hour,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))},
		func(s eventstore.Store) eventstore.Store { return countingStore{s, &n} })
	s, err := server.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})

	id, holder := uuid.New(), uuid.New()
	res, err := s.App.Assets.Handle(ctx, registry.RegisterAsset{AssetID: id, By: holder, Type: kernel.AssetLandManagementRight,
		Location: registry.Location{Province: "山东省", County: "寒亭区", Township: "固堤街道", Village: "王家庄"},
		Area:     2000, CertificateNo: "鲁(2026)寒亭区农村土地经营权第 0002 号", RightsEnd: time.Now().AddDate(30, 0, 0),
		Title: "王家庄苹果园", Contractor: holder, Holder: holder, Source: registry.Source{Reference: "承包合同", Date: time.Now()}},
		app.Meta{CommandID: uuid.New(), Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Projector.WaitFor(ctx, res.Position); err != nil {
		t.Fatal(err)
	}
	if err := s.App.SchedulerCaughtUp(ctx, res.Position); err != nil {
		t.Fatal(err)
	}
	if err := s.Live.WaitFor(ctx, res.Position); err != nil {
		t.Fatal(err)
	}
	if got := n.Load(); got != 1 {
		t.Fatalf("the store was subscribed %d times, want once", got)
	}
}
