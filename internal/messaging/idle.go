package messaging

import (
	"context"
	"strings"
	"sync"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// Idle tells when a router's consumer groups have handled every event of
// their topics up to a position of the store: for a caller that must know
// that no handler has anything left to do before it goes on (a clock that
// moves only when told lets the workflows settle between steps).
//
// It learns each group's topic and checkpoint from the group's
// CheckpointStore (wrap it with Checkpoints) and each handled message from
// the router's middleware (Middleware; the handler's name must be its
// consumer group's, as for every handler of this repository). Scan reads
// the store's new events to learn which positions each topic holds.
type Idle struct {
	store eventstore.Store

	mu         sync.Mutex
	changed    chan struct{}         // closed and replaced when a group handles a message
	groups     map[string]*idleGroup // by consumer group
	scanned    uint64                // Scan has read the store up to here
	domain     uint64                // the last event "$all" selects, up to scanned
	categories map[string]uint64     // the last event of each category, up to scanned
	streams    map[string]uint64     // the last event of each stream, up to scanned
}

type idleGroup struct {
	topic   topic
	handled uint64 // the group's checkpoint, or the last message it handled
}

// NewIdle returns an Idle over store that knows no group yet.
func NewIdle(store eventstore.Store) *Idle {
	return &Idle{store: store, changed: make(chan struct{}), groups: map[string]*idleGroup{},
		categories: map[string]uint64{}, streams: map[string]uint64{}}
}

// Checkpoints returns cs, reporting to i each group's topic and the
// checkpoint it resumes from.
func (i *Idle) Checkpoints(cs CheckpointStore) CheckpointStore { return idleCheckpoints{cs, i} }

type idleCheckpoints struct {
	CheckpointStore
	idle *Idle
}

// Load implements CheckpointStore.
func (c idleCheckpoints) Load(ctx context.Context, group, topicName string) (uint64, error) {
	pos, err := c.CheckpointStore.Load(ctx, group, topicName)
	if err != nil {
		return 0, err
	}
	t, err := parseTopic(topicName)
	if err != nil {
		return 0, err
	}
	c.idle.handled(group, &t, pos)
	return pos, nil
}

// skipped implements skipObserver: a group skipping an event is past it.
func (c idleCheckpoints) skipped(group, _ string, pos uint64) { c.idle.handled(group, nil, pos) }

// Middleware is a router middleware that records each message a handler
// handled without an error (and is therefore acknowledged).
func (i *Idle) Middleware(h message.HandlerFunc) message.HandlerFunc {
	return func(msg *message.Message) ([]*message.Message, error) {
		out, err := h(msg)
		if err == nil {
			if pos, perr := Position(msg); perr == nil {
				i.handled(message.HandlerNameFromCtx(msg.Context()), nil, pos)
			}
		}
		return out, err
	}
}

// handled records that group has handled its topic up to pos; t registers
// the group's topic. Messages of handlers that are no known group are
// ignored.
func (i *Idle) handled(group string, t *topic, pos uint64) {
	i.mu.Lock()
	defer i.mu.Unlock()
	g := i.groups[group]
	switch {
	case t != nil && g == nil:
		g = &idleGroup{topic: *t}
		i.groups[group] = g
	case g == nil:
		return
	}
	g.handled = max(g.handled, pos)
	close(i.changed)
	i.changed = make(chan struct{})
}

// Scan reads the events stored since the last Scan and returns the store's
// last position and that of its last event the "$all" topic selects (not
// the Internal streams).
func (i *Idle) Scan(ctx context.Context) (head, domain uint64, err error) {
	i.mu.Lock()
	after := i.scanned
	i.mu.Unlock()
	for {
		recs, err := i.store.ReadAll(ctx, after, 1024)
		if err != nil {
			return 0, 0, err
		}
		if len(recs) == 0 {
			break
		}
		i.mu.Lock()
		for _, r := range recs {
			if Internal(r.Stream) {
				continue
			}
			i.domain = r.Position
			i.streams[r.Stream] = r.Position
			if cat, _, ok := strings.Cut(r.Stream, "-"); ok {
				i.categories[cat] = r.Position
			}
		}
		after = recs[len(recs)-1].Position
		i.scanned = after
		i.mu.Unlock()
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.scanned, i.domain, nil
}

// WaitFor blocks until every known group has handled each event of its
// topic that the last Scan read, or ctx ends.
func (i *Idle) WaitFor(ctx context.Context) error {
	for {
		i.mu.Lock()
		busy := false
		for _, g := range i.groups {
			if g.handled < i.last(g.topic) {
				busy = true
				break
			}
		}
		ch := i.changed
		i.mu.Unlock()
		if !busy {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// last returns the position of t's last event that Scan has read. i.mu is held.
func (i *Idle) last(t topic) uint64 {
	switch {
	case t.all:
		return i.domain
	case t.stream != "":
		return i.streams[t.stream]
	default:
		return i.categories[t.name]
	}
}
