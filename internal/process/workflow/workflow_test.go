package workflow_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/process/workflow"
)

// Evolve never changes a state another holder sees: the runner keeps the
// state it decided from while it appends.
func TestEvolveIsCopyOnWrite(t *testing.T) {
	trigger := uuid.New()
	history := []kernel.Event{
		workflow.CommandSent{Trigger: trigger, Step: "a", CommandID: workflow.CommandID(trigger, "a")},
		workflow.CommandSent{Trigger: trigger, Step: "b", CommandID: workflow.CommandID(trigger, "b")},
		workflow.TriggerHandled{Trigger: trigger},
	}
	decidertest.CopyOnWrite(t, kernel.Decider[workflow.State, kernel.Command]{Evolve: workflow.Evolve}, history)
	s := workflow.Fold(history)
	if !s.Sent(trigger, "a") || !s.SentStep("b") || s.Sent(uuid.New(), "a") || !s.Acted(trigger) || s.Acted(uuid.New()) || !s.Handled(trigger) {
		t.Fatalf("state %+v does not answer for what it recorded", s)
	}
}

// A step sent twice in one decision is sent once.
func TestStepSendsAStepOnce(t *testing.T) {
	cmd := lending.RecordRecovery{LoanID: uuid.New()}
	w := workflow.Workflow[struct{}]{Name: "w", Decide: func(workflow.State, workflow.Trigger, struct{}) []workflow.Send {
		return []workflow.Send{{Step: "s", Command: cmd}, {Step: "s", Command: cmd}}
	}}
	events, outs := w.Step(workflow.State{}, workflow.Input[struct{}]{Trigger: workflow.Trigger{ID: uuid.New(), Event: lending.LoanRepaid{}}})
	if len(events) != 1 || len(outs) != 1 || events[0].(workflow.CommandSent).Command != "lending.RecordRecovery" {
		t.Fatalf("events %v, commands %v; want one RecordRecovery", events, outs)
	}
}
