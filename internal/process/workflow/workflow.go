// Package workflow is the pure part of nongjiao's workflows: the events a
// workflow instance records in its own stream, the state they fold into, and
// the step that decides, from that state, a triggering event and the facts
// gathered for it, which commands to send.
//
// A workflow instance (one per award, contract, notice, loan, disposal, …)
// records each command it sends (CommandSent: the step, the derived command
// id, the command's type and aggregate) and, once a trigger is fully handled,
// that it handled it (TriggerHandled). Step never sends a command whose id
// the instance already recorded, and decides nothing for a trigger it
// recorded as handled, so a redelivered trigger sends nothing again. Command
// ids derive from the trigger's event id and the step (CommandID), so a send
// repeated after a crash, before it was recorded, is a duplicate the
// application absorbs.
//
// Like the contexts' deciders, everything here is deterministic and does no
// I/O: the caller (package process) reads the instance's stream, gathers the
// facts, sends the commands and appends the events.
package workflow

import (
	"fmt"
	"maps"
	"reflect"
	"strings"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// CommandSent records that a workflow instance sent a command for a trigger.
type CommandSent struct {
	Workflow  string
	Instance  uuid.UUID
	Trigger   uuid.UUID // the triggering event's id
	Step      string
	CommandID uuid.UUID // CommandID(Trigger, Step)
	Command   string    // the command's type, "<context>.<Name>"
	Aggregate uuid.UUID // the aggregate it was sent to
	// Refused is the stable code of the recipient's refusal; empty when the
	// command was written or was a duplicate.
	Refused string
}

// TriggerHandled records that a workflow instance handled a trigger and sent
// every command it called for.
type TriggerHandled struct {
	Workflow string
	Instance uuid.UUID
	Trigger  uuid.UUID
	Stream   string // where the trigger is stored
	Position uint64 // its global position
	Type     string // its event type
}

// EventType implements kernel.Event.
func (CommandSent) EventType() string { return "workflow.CommandSent.v1" }

// EventType implements kernel.Event.
func (TriggerHandled) EventType() string { return "workflow.TriggerHandled.v1" }

// RegisterEvents adds the workflow events to r.
func RegisterEvents(r *kernel.Registry) { r.Register(CommandSent{}, TriggerHandled{}) }

// CommandID is the id of the command a workflow sends for step of the
// trigger with event id trigger: the same on every delivery of the trigger.
func CommandID(trigger uuid.UUID, step string) uuid.UUID { return uuid.NewSHA1(trigger, []byte(step)) }

// NewID is the id of an aggregate a workflow creates for step of trigger.
func NewID(trigger uuid.UUID, step string) uuid.UUID {
	return uuid.NewSHA1(trigger, []byte("id/"+step))
}

// State is what a workflow instance recorded: the triggers it handled, the
// commands and the steps it sent. The zero State is a new instance's.
type State struct {
	handled  map[uuid.UUID]bool
	acted    map[uuid.UUID]bool // triggers the instance sent a command for
	commands map[uuid.UUID]bool
	steps    map[string]bool
}

// Evolve folds one recorded event into s, copy-on-write.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case CommandSent:
		s.acted = with(s.acted, e.Trigger)
		s.commands = with(s.commands, e.CommandID)
		s.steps = with(s.steps, e.Step)
	case TriggerHandled:
		s.handled = with(s.handled, e.Trigger)
	}
	return s
}

// Fold replays events onto the zero State.
func Fold(events []kernel.Event) State {
	var s State
	for _, e := range events {
		s = Evolve(s, e)
	}
	return s
}

func with[K comparable](m map[K]bool, k K) map[K]bool {
	out := maps.Clone(m)
	if out == nil {
		out = map[K]bool{}
	}
	out[k] = true
	return out
}

// Handled reports whether the instance recorded trigger as handled.
func (s State) Handled(trigger uuid.UUID) bool { return s.handled[trigger] }

// Acted reports whether the instance sent any command for trigger.
func (s State) Acted(trigger uuid.UUID) bool { return s.acted[trigger] }

// Sent reports whether the instance sent step's command for trigger.
func (s State) Sent(trigger uuid.UUID, step string) bool { return s.commands[CommandID(trigger, step)] }

// SentStep reports whether the instance sent step's command for any trigger.
func (s State) SentStep(step string) bool { return s.steps[step] }

// Trigger is a stored event a workflow reacts to.
type Trigger struct {
	ID       uuid.UUID
	Stream   string
	Position uint64
	Event    kernel.Event
}

// Send is a command a workflow decides to send for a step.
type Send struct {
	Step    string
	Command kernel.Command
}

// Out is a command to send, with its derived id.
type Out struct {
	Step      string
	CommandID uuid.UUID
	Command   kernel.Command
}

// Workflow is one kind of workflow as pure functions. Decide returns the
// commands the trigger calls for, given the instance's state and the facts
// gathered for it; it is called again after each round of sends, with the
// state that recorded them and fresh facts, until it returns nothing new
// (a later step that depends on an earlier one's effect waits for the round
// after it: Sent tells which steps of the trigger are done).
type Workflow[F any] struct {
	Name   string
	Decide func(s State, t Trigger, facts F) []Send
}

// Input is what one decision of a workflow instance takes.
type Input[F any] struct {
	Instance uuid.UUID
	Trigger  Trigger
	Facts    F
}

// Step decides one round for an instance in state s: the commands to send
// and, for each, at the same index, the CommandSent event that records it
// (the caller fills in Refused once it knows). A trigger the instance
// handled calls for nothing; a command whose id the instance recorded is not
// sent again.
func (w Workflow[F]) Step(s State, in Input[F]) ([]kernel.Event, []Out) {
	if s.Handled(in.Trigger.ID) {
		return nil, nil
	}
	var (
		events []kernel.Event
		outs   []Out
		seen   = map[uuid.UUID]bool{}
	)
	for _, send := range w.Decide(s, in.Trigger, in.Facts) {
		id := CommandID(in.Trigger.ID, send.Step)
		if s.commands[id] || seen[id] {
			continue
		}
		seen[id] = true
		outs = append(outs, Out{Step: send.Step, CommandID: id, Command: send.Command})
		events = append(events, CommandSent{Workflow: w.Name, Instance: in.Instance, Trigger: in.Trigger.ID, Step: send.Step,
			CommandID: id, Command: CommandName(send.Command), Aggregate: send.Command.AggregateID()})
	}
	return events, outs
}

// Handled returns the event that records that the instance handled t.
func (w Workflow[F]) Handled(instance uuid.UUID, t Trigger) TriggerHandled {
	return TriggerHandled{Workflow: w.Name, Instance: instance, Trigger: t.ID, Stream: t.Stream, Position: t.Position, Type: t.Event.EventType()}
}

// CommandName is a command's type as recorded: "<context>.<Name>".
func CommandName(c kernel.Command) string {
	t := reflect.TypeOf(c)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pkg := t.PkgPath()
	return fmt.Sprintf("%s.%s", pkg[strings.LastIndex(pkg, "/")+1:], t.Name())
}
