package lending_test

import (
	"regexp"
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
	"github.com/nongjiao/nongjiao/internal/lending"
)

// LTV_EXCEEDED quotes the largest amount the loan-to-value cap allows, and
// that amount is approved.
func TestLTVRefusalQuotesAnAcceptedAmount(t *testing.T) {
	decidertest.RunSendBack(t, lending.Decider, []decidertest.SendBack[lending.Command]{
		{Name: "one fen over the cap", Now: t0, Given: history(applied,
			lending.CollateralValued{LoanID: loanID, Value: 2*amount - 3, Appraiser: appraiser, At: t0}),
			When: lending.ApproveLoan{LoanID: loanID, By: bank, Amount: amount}, WantCode: lending.CodeLTVExceeded,
			Quote: regexp.MustCompile(`amount may be (\S+) at most$`),
			With: func(c lending.Command, q string) lending.Command {
				a := c.(lending.ApproveLoan)
				a.Amount, _ = kernel.ParseMoney(q)
				return a
			}},
	})
}
