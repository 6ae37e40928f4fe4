package app

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Meta is who sends a command and why.
type Meta struct {
	CommandID     uuid.UUID // required; the idempotency key of the command
	Actor         string    // "<role>:<party uuid>" or "system:<component>"
	CorrelationID string
	CausationID   string
}

// Result is what a handled command wrote.
type Result struct {
	Stream    string
	Version   uint64         // the stream's version after the command
	Position  uint64         // global position of the command's last event; 0 if it wrote nothing
	Events    []kernel.Event // the events written; nil for a duplicate
	Duplicate bool           // the command id had been handled before; nothing was written
}

// conflictRetries bounds how often a batch of commands is re-decided after
// losing a race with another writer (another replica: within one process
// commands on one aggregate never race).
const conflictRetries = 8

// batchTimeout bounds one batch's store calls. A batch carries several
// callers' commands, so it runs on its own context rather than any caller's.
const batchTimeout = 30 * time.Second

// Handler runs commands of one aggregate type. It is safe for concurrent use.
//
// Commands on one aggregate are decided one after another, in arrival order,
// each against the state the previous one left; but while one batch is being
// appended, the commands that arrive queue up and are then decided and
// appended together, in one atomic append. So a hot aggregate (a listing in
// its last minutes) costs one fsync per batch, not per command, and its
// throughput grows with the number of bidders instead of being capped by the
// disk's fsync rate. Commands on different aggregates run in parallel.
type Handler[S any, C kernel.Command] struct {
	store   eventstore.Store
	reg     *kernel.Registry
	decider kernel.Decider[S, C]
	clock   kernel.Clock
	cache   *lru[*entry[S, C]]
	// facts, when set, gathers what the decider reads from outside the
	// aggregate's stream (for listings, the calendar in force), once per
	// attempt at a batch, and returns what adds it to a state for one
	// decision; the states the handler keeps never hold it.
	facts func(ctx context.Context) (func(S) S, error)
}

// entry is one aggregate's cached state and its queue of commands.
type entry[S any, C kernel.Command] struct {
	mu       sync.Mutex // guards queue, draining and stored; held too where done is written
	queue    []*pending[C]
	draining bool // a goroutine is deciding and appending the queue
	// stored is a copy of state and version, readable while a batch holds
	// stateMu, for refusing a command without queueing it (refuseEarly).
	stored struct {
		state   S
		version uint64
		loaded  bool // caught up with the store at least once
	}

	stateMu sync.Mutex // guards the fields below; held while a batch is decided and appended
	state   S
	version uint64
	// done maps command ids seen in the stream to what they wrote, so a
	// retried command is answered without deciding again.
	done map[uuid.UUID]Result
}

// pending is a queued command and, once decided, its outcome.
type pending[C kernel.Command] struct {
	cmd    C
	meta   Meta
	res    Result
	err    error
	events []kernel.Event
	dupOf  *pending[C]   // an earlier command of the same batch with the same id
	ready  chan struct{} // closed when res and err are final
	// answered is set when ready was closed before the batch's append: a
	// refusal that holds whatever the append does (see runBatch).
	answered bool
}

// NewHandler returns a Handler keeping at most cacheSize aggregates in memory.
func NewHandler[S any, C kernel.Command](store eventstore.Store, reg *kernel.Registry, d kernel.Decider[S, C], clock kernel.Clock, cacheSize int) *Handler[S, C] {
	return &Handler[S, C]{store: store, reg: reg, decider: d, clock: clock, cache: newLRU[*entry[S, C]](cacheSize)}
}

// Category returns the stream category of the handler's aggregates.
func (h *Handler[S, C]) Category() string { return h.decider.Category }

func (h *Handler[S, C]) entry(stream string) *entry[S, C] {
	return h.cache.get(stream, func() *entry[S, C] { return &entry[S, C]{done: map[uuid.UUID]Result{}} })
}

// Handle decides cmd against the aggregate's current state and appends the
// resulting events. A command whose id was handled before returns the first
// result with Duplicate set. If ctx ends first, Handle returns ctx's error
// but the command may still be written: retry it with the same command id.
func (h *Handler[S, C]) Handle(ctx context.Context, cmd C, meta Meta) (Result, error) {
	if meta.CommandID == uuid.Nil {
		return Result{}, errors.New("app: command without a command id")
	}
	stream := kernel.StreamName(h.decider.Category, cmd.AggregateID())
	e := h.entry(stream)
	if err := h.refuseEarly(ctx, stream, e, cmd, meta); err != nil {
		return Result{}, err
	}
	p := &pending[C]{cmd: cmd, meta: meta, ready: make(chan struct{})}
	e.mu.Lock()
	e.queue = append(e.queue, p)
	lead := !e.draining
	e.draining = true
	e.mu.Unlock()
	if lead {
		// The caller runs the first batch itself (no hand-off when the
		// aggregate is quiet); commands that queued meanwhile are drained by
		// a goroutine so this caller can return.
		if h.runQueued(stream, e) {
			go h.drain(stream, e)
		}
	}
	select {
	case <-p.ready:
		return p.res, p.err
	case <-ctx.Done():
		return Result{}, ctx.Err()
	}
}

