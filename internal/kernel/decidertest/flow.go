package decidertest

import (
	"reflect"
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Flow is a workflow as pure functions: Evolve folds what an instance
// recorded into its state S; Step decides, from that state and an input I
// (a triggering event with the facts gathered for it), the events the
// instance records and the commands it sends.
type Flow[S, I any] struct {
	Evolve func(S, kernel.Event) S
	Step   func(S, I) ([]kernel.Event, []kernel.Command)
}

// FlowCase is one row of a workflow table: given what the instance
// recorded, when an input arrives, then it records Then and sends Send.
type FlowCase[I any] struct {
	Name  string
	Given []kernel.Event
	When  I
	Then  []kernel.Event   // the events recorded
	Send  []kernel.Command // the commands sent, in order
}

// RunFlow runs every case as a subtest. reg decodes what the workflow
// records: each recorded event must survive a JSON round trip. It also feeds
// the recorded events back and decides When again: a workflow that recorded
// what it sent must send none of it twice (it may send what a later step
// calls for).
func RunFlow[S, I any](t *testing.T, f Flow[S, I], reg *kernel.Registry, cases []FlowCase[I]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			var s S
			for _, e := range tc.Given {
				s = f.Evolve(s, e)
			}
			events, sent := f.Step(s, tc.When)
			if !reflect.DeepEqual(events, tc.Then) {
				t.Fatalf("recorded events differ\n got: %#v\nwant: %#v", events, tc.Then)
			}
			if !reflect.DeepEqual(sent, tc.Send) {
				t.Fatalf("commands differ\n got: %#v\nwant: %#v", sent, tc.Send)
			}
			RoundTrip(t, reg, events...)
			for _, e := range events {
				s = f.Evolve(s, e)
			}
			_, again := f.Step(s, tc.When)
			for _, c := range again {
				for _, was := range sent {
					if reflect.DeepEqual(c, was) {
						t.Fatalf("the same input, once recorded, sent %#v again", c)
					}
				}
			}
		})
	}
}
