package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// Open returns a store for one subtest. Run closes it when the subtest ends.
type Open func(t testing.TB) eventstore.Store

// Run runs the contract suite against the stores open returns.
func Run(t *testing.T, open Open) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.run(newFixture(t, open))
		})
	}
}

var cases = []struct {
	name string
	run  func(f *fixture)
}{
	// Appending and expected versions.
	{"should create a stream with NoStream and number its events from 1", createWithNoStream},
	{"should refuse NoStream on an existing stream with the actual version", refuseNoStreamOnExisting},
	{"should refuse StreamExists on a missing stream with actual version 0", refuseStreamExistsOnMissing},
	{"should append with StreamExists to an existing stream", appendWithStreamExists},
	{"should append with Any whatever the stream version", appendWithAny},
	{"should append with the exact expected version", appendWithExact},
	{"should refuse a wrong expected version with the actual version", refuseWrongExact},
	{"should treat Exact(0) as NoStream", exactZeroIsNoStream},
	{"should write a batch atomically, every event or none", atomicBatch},
	{"should refuse invalid appends without writing", refuseInvalid},
	{"should treat a re-append of the same event ids as a no-op returning the original result", idempotentReappend},
	{"should keep streams independent", streamsIndependent},
	// Reading.
	{"should read a missing stream as empty", missingStreamEmpty},
	{"should read a stream forwards from a version with a maximum count", readForwards},
	{"should read a stream backwards from a version or from the end", readBackwards},
	{"should read all events after a position in order with strictly increasing positions", readAllAfter},
	{"should page through all events with a maximum count", readAllPages},
	{"should preserve id, type, data, metadata and recorded time", preserveFields},
	// Subscribing.
	{"should deliver stored events then live ones with no gap and no duplicate while others append", subscribeCatchUpThenLive},
	{"should start a subscription after the given position", subscribeAfterPosition},
	{"should filter a subscription by stream prefix", subscribeStreamPrefix},
	{"should filter a subscription by event type prefix", subscribeTypePrefix},
	{"should require both prefixes when a filter has both", subscribeBothPrefixes},
	{"should end a subscription on Close, even while Next waits", subscriptionClose},
	{"should end a subscription when its context is cancelled", subscriptionContext},
	{"should return the context error when the context given to Next ends", nextContext},
	// Closing.
	{"should refuse appends after the store is closed", appendAfterClose},
	// Concurrency proof.
	{"should keep one stream consistent under 64 racing writers, each event seen once by every subscriber", racingWriters},
}

// timeout bounds every subtest, so a lost event fails instead of hanging.
const timeout = 30 * time.Second

// fixture is one subtest's store, context and name space.
type fixture struct {
	*testing.T
	store  eventstore.Store
	ctx    context.Context
	prefix string // unique to this subtest: streams and event types start with it
	closed bool
}

func newFixture(t *testing.T, open Open) *fixture {
	ctx, cancel := context.WithTimeout(t.Context(), timeout)
	t.Cleanup(cancel)
	f := &fixture{
		T:      t,
		store:  open(t),
		ctx:    ctx,
		prefix: "st" + strings.ReplaceAll(uuid.NewString(), "-", "")[:12] + "-",
	}
	t.Cleanup(func() {
		if err := f.store.Close(); err != nil && !f.closed {
			t.Errorf("Close: %v", err)
		}
	})
	return f
}

// stream names a stream in this subtest's name space.
func (f *fixture) stream(name string) string { return f.prefix + name }

// event returns a new event of type (prefixed) typ with data {"n":n}.
func (f *fixture) event(typ string, n int) eventstore.EventData {
	return eventstore.EventData{
		ID:   uuid.New(),
		Type: f.prefix + typ,
		Data: fmt.Appendf(nil, `{"n":%d}`, n),
		Metadata: eventstore.Metadata{
			CommandID:     uuid.NewString(),
			Actor:         "storetest",
			CorrelationID: uuid.NewString(),
			CausationID:   uuid.NewString(),
		},
	}
}

// events returns n new events of type typ.
func (f *fixture) events(typ string, n int) []eventstore.EventData {
	out := make([]eventstore.EventData, n)
	for i := range out {
		out[i] = f.event(typ, i+1)
	}
	return out
}

