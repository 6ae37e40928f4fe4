package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// Rule 28 through the facts: a listing of let land names the lessee whose
// renewal priority stands as its sitting lessee, and nobody once the lessee
// declined renewal.
func TestListingAssetsNameTheSittingLessee(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, kernel.Shanghai).UTC()
	clock := kernel.NewManualClock(start)
	a := app.New(memstore.New(clock), clock, nil, app.Options{})
	meta := func() app.Meta { return app.Meta{CommandID: uuid.New(), Actor: "test"} }
	collective, tenant, asset, contract := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	source := registry.Source{Reference: "证书 0001", Date: start}
	if _, err := a.Assets.Handle(ctx, registry.RegisterAsset{AssetID: asset, By: collective, Type: kernel.AssetWastelandUseRight, Area: 5000,
		Location:      registry.Location{Province: "山东省", County: "青州市", Township: "王坟镇", Village: "车道峪村"},
		CertificateNo: "SH-0001", RightsEnd: start.AddDate(30, 0, 0), Title: "荒山", Holder: collective, Source: source}, meta()); err != nil {
		t.Fatal(err)
	}
	lessee := func() uuid.UUID {
		t.Helper()
		f, err := a.Facts().ListingAssets(ctx, []uuid.UUID{asset})
		if err != nil {
			t.Fatal(err)
		}
		return f.SittingLessee
	}
	if got := lessee(); got != uuid.Nil {
		t.Fatalf("land never let has sitting lessee %s", got)
	}
	plot, _, err := a.Facts().ContractPlot(ctx, asset, collective)
	if err != nil {
		t.Fatal(err)
	}
	end := start.AddDate(2, 0, 0)
	terms := transfer.Terms{Transferor: collective, Transferee: tenant, Plots: []transfer.Plot{plot}, Form: transfer.FormLease,
		Use: transfer.UseCropping, Start: start, End: end, RentPerMuYear: kernel.Yuan(200), Frequency: transfer.Annual, TransfereeIsMember: true}
	doc := transfer.Document{Reference: "出租合同 0001", Signed: start}
	if _, err := a.Transfers.Handle(ctx, transfer.SignDirect{ContractID: contract, Terms: terms, Document: doc}, meta()); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Assets.Handle(ctx, registry.TransferManagementRight{AssetID: asset, ContractID: contract, Transferor: collective,
		Transferee: tenant, Form: registry.FormLease, Start: start, End: end, Source: source}, meta()); err != nil {
		t.Fatal(err)
	}
	if got := lessee(); got != tenant {
		t.Fatalf("sitting lessee %s, want the tenant %s", got, tenant)
	}
	if _, err := a.Transfers.Handle(ctx, transfer.DeclineRenewal{ContractID: contract, By: tenant}, meta()); err != nil {
		t.Fatal(err)
	}
	if got := lessee(); got != uuid.Nil {
		t.Fatalf("a lessee that declined renewal is still the sitting lessee: %s", got)
	}
}
