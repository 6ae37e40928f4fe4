package registry

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// The boundaries of rules 5 and 7 on the register: only contracted land is
// entrusted or consented to, a consent names a grantee other than the
// contractor, terms are at least a nanosecond long, and only a package's
// collective changes it.
func TestRegisterBoundaries(t *testing.T) {
	collectiveLand := with(registered(), func(e *AssetRegistered) { e.Contractor, e.Holder = uuid.Nil, collective })
	consent := func(f func(*RecordConsent)) RecordConsent {
		c := RecordConsent{AssetID: asset, By: collective, ConsentID: consent1, Contractor: household, Grantee: farmer, Purpose: ConsentMortgage, Source: paper}
		f(&c)
		return c
	}
	aNanosecond := termStart.Add(time.Nanosecond)
	decidertest.Run(t, Decider, registry(), now, []assetCase{
		{Name: "rule 5: land no household contracted is not entrusted", Given: []kernel.Event{collectiveLand},
			When: entrustCmd(), WantCode: kernel.CodeInvalidState},
		{Name: "rule 5: an entrustment ending at its start is refused", Given: []kernel.Event{registered()},
			When: with(entrustCmd(), func(c *EntrustPlot) { c.End = c.Start }), WantCode: kernel.CodeInvalid},
		{Name: "rule 5: an entrustment of a nanosecond is recorded", Given: []kernel.Event{registered()},
			When: with(entrustCmd(), func(c *EntrustPlot) { c.End = aNanosecond }),
			Then: []kernel.Event{PlotEntrusted{AssetID: asset, At: now, Entrustment: with(entrustment(), func(e *Entrustment) { e.End = aNanosecond })}}},
		{Name: "rule 7: consent on land no household contracted is refused", Given: []kernel.Event{collectiveLand},
			When: consent(func(*RecordConsent) {}), WantCode: kernel.CodeInvalidState},
		{Name: "rule 7: the contractor does not consent to itself", Given: []kernel.Event{registered()},
			When: consent(func(c *RecordConsent) { c.Grantee = household }), WantCode: kernel.CodeInvalid},
		{Name: "rule 7: a consent has its id", Given: []kernel.Event{registered()},
			When: consent(func(c *RecordConsent) { c.ConsentID = uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "rule 1: a transfer ending at its start is refused", Given: []kernel.Event{registered()},
			When: with(transferCmd(contract1, household, farmer), func(c *TransferManagementRight) { c.End = c.Start }), WantCode: kernel.CodeInvalid},
	})
	decidertest.Run(t, PackageDecider, registry(), now, []packageCase{
		{Name: "rule 5: only the package's collective adds plots", Given: []kernel.Event{created()},
			When: AddPlot{PackageID: pkg, By: company, Plot: entrustedPlot()}, WantCode: kernel.CodeForbidden},
		{Name: "rule 5: only the package's collective removes plots",
			Given: []kernel.Event{created(), PlotAdded{PackageID: pkg, AssetID: asset, Household: household, Area: 1250, At: now}},
			When:  RemovePlot{PackageID: pkg, By: company, AssetID: asset}, WantCode: kernel.CodeForbidden},
		{Name: "rule 5: only the package's collective seals it",
			Given: []kernel.Event{created(), PlotAdded{PackageID: pkg, AssetID: asset, Household: household, Area: 1250, At: now}},
			When:  SealPackage{PackageID: pkg, By: company}, WantCode: kernel.CodeForbidden},
	})
}