// append appends and fails the test on error.
func (f *fixture) append(stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) eventstore.AppendResult {
	f.Helper()
	res, err := f.store.Append(f.ctx, stream, expected, events...)
	if err != nil {
		f.Fatalf("Append(%s, %s, %d events): %v", stream, expected, len(events), err)
	}
	return res
}

// mark appends an event outside the subtest's streams of interest and returns
// its position: every event written afterwards comes after it in $all.
func (f *fixture) mark() uint64 {
	f.Helper()
	return f.append(f.stream("marker"), eventstore.Any, f.event("Marked", 0)).Position
}

// conflict asserts err is a conflict on stream with the actual version.
func (f *fixture) conflict(err error, stream string, actual uint64) {
	f.Helper()
	if !errors.Is(err, eventstore.ErrConcurrency) {
		f.Fatalf("err = %v, want one matching ErrConcurrency", err)
	}
	var ce *eventstore.ConflictError
	if !errors.As(err, &ce) {
		f.Fatalf("err = %T %v, want a *ConflictError", err, err)
	}
	if ce.Stream != stream || ce.Actual != actual {
		f.Fatalf("conflict on %q actual %d, want %q actual %d", ce.Stream, ce.Actual, stream, actual)
	}
}

// read reads a whole stream forwards.
func (f *fixture) read(stream string) []eventstore.RecordedEvent {
	f.Helper()
	got, err := f.store.ReadStream(f.ctx, stream, eventstore.Forwards, 1, 1<<20)
	if err != nil {
		f.Fatalf("ReadStream(%s): %v", stream, err)
	}
	return got
}

// readAll reads $all after a position to its end, in pages, keeping the
// events of streams that start with prefix.
func (f *fixture) readAll(after uint64, prefix string) []eventstore.RecordedEvent {
	f.Helper()
	var out []eventstore.RecordedEvent
	for {
		page, err := f.store.ReadAll(f.ctx, after, 500)
		if err != nil {
			f.Fatalf("ReadAll(%d): %v", after, err)
		}
		if len(page) == 0 {
			return out
		}
		for _, e := range page {
			if e.Position <= after {
				f.Fatalf("ReadAll after %d returned position %d", after, e.Position)
			}
			after = e.Position
			if strings.HasPrefix(e.Stream, prefix) {
				out = append(out, e)
			}
		}
	}
}

// same asserts got holds exactly the events want, in order, in stream, with
// consecutive versions from first and strictly increasing positions.
func (f *fixture) same(got []eventstore.RecordedEvent, stream string, first uint64, want []eventstore.EventData) {
	f.Helper()
	if len(got) != len(want) {
		f.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i, e := range got {
		if e.ID != want[i].ID || e.Stream != stream || e.Version != first+uint64(i) {
			f.Fatalf("event %d = %s %s v%d, want %s %s v%d", i, e.ID, e.Stream, e.Version, want[i].ID, stream, first+uint64(i))
		}
	}
	increasing(f, got)
}

// increasing asserts positions strictly increase.
func increasing(t testing.TB, events []eventstore.RecordedEvent) {
	t.Helper()
	for i := 1; i < len(events); i++ {
		if events[i].Position <= events[i-1].Position {
			t.Fatalf("position %d after %d: positions must strictly increase", events[i].Position, events[i-1].Position)
		}
	}
}

// version returns a stream's current version, read backwards from the end.
func (f *fixture) version(stream string) uint64 {
	f.Helper()
	last, err := f.store.ReadStream(f.ctx, stream, eventstore.Backwards, 0, 1)
	if err != nil {
		f.Fatalf("ReadStream(%s, Backwards): %v", stream, err)
	}
	if len(last) == 0 {
		return 0
	}
	return last[0].Version
}

// subscribe subscribes to $all and closes the subscription when the subtest ends.
func (f *fixture) subscribe(after uint64, filter eventstore.Filter) eventstore.Subscription {
	f.Helper()
	sub, err := f.store.SubscribeAll(f.ctx, after, filter)
	if err != nil {
		f.Fatalf("SubscribeAll(%d): %v", after, err)
	}
	f.Cleanup(func() { _ = sub.Close() })
	return sub
}

// next returns n events from sub.
func (f *fixture) next(sub eventstore.Subscription, n int) []eventstore.RecordedEvent {
	f.Helper()
	out := make([]eventstore.RecordedEvent, 0, n)
	for range n {
		e, err := sub.Next(f.ctx)
		if err != nil {
			f.Fatalf("Next after %d of %d events: %v", len(out), n, err)
		}
		out = append(out, e)
	}
	return out
}

// ids lists the recorded events' ids.
func ids(events []eventstore.RecordedEvent) []uuid.UUID {
	out := make([]uuid.UUID, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

// dataIDs lists the ids of events to append.
func dataIDs(events []eventstore.EventData) []uuid.UUID {
	out := make([]uuid.UUID, len(events))
	for i, e := range events {
		out[i] = e.ID
	}
	return out
}

// sameIDs asserts two id lists are equal, in order.
func sameIDs(t testing.TB, got, want []uuid.UUID) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("event %d is %s, want %s", i, got[i], want[i])
		}
	}
}

