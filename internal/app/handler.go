package app

import (
	"container/list"
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

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

// conflictRetries bounds how often a command is re-decided after losing a race
// with another writer (another replica: within one process commands on one
// aggregate are serialised and never conflict).
const conflictRetries = 8

// Handler runs commands of one aggregate type. It is safe for concurrent use:
// commands on one aggregate run one at a time, commands on different aggregates
// in parallel.
type Handler[S any, C kernel.Command] struct {
	store   eventstore.Store
	reg     *kernel.Registry
	decider kernel.Decider[S, C]
	clock   kernel.Clock
	cache   *lru[*entry[S]]
}

// entry is one aggregate's cached state. Its mutex serialises commands on it.
type entry[S any] struct {
	mu      sync.Mutex
	state   S
	version uint64
	// done maps command ids seen in the stream to the position and version of
	// their last event, so a retried command is answered without deciding again.
	done map[uuid.UUID]Result
}

// NewHandler returns a Handler keeping at most cacheSize aggregates in memory.
func NewHandler[S any, C kernel.Command](store eventstore.Store, reg *kernel.Registry, d kernel.Decider[S, C], clock kernel.Clock, cacheSize int) *Handler[S, C] {
	return &Handler[S, C]{store: store, reg: reg, decider: d, clock: clock, cache: newLRU[*entry[S]](cacheSize)}
}

// Category returns the stream category of the handler's aggregates.
func (h *Handler[S, C]) Category() string { return h.decider.Category }

// Handle decides cmd against the aggregate's current state and appends the
// resulting events. A command whose id was handled before returns the first
// result with Duplicate set.
func (h *Handler[S, C]) Handle(ctx context.Context, cmd C, meta Meta) (Result, error) {
	if meta.CommandID == uuid.Nil {
		return Result{}, errors.New("app: command without a command id")
	}
	stream := kernel.StreamName(h.decider.Category, cmd.AggregateID())
	e := h.cache.get(stream, func() *entry[S] { return &entry[S]{done: map[uuid.UUID]Result{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := h.catchUp(ctx, stream, e); err != nil {
		return Result{}, err
	}
	for range conflictRetries {
		if r, ok := e.done[meta.CommandID]; ok {
			r.Duplicate = true
			return r, nil
		}
		events, err := h.decider.Decide(e.state, cmd, h.clock.Now())
		if err != nil {
			return Result{}, err
		}
		if len(events) == 0 {
			return Result{Stream: stream, Version: e.version}, nil
		}
		data, err := h.encode(stream, events, meta)
		if err != nil {
			return Result{}, err
		}
		res, err := h.store.Append(ctx, stream, eventstore.Exact(e.version), data...)
		if errors.Is(err, eventstore.ErrConcurrency) {
			if err := h.catchUp(ctx, stream, e); err != nil {
				return Result{}, err
			}
			continue
		}
		if err != nil {
			return Result{}, fmt.Errorf("append to %s: %w", stream, err)
		}
		for _, ev := range events {
			e.state = h.decider.Evolve(e.state, ev)
		}
		e.version = res.Version
		r := Result{Stream: stream, Version: res.Version, Position: res.Position}
		e.done[meta.CommandID] = r
		r.Events = events
		return r, nil
	}
	return Result{}, kernel.Errorf(kernel.CodeConflict, "%s is being changed by others; try again", stream)
}

// Inspect calls fn with the aggregate's current state and version, under the
// aggregate's lock: fn must not keep the state or call the handler.
func (h *Handler[S, C]) Inspect(ctx context.Context, id uuid.UUID, fn func(state S, version uint64)) error {
	stream := kernel.StreamName(h.decider.Category, id)
	e := h.cache.get(stream, func() *entry[S] { return &entry[S]{done: map[uuid.UUID]Result{}} })
	e.mu.Lock()
	defer e.mu.Unlock()
	if err := h.catchUp(ctx, stream, e); err != nil {
		return err
	}
	fn(e.state, e.version)
	return nil
}

// catchUp folds the events appended to stream after e.version into e.
func (h *Handler[S, C]) catchUp(ctx context.Context, stream string, e *entry[S]) error {
	const page = 512
	for {
		recs, err := h.store.ReadStream(ctx, stream, eventstore.Forwards, e.version+1, page)
		if err != nil {
			return fmt.Errorf("read %s: %w", stream, err)
		}
		for _, rec := range recs {
			ev, err := h.reg.Decode(rec.Type, rec.Data)
			if err != nil {
				return fmt.Errorf("%s@%d: %w", stream, rec.Version, err)
			}
			e.state = h.decider.Evolve(e.state, ev)
			e.version = rec.Version
			if id, err := uuid.Parse(rec.Metadata.CommandID); err == nil {
				e.done[id] = Result{Stream: stream, Version: rec.Version, Position: rec.Position}
			}
		}
		if len(recs) < page {
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
