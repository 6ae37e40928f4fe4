package registry

import (
	"regexp"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// Terms past the right quote the latest end it allows, as RFC 3339, and that
// end is accepted.
func TestTermRefusalsQuoteAnAcceptedEnd(t *testing.T) {
	latest := regexp.MustCompile(`end must be (\S+) or earlier$`)
	instant := func(q string) time.Time { v, _ := time.Parse(time.RFC3339, q); return v }
	decidertest.RunSendBack(t, Decider, []decidertest.SendBack[Command]{
		{Name: "a transfer past the contract right", Now: now, Given: []kernel.Event{registered()},
			When:     with(transferCmd(contract1, household, farmer), func(c *TransferManagementRight) { c.End = rightsEnd.Add(time.Hour) }),
			WantCode: CodeTermExceedsContract, Quote: latest,
			With: func(c Command, q string) Command { tr := c.(TransferManagementRight); tr.End = instant(q); return tr }},
		{Name: "an entrustment past the contract right", Now: now, Given: []kernel.Event{registered()},
			When:     with(entrustCmd(), func(c *EntrustPlot) { c.End = rightsEnd.AddDate(0, 0, 1) }),
			WantCode: CodeTermExceedsContract, Quote: latest,
			With: func(c Command, q string) Command { e := c.(EntrustPlot); e.End = instant(q); return e }},
		{Name: "a renewal past the contract right", Now: now, Given: []kernel.Event{registered(), transferred(contract1, household, farmer, false)},
			When: ExtendManagementRight{AssetID: asset, ContractID: contract1, Transferor: household, End: rightsEnd.Add(time.Hour),
				Source: Source{Reference: "RENEWAL-1", Date: now}},
			WantCode: CodeTermExceedsContract, Quote: latest,
			With: func(c Command, q string) Command { x := c.(ExtendManagementRight); x.End = instant(q); return x }},
	})
}