func createWithNoStream(f *fixture) {
	s := f.stream("order-1")
	evs := f.events("Placed", 3)
	res := f.append(s, eventstore.NoStream, evs...)
	got := f.read(s)
	f.same(got, s, 1, evs)
	if res.Version != 3 || res.Position != got[2].Position {
		f.Fatalf("result = %+v, want version 3 at the last event's position %d", res, got[2].Position)
	}
}

func refuseNoStreamOnExisting(f *fixture) {
	s := f.stream("order-1")
	f.append(s, eventstore.NoStream, f.events("Placed", 2)...)
	_, err := f.store.Append(f.ctx, s, eventstore.NoStream, f.event("Placed", 3))
	f.conflict(err, s, 2)
	if v := f.version(s); v != 2 {
		f.Fatalf("version after a refused append = %d, want 2", v)
	}
}

func refuseStreamExistsOnMissing(f *fixture) {
	s := f.stream("order-1")
	_, err := f.store.Append(f.ctx, s, eventstore.StreamExists, f.event("Placed", 1))
	f.conflict(err, s, 0)
	if got := f.read(s); len(got) != 0 {
		f.Fatalf("a refused append wrote %d events", len(got))
	}
}

func appendWithStreamExists(f *fixture) {
	s := f.stream("order-1")
	first := f.event("Placed", 1)
	second := f.event("Paid", 2)
	f.append(s, eventstore.NoStream, first)
	res := f.append(s, eventstore.StreamExists, second)
	if res.Version != 2 {
		f.Fatalf("version = %d, want 2", res.Version)
	}
	f.same(f.read(s), s, 1, []eventstore.EventData{first, second})
}

func appendWithAny(f *fixture) {
	s := f.stream("order-1")
	a, b := f.event("Placed", 1), f.event("Paid", 2)
	if res := f.append(s, eventstore.Any, a); res.Version != 1 {
		f.Fatalf("version on a missing stream = %d, want 1", res.Version)
	}
	if res := f.append(s, eventstore.Any, b); res.Version != 2 {
		f.Fatalf("version on an existing stream = %d, want 2", res.Version)
	}
	f.same(f.read(s), s, 1, []eventstore.EventData{a, b})
}

func appendWithExact(f *fixture) {
	s := f.stream("order-1")
	var want []eventstore.EventData
	var last eventstore.AppendResult
	for v := range uint64(4) {
		e := f.event("Changed", int(v))
		res := f.append(s, eventstore.Exact(v), e)
		if res.Version != v+1 || (v > 0 && res.Position <= last.Position) {
			f.Fatalf("append at %d = %+v after %+v, want version %d at a greater position", v, res, last, v+1)
		}
		last = res
		want = append(want, e)
	}
	f.same(f.read(s), s, 1, want)
}

func refuseWrongExact(f *fixture) {
	s := f.stream("order-1")
	f.append(s, eventstore.NoStream, f.events("Placed", 3)...)
	for _, wrong := range []uint64{1, 2, 4, 9} {
		_, err := f.store.Append(f.ctx, s, eventstore.Exact(wrong), f.event("Paid", 4))
		f.conflict(err, s, 3)
	}
	if v := f.version(s); v != 3 {
		f.Fatalf("version after refused appends = %d, want 3", v)
	}
	_, err := f.store.Append(f.ctx, f.stream("missing"), eventstore.Exact(1), f.event("Paid", 1))
	f.conflict(err, f.stream("missing"), 0)
}

