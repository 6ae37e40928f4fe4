package collateral_test

import (
	"regexp"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// A continuation that does not extend the registration quotes the first end
// that does, and that end is accepted.
func TestContinuationRefusalQuotesAnAcceptedEnd(t *testing.T) {
	decidertest.RunSendBack(t, collateral.Decider, []decidertest.SendBack[collateral.Command]{
		{Name: "continued to its own end", Now: t1, Given: []kernel.Event{registered()},
			When:     collateral.ContinueCollateral{RegistrationID: reg1, By: bank1, End: end},
			WantCode: kernel.CodeInvalid, Quote: regexp.MustCompile(`end must be (\S+) or later$`),
			With: func(c collateral.Command, q string) collateral.Command {
				cc := c.(collateral.ContinueCollateral)
				cc.End, _ = time.Parse(time.RFC3339, q)
				return cc
			}},
	})
}
