package process

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/logtest"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/process/workflow"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/testenv"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// t0 is Monday 2 March 2026, 09:00 in Shanghai.
var t0 = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)

// env is an App on a memstore with a manual clock, its scheduler following
// the store and, when started, a router running every workflow.
type env struct {
	t     testing.TB
	ctx   context.Context
	clock *kernel.ManualClock
	store *memstore.Store
	reads *faultyReads // the App's view of store
	app   *app.App
	log   *slog.Logger
	logs  *logtest.Buffer // what the managers logged
	idle  *messaging.Idle // what the running workflows have handled; nil until startManagers
}

func newEnv(t testing.TB) *env {
	t.Helper()
	clock := kernel.NewManualClock(t0)
	store := memstore.New(clock)
	logs := &logtest.Buffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	reads := &faultyReads{Store: store}
	e := &env{t: t, clock: clock, store: store, reads: reads, app: app.New(reads, clock, log, app.Options{}), log: log, logs: logs}
	ctx, cancel := context.WithCancel(context.Background())
	e.ctx = ctx
	done := make(chan struct{})
	go func() { defer close(done); _ = e.app.RunScheduler(ctx, time.Hour) }()
	t.Cleanup(func() { cancel(); <-done })
	return e
}

// refuseNothing fails the test if any process manager's command is refused
// before the managers stop. Call it before startManagers, so the check runs
// after the router has stopped and late refusals are counted too.
func (e *env) refuseNothing() {
	e.t.Helper()
	e.t.Cleanup(func() {
		for _, line := range strings.Split(e.logs.String(), "\n") {
			if strings.Contains(line, "process manager command refused") {
				e.t.Errorf("a workflow's command was refused: %s", line)
			}
		}
	})
}

// startManagers runs every workflow on a router until the test ends.
func (e *env) startManagers(opts ...Option) {
	e.t.Helper()
	r, err := messaging.NewRouter(messaging.RouterConfig{Retry: &middleware.Retry{MaxRetries: 3, InitialInterval: time.Millisecond}})
	if err != nil {
		e.t.Fatal(err)
	}
	e.idle = messaging.NewIdle(e.store)
	r.AddMiddleware(e.idle.Middleware)
	opts = append(opts, WithCheckpoints(e.idle.Checkpoints(&messaging.MemoryCheckpoints{})))
	if err := AddTo(r, e.app, e.log, opts...); err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	e.t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			e.t.Error(err)
		}
	})
	select {
	case <-r.Running():
	case <-time.After(5 * time.Second):
		e.t.Fatal("router did not start")
	}
}

// do sends cmd as a user would, through its aggregate's handler, and fails
// the test on any error.
func (e *env) do(cmd kernel.Command) app.Result {
	e.t.Helper()
	res, err := e.try(cmd)
	if err != nil {
		e.t.Fatalf("%T: %v", cmd, err)
	}
	return res
}

// try sends cmd as a user would, through its aggregate's handler, and returns
// its refusal, if any.
func (e *env) try(cmd kernel.Command) (app.Result, error) {
	e.t.Helper()
	meta := app.Meta{CommandID: uuid.New(), Actor: "test"}
	switch c := cmd.(type) {
	case registry.Command:
		return e.app.Assets.Handle(e.ctx, c, meta)
	case listing.Command:
		return e.app.Listings.Handle(e.ctx, c, meta)
	case transfer.Command:
		return e.app.Transfers.Handle(e.ctx, c, meta)
	case coop.Command:
		return e.app.Coops.Handle(e.ctx, c, meta)
	case collateral.RegisterCollateral: // as a resolver files it: with the register's facts
		c, err := e.app.Facts().Filing(e.ctx, c)
		if err != nil {
			return app.Result{}, err
		}
		return e.app.Collateral.Handle(e.ctx, c, meta)
	case collateral.Command:
		return e.app.Collateral.Handle(e.ctx, c, meta)
	case lending.DisburseLoan: // as a resolver sends it: with the cooperative's fact
		c, err := e.app.Facts().Disbursal(e.ctx, c)
		if err != nil {
			return app.Result{}, err
		}
		return e.app.Loans.Handle(e.ctx, c, meta)
	case lending.Command:
		return e.app.Loans.Handle(e.ctx, c, meta)
	case lending.ProductCommand:
		return e.app.Products.Handle(e.ctx, c, meta)
	case fund.Command:
		return e.app.Funds.Handle(e.ctx, c, meta)
	}
	e.t.Fatalf("no handler for %T", cmd)
	return app.Result{}, nil
}