func exactZeroIsNoStream(f *fixture) {
	s := f.stream("order-1")
	f.append(s, eventstore.Exact(0), f.event("Placed", 1))
	_, err := f.store.Append(f.ctx, s, eventstore.Exact(0), f.event("Placed", 2))
	f.conflict(err, s, 1)
}

func atomicBatch(f *fixture) {
	s := f.stream("order-1")
	at := f.mark()
	batch := f.events("Placed", 5)
	res := f.append(s, eventstore.NoStream, batch...)
	if res.Version != 5 {
		f.Fatalf("version after a batch of 5 = %d", res.Version)
	}
	refused := f.events("Paid", 4)
	_, err := f.store.Append(f.ctx, s, eventstore.Exact(2), refused...)
	f.conflict(err, s, 5)

	f.same(f.read(s), s, 1, batch)
	all := f.readAll(at, f.stream("order"))
	f.same(all, s, 1, batch)
	if all[4].Position != res.Position {
		f.Fatalf("result position %d, last event at %d", res.Position, all[4].Position)
	}
}

func refuseInvalid(f *fixture) {
	s := f.stream("order-1")
	noID := f.event("Placed", 1)
	noID.ID = uuid.Nil
	noType := f.event("Placed", 1)
	noType.Type = ""
	for name, try := range map[string]func() error{
		"no events":         func() error { _, err := f.store.Append(f.ctx, s, eventstore.Any); return err },
		"empty stream name": func() error { _, err := f.store.Append(f.ctx, "", eventstore.Any, f.event("Placed", 1)); return err },
		"$all": func() error {
			_, err := f.store.Append(f.ctx, eventstore.AllStream, eventstore.Any, f.event("Placed", 1))
			return err
		},
		"event without id": func() error {
			_, err := f.store.Append(f.ctx, s, eventstore.Any, f.event("Placed", 1), noID)
			return err
		},
		"event without type": func() error { _, err := f.store.Append(f.ctx, s, eventstore.Any, noType); return err },
		"cancelled context": func() error {
			ctx, cancel := context.WithCancel(f.ctx)
			cancel()
			_, err := f.store.Append(ctx, s, eventstore.Any, f.event("Placed", 1))
			return err
		},
		"system stream ($...)": func() error { _, err := f.store.Append(f.ctx, "$"+s, eventstore.Any, f.event("Placed", 1)); return err },
	} {
		err := try()
		if err == nil || errors.Is(err, eventstore.ErrConcurrency) {
			f.Errorf("%s: err = %v, want a refusal that is not a conflict", name, err)
		}
	}
	if got := f.read(s); len(got) != 0 {
		f.Fatalf("refused appends wrote %d events", len(got))
	}
}

func idempotentReappend(f *fixture) {
	s := f.stream("order-1")
	f.append(s, eventstore.NoStream, f.event("Placed", 1))
	batch := []eventstore.EventData{f.event("Paid", 2), f.event("Shipped", 3)}
	first := f.append(s, eventstore.Exact(1), batch...)
	at := f.mark()

	// The retry of a timed-out command: same ids, same expectation.
	again := f.append(s, eventstore.Exact(1), batch...)
	if again != first {
		f.Fatalf("re-append returned %+v, want the original %+v", again, first)
	}
	// And with Any.
	if again := f.append(s, eventstore.Any, batch...); again != first {
		f.Fatalf("re-append with Any returned %+v, want the original %+v", again, first)
	}
	if v := f.version(s); v != 3 {
		f.Fatalf("version after re-appends = %d, want 3", v)
	}
	if written := f.readAll(at, s); len(written) != 0 {
		f.Fatalf("re-appends wrote %d events to $all", len(written))
	}
	// The same ids in another stream are other events.
	other := f.stream("order-2")
	if res := f.append(other, eventstore.NoStream, batch...); res.Version != 2 {
		f.Fatalf("the same ids in another stream: version %d, want 2", res.Version)
	}
}

