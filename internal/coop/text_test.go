package coop

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

func TestEveryFreeTextFieldHasALimit(t *testing.T) {
	decidertest.TextLimits(t, Decider, []Command{
		FoundCooperative{}, AdmitMember{}, AllocateShares{}, TransferShares{}, RedeemShares{}, RecordDeath{},
		InheritShares{}, RevertUnclaimedShares{}, PledgeShares{}, ReleasePledge{}, ExpirePledge{}, DeclareDividend{},
		PayDividend{},
	})
}
