package fund

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

func TestEveryFreeTextFieldHasALimit(t *testing.T) {
	decidertest.TextLimits(t, Decider, []Command{
		EstablishFund{}, TopUpCapital{}, FileFundClaim{}, ApproveFundClaim{}, RejectFundClaim{}, PayFundClaim{},
		AdvanceRent{}, RecordAdvanceRepayment{}, BuyCollateral{}, SellHolding{},
	})
}
