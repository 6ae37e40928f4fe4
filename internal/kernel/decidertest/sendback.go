package decidertest

import (
	"regexp"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// SendBack is a refusal that quotes a limit, and the proof that the quoted
// value is itself accepted.
type SendBack[C kernel.Command] struct {
	Name     string
	Given    []kernel.Event
	Now      time.Time
	When     C
	WantCode string
	// Quote finds the quoted value in the message: its first group.
	Quote *regexp.Regexp
	// With returns When with the quoted value in the field it limits.
	With func(c C, quoted string) C
}

// RunSendBack decides each case's When and wants WantCode with a message
// Quote matches, then decides When carrying the quoted value and wants no
// error: a limit quoted in a message is one the caller can send back.
func RunSendBack[S any, C kernel.Command](t *testing.T, d kernel.Decider[S, C], cases []SendBack[C]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			state := d.Fold(tc.Given)
			_, err := d.Decide(state, tc.When, tc.Now)
			if kernel.ErrorCode(err) != tc.WantCode {
				t.Fatalf("got %v, want %s", err, tc.WantCode)
			}
			m := tc.Quote.FindStringSubmatch(kernel.ErrorMessage(err))
			if m == nil {
				t.Fatalf("message %q quotes nothing matching %s", kernel.ErrorMessage(err), tc.Quote)
			}
			if _, err := d.Decide(state, tc.With(tc.When, m[1]), tc.Now); err != nil {
				t.Fatalf("the quoted %s, sent back, is refused: %v", m[1], err)
			}
		})
	}
}
