package app_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// TestUnsoldStagesFollowTheDisposalOrder (rule 24): the listing fails first,
// by too few bidders or at auction; only a negotiation after it fails the
// negotiated transfer.
func TestUnsoldStagesFollowTheDisposalOrder(t *testing.T) {
	const (
		none        = listing.OutcomeUnsold
		auction     = listing.OutcomeAuction
		negotiation = listing.OutcomeNegotiation
	)
	both := []fund.DisposalStage{fund.StageListing, fund.StageNegotiated}
	for _, c := range []struct {
		name   string
		noSale []listing.Outcome
		want   []fund.DisposalStage
	}{
		{"no round ended", nil, nil},
		{"too few bidders", []listing.Outcome{none}, []fund.DisposalStage{fund.StageListing}},
		{"an auction without a sale", []listing.Outcome{auction}, []fund.DisposalStage{fund.StageListing}},
		{"the listing, then a negotiation", []listing.Outcome{none, negotiation}, both},
		{"an auction, another, then a negotiation", []listing.Outcome{auction, none, negotiation}, both},
		{"a negotiation before the listing failed counts for nothing", []listing.Outcome{negotiation, auction}, []fund.DisposalStage{fund.StageListing}},
		{"a negotiation alone", []listing.Outcome{negotiation}, nil},
	} {
		if got := app.UnsoldStages(c.noSale); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestFundSaleNeedsTheOperatorAndEveryHolding: the fund's operator lists, for
// the fund, assets whose every management right the fund holds on the
// register; a package with one plot the fund does not hold, another party,
// or an unknown fund is refused.
func TestFundSaleNeedsTheOperatorAndEveryHolding(t *testing.T) {
	ctx, start := context.Background(), time.Date(2026, 3, 1, 16, 0, 0, 0, time.UTC)
	clock := kernel.NewManualClock(start)
	a := app.New(memstore.New(clock), clock, nil, app.Options{})
	meta := func() app.Meta { return app.Meta{CommandID: uuid.New(), Actor: "test"} }
	fundID, operator, collective := uuid.New(), uuid.New(), uuid.New()
	if _, err := a.Funds.Handle(ctx, fund.EstablishFund{FundID: fundID, By: operator, Name: "fund", Settings: fund.DefaultSettings()}, meta()); err != nil {
		t.Fatal(err)
	}
	plot := func(holder uuid.UUID) uuid.UUID {
		t.Helper()
		id := uuid.New()
		_, err := a.Assets.Handle(ctx, registry.RegisterAsset{AssetID: id, By: collective, Type: kernel.AssetForestRight, Area: 5000,
			Location:      registry.Location{Province: "山东省", County: "青州市", Township: "王坟镇", Village: "车道峪村"},
			CertificateNo: "LQ-" + id.String()[:6], RightsEnd: start.AddDate(30, 0, 0), Title: "forest", Holder: holder,
			Source: registry.Source{Reference: "林权证", Date: start}}, meta())
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	held, other, notHeld := plot(fundID), plot(fundID), plot(collective)
	for _, c := range []struct {
		name     string
		fund, by uuid.UUID
		assets   []uuid.UUID
		wantCode string
	}{
		{"two plots the fund holds, by its operator", fundID, operator, []uuid.UUID{held, other}, ""},
		{"a package with one plot the fund does not hold", fundID, operator, []uuid.UUID{held, notHeld}, registry.CodeNotRightHolder},
		{"a plot the collective holds", fundID, operator, []uuid.UUID{notHeld}, registry.CodeNotRightHolder},
		{"another party", fundID, collective, []uuid.UUID{held}, kernel.CodeForbidden},
		{"an unknown fund", uuid.New(), operator, []uuid.UUID{held}, kernel.CodeNotFound},
	} {
		got, err := a.Facts().FundSale(ctx, c.fund, c.by, c.assets)
		if code := kernel.ErrorCode(err); code != c.wantCode {
			t.Errorf("%s: %v, want %q", c.name, err, c.wantCode)
		} else if err == nil && (!slices.Equal(got.AssetIDs, c.assets) || got.OwningCollective != collective || got.Area != 10000) {
			t.Errorf("%s: facts %+v", c.name, got)
		}
	}
}
