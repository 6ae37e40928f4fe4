package registry

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

func TestEveryFreeTextFieldHasALimit(t *testing.T) {
	decidertest.TextLimits(t, Decider, []Command{
		RegisterAsset{}, AddRestriction{}, RemoveRestriction{}, TransferManagementRight{}, EndManagementRight{},
		EntrustPlot{Scope: []Form{""}}, RevokeEntrustment{}, RecordConsent{},
	})
	decidertest.TextLimits(t, PackageDecider, []PackageCommand{CreatePackage{}, AddPlot{}, RemovePlot{}, SealPackage{}})
}
