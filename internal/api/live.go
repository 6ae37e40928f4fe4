package api

import (
	"context"
	"strings"
	"sync"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Hub fans the store's live events out to subscriptions: it follows $all
// once and hands each event to the subscribers of its stream, so a thousand
// people watching auctions cost one store subscription, not a thousand.
//
// A subscriber that falls more than its buffer behind is dropped (its channel
// closes): a live board must not hold up everyone else. Clients resubscribe
// and query the listing to catch up.
type Hub struct {
	// Hidden, when set before Run, names the streams the hub never hands
	// out (the messaging bridge's and the workflows' own bookkeeping, which
	// the read models do not see either).
	Hidden func(stream string) bool

	store  eventstore.Store
	reg    *kernel.Registry
	buffer int

	mu   sync.Mutex
	subs map[string]map[chan readmodel.Envelope]struct{}
	last uint64 // the position of the last event handed out, under mu

	progress eventstore.Progress
}

// NewHub returns a hub over store; each subscriber may lag buffer events.
func NewHub(store eventstore.Store, reg *kernel.Registry, buffer int) *Hub {
	return &Hub{store: store, reg: reg, buffer: buffer, subs: map[string]map[chan readmodel.Envelope]struct{}{}}
}

// Run follows the store from after (exclusive) until ctx ends, riding out
// the store's unavailability (eventstore.Follow).
func (h *Hub) Run(ctx context.Context, after uint64) error {
	h.progress.Advance(after)
	return eventstore.Follow(ctx, h.store, after, func(_ context.Context, rec eventstore.RecordedEvent) error {
		h.publish(rec)
		h.progress.Advance(rec.Position)
		return nil
	})
}

// WaitFor blocks until the hub has handed out the store's events up to pos,
// or ctx ends.
func (h *Hub) WaitFor(ctx context.Context, pos uint64) error {
	return h.progress.WaitFor(ctx, pos)
}

func (h *Hub) publish(rec eventstore.RecordedEvent) {
	if h.Hidden != nil && h.Hidden(rec.Stream) {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.last = rec.Position
	keys := []string{rec.Stream}
	if category, _, ok := strings.Cut(rec.Stream, "-"); ok {
		keys = append(keys, categoryKey(category))
	}
	var env readmodel.Envelope
	decoded := false
	for _, key := range keys {
		subs := h.subs[key]
		if len(subs) == 0 {
			continue
		}
		if !decoded {
			ev, err := h.reg.Decode(rec.Type, rec.Data)
			if err != nil {
				return // an event this build cannot read is not for live boards
			}
			env = readmodel.Envelope{Event: ev, Stream: rec.Stream, Version: rec.Version, Position: rec.Position, Recorded: rec.Recorded, Metadata: rec.Metadata}
			decoded = true
		}
		for ch := range subs {
			select {
			case ch <- env:
			default: // too slow: drop it
				delete(subs, ch)
				close(ch)
			}
		}
		if len(subs) == 0 {
			delete(h.subs, key)
		}
	}
}

// categoryKey is the subscription key of every stream of a category.
func categoryKey(category string) string { return category + "-*" }

// SubscribeCategory returns the live events of every stream of category
// ("listing" for "listing-<id>") from now on, as Subscribe does for one,
// and the position of the last event handed out before: every later event
// comes on the channel.
func (h *Hub) SubscribeCategory(ctx context.Context, category string) (<-chan readmodel.Envelope, uint64) {
	return h.subscribe(ctx, categoryKey(category))
}

// Subscribe returns the live events of stream from now on. The channel closes
// when ctx ends or the subscriber is dropped for lagging.
func (h *Hub) Subscribe(ctx context.Context, stream string) <-chan readmodel.Envelope {
	ch, _ := h.subscribe(ctx, stream)
	return ch
}

// subscribe adds a subscriber under key (a stream, or a category's key) and
// returns its channel with the position of the last event handed out before.
func (h *Hub) subscribe(ctx context.Context, stream string) (<-chan readmodel.Envelope, uint64) {
	ch := make(chan readmodel.Envelope, h.buffer)
	h.mu.Lock()
	if h.subs[stream] == nil {
		h.subs[stream] = map[chan readmodel.Envelope]struct{}{}
	}
	h.subs[stream][ch] = struct{}{}
	last := h.last
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		defer h.mu.Unlock()
		if subs, ok := h.subs[stream]; ok {
			if _, still := subs[ch]; still {
				delete(subs, ch)
				close(ch)
				if len(subs) == 0 {
					delete(h.subs, stream)
				}
			}
		}
	}()
	return ch, last
}

// Stream is the channel a subscription resolver returns, fed by produce in a
// goroutine: send hands one item to the subscriber and reports false once ctx
// has ended, when produce must return. When produce returns, the channel
// closes and cancel runs (releasing the hub subscriptions made under ctx).
// It is a chan any, not receive-only, because that is what graphql-go takes.
func Stream[T any](ctx context.Context, cancel context.CancelFunc, produce func(send func(T) bool)) chan any {
	out := make(chan any)
	go func() {
		defer cancel()
		defer close(out)
		produce(func(x T) bool {
			select {
			case out <- x:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	return out
}
