package kurrentdb_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/kurrentdb"
	"github.com/nongjiao/nongjiao/internal/eventstore/kurrentdb/standin"
)

// standIn starts a stand-in server for the test and returns its URL.
func standIn(tb testing.TB, opts ...standin.Option) string {
	tb.Helper()
	return startStandIn(tb, opts...).URL()
}

// startStandIn starts a stand-in server and stops it when the test ends.
func startStandIn(tb testing.TB, opts ...standin.Option) *standin.Server {
	tb.Helper()
	srv, err := standin.Start(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(srv.Close)
	return srv
}

// open opens a Store on url and closes it when the test ends.
func open(tb testing.TB, url string) *kurrentdb.Store {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := kurrentdb.Open(ctx, url, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = s.Close() })
	return s
}

func event(typ string) eventstore.EventData {
	return eventstore.EventData{ID: uuid.New(), Type: typ, Data: []byte(`{}`), Metadata: eventstore.Metadata{Actor: "test"}}
}

func mustAppend(t *testing.T, s eventstore.Store, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) eventstore.AppendResult {
	t.Helper()
	res, err := s.Append(t.Context(), stream, expected, events...)
	if err != nil {
		t.Fatalf("Append(%s, %s): %v", stream, expected, err)
	}
	return res
}

func version(t *testing.T, s eventstore.Store, stream string) uint64 {
	t.Helper()
	last, err := s.ReadStream(t.Context(), stream, eventstore.Backwards, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(last) == 0 {
		return 0
	}
	return last[0].Version
}

// KurrentDB writes a batch again when the expected revision is the stream's
// current one, even if the ids are stored earlier in the stream; the adapter
// must recognise them.
func TestReappendAtTheCurrentVersionWritesNothing(t *testing.T) {
	s := open(t, standIn(t))
	batch := []eventstore.EventData{event("Placed"), event("Paid")}
	first := mustAppend(t, s, "order-1", eventstore.NoStream, batch...)
	mustAppend(t, s, "order-1", eventstore.Exact(2), event("Shipped"))

	for _, expected := range []eventstore.ExpectedVersion{eventstore.Exact(3), eventstore.Any, eventstore.StreamExists} {
		if again := mustAppend(t, s, "order-1", expected, batch...); again != first {
			t.Fatalf("re-append with %s = %+v, want the original %+v", expected, again, first)
		}
	}
	// A single event of the batch is answered with its own place.
	if again := mustAppend(t, s, "order-1", eventstore.Any, batch[0]); again.Version != 1 || again.Position >= first.Position {
		t.Fatalf("re-append of the first event = %+v, want version 1 before %d", again, first.Position)
	}
	if v := version(t, s, "order-1"); v != 3 {
		t.Fatalf("version = %d, want 3", v)
	}
}

// Another process (here a second Store on the same server) knows nothing of
// this one's cache: it must still recognise a retry, and conflicts must
// report what the server holds, not a stale cache.
func TestTwoStoresOnOneServer(t *testing.T) {
	url := standIn(t)
	a, b := open(t, url), open(t, url)
	batch := []eventstore.EventData{event("Placed"), event("Paid")}
	first := mustAppend(t, a, "order-1", eventstore.NoStream, batch...)

	if again := mustAppend(t, b, "order-1", eventstore.Exact(2), batch...); again != first {
		t.Fatalf("retry through another store = %+v, want %+v", again, first)
	}
	// A store that knows nothing of the stream sends NoStream as asked;
	// KurrentDB finds the ids at the start and answers without a position.
	if again := mustAppend(t, open(t, url), "order-1", eventstore.NoStream, batch...); again != first {
		t.Fatalf("retry with NoStream through a third store = %+v, want %+v", again, first)
	}
	mustAppend(t, b, "order-1", eventstore.Exact(2), event("Shipped"))

	_, err := a.Append(t.Context(), "order-1", eventstore.Exact(2), event("Cancelled"))
	var ce *eventstore.ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, eventstore.ErrConcurrency) || ce.Actual != 3 || ce.Stream != "order-1" {
		t.Fatalf("append at a stale version = %v, want a conflict with actual version 3", err)
	}
	if res := mustAppend(t, a, "order-1", eventstore.Any, event("Closed")); res.Version != 4 {
		t.Fatalf("append with Any after another store wrote = version %d, want 4", res.Version)
	}
}