func streamsIndependent(f *fixture) {
	a, b := f.stream("order-1"), f.stream("order-2")
	ea, eb := f.events("Placed", 2), f.events("Placed", 3)
	f.append(a, eventstore.NoStream, ea[0])
	f.append(b, eventstore.NoStream, eb[0])
	f.append(a, eventstore.Exact(1), ea[1])
	f.append(b, eventstore.Exact(1), eb[1:]...)
	f.same(f.read(a), a, 1, ea)
	f.same(f.read(b), b, 1, eb)
}

func missingStreamEmpty(f *fixture) {
	for _, dir := range []eventstore.Direction{eventstore.Forwards, eventstore.Backwards} {
		for _, from := range []uint64{0, 1, 7} {
			got, err := f.store.ReadStream(f.ctx, f.stream("missing"), dir, from, 10)
			if err != nil || len(got) != 0 {
				f.Fatalf("ReadStream(missing, %d, from %d) = %d events, %v; want none, nil", dir, from, len(got), err)
			}
		}
	}
}

func readForwards(f *fixture) {
	s := f.stream("order-1")
	evs := f.events("Changed", 10)
	f.append(s, eventstore.NoStream, evs[:4]...)
	f.append(s, eventstore.Exact(4), evs[4:]...)
	for _, c := range []struct {
		from  uint64
		max   int
		first int // index into evs
		n     int
	}{
		{from: 1, max: 100, first: 0, n: 10},
		{from: 0, max: 3, first: 0, n: 3}, // from 0 reads from the start
		{from: 3, max: 4, first: 2, n: 4},
		{from: 9, max: 5, first: 8, n: 2},
		{from: 10, max: 1, first: 9, n: 1},
		{from: 11, max: 5, n: 0},
	} {
		got, err := f.store.ReadStream(f.ctx, s, eventstore.Forwards, c.from, c.max)
		if err != nil {
			f.Fatalf("ReadStream(from %d, max %d): %v", c.from, c.max, err)
		}
		f.same(got, s, uint64(c.first+1), evs[c.first:c.first+c.n])
	}
}

func readBackwards(f *fixture) {
	s := f.stream("order-1")
	evs := f.events("Changed", 10)
	f.append(s, eventstore.NoStream, evs...)
	for _, c := range []struct {
		from uint64
		max  int
		want []int // versions
	}{
		{from: 0, max: 3, want: []int{10, 9, 8}},
		{from: 10, max: 2, want: []int{10, 9}},
		{from: 4, max: 10, want: []int{4, 3, 2, 1}},
		{from: 1, max: 10, want: []int{1}},
		{from: 0, max: 100, want: []int{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}},
	} {
		got, err := f.store.ReadStream(f.ctx, s, eventstore.Backwards, c.from, c.max)
		if err != nil {
			f.Fatalf("ReadStream(Backwards, from %d, max %d): %v", c.from, c.max, err)
		}
		if len(got) != len(c.want) {
			f.Fatalf("Backwards from %d max %d: %d events, want %d", c.from, c.max, len(got), len(c.want))
		}
		for i, e := range got {
			v := c.want[i]
			if e.Version != uint64(v) || e.ID != evs[v-1].ID {
				f.Fatalf("Backwards from %d: event %d is v%d %s, want v%d %s", c.from, i, e.Version, e.ID, v, evs[v-1].ID)
			}
			if i > 0 && e.Position >= got[i-1].Position {
				f.Fatalf("Backwards: position %d after %d, want decreasing", e.Position, got[i-1].Position)
			}
		}
	}
}

func readAllAfter(f *fixture) {
	at := f.mark()
	a, b := f.stream("order-1"), f.stream("order-2")
	var want []eventstore.EventData
	for i := range 3 {
		ea, eb := f.event("Placed", i), f.event("Placed", i)
		f.append(a, eventstore.Any, ea)
		f.append(b, eventstore.Any, eb)
		want = append(want, ea, eb)
	}
	all := f.readAll(at, f.stream("order"))
	sameIDs(f, ids(all), dataIDs(want))
	increasing(f, all)
	if all[0].Position <= at {
		f.Fatalf("first event at %d, not after %d", all[0].Position, at)
	}
	// After the third event: the last three.
	sameIDs(f, ids(f.readAll(all[2].Position, f.stream("order"))), dataIDs(want[3:]))
	// After the last one: none of ours.
	if rest := f.readAll(all[5].Position, f.stream("order")); len(rest) != 0 {
		f.Fatalf("%d events after the last one", len(rest))
	}
}

