package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/demo"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/logtest"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	projectorfeed "github.com/nongjiao/nongjiao/internal/readmodel/feed"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
	"github.com/nongjiao/nongjiao/internal/server"
)

// runWorker opens the exchange on dir as `serve` does (router, process
// managers and their checkpoints, scheduler, HTTP), loading the demo first
// when withDemo is set (as --demo does, before serving), runs during against it,
// waits until the workflows have nothing left to do and the read
// models have applied every event, and stops it.
func runWorker(t *testing.T, dir string, clock kernel.Clock, log io.Writer, withDemo bool, during func(ctx context.Context, s *server.Server)) {
	t.Helper()
	var before []func(*server.Server)
	if withDemo {
		before = append(before, seedDemo(t))
	}
	x := serveOn(t, server.Config{DataDir: dir, Worker: true, Clock: clock, SchedulerTick: 10 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelWarn}))}, before...)
	during(t.Context(), x.s)
	settle(t, x.s)
	x.stop()
}

// settle waits until the read models have applied the last event the
// projector is fed and no workflow has written for a while.
func settle(t *testing.T, s *server.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for head, quiet := uint64(0), 0; quiet < 5; {
		last := lastPosition(t, s.Store)
		if err := s.Projector.WaitFor(ctx, last); err != nil {
			t.Fatalf("the read models never reached %d: %v", last, err)
		}
		if last == head {
			quiet++
		} else {
			head, quiet = last, 0
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func lastPosition(t *testing.T, store eventstore.Store) uint64 {
	t.Helper()
	var last uint64
	for {
		recs, err := projectorfeed.Source(store).ReadAll(context.Background(), last, 1024)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			return last
		}
		last = recs[len(recs)-1].Position
	}
}

// bid places the next bid in the demo's live auction for bidder and returns its position.
func bid(ctx context.Context, t *testing.T, s *server.Server, bidder uuid.UUID) uint64 {
	t.Helper()
	if err := s.Projector.WaitFor(ctx, lastPosition(t, s.Store)); err != nil {
		t.Fatal(err)
	}
	var highest int64
	if err := s.DB.QueryRowContext(ctx, `SELECT highest_bid FROM listing_listings WHERE id = $1`, demo.ListingLive.String()).Scan(&highest); err != nil {
		t.Fatal(err)
	}
	res, err := s.App.Listings.Handle(ctx, listing.PlaceBid{ListingID: demo.ListingLive, BidderID: bidder, Amount: kernel.Money(highest) + kernel.Yuan(5_000)},
		app.Meta{CommandID: uuid.New(), Actor: "bidder:" + bidder.String()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Projector.WaitFor(ctx, res.Position); err != nil {
		t.Fatal(err)
	}
	return res.Position
}

// dump returns every row of every table of the read models in dir, in order.
func dump(t *testing.T, dir string) map[string][]string {
	t.Helper()
	db, err := readmodel.OpenSQLite(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return rmtest.Dump(t, db)
}

// diff names the tables whose rows differ.
func diff(before, after map[string][]string) []string {
	var out []string
	for table, rows := range before {
		if fmt.Sprint(rows) != fmt.Sprint(after[table]) {
			out = append(out, fmt.Sprintf("%s: %d rows before, %d after", table, len(rows), len(after[table])))
		}
	}
	for table := range after {
		if _, ok := before[table]; !ok {
			out = append(out, table+": new")
		}
	}
	return out
}

func TestReplayRebuildsEveryTableOfADirectoryAServerRanOn(t *testing.T) {
	dir, clock := t.TempDir(), kernel.NewManualClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC))
	runWorker(t, dir, clock, io.Discard, true, func(ctx context.Context, s *server.Server) {
		bid(ctx, t, s, demo.Lvyuan)
		bid(ctx, t, s, demo.Fenghe)
	})
	s, err := server.Open(context.Background(), server.Config{DataDir: dir, Clock: clock, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	stored, err := s.Store.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	checkpoints, internal := 0, 0
	for _, e := range stored {
		if e.Type == messaging.CheckpointStoredType {
			checkpoints++
		}
		if messaging.Internal(e.Stream) { // checkpoints and workflows' records
			internal++
		}
	}
	if checkpoints == 0 {
		t.Fatal("the server wrote no consumer-group checkpoints: the test does not cover what the live projector never sees")
	}
	s.Close()

	before := dump(t, dir)
	if len(before["listing_bidders"]) == 0 || len(before["projection_checkpoints"]) == 0 {
		t.Fatalf("nothing projected: %d bidders, %d checkpoints", len(before["listing_bidders"]), len(before["projection_checkpoints"]))
	}
	s, err = server.Open(context.Background(), server.Config{DataDir: dir, Clock: clock, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Replay(context.Background())
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	if n != len(stored)-internal {
		t.Errorf("replay read %d events; the store holds %d besides %d checkpoints and workflow records", n, len(stored)-internal, internal)
	}
	s.Close()
	if d := diff(before, dump(t, dir)); len(d) > 0 {
		t.Fatalf("replay changed the read models:\n%s", strings.Join(d, "\n"))
	}
}

func TestReadModelsAheadOfRestoredEventsAreRebuiltAtStart(t *testing.T) {
	dir, clock := t.TempDir(), kernel.NewManualClock(time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC))
	runWorker(t, dir, clock, io.Discard, true, func(context.Context, *server.Server) {})
	backup := t.TempDir()
	if err := os.CopyFS(backup, os.DirFS(filepath.Join(dir, "events"))); err != nil {
		t.Fatal(err)
	}
	runWorker(t, dir, clock, io.Discard, false, func(ctx context.Context, s *server.Server) {
		bid(ctx, t, s, demo.Lvyuan)
		bid(ctx, t, s, demo.Fenghe)
	})
	// The events come back from the older backup; the read models keep the two bids.
	if err := os.RemoveAll(filepath.Join(dir, "events")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, "events"), os.DirFS(backup)); err != nil {
		t.Fatal(err)
	}

	var log logtest.Buffer
	runWorker(t, dir, clock, &log, false, func(ctx context.Context, s *server.Server) {
		at := bid(ctx, t, s, demo.Lvyuan)
		var count, highest int64
		if err := s.DB.QueryRowContext(ctx, `SELECT bid_count, highest_bid FROM listing_listings WHERE id = $1`, demo.ListingLive.String()).Scan(&count, &highest); err != nil {
			t.Fatal(err)
		}
		if count != 4 || kernel.Money(highest) != kernel.Yuan(605_000) {
			t.Fatalf("after a bid at %d the board shows %d bids up to %d fen, want 4 up to 605,000.00", at, count, highest)
		}
	})
	if warns := log.Lines(slog.LevelWarn); len(warns) != 1 || !strings.Contains(warns[0], "which the event store does not hold") || !strings.Contains(warns[0], "listingview.v1") {
		t.Fatalf("want one WARN line naming the projections and why, got %q", warns)
	}
}
