// Package feed feeds a readmodel.Projector from an event store through
// watermill: the live subscription (AddTo, Run) and the catch-up Source that
// replays and start-up rebuilds read. Both read the same topic, so a rebuild
// sees exactly the events the live projector sees: every event of $all but
// the messaging bridge's own streams (its consumer-group checkpoints and
// poison queue).
//
// Package readmodel itself does not depend on watermill, so the query side
// (the GraphQL core) builds without it.
package feed

import (
	"context"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// HandlerName is the projector's watermill handler and consumer group.
const HandlerName = "projector"

// topic is what the projector reads, live and in rebuilds.
const topic = eventstore.AllStream

// Source returns the events of store the live projector is fed, for
// Projector.Replay and Projector.RebuildStale.
func Source(store eventstore.Store) readmodel.Source { return source{store} }

type source struct{ store eventstore.Store }

// ReadAll implements readmodel.Source.
func (s source) ReadAll(ctx context.Context, after uint64, max int) ([]eventstore.RecordedEvent, error) {
	return messaging.ReadTopic(ctx, s.store, topic, after, max)
}

// ReadStream implements readmodel.Source.
func (s source) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, max int) ([]eventstore.RecordedEvent, error) {
	return s.store.ReadStream(ctx, stream, dir, from, max)
}

// AddTo adds p to a watermill router as a handler of $all, fed by a
// subscriber over store that starts after p's own checkpoint, and starts the
// goroutine that applies what the handler accepts (Projector.ApplyQueued),
// until ctx ends.
//
// The handler acknowledges a message once it is queued, before it is
// applied, so that the applier can commit many events per transaction (a
// transaction per event cost more than the projections themselves). That is
// safe because the subscription's position is the projector's committed
// checkpoint, not the acknowledgements: after a crash the events accepted
// but not committed are delivered again.
func AddTo(ctx context.Context, r *message.Router, store eventstore.Store, p *readmodel.Projector) {
	h := handler{p}
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: HandlerName, Checkpoints: h})
	r.AddConsumerHandler(HandlerName, topic, sub, h.handle)
	go p.ApplyQueued(ctx)
}

// Run keeps p current from store until ctx ends, on a router of its own (a
// worker adds the projector to its shared router with AddTo instead).
func Run(ctx context.Context, store eventstore.Store, p *readmodel.Projector) error {
	r, err := messaging.NewRouter(messaging.RouterConfig{})
	if err != nil {
		return err
	}
	AddTo(ctx, r, store, p)
	return r.Run(ctx)
}

// handler is the projector's watermill handler and the checkpoint store of
// its subscription.
type handler struct{ p *readmodel.Projector }

// handle queues the delivered event for the applier.
func (h handler) handle(msg *message.Message) error {
	rec, err := messaging.Record(msg)
	if err != nil {
		return err
	}
	return h.p.Enqueue(msg.Context(), rec)
}

// Load implements messaging.CheckpointStore: the subscription starts after
// what every projection has committed.
func (h handler) Load(context.Context, string, string) (uint64, error) { return h.p.Position(), nil }

// Save implements messaging.CheckpointStore as a no-op: the projector's
// checkpoints commit with its rows.
func (h handler) Save(context.Context, string, string, uint64) error { return nil }