func readAllPages(f *fixture) {
	at := f.mark()
	s := f.stream("order-1")
	evs := f.events("Changed", 7)
	f.append(s, eventstore.NoStream, evs...)
	var got []eventstore.RecordedEvent
	for after := at; len(got) < len(evs); {
		page, err := f.store.ReadAll(f.ctx, after, 2)
		if err != nil {
			f.Fatalf("ReadAll(%d, 2): %v", after, err)
		}
		if len(page) == 0 || len(page) > 2 {
			f.Fatalf("ReadAll(%d, 2) returned %d events with %d of ours still unread", after, len(page), len(evs)-len(got))
		}
		for _, e := range page {
			if e.Stream == s {
				got = append(got, e)
			}
		}
		after = page[len(page)-1].Position
	}
	f.same(got, s, 1, evs)
}

func preserveFields(f *fixture) {
	s := f.stream("order-1")
	at := f.mark()
	e := f.event("Placed", 1)
	e.Data = []byte(`{"price":{"fen":123456},"area":"6.5","note":"承包地 \"quoted\""}`)
	f.append(s, eventstore.NoStream, e)
	bare := f.event("Paid", 2)
	bare.Metadata = eventstore.Metadata{}
	f.append(s, eventstore.Exact(1), bare)

	sub := f.subscribe(at, eventstore.Filter{StreamPrefixes: []string{s}})
	sources := map[string][]eventstore.RecordedEvent{
		"ReadStream":   f.read(s),
		"ReadAll":      f.readAll(at, s),
		"SubscribeAll": f.next(sub, 2),
	}
	for source, got := range sources {
		for i, want := range []eventstore.EventData{e, bare} {
			g := got[i]
			if g.ID != want.ID || g.Type != want.Type || !bytes.Equal(g.Data, want.Data) || g.Metadata != want.Metadata {
				f.Fatalf("%s event %d = %s %q %s %+v, want %s %q %s %+v", source, i,
					g.ID, g.Type, g.Data, g.Metadata, want.ID, want.Type, want.Data, want.Metadata)
			}
			if g.Recorded.IsZero() || g.Recorded.Location() != time.UTC {
				f.Fatalf("%s event %d recorded %v, want a UTC time", source, i, g.Recorded)
			}
			if r := sources["ReadStream"][i].Recorded; !g.Recorded.Equal(r) {
				f.Fatalf("%s event %d recorded %v, ReadStream says %v", source, i, g.Recorded, r)
			}
		}
	}
}

func subscribeCatchUpThenLive(f *fixture) {
	at := f.mark()
	prefix := f.stream("order-")
	stored := f.events("Placed", 20)
	for i, e := range stored {
		f.append(fmt.Sprintf("%s%d", prefix, i%4), eventstore.Any, e)
	}
	sub := f.subscribe(at, eventstore.Filter{StreamPrefixes: []string{prefix}})

	// Four writers keep appending while the subscriber catches up and goes live.
	const writers, each = 4, 50
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				e := f.event("Paid", i)
				if _, err := f.store.Append(f.ctx, fmt.Sprintf("%s%d", prefix, w), eventstore.Any, e); err != nil {
					f.Errorf("writer %d: %v", w, err)
					return
				}
			}
		})
	}
	got := f.next(sub, len(stored)+writers*each)
	wg.Wait()
	if f.Failed() {
		return
	}
	sameIDs(f, ids(got[:len(stored)]), dataIDs(stored))
	// The subscription sees exactly what $all holds, in the same order.
	sameIDs(f, ids(got), ids(f.readAll(at, prefix)))
	increasing(f, got)
	// Nothing more comes but what is appended next.
	last := f.event("Closed", 0)
	f.append(prefix+"0", eventstore.Any, last)
	if e := f.next(sub, 1)[0]; e.ID != last.ID {
		f.Fatalf("after all appended events came %s %s, want the next append %s", e.Stream, e.ID, last.ID)
	}
}

