package registry

import (
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

type packageCase = decidertest.Case[PackageCommand]

var asset2 = uuid.MustParse("00000000-0000-0000-0000-0000000000a2")

func entrustedPlot() Plot {
	e := entrustment()
	return Plot{AssetID: asset, Type: kernel.AssetLandManagementRight, Area: 1250, Contractor: household, Holder: household, Entrustment: &e}
}

func TestPlotSnapshotFeedsAddPlot(t *testing.T) {
	s := Decider.Fold([]kernel.Event{registered(), PlotEntrusted{AssetID: asset, Entrustment: entrustment(), At: now}})
	decidertest.Run(t, PackageDecider, registry(), now, []packageCase{{
		Name:  "rule 5: a plot entrusted in the registry joins the package",
		Given: []kernel.Event{created()},
		When:  AddPlot{PackageID: pkg, By: collective, Plot: s.Plot()},
		Then:  []kernel.Event{PlotAdded{PackageID: pkg, AssetID: asset, Household: household, Area: 1250, At: now}},
	}})
}

func created() PackageCreated {
	return PackageCreated{PackageID: pkg, Collective: collective, Title: "东丰村连片流转 1 号", Form: FormLease, Start: termStart, End: termEnd, At: now}
}

func TestPackage(t *testing.T) {
	added := PlotAdded{PackageID: pkg, AssetID: asset, Household: household, Area: 1250, At: now}
	added2 := PlotAdded{PackageID: pkg, AssetID: asset2, Household: household, Area: 300, At: now}
	otherCollective := entrustment()
	otherCollective.Collective = company
	decidertest.Run(t, PackageDecider, registry(), now, []packageCase{
		{Name: "the collective creates a package",
			When: CreatePackage{PackageID: pkg, By: collective, Title: created().Title, Form: FormLease, Start: termStart, End: termEnd},
			Then: []kernel.Event{created()}},
		{Name: "a package without title is refused",
			When: CreatePackage{PackageID: pkg, By: collective, Form: FormLease, Start: termStart, End: termEnd}, WantCode: kernel.CodeInvalid},
		{Name: "a package with an empty term is refused",
			When: CreatePackage{PackageID: pkg, By: collective, Title: "x", Form: FormLease, Start: termEnd, End: termEnd}, WantCode: kernel.CodeInvalid},
		{Name: "creating twice is refused", Given: []kernel.Event{created()},
			When: CreatePackage{PackageID: pkg, By: collective, Title: "x", Form: FormLease, Start: termStart, End: termEnd}, WantCode: kernel.CodeConflict},
		{Name: "adding to a missing package is refused",
			When: AddPlot{PackageID: pkg, By: collective, Plot: entrustedPlot()}, WantCode: kernel.CodeNotFound},
		{Name: "rule 5: an entrusted plot is added", Given: []kernel.Event{created()},
			When: AddPlot{PackageID: pkg, By: collective, Plot: entrustedPlot()}, Then: []kernel.Event{added}},
		{Name: "rule 5: a plot not entrusted is refused", Given: []kernel.Event{created()},
			When: AddPlot{PackageID: pkg, By: collective, Plot: with(entrustedPlot(), func(p *Plot) { p.Entrustment = nil })}, WantCode: CodeNotEntrusted},
		{Name: "rule 5: a plot entrusted to another collective is refused", Given: []kernel.Event{created()},
			When: AddPlot{PackageID: pkg, By: collective, Plot: with(entrustedPlot(), func(p *Plot) { p.Entrustment = &otherCollective })}, WantCode: CodeNotEntrusted},
		{Name: "rule 5: a scope without the package's form is refused", Given: []kernel.Event{with(created(), func(e *PackageCreated) { e.Form = FormSubContract })},
			When: AddPlot{PackageID: pkg, By: collective, Plot: entrustedPlot()}, WantCode: CodeEntrustmentDoesNotCover},
		{Name: "rule 5: an entrustment ending before the package's term is refused", Given: []kernel.Event{with(created(), func(e *PackageCreated) { e.End = termEnd.AddDate(1, 0, 0) })},
			When: AddPlot{PackageID: pkg, By: collective, Plot: entrustedPlot()}, WantCode: CodeEntrustmentDoesNotCover},
		{Name: "a plot already transferred is refused", Given: []kernel.Event{created()},
			When: AddPlot{PackageID: pkg, By: collective, Plot: with(entrustedPlot(), func(p *Plot) { p.Holder = farmer })}, WantCode: CodePlotNotAvailable},
		{Name: "a plot twice is refused", Given: []kernel.Event{created(), added},
			When: AddPlot{PackageID: pkg, By: collective, Plot: entrustedPlot()}, WantCode: CodePlotNotAvailable},
		{Name: "a non-land asset is refused", Given: []kernel.Event{created()},
			When: AddPlot{PackageID: pkg, By: collective, Plot: with(entrustedPlot(), func(p *Plot) { p.Type = kernel.AssetFarmFacility })}, WantCode: kernel.CodeInvalid},
		{Name: "another party may not add plots", Given: []kernel.Event{created()},
			When: AddPlot{PackageID: pkg, By: company, Plot: entrustedPlot()}, WantCode: kernel.CodeForbidden},
		{Name: "a plot is removed", Given: []kernel.Event{created(), added},
			When: RemovePlot{PackageID: pkg, By: collective, AssetID: asset}, Then: []kernel.Event{PlotRemoved{PackageID: pkg, AssetID: asset, At: now}}},
		{Name: "removing a plot not in the package is refused", Given: []kernel.Event{created()},
			When: RemovePlot{PackageID: pkg, By: collective, AssetID: asset}, WantCode: kernel.CodeNotFound},
		{Name: "the package is sealed with its plots and total area", Given: []kernel.Event{created(), added, added2},
			When: SealPackage{PackageID: pkg, By: collective},
			Then: []kernel.Event{PackageSealed{PackageID: pkg, Plots: []uuid.UUID{asset, asset2}, Area: 1550, At: now}}},
		{Name: "a removed plot leaves the sealed area", Given: []kernel.Event{created(), added, added2, PlotRemoved{PackageID: pkg, AssetID: asset, At: now}},
			When: SealPackage{PackageID: pkg, By: collective},
			Then: []kernel.Event{PackageSealed{PackageID: pkg, Plots: []uuid.UUID{asset2}, Area: 300, At: now}}},
		{Name: "an empty package cannot be sealed", Given: []kernel.Event{created()},
			When: SealPackage{PackageID: pkg, By: collective}, WantCode: kernel.CodeInvalidState},
		{Name: "a sealed package is not changed", Given: []kernel.Event{created(), added, PackageSealed{PackageID: pkg, Plots: []uuid.UUID{asset}, Area: 1250, At: now}},
			When: RemovePlot{PackageID: pkg, By: collective, AssetID: asset}, WantCode: CodePackageSealed},
	})
}