// refuseEarly returns the refusal of a command arriving while the aggregate
// is busy, if the aggregate's stored state refuses it: the command then need
// not queue behind the batch being appended. It is answered as if decided
// just before that batch, whose commands are unanswered yet. It returns nil
// whenever the command has to queue: the aggregate is quiet (the queue costs
// nothing then), the command id was handled before (its first result is the
// answer), the store holds events the copy lacks, or the state accepts it.
func (h *Handler[S, C]) refuseEarly(ctx context.Context, stream string, e *entry[S, C], cmd C, meta Meta) error {
	e.mu.Lock()
	_, handled := e.done[meta.CommandID]
	busy, stored := e.draining, e.stored
	e.mu.Unlock()
	if !busy || !stored.loaded || handled {
		return nil
	}
	if recs, err := h.store.ReadStream(ctx, stream, eventstore.Forwards, stored.version+1, 1); err != nil || len(recs) > 0 {
		return nil
	}
	state := stored.state
	if h.facts != nil {
		withFacts, err := h.facts(ctx)
		if err != nil {
			return nil
		}
		state = withFacts(state)
	}
	_, err := h.decider.Decide(state, cmd, h.clock.Now())
	return err
}

// publish copies e's state and version to e.stored; stateMu is held.
func (e *entry[S, C]) publish() {
	e.mu.Lock()
	e.stored.state, e.stored.version, e.stored.loaded = e.state, e.version, true
	e.mu.Unlock()
}

// drain runs the entry's queued batches until the queue is empty.
func (h *Handler[S, C]) drain(stream string, e *entry[S, C]) {
	for h.runQueued(stream, e) {
	}
}

