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
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/process/workflow"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// Actor is the Meta.Actor of every command a workflow sends.
const Actor = "system:process"

// HandlerName is the watermill handler, and consumer group, that runs every
// workflow.
const HandlerName = "process"

// Option configures AddTo.
type Option func(*managers)

// WithFund names the operation fund that receives banks' claims for the net
// principal loss of a disposed loan. Without it no claim is filed
// automatically: the bank files it with the fileFundClaim mutation.
func WithFund(id uuid.UUID) Option { return func(m *managers) { m.fund = id } }

// WithCheckpoints keeps the workflows' consumer-group checkpoint in cp
// instead of the App's event store (tests use messaging.MemoryCheckpoints).
func WithCheckpoints(cp messaging.CheckpointStore) Option {
	return func(m *managers) { m.checkpoints = cp }
}

// managers holds what every workflow needs: the App to gather facts from and
// send commands through, and the logger for refusals.
type managers struct {
	app         *app.App
	log         *slog.Logger
	fund        uuid.UUID
	checkpoints messaging.CheckpointStore
}

// trigger is the stored event a workflow reacts to, with its metadata.
type trigger struct {
	workflow.Trigger
	Meta eventstore.Metadata
}

// meta returns the metadata of the command with id cmd a workflow sends for t.
func (t trigger) meta(cmd uuid.UUID) app.Meta {
	return app.Meta{CommandID: cmd, Actor: Actor, CorrelationID: t.Meta.CorrelationID, CausationID: t.ID.String()}
}

// flow is one kind of workflow wired to the App.
type flow interface {
	handle(ctx context.Context, m *managers, t trigger) error
	// triggers lists, by example, the event types handle may act on.
	triggers() []kernel.Event
}

// definition wires a pure workflow to the App: on lists the event types
// that may trigger it, route finds the instance a trigger belongs to (false:
// none), gather reads the facts its Decide needs.
type definition[F any] struct {
	workflow.Workflow[F]
	on     []kernel.Event
	route  func(ctx context.Context, m *managers, t trigger) (uuid.UUID, bool, error)
	gather func(ctx context.Context, m *managers, t trigger) (F, error)
}

func (d definition[F]) triggers() []kernel.Event { return d.on }

// maxRounds bounds the rounds of one trigger: no workflow has more steps
// that wait for an earlier one.
const maxRounds = 4

// handle runs t through the workflow: it folds the instance's stream, then
// decides and sends round by round, recording each round's commands before
// the next, and finally records the trigger as handled when it sent anything
// for it (in this delivery or in one cut short before).
func (d definition[F]) handle(ctx context.Context, m *managers, t trigger) error {
	instance, ok, err := d.route(ctx, m, t)
	if err != nil || !ok {
		return err
	}
	stream := StreamName(d.Name, instance)
	s, version, err := m.load(ctx, stream)
	if err != nil || s.Handled(t.ID) {
		return err
	}
	sent := s.Acted(t.ID)
	for range maxRounds {
		facts, err := d.gather(ctx, m, t)
		if err != nil {
			return err
		}
		events, outs := d.Step(s, workflow.Input[F]{Instance: instance, Trigger: t.Trigger, Facts: facts})
		if len(outs) == 0 {
			break
		}
		for i, o := range outs {
			code, err := m.send(ctx, o.Command, t.meta(o.CommandID))
			if err != nil {
				return err
			}
			e := events[i].(workflow.CommandSent)
			e.Refused = code
			events[i] = e
		}
		if version, err = m.record(ctx, stream, version, t, events...); err != nil {
			return err
		}
		for _, e := range events {
			s = workflow.Evolve(s, e)
		}
		sent = true
	}
	if !sent {
		return nil
	}
	_, err = m.record(ctx, stream, version, t, d.Handled(instance, t.Trigger))
	return err
}

// StreamName is the stream of a workflow instance:
// "workflow-<name>-<instance>" (messaging.WorkflowCategory), which "$all"
// leaves out, so no read model and no live feed sees it.
func StreamName(name string, instance uuid.UUID) string {
	return messaging.WorkflowCategory + "-" + name + "-" + instance.String()
}

// load folds a workflow instance's stream and returns its state and version.
func (m *managers) load(ctx context.Context, stream string) (workflow.State, uint64, error) {
	return fold(ctx, m, stream, workflow.Evolve, 0)
}

// fold folds stream's events with evolve, stopping at the first one stored
// at or after position until (0: none), and returns the state and the
// version of the last event folded.
func fold[S any](ctx context.Context, m *managers, stream string, evolve func(S, kernel.Event) S, until uint64) (S, uint64, error) {
	var (
		s       S
		version uint64
	)
	const page = 512
	for {
		recs, err := m.app.Store.ReadStream(ctx, stream, eventstore.Forwards, version+1, page)
		if err != nil {
			return s, version, fmt.Errorf("read %s: %w", stream, err)
		}
		for _, r := range recs {
			if until != 0 && r.Position >= until {
				return s, version, nil
			}
			e, err := m.app.Events.Decode(r.Type, r.Data)
			if err != nil {
				return s, version, fmt.Errorf("%s@%d: %w", stream, r.Version, err)
			}
			s, version = evolve(s, e), r.Version
		}
		if len(recs) < page {
			return s, version, nil
		}
	}
}

