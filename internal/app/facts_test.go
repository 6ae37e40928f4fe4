package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// Rule 31 through the facts: a transferee's holding on the register is held
// until its end, so a notice filed a nanosecond before the end is registered
// and one filed at the end or a day after (before the register has ended the
// holding) is refused.
func TestFilingTakesTheHoldingAsTheRegisterEndsIt(t *testing.T) {
	start := time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC)
	leaseEnd := start.AddDate(5, 0, 0)
	collective, tenant, bank, asset := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	for _, c := range []struct {
		name string
		at   time.Time
		want string
	}{
		{"a nanosecond before the holding ends", leaseEnd.Add(-time.Nanosecond), ""},
		{"when the holding ends", leaseEnd, collateral.CodeGrantorNotHolder},
		{"the day after the holding ended", leaseEnd.AddDate(0, 0, 1), collateral.CodeGrantorNotHolder},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			clock := kernel.NewManualClock(start)
			a := app.New(memstore.New(clock), clock, nil, app.Options{})
			do := func(cmd registry.Command) {
				t.Helper()
				if _, err := a.Assets.Handle(ctx, cmd, app.Meta{CommandID: uuid.New(), Actor: "test"}); err != nil {
					t.Fatal(err)
				}
			}
			source := registry.Source{Reference: "林权证 0001", Date: start}
			do(registry.RegisterAsset{AssetID: asset, By: collective, Type: kernel.AssetForestRight, Area: 5000,
				Location:      registry.Location{Province: "山东省", County: "青州市", Township: "王坟镇", Village: "车道峪村"},
				CertificateNo: "LQ-0001", RightsEnd: start.AddDate(30, 0, 0), Title: "forest", Holder: collective, Source: source})
			do(registry.TransferManagementRight{AssetID: asset, ContractID: uuid.New(), Transferor: collective, Transferee: tenant,
				Form: registry.FormLease, Start: start, End: leaseEnd, Source: source})
			clock.Set(c.at)
			cmd, err := a.Facts().Filing(ctx, collateral.RegisterCollateral{RegistrationID: uuid.New(), By: bank, Number: "DJ-1",
				Grantor: tenant, SecuredParty: bank, Collateral: collateral.Collateral{Kind: collateral.KindMortgage, Asset: asset},
				SecuredAmount: kernel.Yuan(10_000), Start: c.at, End: c.at.AddDate(1, 0, 0)})
			if err != nil {
				t.Fatal(err)
			}
			_, err = a.Collateral.Handle(ctx, cmd, app.Meta{CommandID: uuid.New(), Actor: "test"})
			if code := kernel.ErrorCode(err); code != c.want {
				t.Fatalf("filing: %v, want %q", err, c.want)
			}
		})
	}
}
