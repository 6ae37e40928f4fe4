package coop_test

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// HOLDING_CAP_EXCEEDED quotes how many shares the receiver may still take,
// and that many are transferred.
func TestHoldingCapRefusalQuotesAnAcceptedCount(t *testing.T) {
	decidertest.RunSendBack(t, coop.Decider, []decidertest.SendBack[coop.Command]{
		{Name: "one share over the cap", Now: t1, Given: register(),
			When:     coop.TransferShares{CoopID: coopID, From: bob, To: alice, Class: coop.ClassPopulation, Shares: 101},
			WantCode: coop.CodeHoldingCapExceeded, Quote: regexp.MustCompile(`shares may be (\d+) at most$`),
			With: func(c coop.Command, q string) coop.Command {
				tr := c.(coop.TransferShares)
				tr.Shares, _ = strconv.ParseInt(q, 10, 64)
				return tr
			}},
	})
}