// Appends that race through two stores with Any all land, each once.
func TestAnyFromTwoStoresRaces(t *testing.T) {
	url := standIn(t)
	stores := []eventstore.Store{open(t, url), open(t, url)}
	const each = 40
	errs := make(chan error, 2*each)
	for _, s := range stores {
		go func() {
			for range each {
				_, err := s.Append(t.Context(), "counter", eventstore.Any, event("Incremented"))
				errs <- err
			}
		}()
	}
	for range 2 * each {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if v := version(t, stores[0], "counter"); v != 2*each {
		t.Fatalf("version = %d, want %d", v, 2*each)
	}
}

// Writers in four stores (as in four processes) race on one stream with
// exact versions, retrying on conflict from its actual version: KurrentDB
// refuses the stale writes, and every acknowledged version holds its event.
func TestExactFromFourStoresRaces(t *testing.T) {
	url := standIn(t)
	const stores, writers, each = 4, 4, 5
	type ack struct {
		version uint64
		id      uuid.UUID
		err     error
	}
	acks := make(chan ack, stores*writers*each)
	for range stores {
		s := open(t, url)
		for range writers {
			go func() {
				var seen uint64
				for i := 0; i < each; {
					e := event("Incremented")
					res, err := s.Append(t.Context(), "counter", eventstore.Exact(seen), e)
					var ce *eventstore.ConflictError
					switch {
					case errors.As(err, &ce) && ce.Actual > seen:
						seen = ce.Actual
					case err != nil:
						acks <- ack{err: err}
						return
					default:
						acks <- ack{version: res.Version, id: e.ID}
						seen = res.Version
						i++
					}
				}
			}()
		}
	}
	byVersion := map[uint64]uuid.UUID{}
	for range stores * writers * each {
		a := <-acks
		if a.err != nil {
			t.Fatal(a.err)
		}
		if _, dup := byVersion[a.version]; dup {
			t.Fatalf("version %d acknowledged twice", a.version)
		}
		byVersion[a.version] = a.id
	}
	got, err := open(t, url).ReadStream(t.Context(), "counter", eventstore.Forwards, 1, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != stores*writers*each {
		t.Fatalf("stream holds %d events, %d were acknowledged", len(got), stores*writers*each)
	}
	for _, e := range got {
		if byVersion[e.Version] != e.ID {
			t.Fatalf("version %d holds %s, the append acknowledged %s", e.Version, e.ID, byVersion[e.Version])
		}
	}
}

// KurrentDB's own system events are in $all; the contract's readers never
// see them, and positions are not dense.
func TestSystemEventsAreLeftOut(t *testing.T) {
	s := open(t, standIn(t))
	mustAppend(t, s, "order-1", eventstore.NoStream, event("Placed"), event("Paid"))
	all, err := s.ReadAll(t.Context(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("ReadAll from the start = %d events, want the 2 appended", len(all))
	}
	for _, e := range all {
		if strings.HasPrefix(e.Stream, "$") || strings.HasPrefix(e.Type, "$") {
			t.Fatalf("ReadAll returned system event %s %s", e.Stream, e.Type)
		}
	}
	if all[1].Position-all[0].Position < 2 {
		t.Fatalf("positions %d and %d: expected byte offsets, not a counter", all[0].Position, all[1].Position)
	}
	sub, err := s.SubscribeAll(t.Context(), 0, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	e, err := sub.Next(t.Context())
	if err != nil || e.ID != all[0].ID {
		t.Fatalf("first event of an unfiltered subscription = %s %s, %v; want %s", e.Stream, e.Type, err, all[0].ID)
	}
}

// Older servers send no positions on stream reads: ReadStream reports 0, and
// an append's result takes the position the append reported, which is the
// event's position in $all.
func TestServerWithoutStreamReadPositions(t *testing.T) {
	s := open(t, standIn(t, standin.WithoutStreamReadPositions()))
	res := mustAppend(t, s, "order-1", eventstore.NoStream, event("Placed"), event("Paid"))
	got, err := s.ReadStream(t.Context(), "order-1", eventstore.Forwards, 1, 10)
	if err != nil || len(got) != 2 || got[0].Position != 0 || got[1].Position != 0 {
		t.Fatalf("ReadStream = %+v, %v; want 2 events without positions", got, err)
	}
	all, err := s.ReadAll(t.Context(), 0, 10)
	if err != nil || len(all) != 2 || all[0].Position == 0 || all[1].Position != res.Position || res.Version != 2 {
		t.Fatalf("ReadAll = %+v, %v after append %+v; want the append's position on its last event", all, err, res)
	}
}

// KurrentDB drops a subscription whose consumer is too slow; the
// subscription picks up after the last event it delivered.
func TestSubscriptionSurvivesADrop(t *testing.T) {
	srv := startStandIn(t)
	s := open(t, srv.URL())
	sub, err := s.SubscribeAll(t.Context(), 0, eventstore.Filter{StreamPrefixes: []string{"order-"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	next := func(want eventstore.EventData) {
		t.Helper()
		got, err := sub.Next(t.Context())
		if err != nil || got.ID != want.ID {
			t.Fatalf("Next = %s %v, want %s", got.ID, err, want.ID)
		}
	}
	events := []eventstore.EventData{event("Placed"), event("Paid"), event("Shipped"), event("Closed")}
	mustAppend(t, s, "order-1", eventstore.NoStream, events[0])
	next(events[0])
	srv.DropSubscriptions()
	mustAppend(t, s, "order-1", eventstore.Exact(1), events[1:3]...)
	next(events[1])
	next(events[2])
	// By now the server has dropped the subscription: it drops while it
	// waits for events.
	time.Sleep(100 * time.Millisecond)
	mustAppend(t, s, "order-1", eventstore.Exact(3), events[3])
	next(events[3])
}

// When subscribing again keeps failing, Next says so instead of waiting.
func TestSubscriptionEndsWhenTheServerIsGone(t *testing.T) {
	srv := startStandIn(t)
	s := open(t, srv.URL()+"&maxDiscoverAttempts=1")
	sub, err := s.SubscribeAll(t.Context(), 0, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	_, err = sub.Next(ctx)
	if err == nil || errors.Is(err, eventstore.ErrClosed) || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Next with the server gone = %v, want the subscription's error", err)
	}
}

// The client closes itself for good when it cannot find a node; the Store
// puts a new one in its place, so it works again once KurrentDB is back.
func TestStoreOutlivesAServerOutage(t *testing.T) {
	srv := startStandIn(t)
	s := open(t, srv.URL()+"&maxDiscoverAttempts=1")
	mustAppend(t, s, "order-1", eventstore.NoStream, event("Placed"))
	srv.Close()
	// Appends fail until one makes the client look for a node, fail to find
	// one, and close itself. (A read that fails before its first message
	// does not make the client look again; an append does.)
	for i := 0; ; i++ {
		_, err := s.Append(t.Context(), "order-1", eventstore.Any, event("Paid"))
		if err == nil {
			t.Fatal("append with the server down succeeded")
		}
		if !errors.Is(err, eventstore.ErrUnavailable) {
			t.Fatalf("append with the server down = %v; want ErrUnavailable", err)
		}
		if strings.Contains(err.Error(), "discovery") {
			break
		}
		if i == 50 {
			t.Fatalf("the client never gave up looking for a node: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	startStandIn(t, standin.At(srv.Addr())) // back, and empty: the stand-in keeps nothing
	if res, err := s.Append(t.Context(), "order-2", eventstore.NoStream, event("Placed")); err != nil || res.Version != 1 {
		t.Fatalf("append after the server came back = %+v, %v", res, err)
	}
}

func TestOpenFailsOnAServerThatIsNotThere(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	// Port 1 on loopback: nothing listens there.
	_, err := kurrentdb.Open(ctx, "esdb://127.0.0.1:1?tls=false&maxDiscoverAttempts=1", nil)
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("Open = %v, want an error naming the address", err)
	}
	if _, err := kurrentdb.Open(ctx, "http://nowhere", nil); err == nil {
		t.Fatal("Open accepted a connection string that is not one")
	}
}

func TestCloseEndsSubscriptionsAndRefusesWork(t *testing.T) {
	s := open(t, standIn(t))
	sub, err := s.SubscribeAll(t.Context(), 0, eventstore.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := sub.Next(t.Context())
		done <- err
	}()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, eventstore.ErrClosed) {
			t.Fatalf("Next after the store closed = %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Next still waits after the store closed")
	}
	if _, err := s.ReadStream(t.Context(), "order-1", eventstore.Forwards, 1, 10); !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("ReadStream after Close = %v, want ErrClosed", err)
	}
	if _, err := s.SubscribeAll(t.Context(), 0, eventstore.Filter{}); !errors.Is(err, eventstore.ErrClosed) {
		t.Fatalf("SubscribeAll after Close = %v, want ErrClosed", err)
	}
}

// Appends in flight when the store closes complete or fail with ErrClosed.
func TestCloseWhileAppending(t *testing.T) {
	s := open(t, standIn(t))
	const writers = 8
	errs := make(chan error, writers)
	started := make(chan struct{}, writers)
	for w := range writers {
		go func() {
			stream := fmt.Sprintf("order-%d", w)
			for i := 0; ; i++ {
				if _, err := s.Append(context.Background(), stream, eventstore.Any, event("Changed")); err != nil {
					errs <- err
					return
				}
				if i == 0 {
					started <- struct{}{}
				}
			}
		}()
	}
	for range writers {
		<-started
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for range writers {
		if err := <-errs; !errors.Is(err, eventstore.ErrClosed) {
			t.Fatalf("append during Close = %v, want ErrClosed", err)
		}
	}
}
