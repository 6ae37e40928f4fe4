package server_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/demo"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/sandbox"
	"github.com/nongjiao/nongjiao/internal/server"
)

// sandboxStart is when the tests' sandboxes are created (a weekday morning
// in Shanghai).
var sandboxStart = time.Date(2026, 3, 10, 1, 30, 0, 0, time.UTC)

// startSandbox serves a sandbox from dir, created at start if new, with the
// demo loaded when withDemo.
func startSandbox(t *testing.T, dir string, start time.Time, withDemo bool) *exchangeServer {
	t.Helper()
	var before []func(*server.Server)
	if withDemo {
		before = append(before, seedDemo(t))
	}
	return serveOn(t, server.Config{
		DataDir: dir, Worker: true, Sandbox: true, Clock: kernel.NewManualClock(start), SchedulerTick: 10 * time.Millisecond,
		Log: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
	}, before...)
}

func (x *exchangeServer) exchangeToken() string { return x.token(auth.RoleExchange, demo.Exchange) }

// advance calls advanceClock and returns the payload's now and position.
func (x *exchangeServer) advance(to time.Time) (time.Time, string) {
	x.t.Helper()
	p := x.mutate(x.exchangeToken(), "advanceClock", map[string]any{"to": to.Format(time.RFC3339Nano)}, "now")
	now, err := time.Parse(time.RFC3339Nano, p["now"].(string))
	if err != nil {
		x.t.Fatal(err)
	}
	return now, p["position"].(string)
}

// events returns every event of the store, in order.
func events(t testing.TB, store eventstore.Store) []eventstore.RecordedEvent {
	t.Helper()
	var all []eventstore.RecordedEvent
	for after := uint64(0); ; {
		recs, err := store.ReadAll(context.Background(), after, 1024)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			return all
		}
		all = append(all, recs...)
		after = recs[len(recs)-1].Position
	}
}

// domainEvents returns the store's events but the Internal ones: the bridge's
// checkpoints, which its consumer groups write whenever they like, and the
// workflows' records.
func domainEvents(t *testing.T, store eventstore.Store) []eventstore.RecordedEvent {
	t.Helper()
	var out []eventstore.RecordedEvent
	for _, e := range events(t, store) {
		if !messaging.Internal(e.Stream) {
			out = append(out, e)
		}
	}
	return out
}

// The production schema has no advanceClock; a sandbox's has. Both answer
// the public clock query.
func TestOnlyTheSandboxSchemaHasAdvanceClock(t *testing.T) {
	for _, sb := range []bool{false, true} {
		s, err := server.Open(context.Background(), server.Config{DataDir: t.TempDir(), Worker: true, Sandbox: sb})
		if err != nil {
			t.Fatal(err)
		}
		_, has := s.Schema.MutationType().Fields()["advanceClock"]
		_, clock := s.Schema.QueryType().Fields()["clock"]
		s.Close()
		if has != sb || !clock {
			t.Errorf("sandbox %v: advanceClock %v, clock %v", sb, has, clock)
		}
	}
	sdl, err := server.SDL()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sdl, "advanceClock(") || !strings.Contains(sdl, "clock: Clock!") {
		t.Error("the printed (production) schema has advanceClock or lacks clock")
	}
}

// A sandbox's directory refuses to open without the sandbox flag, and a
// real one with it; the error names the flag.
func TestDataDirectoriesRefuseTheOtherMode(t *testing.T) {
	for _, made := range []bool{false, true} {
		dir := t.TempDir()
		s, err := server.Open(context.Background(), server.Config{DataDir: dir, Sandbox: made})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		_, err = server.Open(context.Background(), server.Config{DataDir: dir, Sandbox: !made})
		if !errors.Is(err, sandbox.ErrWrongMode) || !strings.Contains(err.Error(), "--sandbox") {
			t.Errorf("made sandbox %v, opened the other way: %v; want ErrWrongMode naming --sandbox", made, err)
		}
		if s, err = server.Open(context.Background(), server.Config{DataDir: dir, Sandbox: made}); err != nil {
			t.Errorf("made sandbox %v, reopened the same way: %v", made, err)
		} else {
			s.Close()
		}
	}
}

func TestSandboxNeedsTheEmbeddedStore(t *testing.T) {
	_, err := server.Open(context.Background(), server.Config{DataDir: t.TempDir(), Sandbox: true, Store: "kurrentdb"})
	if err == nil || !strings.Contains(err.Error(), "--sandbox needs the embedded store") {
		t.Fatalf("sandbox on kurrentdb: %v", err)
	}
}

