package collateral

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

func TestEveryFreeTextFieldHasALimit(t *testing.T) {
	decidertest.TextLimits(t, Decider, []Command{
		RegisterCollateral{}, AmendCollateral{}, SecureLoan{}, ReleaseLoan{}, ContinueCollateral{}, DischargeCollateral{}, ExpireCollateral{},
	})
}
