package lending

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

func TestEveryFreeTextFieldHasALimit(t *testing.T) {
	decidertest.TextLimits(t, Decider, []Command{
		ApplyForLoan{Product: ProductSnapshot{Terms: DefaultTerms(Tier{})}}, ValueCollateral{}, ApproveLoan{},
		RejectLoan{}, RecordCollateralRegistered{}, DisburseLoan{}, RepayLoan{}, MarkOverdue{}, DeclareDefault{},
		RecordRecovery{}, WriteOff{},
	}, "Product")
	decidertest.TextLimits(t, ProductDecider, []ProductCommand{
		DefineLoanProduct{Terms: DefaultTerms(Tier{})}, ReviseLoanProduct{Terms: DefaultTerms(Tier{})}, WithdrawLoanProduct{},
	})
}
