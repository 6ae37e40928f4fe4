package backup_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/backup"
	"github.com/nongjiao/nongjiao/internal/demo"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
	"github.com/nongjiao/nongjiao/internal/server"
)

var now = time.Date(2026, 5, 12, 2, 0, 0, 0, time.UTC)

func quietLog() *slog.Logger {
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// openServer opens the exchange on dir without running it.
func openServer(t *testing.T, dir string, clock kernel.Clock) *server.Server {
	t.Helper()
	s, err := server.Open(context.Background(), server.Config{DataDir: dir, Worker: true, Clock: clock, Log: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// runServer runs s as serve does (HTTP, projector, process managers,
// scheduler) until the returned stop is called.
func runServer(t *testing.T, s *server.Server) (stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx, ln) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	}
}

// bidUnderLoad has the live auction's three qualified bidders outbid the
// leader from a goroutine each until stop is closed, and counts the bids
// accepted.
func bidUnderLoad(t *testing.T, s *server.Server, stop <-chan struct{}, accepted *atomic.Int64) *sync.WaitGroup {
	var wg sync.WaitGroup
	for _, bidder := range []uuid.UUID{demo.Fenghe, demo.Lvyuan, demo.Luqing} {
		wg.Go(func() {
			ctx := context.Background()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var next kernel.Money
				if err := s.App.Listings.Inspect(ctx, demo.ListingLive, func(l listing.State, _ uint64) {
					next = l.Leader.Amount + l.Details.Increment
				}); err != nil {
					t.Error(err)
					return
				}
				_, err := s.App.Listings.Handle(ctx, listing.PlaceBid{ListingID: demo.ListingLive, BidderID: bidder, Amount: next},
					app.Meta{CommandID: uuid.New(), Actor: "bidder:" + bidder.String()})
				var refused *kernel.Error
				switch {
				case err == nil:
					accepted.Add(1)
				case !errors.As(err, &refused): // outbid meanwhile, or leading already: a refusal, not a failure
					t.Error(err)
					return
				}
			}
		})
	}
	return &wg
}

// TestBackupUnderBidLoadRestoresEveryStreamAndRow backs up a running
// exchange while bidders bid, restores it twice, once as backed up and once
// without read models, and checks that the restored log is the source's log
// up to the manifest's position, event for event, and that the backed-up read
// models, caught up by the projector, equal read models replayed from nothing.
func TestBackupUnderBidLoadRestoresEveryStreamAndRow(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a server under load")
	}
	clock := kernel.NewManualClock(now)
	srcDir := t.TempDir()
	src := openServer(t, srcDir, clock)
	seeded, err := demo.Seed(context.Background(), src.Store, now, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	stopServer := runServer(t, src)
	stopLoad := make(chan struct{})
	var accepted atomic.Int64
	load := bidUnderLoad(t, src, stopLoad, &accepted)
	waitFor(t, "bids before the backup", func() bool { return accepted.Load() >= 100 })
	// The read models to back up hold at least the demo: the projector,
	// gathering the bids nobody waits for, may not have committed yet.
	waitFor(t, "read models holding the demo", func() bool { return src.Projector.Position() >= uint64(seeded) })

	bk := filepath.Join(t.TempDir(), "backup")
	start := time.Now()
	m, err := backup.Backup(context.Background(), backup.Options{DataDir: srcDir, To: bk, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backup: %d events, %d streams, %d bytes in %s; read models at %d", m.LastPosition, m.Streams, m.Bytes(), time.Since(start), m.ReadModelPosition)
	during := accepted.Load()
	waitFor(t, "bids after the backup", func() bool { return accepted.Load() >= during+100 })
	close(stopLoad)
	load.Wait()
	stopServer()

	if !m.Created.Equal(now) || m.LastPosition <= uint64(seeded) || m.ReadModelPosition > m.LastPosition || m.ReadModelPosition == 0 {
		t.Fatalf("manifest: created %s, last position %d after %d demo events, read models at %d", m.Created, m.LastPosition, seeded, m.ReadModelPosition)
	}
	source, err := filestore.Open(filestore.Options{Dir: filepath.Join(srcDir, "events")})
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()
	all := readAll(t, source)
	if uint64(len(all)) <= m.LastPosition {
		t.Fatalf("the source holds %d events, the backup %d: the load stopped at the backup", len(all), m.LastPosition)
	}
	want := all[:m.LastPosition]

	asBackedUp := restore(t, bk)
	replayed := restore(t, bk)
	if err := os.Remove(filepath.Join(replayed, "readmodels.db")); err != nil {
		t.Fatal(err)
	}
	r1, r2 := openServer(t, asBackedUp, clock), openServer(t, replayed, clock)

	// Every event, and every stream read on its own, as the source has them.
	if got := readAll(t, r1.Store); !reflect.DeepEqual(got, want) {
		t.Fatalf("restored log: %s", firstDifference(got, want))
	}
	streams := map[string][]eventstore.RecordedEvent{}
	for _, e := range want {
		streams[e.Stream] = append(streams[e.Stream], e)
	}
	if len(streams) != m.Streams {
		t.Errorf("manifest: %d streams, the log up to its position has %d", m.Streams, len(streams))
	}
	for name, events := range streams {
		got, err := r1.Store.ReadStream(context.Background(), name, eventstore.Forwards, 1, len(events)+1)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, events) {
			t.Fatalf("stream %s: %s", name, firstDifference(got, events))
		}
	}

	// The read models as backed up start at their checkpoint; caught up,
	// they equal the read models replayed from the first event.
	if pos := r1.Projector.Position(); pos == 0 || pos > m.ReadModelPosition {
		t.Fatalf("restored read models at %d, the manifest says %d", pos, m.ReadModelPosition)
	}
	t.Logf("the projector catches the restored read models up from %d to %d", r1.Projector.Position(), m.LastPosition)
	catchUp(t, r1, want)
	catchUp(t, r2, want)
	got, replay := rmtest.Dump(t, r1.DB), rmtest.Dump(t, r2.DB)
	if len(got) < 5 {
		t.Fatalf("the read models have %d tables", len(got))
	}
	for table, rows := range replay {
		if !reflect.DeepEqual(got[table], rows) {
			t.Errorf("table %s: %d rows restored, %d replayed; first difference: %s", table, len(got[table]), len(rows), firstDifference(got[table], rows))
		}
	}
	if len(got) != len(replay) {
		t.Errorf("%d tables restored, %d replayed", len(got), len(replay))
	}

	// The restored exchange takes the next bid after the backup's last event.
	var next kernel.Money
	if err := r1.App.Listings.Inspect(context.Background(), demo.ListingLive, func(l listing.State, _ uint64) {
		next = l.Leader.Amount + l.Details.Increment
	}); err != nil {
		t.Fatal(err)
	}
	bidder := demo.Fenghe
	if res, err := r1.App.Listings.Handle(context.Background(), listing.PlaceBid{ListingID: demo.ListingLive, BidderID: bidder, Amount: next},
		app.Meta{CommandID: uuid.New(), Actor: "bidder:" + bidder.String()}); err != nil && !errors.As(err, new(*kernel.Error)) {
		t.Fatal(err)
	} else if err == nil && res.Position <= m.LastPosition {
		t.Fatalf("a bid on the restored exchange went to position %d, within the backup's %d", res.Position, m.LastPosition)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// restore restores the backup bk into a new data directory and returns it.
func restore(t *testing.T, bk string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := backup.Restore(context.Background(), backup.RestoreOptions{From: bk, DataDir: dir}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readAll returns the whole log: the store reads it in one call.
func readAll(t *testing.T, s eventstore.Store) []eventstore.RecordedEvent {
	t.Helper()
	events, err := s.ReadAll(context.Background(), 0, math.MaxInt32)
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// catchUp applies events to s's read models as the projector's feed does:
// without the messaging bridge's own streams, each projection skipping what
// its checkpoint covers.
func catchUp(t *testing.T, s *server.Server, events []eventstore.RecordedEvent) {
	t.Helper()
	var feed []eventstore.RecordedEvent
	for _, e := range events {
		if !messaging.Internal(e.Stream) {
			feed = append(feed, e)
		}
	}
	for batch := range slices.Chunk(feed, 512) {
		if err := s.Projector.Apply(context.Background(), batch...); err != nil {
			t.Fatal(err)
		}
	}
	if end := feed[len(feed)-1].Position; s.Projector.Position() != end {
		t.Fatalf("projector at %d after applying up to %d", s.Projector.Position(), end)
	}
}

// firstDifference describes where two slices first differ.
func firstDifference[T any](got, want []T) string {
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			return fmt.Sprintf("at %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("got %d, want %d", len(got), len(want))
}