// advanceClock to a time before now is refused with CLOCK_BACKWARDS and
// changes nothing; only the exchange may call it; to now it moves nothing.
func TestAdvanceClockRefusesThePast(t *testing.T) {
	x := startSandbox(t, t.TempDir(), sandboxStart, true)
	if now, _ := x.advance(sandboxStart); !now.Equal(sandboxStart) { // settles the demo's workflows
		t.Fatalf("advance to now answered %s", now)
	}
	before := domainEvents(t, x.s.Store)
	r := x.do(x.exchangeToken(), `mutation($to: DateTime!) { advanceClock(input: {to: $to}) { now } }`,
		map[string]any{"to": sandboxStart.Add(-time.Nanosecond).Format(time.RFC3339Nano)}, "")
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != sandbox.CodeClockBackwards || r.Errors[0].Extensions["field"] != "to" {
		t.Fatalf("advance to the past: %+v; want %s on field to", r.Errors, sandbox.CodeClockBackwards)
	}
	if now := x.s.Sandbox.Now(); !now.Equal(sandboxStart) {
		t.Fatalf("the refused advance moved the clock to %s", now)
	}
	if after := domainEvents(t, x.s.Store); len(after) != len(before) {
		t.Fatalf("the refused advance wrote %d events", len(after)-len(before))
	}
	bidder := x.token(auth.RoleBidder, demo.Fenghe)
	r = x.do(bidder, `mutation { advanceClock(input: {to: "2030-01-01T00:00:00Z"}) { now } }`, nil, "")
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != kernel.CodeForbidden {
		t.Fatalf("a bidder advancing the clock: %+v; want FORBIDDEN", r.Errors)
	}
	clock := x.query("", `{ clock { now sandbox } }`, nil, "")["clock"].(map[string]any)
	if clock["sandbox"] != true || clock["now"] != sandboxStart.Format(time.RFC3339Nano) {
		t.Fatalf("clock = %v", clock)
	}
}

// Advancing past the demo auction's close closes it at its own due time,
// not at the time advanced to, and every due command on the way is decided
// in time order.
func TestAdvanceClockDecidesEachDueCommandAtItsDueTime(t *testing.T) {
	x := startSandbox(t, t.TempDir(), sandboxStart, true)
	var closes time.Time
	if err := x.s.App.Listings.Inspect(context.Background(), demo.ListingLive, func(l listing.State, _ uint64) { closes = l.ClosesAt }); err != nil {
		t.Fatal(err)
	}
	feed := x.subscribe(x.exchangeToken(), `subscription($id: ID!) { auctionFeed(listingId: $id) { kind } }`, map[string]any{"id": demo.ListingLive.String()})
	feed.expect("SUBSCRIBED")
	from := len(events(t, x.s.Store))
	to := closes.Add(30 * 24 * time.Hour)
	now, pos := x.advance(to)
	feed.expect("CLOSED") // the live feed saw the close
	if !now.Equal(to) || !x.s.Sandbox.Now().Equal(to) {
		t.Fatalf("advanced to %s, now %s (clock %s)", to, now, x.s.Sandbox.Now())
	}
	var closed, scheduled []eventstore.RecordedEvent
	for _, e := range events(t, x.s.Store)[from:] {
		if e.Metadata.Actor == "system:scheduler" {
			scheduled = append(scheduled, e)
		}
		if e.Type == "listing.AuctionClosed.v1" && e.Stream == kernel.StreamName("listing", demo.ListingLive) {
			closed = append(closed, e)
		}
	}
	if len(closed) != 1 || !closed[0].Recorded.Equal(closes) {
		t.Fatalf("auction closed %d times; want once, recorded at its due time %s: %+v", len(closed), closes, closed)
	}
	times := map[time.Time]bool{}
	for i, e := range scheduled {
		if i > 0 && e.Recorded.Before(scheduled[i-1].Recorded) || e.Recorded.After(to) || e.Recorded.Before(sandboxStart) {
			t.Fatalf("scheduled event %d (%s) recorded at %s, after %s at %s", i, e.Type, e.Recorded, scheduled[max(i-1, 0)].Type, scheduled[max(i-1, 0)].Recorded)
		}
		times[e.Recorded] = true
	}
	if len(times) < 2 {
		t.Fatalf("the advance decided due commands at %d distinct times; want several", len(times))
	}
	status := x.query("", `query($id: ID!) { listing(id: $id) { status } }`, map[string]any{"id": demo.ListingLive.String()}, pos)
	if st := status["listing"].(map[string]any)["status"]; st == "AUCTION_OPEN" {
		t.Fatalf("after the advance the read model still shows the auction %v", st)
	}
}

// A sandbox that is stopped and served again continues from its own now,
// never from the real time.
func TestSandboxRestartContinuesFromItsOwnNow(t *testing.T) {
	dir := t.TempDir()
	x := startSandbox(t, dir, sandboxStart, true)
	to := sandboxStart.Add(400 * 24 * time.Hour)
	x.advance(to)
	if now, _ := x.advance(to); !now.Equal(to) { // tokens keep the wall clock: still valid
		t.Fatalf("advance to now answered %s", now)
	}
	x.stop()
	y := startSandbox(t, dir, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC), false)
	if now := y.s.Sandbox.Now(); !now.Equal(to) {
		t.Fatalf("restarted sandbox at %s; want its own now %s", now, to)
	}
	if now, _ := y.advance(to.Add(24 * time.Hour)); !now.Equal(to.Add(24 * time.Hour)) { // settles after a restart too
		t.Fatalf("advance after the restart answered %s", now)
	}
}
