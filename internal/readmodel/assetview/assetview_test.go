package assetview_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/assetview"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// story sends commands touching every projected event kind and returns the
// ids to read back.
func story(t *testing.T, a *app.App, clock *kernel.ManualClock) (asset, pkg, contract uuid.UUID) {
	t.Helper()
	ctx := context.Background()
	collective, household, bidder, bank := uuid.New(), uuid.New(), uuid.New(), uuid.New()
	asset, pkg, contract = uuid.New(), uuid.New(), uuid.New()
	src := registry.Source{Reference: "doc", Date: date(2026, 11, 20)}
	meta := func() app.Meta { clock.Advance(time.Minute); return app.Meta{CommandID: uuid.New(), Actor: "test"} }
	must := func(_ app.Result, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(a.Assets.Handle(ctx, registry.RegisterAsset{AssetID: asset, By: collective, Type: kernel.AssetLandManagementRight,
		Location: registry.Location{Province: "山东省", County: "寒亭区", Township: "朱里街道", Village: "王家庄"}, Area: 1000,
		CertificateNo: "c-1", RightsEnd: date(2040, 12, 31), Title: "一号地", Contractor: household, Holder: household, Source: src}, meta()))
	must(a.Assets.Handle(ctx, registry.EntrustPlot{AssetID: asset, By: household, Entrustee: collective, Collective: collective,
		Scope: []registry.Form{registry.FormLease}, Start: date(2026, 12, 1), End: date(2036, 12, 31), Source: src}, meta()))
	must(a.Assets.Handle(ctx, registry.RecordConsent{AssetID: asset, By: collective, ConsentID: uuid.New(), Contractor: household,
		Grantee: bidder, Purpose: registry.ConsentMortgage, Source: src}, meta()))
	lifted := uuid.New()
	for _, id := range []uuid.UUID{lifted, uuid.New()} {
		must(a.Assets.Handle(ctx, registry.AddRestriction{AssetID: asset, Restriction: registry.Restriction{ID: id, Kind: registry.RestrictionMortgage,
			Grantor: household, SecuredParty: bank, Amount: kernel.Yuan(1000), Start: clock.Now(), Source: src}}, meta()))
	}
	must(a.Assets.Handle(ctx, registry.RemoveRestriction{AssetID: asset, RestrictionID: lifted, Source: src}, meta()))

	must(a.Packages.Handle(ctx, registry.CreatePackage{PackageID: pkg, By: collective, Title: "整村", Form: registry.FormLease,
		Start: date(2027, 1, 1), End: date(2030, 1, 1)}, meta()))
	var plot registry.Plot
	must(app.Result{}, a.Assets.Inspect(ctx, asset, func(s registry.State, _ uint64) { plot = s.Plot() }))
	must(a.Packages.Handle(ctx, registry.AddPlot{PackageID: pkg, By: collective, Plot: plot}, meta()))
	must(a.Packages.Handle(ctx, registry.SealPackage{PackageID: pkg, By: collective}, meta()))

	start, end := date(2027, 1, 1), date(2032, 1, 1)
	must(a.Transfers.Handle(ctx, transfer.SignDirect{ContractID: contract, Document: transfer.Document{Reference: "合同"}, Terms: transfer.Terms{
		Transferor: collective, Transferee: bidder, Form: transfer.FormLease, Use: transfer.UseCropping, Start: start, End: end,
		RentPerMuYear: kernel.Yuan(800), Frequency: transfer.Annual,
		Plots: []transfer.Plot{{AssetID: asset, Area: 1000, Collective: collective, Contractor: household, Holder: household,
			ContractEnd: date(2040, 12, 31), Entrustment: &transfer.Entrustment{Entrustee: collective, Scope: []transfer.Form{transfer.FormLease},
				Start: date(2026, 12, 1), End: date(2036, 12, 31)}}},
	}}, meta()))
	must(a.Assets.Handle(ctx, registry.TransferManagementRight{AssetID: asset, ContractID: contract, Transferor: collective, Transferee: bidder,
		Form: registry.FormLease, Start: start, End: end, Source: src}, meta()))
	must(a.Transfers.Handle(ctx, transfer.FileContract{ContractID: contract, By: collective, FilingNo: "f-1"}, meta()))
	must(a.Transfers.Handle(ctx, transfer.RegisterContract{ContractID: contract, RegistrationNo: "r-1"}, meta()))
	must(a.Transfers.Handle(ctx, transfer.PayRent{ContractID: contract, Payer: bidder, Amount: kernel.Yuan(9000)}, meta()))
	must(a.Transfers.Handle(ctx, transfer.MortgageRight{ContractID: contract, By: bidder, RegistrationID: uuid.New(), SecuredParty: bank,
		Consents: []transfer.Consent{{AssetID: asset, Contractor: household, Grantee: bidder, Purpose: transfer.ConsentMortgage, Document: transfer.Document{Reference: "同意"}}}}, meta()))
	must(a.Transfers.Handle(ctx, transfer.OfferRenewal{ContractID: contract, By: collective, End: date(2034, 1, 1), RentPerMuYear: kernel.Yuan(900),
		Frequency: transfer.Annual, RespondBy: date(2027, 6, 1)}, meta()))
	must(a.Transfers.Handle(ctx, transfer.AcceptRenewal{ContractID: contract, By: bidder, Document: transfer.Document{Reference: "续"}}, meta()))
	must(a.Assets.Handle(ctx, registry.ExtendManagementRight{AssetID: asset, ContractID: contract, Transferor: collective, End: date(2034, 1, 1),
		Source: registry.Source{Reference: "续"}}, meta()))
	must(a.Transfers.Handle(ctx, transfer.Terminate{ContractID: contract, By: collective, Reason: transfer.ReasonChangedUse, Document: transfer.Document{Reference: "解除"}}, meta()))
	must(a.Assets.Handle(ctx, registry.EndManagementRight{AssetID: asset, ContractID: contract, Reason: registry.EndTerminated}, meta()))
	return asset, pkg, contract
}

// snapshot reads everything the story projected.
func snapshot(t *testing.T, r assetview.Reader, asset, pkg, contract uuid.UUID) string {
	t.Helper()
	ctx := context.Background()
	a, err := r.Asset(ctx, asset)
	if err != nil {
		t.Fatal(err)
	}
	p, err := r.Package(ctx, pkg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := r.Contract(ctx, contract)
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.History(ctx, asset, 0, readmodel.Page{First: 100})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v\n%+v\n%+v\n%+v", a, p, c, h.Rows)
}

func runProjections(t *testing.T, db *readmodel.DB) {
	ctx := context.Background()
	clock := kernel.NewManualClock(date(2026, 11, 25))
	store := memstore.New(clock)
	a := app.New(store, clock, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{})
	asset, pkg, contract := story(t, a, clock)
	p, err := readmodel.NewProjector(ctx, db, a.Events, assetview.Projections()...)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := store.ReadAll(ctx, 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Apply(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	r := assetview.Reader{DB: db}
	before := snapshot(t, r, asset, pkg, contract)

	var events []kernel.Event
	for _, rec := range recs {
		if rec.Stream == kernel.StreamName(registry.Decider.Category, asset) {
			ev, err := a.Events.Decode(rec.Type, rec.Data)
			if err != nil {
				t.Fatal(err)
			}
			events = append(events, ev)
		}
	}
	projected, err := r.Asset(ctx, asset)
	if err != nil {
		t.Fatal(err)
	}
	folded, ok := assetview.AssetAt(events, clock.Now())
	if !ok || fmt.Sprintf("%+v", folded) != fmt.Sprintf("%+v", projected) {
		t.Fatalf("the projection and the fold differ:\nprojected %+v\nfolded    %+v", projected, folded)
	}
	c, _ := r.Contract(ctx, contract)
	if c.Status != transfer.StatusTerminated || c.FilingNo != "f-1" || c.RegistrationNo != "r-1" || len(c.Instalments) != 7 ||
		c.Paid() != kernel.Yuan(9000) || len(c.Mortgages) != 1 || c.End != date(2034, 1, 1) || c.Cancelled == 0 {
		t.Fatalf("contract = %+v", c)
	}
	if len(projected.Holdings) != 2 || projected.Holding.Holder != projected.Holdings[0].Holder || projected.Holdings[1].EndReason != registry.EndTerminated ||
		len(projected.Restrictions) != 1 || len(projected.Consents) != 1 {
		t.Fatalf("asset = %+v", projected)
	}

	if _, err := p.Replay(ctx, store, 7); err != nil {
		t.Fatal(err)
	}
	if after := snapshot(t, r, asset, pkg, contract); after != before {
		t.Fatalf("replay changed the read models:\nbefore %s\nafter  %s", before, after)
	}
}

func TestProjections(t *testing.T) { rmtest.Both(t, runProjections) }
