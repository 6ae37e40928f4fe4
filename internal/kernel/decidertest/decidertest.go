// Package decidertest runs given-events / when-command / then-events tables
// against a kernel.Decider. Each case folds Given into a state, decides When at
// Now, and compares the events (or the error code) with Then (or WantCode). It
// also checks that every emitted event survives a JSON round trip through the
// context's registry, so what is decided is what gets stored.
package decidertest

import (
	"reflect"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Case is one row of a decider table.
type Case[C kernel.Command] struct {
	Name     string
	Given    []kernel.Event
	When     C
	Now      time.Time      // zero: the table's default time
	Then     []kernel.Event // expected events when WantCode is ""
	WantCode string         // expected kernel.Error code; Then is then ignored
}

// Run runs every case as a subtest. reg decodes what the decider emits; now is
// the time used by cases that leave Now zero.
func Run[S any, C kernel.Command](t *testing.T, d kernel.Decider[S, C], reg *kernel.Registry, now time.Time, cases []Case[C]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			at := tc.Now
			if at.IsZero() {
				at = now
			}
			state := d.Fold(tc.Given)
			got, err := d.Decide(state, tc.When, at)
			if tc.WantCode != "" {
				if code := kernel.ErrorCode(err); code != tc.WantCode {
					t.Fatalf("want error %s, got %v (events %v)", tc.WantCode, err, got)
				}
				if len(got) != 0 {
					t.Fatalf("a refused command emitted events: %v", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if !reflect.DeepEqual(got, tc.Then) {
				t.Fatalf("events differ\n got: %#v\nwant: %#v", got, tc.Then)
			}
			RoundTrip(t, reg, got...)
		})
	}
}

// RoundTrip fails tb unless every event encodes and decodes back to an equal value.
func RoundTrip(tb testing.TB, reg *kernel.Registry, events ...kernel.Event) {
	tb.Helper()
	for _, e := range events {
		typ, data, err := reg.Encode(e)
		if err != nil {
			tb.Fatalf("encode %T: %v", e, err)
		}
		back, err := reg.Decode(typ, data)
		if err != nil {
			tb.Fatalf("decode %s: %v", typ, err)
		}
		if !reflect.DeepEqual(back, e) {
			tb.Fatalf("%s does not round-trip\n got: %#v\nwant: %#v", typ, back, e)
		}
	}
}

// CopyOnWrite fails tb if evolving a state changes that state: for every
// prefix of history it folds the prefix twice, evolves one copy further and
// checks it still equals the untouched one.
func CopyOnWrite[S any, C kernel.Command](tb testing.TB, d kernel.Decider[S, C], history []kernel.Event) {
	tb.Helper()
	for k := range history {
		kept, untouched := d.Fold(history[:k]), d.Fold(history[:k])
		s := kept
		for _, e := range history[k:] {
			s = d.Evolve(s, e)
		}
		if !reflect.DeepEqual(kept, untouched) {
			tb.Fatalf("evolving after %d events changed the earlier state (%T is not copy-on-write)", k, history[k])
		}
	}
}
