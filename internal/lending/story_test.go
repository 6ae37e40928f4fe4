package lending_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
)

// step is one command of a story, sent at a time.
type step struct {
	at  time.Time
	cmd lending.Command
}

// play sends every command in turn, folding the events as they come, and
// checks that the stored history (round-tripped through the registry's JSON)
// replays to the same state.
func play(t *testing.T, steps []step) (lending.State, []kernel.Event) {
	t.Helper()
	var s lending.State
	var history []kernel.Event
	for _, st := range steps {
		events, err := lending.Decide(s, st.cmd, st.at)
		if err != nil {
			t.Fatalf("%T at %s: %v", st.cmd, st.at, err)
		}
		for _, e := range events {
			s = lending.Evolve(s, e)
		}
		history = append(history, events...)
	}
	reg := registry()
	stored := make([]kernel.Event, len(history))
	for k, e := range history {
		typ, data, err := reg.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		if stored[k], err = reg.Decode(typ, data); err != nil {
			t.Fatal(err)
		}
	}
	if replayed := lending.Decider.Fold(stored); !reflect.DeepEqual(replayed, s) {
		t.Fatalf("replay differs\n got: %+v\nwant: %+v", replayed, s)
	}
	return s, history
}

func opening() []step {
	return []step{
		{t0, application()},
		{t0, lending.ValueCollateral{LoanID: loanID, By: bank, Value: kernel.Yuan(80000), Appraiser: appraiser}},
		{t0, lending.ApproveLoan{LoanID: loanID, By: bank, Amount: amount}},
		{t0, lending.RecordCollateralRegistered{LoanID: loanID, RegistrationID: regID}},
		{t0, lending.DisburseLoan{LoanID: loanID, By: bank}},
	}
}

func TestStoryRepaidOnTime(t *testing.T) {
	steps := opening()
	for _, i := range schedule {
		steps = append(steps, step{i.DueDate.Add(2 * time.Hour), lending.RepayLoan{LoanID: loanID, Amount: i.Amount()}})
	}
	s, history := play(t, steps)
	if s.Status != lending.StatusRepaid {
		t.Fatalf("status %s", s.Status)
	}
	if last, ok := history[len(history)-1].(lending.LoanRepaid); !ok || last.RegistrationID != regID {
		t.Fatalf("the story does not end with LoanRepaid naming the registration: %#v", history[len(history)-1])
	}
	if _, _, ok := s.NextDue(); ok {
		t.Fatal("a repaid loan still has something due")
	}
}

func TestStoryDefaultThenWriteOff(t *testing.T) {
	steps := append(opening(), step{overdueAt, lending.MarkOverdue{LoanID: loanID}})
	// The scheduler asks what is due next and sends it then.
	s, _ := play(t, steps)
	cmd, at, ok := s.NextDue()
	if !ok {
		t.Fatal("nothing due on an overdue loan")
	}
	steps = append(steps,
		step{at, cmd},
		step{at, lending.RecordRecovery{LoanID: loanID, Source: lending.RecoveryDisposal, Amount: 3000000}},
		step{at, lending.RecordRecovery{LoanID: loanID, Source: lending.RecoveryFund, Amount: 130000}},
		step{at, lending.WriteOff{LoanID: loanID, By: bank}},
	)
	s, history := play(t, steps)
	if s.Status != lending.StatusWrittenOff {
		t.Fatalf("status %s", s.Status)
	}
	if got := s.NetPrincipalLoss(); got != amount-3000000 {
		t.Errorf("net principal loss %d", got)
	}
	off := history[len(history)-1].(lending.LoanWrittenOff)
	if off.Principal != amount-3000000-130000 || off.Interest != 90000 {
		t.Errorf("written off %+v", off)
	}
}

// ExampleBuildSchedule prints an interest-only loan of 36,500 yuan at 10 % for
// three months: ACT/365 interest is 10 yuan a day.
func ExampleBuildSchedule() {
	s, _ := lending.BuildSchedule(kernel.Yuan(36500), 1000, 3, time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), lending.InterestOnly)
	for _, i := range s {
		fmt.Println(i.No, i.DueDate.Format(time.DateOnly), i.Days, i.Principal, i.Interest)
	}
	// Output:
	// 1 2026-02-15 31 0.00 310.00
	// 2 2026-03-15 28 0.00 280.00
	// 3 2026-04-15 31 36500.00 310.00
}
