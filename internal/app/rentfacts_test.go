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

// Rule 9 through the facts: a transferee borrower's rent is "paid as agreed"
// once no overdue instalment is unpaid, whoever paid it. The fund's rent
// advance reaches the contract as a payment by the fund of the overdue
// instalment (the advance manager's transfer.PayRent), so a fen short of the
// arrears leaves the rent unpaid and the whole arrears paid by the fund count
// as rent paid.
func TestAFundAdvanceCountsAsRentPaidForRule9(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC)
	clock := kernel.NewManualClock(start)
	a := app.New(memstore.New(clock), clock, nil, app.Options{})
	meta := func() app.Meta { return app.Meta{CommandID: uuid.New(), Actor: "test"} }
	collective, household, farmer, fundID, asset, lease := uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New(), uuid.New()
	rightsEnd, leaseEnd := start.AddDate(30, 0, 0), start.AddDate(5, 0, 0)
	source := registry.Source{Reference: "承包合同 0001", Date: start}
	for _, cmd := range []registry.Command{
		registry.RegisterAsset{AssetID: asset, By: collective, Type: kernel.AssetLandManagementRight, Area: 2000,
			Location:      registry.Location{Province: "山东省", County: "寒亭区", Township: "固堤街道", Village: "王家庄"},
			CertificateNo: "TD-0001", RightsEnd: rightsEnd, Title: "land", Contractor: household, Holder: household, Source: source},
		registry.TransferManagementRight{AssetID: asset, ContractID: lease, Transferor: household, Transferee: farmer,
			Form: registry.FormLease, Start: start, End: leaseEnd, Source: source},
	} {
		if _, err := a.Assets.Handle(ctx, cmd, meta()); err != nil {
			t.Fatal(err)
		}
	}
	contract := func(cmd transfer.Command) {
		t.Helper()
		if _, err := a.Transfers.Handle(ctx, cmd, meta()); err != nil {
			t.Fatal(err)
		}
	}
	contract(transfer.SignDirect{ContractID: lease, Terms: transfer.Terms{
		Transferor: household, Transferee: farmer, Form: transfer.FormLease, Use: transfer.UseCropping,
		Plots: []transfer.Plot{{AssetID: asset, Area: 2000, Collective: collective, Contractor: household, Holder: household, ContractEnd: rightsEnd}},
		Start: start, End: leaseEnd, RentPerMuYear: kernel.Yuan(800), Frequency: transfer.Annual,
	}, Document: transfer.Document{Reference: "流转合同 0001", Signed: start}})
	rentPaid := func() bool {
		t.Helper()
		col, err := a.Facts().LoanCollateral(ctx, asset, farmer)
		if err != nil {
			t.Fatal(err)
		}
		if !col.BorrowerIsTransferee {
			t.Fatal("the farmer is not seen as a transferee")
		}
		return col.RentPaidAsAgreed
	}
	if !rentPaid() {
		t.Fatal("before any instalment is due the rent counts as unpaid")
	}

	var due time.Time
	if err := a.Transfers.Inspect(ctx, lease, func(c transfer.State, _ uint64) { _, due, _ = c.NextDue() }); err != nil {
		t.Fatal(err)
	}
	clock.Set(due)
	contract(transfer.MarkRentOverdue{ContractID: lease, No: 1})
	arrears, err := a.Facts().RentContract(ctx, lease)
	if err != nil {
		t.Fatal(err)
	}
	if arrears.Arrears != kernel.Yuan(16_000) || rentPaid() {
		t.Fatalf("overdue: arrears %s, rent paid %v; want 16,000.00 unpaid", arrears.Arrears, rentPaid())
	}
	contract(transfer.PayRent{ContractID: lease, Payer: fundID, Amount: arrears.Arrears - 1})
	if rentPaid() {
		t.Fatal("a fen short of the arrears counts as rent paid")
	}
	contract(transfer.PayRent{ContractID: lease, Payer: fundID, Amount: 1})
	if !rentPaid() {
		t.Fatal("the arrears paid by the fund's advance do not count as rent paid")
	}
}