func subscribeAfterPosition(f *fixture) {
	s := f.stream("order-1")
	evs := f.events("Changed", 5)
	f.append(s, eventstore.NoStream, evs[:2]...)
	res := f.append(s, eventstore.Exact(2), evs[2:]...)
	stored := f.read(s)
	sub := f.subscribe(stored[1].Position, eventstore.Filter{StreamPrefixes: []string{s}})
	got := f.next(sub, 3)
	sameIDs(f, ids(got), dataIDs(evs[2:]))
	if got[2].Position != res.Position {
		f.Fatalf("last event at %d, append said %d", got[2].Position, res.Position)
	}
}

// filtered appends events of several streams and types, then checks that a
// subscription with filter delivers exactly those keep selects.
func (f *fixture) filtered(filter func(prefix string) eventstore.Filter, keep func(stream, typ string) bool) {
	f.Helper()
	at := f.mark()
	sub := f.subscribe(at, filter(f.prefix))
	var want []eventstore.EventData
	n := 0
	for _, stream := range []string{"listing-1", "order-1", "listing-2", "listingx", "order-2"} {
		for _, typ := range []string{"listing.BidPlaced", "listing.Opened", "order.Paid"} {
			e := f.event(typ, n)
			n++
			f.append(f.stream(stream), eventstore.Any, e)
			if keep(stream, typ) {
				want = append(want, e)
			}
		}
	}
	// A last event that every filter selects marks the end.
	end := f.event("listing.BidPlaced", n)
	f.append(f.stream("listing-9"), eventstore.Any, end)
	want = append(want, end)
	got := f.next(sub, len(want))
	sameIDs(f, ids(got), dataIDs(want))
	increasing(f, got)
}

func subscribeStreamPrefix(f *fixture) {
	f.filtered(func(p string) eventstore.Filter {
		return eventstore.Filter{StreamPrefixes: []string{p + "listing-"}}
	}, func(stream, _ string) bool { return strings.HasPrefix(stream, "listing-") })
}

func subscribeTypePrefix(f *fixture) {
	f.filtered(func(p string) eventstore.Filter {
		return eventstore.Filter{EventTypePrefixes: []string{p + "listing.Bid", p + "order."}}
	}, func(_, typ string) bool {
		return strings.HasPrefix(typ, "listing.Bid") || strings.HasPrefix(typ, "order.")
	})
}

func subscribeBothPrefixes(f *fixture) {
	f.filtered(func(p string) eventstore.Filter {
		return eventstore.Filter{StreamPrefixes: []string{p + "listing-"}, EventTypePrefixes: []string{p + "listing.Bid"}}
	}, func(stream, typ string) bool {
		return strings.HasPrefix(stream, "listing-") && strings.HasPrefix(typ, "listing.Bid")
	})
}

func subscriptionClose(f *fixture) {
	at := f.mark()
	s := f.stream("order-1")
	sub := f.subscribe(at, eventstore.Filter{StreamPrefixes: []string{s}})
	f.append(s, eventstore.NoStream, f.event("Placed", 1))
	f.next(sub, 1)
	done := make(chan error, 1)
	go func() {
		_, err := sub.Next(f.ctx)
		done <- err
	}()
	if err := sub.Close(); err != nil {
		f.Fatalf("Close: %v", err)
	}
	select {
	case err := <-done:
		if err == nil {
			f.Fatal("Next returned an event after Close")
		}
	case <-f.ctx.Done():
		f.Fatal("Next still waits after Close")
	}
	if _, err := sub.Next(f.ctx); err == nil {
		f.Fatal("Next on a closed subscription returned no error")
	}
}

func subscriptionContext(f *fixture) {
	at := f.mark()
	ctx, cancel := context.WithCancel(f.ctx)
	sub, err := f.store.SubscribeAll(ctx, at, eventstore.Filter{StreamPrefixes: []string{f.stream("order")}})
	if err != nil {
		f.Fatal(err)
	}
	defer sub.Close()
	done := make(chan error, 1)
	go func() {
		_, err := sub.Next(f.ctx)
		done <- err
	}()
	cancel()
	select {
	case err := <-done:
		if err == nil {
			f.Fatal("Next returned an event after the subscription's context ended")
		}
	case <-f.ctx.Done():
		f.Fatal("Next still waits after the subscription's context ended")
	}
}