// get returns the current state of aggregate id.
func get[S any, C kernel.Command](e *env, h *app.Handler[S, C], id uuid.UUID) S {
	e.t.Helper()
	s, err := state(e.ctx, h, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// eventually waits until cond holds, failing the test after 10 s.
func (e *env) eventually(what string, cond func() bool) {
	e.t.Helper()
	testenv.WaitUntil(e.t, what, cond)
}

// all returns every event in the store, in global order.
func (e *env) all() []eventstore.RecordedEvent {
	e.t.Helper()
	var out []eventstore.RecordedEvent
	for {
		var after uint64
		if len(out) > 0 {
			after = out[len(out)-1].Position
		}
		page, err := e.store.ReadAll(e.ctx, after, 1000)
		if err != nil {
			e.t.Fatal(err)
		}
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
	}
}

// head returns the position of the store's last event.
func (e *env) head() uint64 {
	all := e.all()
	if len(all) == 0 {
		return 0
	}
	return all[len(all)-1].Position
}

// runDueAt lets the scheduler see the whole store, moves the clock to at and
// sends the commands due by then.
func (e *env) runDueAt(at time.Time) {
	e.t.Helper()
	if err := e.app.SchedulerCaughtUp(e.ctx, e.head()); err != nil {
		e.t.Fatal(err)
	}
	e.clock.Set(at)
	e.app.Scheduler.RunDue(e.ctx)
}

// event returns the last stored event of type typ in stream.
func (e *env) event(stream, typ string) eventstore.RecordedEvent {
	e.t.Helper()
	recs, err := e.store.ReadStream(e.ctx, stream, eventstore.Forwards, 1, 10_000)
	if err != nil {
		e.t.Fatal(err)
	}
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Type == typ {
			return recs[i]
		}
	}
	e.t.Fatalf("no %s in %s", typ, stream)
	return eventstore.RecordedEvent{}
}

// createdBy returns the id a workflow derives for step from the event rec.
func createdBy(rec eventstore.RecordedEvent, step string) uuid.UUID {
	return workflow.NewID(rec.ID, step)
}

// settle waits, when the workflows run, until they have handled every event
// in the store and wrote nothing more meanwhile.
func (e *env) settle() {
	e.t.Helper()
	if e.idle == nil {
		return
	}
	ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
	defer cancel()
	for last := uint64(0); ; {
		_, domain, err := e.idle.Scan(ctx)
		if err == nil {
			err = e.idle.WaitFor(ctx)
		}
		if err != nil {
			e.t.Fatalf("the workflows did not settle: %v", err)
		}
		if domain == last {
			return
		}
		last = domain
	}
}

// redeliver hands rec to the workflows once more, as the Subscriber would
// after a crash, once the running workflows have settled, and returns how
// many events that wrote.
func (e *env) redeliver(rec eventstore.RecordedEvent) int {
	e.t.Helper()
	e.settle()
	m := &managers{app: e.app, log: e.log}
	before := e.head()
	{
		msg := message.NewMessage(rec.ID.String(), rec.Data)
		msg.Metadata = message.Metadata{
			messaging.MetadataEventType: rec.Type, messaging.MetadataStream: rec.Stream,
			messaging.MetadataVersion: uitoa(rec.Version), messaging.MetadataPosition: uitoa(rec.Position),
			messaging.MetadataRecorded:  rec.Recorded.Format(time.RFC3339Nano),
			messaging.MetadataCommandID: rec.Metadata.CommandID, messaging.MetadataCorrelationID: rec.Metadata.CorrelationID,
		}
		msg.SetContext(e.ctx)
		if err := m.handle(msg); err != nil {
			e.t.Fatalf("redelivery of %s: %v", rec.Type, err)
		}
		var written int
		for _, r := range e.all() {
			if r.Position > before {
				written++
			}
		}
		return written
	}
}

// redeliverTo is redeliver counting only the events written to streams.
func (e *env) redeliverTo(rec eventstore.RecordedEvent, streams ...string) int {
	e.t.Helper()
	e.settle()
	before := e.head()
	e.redeliver(rec)
	var written int
	for _, r := range e.all() {
		if r.Position > before && slices.Contains(streams, r.Stream) {
			written++
		}
	}
	return written
}

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }

// replays checks every aggregate's history: folding its stored events with
// the Decider gives the state the App holds.
func (e *env) replays() {
	e.t.Helper()
	streams := map[string]bool{}
	for _, r := range e.all() {
		streams[r.Stream] = true
	}
	n := 0
	for s := range streams {
		cat, rest, _ := strings.Cut(s, "-")
		if len(rest) < 36 {
			continue
		}
		id, err := uuid.Parse(rest[len(rest)-36:]) // a workflow's stream names the workflow first
		if err != nil {
			continue
		}
		n++
		switch cat {
		case registry.Decider.Category:
			replay(e, s, id, e.app.Assets, registry.Decider)
		case listing.Decider.Category:
			replay(e, s, id, e.app.Listings, listing.Decider)
		case transfer.Decider.Category:
			replay(e, s, id, e.app.Transfers, transfer.Decider)
		case coop.Decider.Category:
			replay(e, s, id, e.app.Coops, coop.Decider)
		case collateral.Decider.Category:
			replay(e, s, id, e.app.Collateral, collateral.Decider)
		case lending.Decider.Category:
			replay(e, s, id, e.app.Loans, lending.Decider)
		case lending.ProductDecider.Category:
			replay(e, s, id, e.app.Products, lending.ProductDecider)
		case fund.Decider.Category:
			replay(e, s, id, e.app.Funds, fund.Decider)
		case messaging.WorkflowCategory:
			if _, _, err := (&managers{app: e.app}).load(e.ctx, s); err != nil {
				e.t.Errorf("workflow %s does not replay: %v", s, err)
			}
		default:
			e.t.Errorf("stream %s of no known aggregate", s)
		}
	}
	if n == 0 {
		e.t.Fatal("no aggregate to replay")
	}
}

func replay[S any, C kernel.Command](e *env, stream string, id uuid.UUID, h *app.Handler[S, C], d kernel.Decider[S, C]) {
	e.t.Helper()
	recs, err := e.store.ReadStream(e.ctx, stream, eventstore.Forwards, 1, 100_000)
	if err != nil {
		e.t.Fatal(err)
	}
	events := make([]kernel.Event, len(recs))
	for i, r := range recs {
		if events[i], err = e.app.Events.Decode(r.Type, r.Data); err != nil {
			e.t.Fatalf("%s@%d: %v", stream, r.Version, err)
		}
	}
	if folded, held := d.Fold(events), get(e, h, id); !reflect.DeepEqual(folded, held) {
		e.t.Errorf("%s does not replay to the App's state\nreplayed: %+v\n    held: %+v", stream, folded, held)
	}
}

// faultyReads is a store whose next read of a whole stream (from its first
// event) in a category fails once armed: a store error the workflows must
// retry, not take for an answer.
type faultyReads struct {
	*memstore.Store
	mu       sync.Mutex
	category string // armed: the category whose next whole-stream read fails
}

// failNextWholeRead makes the next read from the first event of a stream of
// category fail.
func (f *faultyReads) failNextWholeRead(category string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.category = category
}

// armed reports whether the failure is still to come.
func (f *faultyReads) armed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.category != ""
}

// ReadStream implements eventstore.Store.
func (f *faultyReads) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, max int) ([]eventstore.RecordedEvent, error) {
	f.mu.Lock()
	fail := f.category != "" && from == 1 && strings.HasPrefix(stream, f.category+"-")
	if fail {
		f.category = ""
	}
	f.mu.Unlock()
	if fail {
		return nil, fmt.Errorf("injected read failure of %s: %w", stream, eventstore.ErrUnavailable)
	}
	return f.Store.ReadStream(ctx, stream, dir, from, max)
}
