package transfer

import (
	"regexp"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// A term past the contract right quotes the latest end it allows (as RFC
// 3339, as the API reads it, not as a bare date), and that end is accepted.
func TestTermRefusalQuotesAnAcceptedEnd(t *testing.T) {
	endAt := func(c Command, q string) Command {
		d := c.(SignDirect)
		d.Terms.End, _ = time.Parse(time.RFC3339, q)
		d.Terms.Frequency = OneOff
		return d
	}
	decidertest.RunSendBack(t, Decider, []decidertest.SendBack[Command]{
		{Name: "one day past the household's contract", Now: signedAt,
			When:     direct(terms(func(t *Terms) { t.End = contractEnd.AddDate(0, 0, 1) })),
			WantCode: CodeTermExceedsContract, Quote: regexp.MustCompile(`end must be (\S+) or earlier$`), With: endAt},
		{Name: "an end before the start", Now: signedAt,
			When:     direct(terms(func(t *Terms) { t.End = t.Start.Add(-time.Hour) })),
			WantCode: "INVALID_INPUT", Quote: regexp.MustCompile(`end must be after the start: (\S+) or later$`), With: endAt},
	})
}