func nextContext(f *fixture) {
	at := f.mark()
	sub := f.subscribe(at, eventstore.Filter{StreamPrefixes: []string{f.stream("order")}})
	ctx, cancel := context.WithTimeout(f.ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := sub.Next(ctx); !errors.Is(err, context.DeadlineExceeded) {
		f.Fatalf("Next with nothing to deliver = %v, want context.DeadlineExceeded", err)
	}
	// The subscription still works afterwards.
	e := f.event("Placed", 1)
	f.append(f.stream("order-1"), eventstore.NoStream, e)
	if got := f.next(sub, 1); got[0].ID != e.ID {
		f.Fatalf("after a timed-out Next got %s, want %s", got[0].ID, e.ID)
	}
}

func appendAfterClose(f *fixture) {
	s := f.stream("order-1")
	f.append(s, eventstore.NoStream, f.event("Placed", 1))
	if err := f.store.Close(); err != nil {
		f.Fatalf("Close: %v", err)
	}
	f.closed = true
	if _, err := f.store.Append(f.ctx, s, eventstore.Any, f.event("Paid", 2)); !errors.Is(err, eventstore.ErrClosed) {
		f.Fatalf("Append after Close = %v, want ErrClosed", err)
	}
}

// racingWriters is the concurrency proof: 64 goroutines append to one stream,
// each with the exact version it last saw, retrying on conflict with the
// conflict's actual version. Every successful append adds exactly one
// version, and two $all subscribers see every event once, in order.
func racingWriters(f *fixture) {
	const writers, each = 64, 4
	s := f.stream("counter")
	at := f.mark()
	subs := []eventstore.Subscription{
		f.subscribe(at, eventstore.Filter{StreamPrefixes: []string{s}}),
		f.subscribe(at, eventstore.Filter{}),
	}
	var (
		mu        sync.Mutex
		acked     = map[uint64]uuid.UUID{} // version → id
		conflicts int
		wg        sync.WaitGroup
	)
	for w := range writers {
		wg.Go(func() {
			var seen uint64
			for i := 0; i < each; {
				e := f.event("Incremented", w*each+i)
				res, err := f.store.Append(f.ctx, s, eventstore.Exact(seen), e)
				var ce *eventstore.ConflictError
				switch {
				case errors.As(err, &ce):
					if ce.Actual <= seen {
						f.Errorf("conflict says actual %d, but version %d was already seen", ce.Actual, seen)
						return
					}
					seen = ce.Actual
					mu.Lock()
					conflicts++
					mu.Unlock()
				case err != nil:
					f.Errorf("writer %d: %v", w, err)
					return
				default:
					if res.Version != seen+1 {
						f.Errorf("append at %d returned version %d", seen, res.Version)
					}
					mu.Lock()
					if prev, dup := acked[res.Version]; dup {
						f.Errorf("version %d acknowledged twice: %s and %s", res.Version, prev, e.ID)
					}
					acked[res.Version] = e.ID
					mu.Unlock()
					seen = res.Version
					i++
				}
			}
		})
	}
	wg.Wait()
	if f.Failed() {
		return
	}
	const total = writers * each
	if v := f.version(s); v != total || len(acked) != total {
		f.Fatalf("final version %d with %d successful appends, want both %d", v, len(acked), total)
	}
	stored := f.read(s)
	for _, e := range stored {
		if acked[e.Version] != e.ID {
			f.Fatalf("version %d holds %s, the append acknowledged %s", e.Version, e.ID, acked[e.Version])
		}
	}
	f.Logf("%d successful appends, %d conflicts retried", total, conflicts)

	for i, sub := range subs {
		var got []eventstore.RecordedEvent
		for len(got) < total {
			e := f.next(sub, 1)[0]
			if e.Stream == s {
				got = append(got, e)
			}
		}
		if len(got) != total {
			f.Fatalf("subscriber %d: %d events, want %d", i, len(got), total)
		}
		sameIDs(f, ids(got), ids(stored))
		increasing(f, got)
	}
}