// runQueued decides and appends what is queued as one batch, and reports
// whether more is queued; when nothing is, it ends the entry's draining.
func (h *Handler[S, C]) runQueued(stream string, e *entry[S, C]) (more bool) {
	e.mu.Lock()
	batch := e.queue
	e.queue = nil
	e.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	h.runBatch(ctx, stream, e, batch)
	cancel()
	for _, p := range batch {
		if !p.answered {
			close(p.ready)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.queue) == 0 {
		e.draining = false
		return false
	}
	return true
}

// runBatch decides every command of batch in order against the evolving
// state and appends all their events at once.
//
// A command refused against the stored state is answered at once, without
// waiting for the batch's append: it is refused whether or not the events
// of the batch's earlier commands get written (it takes its place before
// them, which the callers cannot tell apart, their commands being
// unanswered yet). A command refused only because of an earlier command of
// the batch waits for the append, since that command may yet fail.
func (h *Handler[S, C]) runBatch(ctx context.Context, stream string, e *entry[S, C], batch []*pending[C]) {
	e.stateMu.Lock()
	defer e.stateMu.Unlock()
	fail := func(err error) {
		for _, p := range batch {
			if !p.answered {
				p.res, p.err = Result{}, err
			}
		}
	}
	if err := h.catchUp(ctx, stream, e); err != nil {
		fail(err)
		return
	}
	for range conflictRetries {
		state, version := e.state, e.version
		withFacts := func(s S) S { return s }
		if h.facts != nil {
			var err error
			if withFacts, err = h.facts(ctx); err != nil {
				fail(err)
				return
			}
		}
		var data []eventstore.EventData
		seen := map[uuid.UUID]*pending[C]{}
		for _, p := range batch {
			if p.answered {
				continue
			}
			p.res, p.err, p.events, p.dupOf = Result{}, nil, nil, nil
			if r, ok := e.done[p.meta.CommandID]; ok {
				r.Duplicate = true
				p.res = r
				continue
			}
			if first, ok := seen[p.meta.CommandID]; ok { // sent twice at once: write it once
				p.dupOf = first
				continue
			}
			seen[p.meta.CommandID] = p
			now := h.clock.Now()
			events, err := h.decider.Decide(withFacts(state), p.cmd, now)
			if err != nil {
				if version != e.version { // decided after the batch's own events
					_, err2 := h.decider.Decide(withFacts(e.state), p.cmd, now)
					if err2 == nil {
						p.err = err
						continue
					}
					err = err2
				}
				p.err, p.answered = err, true
				close(p.ready)
				continue
			}
			encoded, err := h.encode(stream, events, p.meta)
			if err != nil {
				p.err = err
				continue
			}
			for _, ev := range events {
				state = h.decider.Evolve(state, ev)
			}
			version += uint64(len(events))
			p.events = events
			p.res = Result{Stream: stream, Version: version}
			data = append(data, encoded...)
		}
		if len(data) == 0 {
			h.settle(e, batch, 0)
			return
		}
		// On failure e keeps its state: deciders' Evolve is copy-on-write, so
		// the speculative state shares nothing e.state can see changed.
		res, err := h.store.Append(ctx, stream, eventstore.Exact(e.version), data...)
		if errors.Is(err, eventstore.ErrConcurrency) {
			if err := h.catchUp(ctx, stream, e); err != nil { // only what it missed
				fail(err)
				return
			}
			continue
		}
		if err != nil { // perhaps written after all: the next catch-up will tell
			fail(fmt.Errorf("append to %s: %w", stream, err))
			return
		}
		e.state, e.version = state, res.Version
		h.settle(e, batch, res.Position)
		e.publish()
		return
	}
	fail(kernel.Errorf(kernel.CodeConflict, "%s is being changed by others; try again", stream))
}

// settle records the written commands in e.done and completes the batch's
// results. position is where the batch's last event landed: each written
// command's effects are visible to a reader that has reached it.
func (h *Handler[S, C]) settle(e *entry[S, C], batch []*pending[C], position uint64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, p := range batch {
		if p.err != nil || p.res.Duplicate || p.dupOf != nil {
			continue
		}
		if len(p.events) == 0 {
			p.res = Result{Stream: p.res.Stream, Version: e.version}
			continue
		}
		p.res.Position = position
		e.done[p.meta.CommandID] = p.res
		p.res.Events = p.events
	}
	for _, p := range batch {
		if p.dupOf != nil {
			p.res, p.err = p.dupOf.res, p.dupOf.err
			p.res.Duplicate, p.res.Events = true, nil
		}
	}
}

// Inspect calls fn with the aggregate's current state and version, under the
// aggregate's state lock: fn must not keep the state or call the handler.
func (h *Handler[S, C]) Inspect(ctx context.Context, id uuid.UUID, fn func(state S, version uint64)) error {
	stream := kernel.StreamName(h.decider.Category, id)
	e := h.entry(stream)
	e.stateMu.Lock()
	defer e.stateMu.Unlock()
	if err := h.catchUp(ctx, stream, e); err != nil {
		return err
	}
	fn(e.state, e.version)
	return nil
}

// Handled reports whether the stream of aggregate id holds the events of
// the command commandID: Handle would answer it as a duplicate.
func (h *Handler[S, C]) Handled(ctx context.Context, id, commandID uuid.UUID) (bool, error) {
	stream := kernel.StreamName(h.decider.Category, id)
	e := h.entry(stream)
	e.stateMu.Lock()
	defer e.stateMu.Unlock()
	if err := h.catchUp(ctx, stream, e); err != nil {
		return false, err
	}
	_, ok := e.done[commandID]
	return ok, nil
}

// catchUp folds the events appended to stream after e.version into e.
func (h *Handler[S, C]) catchUp(ctx context.Context, stream string, e *entry[S, C]) error {
	const page = 512
	for {
		recs, err := h.store.ReadStream(ctx, stream, eventstore.Forwards, e.version+1, page)
		if err != nil {
			return fmt.Errorf("read %s: %w", stream, err)
		}
		e.mu.Lock() // for e.done
		for _, rec := range recs {
			ev, err := h.reg.Decode(rec.Type, rec.Data)
			if err != nil {
				e.mu.Unlock()
				return fmt.Errorf("%s@%d: %w", stream, rec.Version, err)
			}
			e.state = h.decider.Evolve(e.state, ev)
			e.version = rec.Version
			if id, err := uuid.Parse(rec.Metadata.CommandID); err == nil {
				e.done[id] = Result{Stream: stream, Version: rec.Version, Position: rec.Position}
			}
		}
		e.mu.Unlock()
		if len(recs) < page {
			e.publish()
			return nil
		}
	}
}

// encode turns events into store records whose ids derive from the command
// id, so a retried append of the same decision is a no-op in the store.
func (h *Handler[S, C]) encode(stream string, events []kernel.Event, meta Meta) ([]eventstore.EventData, error) {
	out := make([]eventstore.EventData, len(events))
	md := eventstore.Metadata{
		CommandID: meta.CommandID.String(), Actor: meta.Actor,
		CorrelationID: meta.CorrelationID, CausationID: meta.CausationID,
	}
	if md.CorrelationID == "" {
		md.CorrelationID = md.CommandID
	}
	for i, ev := range events {
		typ, data, err := h.reg.Encode(ev)
		if err != nil {
			return nil, err
		}
		id := uuid.NewSHA1(meta.CommandID, []byte(stream+"/"+strconv.Itoa(i)))
		out[i] = eventstore.EventData{ID: id, Type: typ, Data: data, Metadata: md}
	}
	return out, nil
}

// lru is a bounded map from stream name to cached entry, evicting the least
// recently used. An evicted entry still in use by a command stays valid for it.
type lru[V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // front = most recent; values are *lruItem[V]
	items map[string]*list.Element
}

type lruItem[V any] struct {
	key string
	val V
}

func newLRU[V any](max int) *lru[V] {
	if max < 1 {
		max = 1
	}
	return &lru[V]{max: max, order: list.New(), items: map[string]*list.Element{}}
}

func (c *lru[V]) get(key string, create func() V) V {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.order.MoveToFront(el)
		return el.Value.(*lruItem[V]).val
	}
	v := create()
	c.items[key] = c.order.PushFront(&lruItem[V]{key: key, val: v})
	for c.order.Len() > c.max {
		old := c.order.Back()
		c.order.Remove(old)
		delete(c.items, old.Value.(*lruItem[V]).key)
	}
	return v
}