// record appends events to a workflow instance's stream at version and
// returns the new version. Event ids derive from the trigger and the event's
// place, so a retried append writes nothing twice.
func (m *managers) record(ctx context.Context, stream string, version uint64, t trigger, events ...kernel.Event) (uint64, error) {
	data := make([]eventstore.EventData, len(events))
	for i, e := range events {
		typ, body, err := m.app.Events.Encode(e)
		if err != nil {
			return version, err
		}
		data[i] = eventstore.EventData{ID: uuid.NewSHA1(t.ID, fmt.Appendf(nil, "%s/%d", stream, version+uint64(i)+1)), Type: typ, Data: body,
			Metadata: eventstore.Metadata{Actor: Actor, CorrelationID: t.Meta.CorrelationID, CausationID: t.ID.String()}}
	}
	res, err := m.app.Store.Append(ctx, stream, eventstore.Exact(version), data...)
	if err != nil {
		return version, fmt.Errorf("record in %s: %w", stream, err)
	}
	return res.Version, nil
}

// AddTo adds the workflows to r as one handler of "$all" (HandlerName) with
// its own consumer group over a's store, sending commands through a. Call it
// once per router, before r.Run: it returns an error, and adds nothing, when
// r already has a handler of that name.
func AddTo(r *message.Router, a *app.App, log *slog.Logger, opts ...Option) error {
	if log == nil {
		log = slog.Default()
	}
	m := &managers{app: a, log: log}
	for _, o := range opts {
		o(m)
	}
	if _, dup := r.Handlers()[HandlerName]; dup {
		return fmt.Errorf("process: the router already has a handler %q", HandlerName)
	}
	ignored := ignoredTypes(a.Events, flows)
	sub := messaging.NewSubscriber(a.Store, messaging.SubscriberConfig{ConsumerGroup: HandlerName, Checkpoints: m.checkpoints,
		Logger: watermill.NewSlogLogger(log), Skip: func(t string) bool { return ignored[t] }})
	r.AddConsumerHandler(HandlerName, eventstore.AllStream, sub, m.handle)
	return nil
}

// flows lists every workflow, in the order each event is handed to them.
var flows = []flow{awardFlow, contractFlow, noticeFlow, loanFlow, disposalFlow, fundSaleFlow, advanceFlow}

// ignoredTypes returns the event types reg decodes as they are stored that
// none of flows acts on. A type stored under an older name (decoded through
// an upcaster) is not among them: it is decoded and offered to every flow.
func ignoredTypes(reg *kernel.Registry, flows []flow) map[string]bool {
	ignored := map[string]bool{}
	for _, t := range reg.Types() {
		ignored[t] = true
	}
	for _, f := range flows {
		for _, e := range f.triggers() {
			delete(ignored, e.EventType())
		}
	}
	return ignored
}

// handle decodes the delivered event and hands it to every workflow; an
// error (what a retry may fix) makes the router deliver it again, and the
// workflows that handled it already send nothing twice. An event of a type
// no workflow acts on (most of them: every bid) never reaches it: the
// subscription skips it (AddTo).
func (m *managers) handle(msg *message.Message) error {
	rec, err := messaging.Record(msg)
	if err != nil {
		return err
	}
	ev, err := m.app.Events.Decode(rec.Type, rec.Data)
	if err != nil {
		// No retry can decode it; skipping beats blocking the group forever.
		m.log.Error("workflows skip an undecodable event", "stream", rec.Stream, "position", rec.Position, "err", err)
		return nil
	}
	t := trigger{Trigger: workflow.Trigger{ID: rec.ID, Stream: rec.Stream, Position: rec.Position, Event: ev}, Meta: rec.Metadata}
	for _, f := range flows {
		if err := f.handle(msg.Context(), m, t); err != nil {
			return err
		}
	}
	return nil
}

// send sends cmd with meta through its aggregate's handler. It returns the
// code of a domain refusal, logged (a redelivery would be refused again), and
// the error of a conflict that outlived the App's retries or of any other
// failure, for the router to retry the event.
func (m *managers) send(ctx context.Context, cmd kernel.Command, meta app.Meta) (string, error) {
	var err error
	switch c := cmd.(type) {
	case registry.Command:
		_, err = m.app.Assets.Handle(ctx, c, meta)
	case listing.Command:
		_, err = m.app.Listings.Handle(ctx, c, meta)
	case transfer.Command:
		_, err = m.app.Transfers.Handle(ctx, c, meta)
	case coop.Command:
		_, err = m.app.Coops.Handle(ctx, c, meta)
	case collateral.Command:
		_, err = m.app.Collateral.Handle(ctx, c, meta)
	case lending.Command:
		_, err = m.app.Loans.Handle(ctx, c, meta)
	case fund.Command:
		_, err = m.app.Funds.Handle(ctx, c, meta)
	default:
		return "", fmt.Errorf("process: no handler for %T", cmd)
	}
	if err != nil && refused(err) {
		m.log.Warn("process manager command refused", "command", fmt.Sprintf("%T", cmd), "aggregate", cmd.AggregateID(),
			"cause", meta.CausationID, "code", kernel.ErrorCode(err), "err", err)
		return kernel.ErrorCode(err), nil
	}
	return "", err
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
// every redelivery whatever the workflows did since.
func before[S any, C kernel.Command](ctx context.Context, m *managers, d kernel.Decider[S, C], id uuid.UUID, position uint64) (S, error) {
	s, _, err := fold(ctx, m, kernel.StreamName(d.Category, id), d.Evolve, position)
	return s, err
}
