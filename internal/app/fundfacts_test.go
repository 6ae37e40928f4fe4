package app_test

import (
	"slices"
	"testing"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/listing"
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
