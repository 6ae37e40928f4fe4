package process

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/messaging"
)

// Actor is the Meta.Actor of every command a process manager sends.
const Actor = "system:process"

// Option configures AddTo.
type Option func(*managers)

// WithFund names the operation fund that receives banks' claims for the net
// principal loss of a disposed loan. Without it no claim is filed
// automatically: the bank files it with the fileFundClaim mutation.
func WithFund(id uuid.UUID) Option { return func(m *managers) { m.fund = id } }

// WithCheckpoints keeps the managers' consumer-group checkpoints in cp
// instead of the App's event store (tests use messaging.MemoryCheckpoints).
func WithCheckpoints(cp messaging.CheckpointStore) Option {
	return func(m *managers) { m.checkpoints = cp }
}

// managers holds what every process manager needs: the App to inspect
// aggregates and send commands through, and the logger for refusals.
type managers struct {
	app         *app.App
	log         *slog.Logger
	fund        uuid.UUID
	checkpoints messaging.CheckpointStore
}

// trigger is the stored event a manager reacts to.
type trigger struct {
	ID       uuid.UUID
	Position uint64
	Event    kernel.Event
	Meta     eventstore.Metadata
}

// meta returns the metadata of the command a manager sends for step: its
// command id derives from the trigger's event id and the step, so a
// redelivered event maps to the same command and the App writes nothing.
func (t trigger) meta(step string) app.Meta {
	return app.Meta{
		CommandID:     uuid.NewSHA1(t.ID, []byte(step)),
		Actor:         Actor,
		CorrelationID: t.Meta.CorrelationID,
		CausationID:   t.ID.String(),
	}
}

// newID derives the id of an aggregate a manager creates for step.
func (t trigger) newID(step string) uuid.UUID { return uuid.NewSHA1(t.ID, []byte("id/"+step)) }

// reaction handles one event of a manager's topic; it returns an error only
// for what a retry may fix.
type reaction func(ctx context.Context, t trigger) error

// handler is one manager's reaction to one topic, run under its own
// consumer group.
type handler struct {
	name  string // the watermill handler name and consumer group
	topic string // "$all", a category or a stream
	react reaction
}

// AddTo adds every process manager to r, each handler with its own
// Subscriber and consumer group over a's store, sending commands through a.
// Call it once per router, before r.Run: it returns an error, and adds
// nothing, when r already has a handler of the same name.
func AddTo(r *message.Router, a *app.App, log *slog.Logger, opts ...Option) error {
	if log == nil {
		log = slog.Default()
	}
	m := &managers{app: a, log: log}
	for _, o := range opts {
		o(m)
	}
	existing := r.Handlers()
	for _, h := range m.handlers() {
		if _, dup := existing[h.name]; dup {
			return fmt.Errorf("process: the router already has a handler %q", h.name)
		}
	}
	for _, h := range m.handlers() {
		sub := messaging.NewSubscriber(a.Store, messaging.SubscriberConfig{ConsumerGroup: h.name, Checkpoints: m.checkpoints, Logger: watermill.NewSlogLogger(log)})
		r.AddConsumerHandler(h.name, h.topic, sub, m.run(h))
	}
	return nil
}

// handlers lists every manager's handlers.
func (m *managers) handlers() []handler {
	return []handler{
		{"process.award.listing", "listing", m.onAwardListing},
		{"process.award.transfer", "transfer", m.onContract},
		{"process.restriction", "collateral", m.onRegistration},
		{"process.loan.lending", "loan", m.onLoan},
		{"process.loan.collateral", "collateral", m.onLoanRegistration},
		{"process.disposal.lending", "loan", m.onDefault},
		{"process.disposal.listing", "listing", m.onDisposalListing},
		{"process.disposal.fund", "fund", m.onFund},
		{"process.disposal.coop", "coop", m.onPledgeEnforced},
		{"process.advance.fund", "fund", m.onAdvance},
	}
}

// run adapts a reaction to a watermill handler: it decodes the delivered
// event and hands infrastructure errors back for a retry.
func (m *managers) run(h handler) message.NoPublishHandlerFunc {
	return func(msg *message.Message) error {
		rec, err := messaging.Record(msg)
		if err != nil {
			return err
		}
		ev, err := m.app.Events.Decode(rec.Type, rec.Data)
		if err != nil {
			// No retry can decode it; skipping beats blocking the group forever.
			m.log.Error("process manager skips an undecodable event", "handler", h.name, "stream", rec.Stream, "position", rec.Position, "err", err)
			return nil
		}
		return h.react(msg.Context(), trigger{ID: rec.ID, Position: rec.Position, Event: ev, Meta: rec.Metadata})
	}
}

// exec sends cmd with meta through h. A domain refusal is logged and
// swallowed, so the manager moves on to its next step (a redelivery would be
// refused again); a conflict that outlived the App's retries and every other
// failure come back, for the router to retry the event.
func exec[S any, C kernel.Command](ctx context.Context, m *managers, h *app.Handler[S, C], cmd C, meta app.Meta) error {
	_, err := h.Handle(ctx, cmd, meta)
	return m.refusal(err, cmd, meta)
}

// refusal logs and swallows err when it is a domain refusal of cmd (or of a
// step cmd depended on), and returns any other error.
func (m *managers) refusal(err error, cmd kernel.Command, meta app.Meta) error {
	if err != nil && refused(err) {
		m.log.Warn("process manager command refused", "command", fmt.Sprintf("%T", cmd), "aggregate", cmd.AggregateID(),
			"cause", meta.CausationID, "code", kernel.ErrorCode(err), "err", err)
		return nil
	}
	return err
}

// refused reports whether err is a domain refusal: a *kernel.Error that a
// retry would not change.
func refused(err error) bool {
	var ke *kernel.Error
	return errors.As(err, &ke) && ke.Code != kernel.CodeInternal && ke.Code != kernel.CodeConflict
}

// state returns the current state of the aggregate id. States are values
// that Evolve never changes in place (every context's Evolve is
// copy-on-write), so holding one after Inspect returns is safe.
func state[S any, C kernel.Command](ctx context.Context, h *app.Handler[S, C], id uuid.UUID) (S, error) {
	var out S
	err := h.Inspect(ctx, id, func(s S, _ uint64) { out = s })
	return out, err
}

// before returns aggregate id's state as its events before position left it:
// the facts as they stood when the triggering event was written, the same on
// every redelivery whatever the managers did since.
func before[S any, C kernel.Command](ctx context.Context, m *managers, d kernel.Decider[S, C], id uuid.UUID, position uint64) (S, error) {
	var s S
	stream := kernel.StreamName(d.Category, id)
	const page = 512
	for from := uint64(1); ; from += page {
		recs, err := m.app.Store.ReadStream(ctx, stream, eventstore.Forwards, from, page)
		if err != nil {
			return s, fmt.Errorf("read %s: %w", stream, err)
		}
		for _, r := range recs {
			if r.Position >= position {
				return s, nil
			}
			e, err := m.app.Events.Decode(r.Type, r.Data)
			if err != nil {
				return s, fmt.Errorf("%s@%d: %w", stream, r.Version, err)
			}
			s = d.Evolve(s, e)
		}
		if len(recs) < page {
			return s, nil
		}
	}
}
