package app

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

func TestLeaseRent(t *testing.T) {
	award := listing.Award{Price: kernel.Yuan(161_078), DepositApplied: kernel.Yuan(50_000), BalanceDue: kernel.Yuan(111_078)}
	up := kernel.StepUp{EveryYears: 2, Percent: 5}
	for _, c := range []struct {
		name string
		d    listing.Details
		want transfer.Terms
	}{
		{"a total price is the whole consideration", listing.Details{}, transfer.Terms{Frequency: transfer.OneOff}},
		{"an annual rent is the lot's yearly rent, the first year prepaid", listing.Details{Basis: listing.BasisAnnualRent, Rent: listing.Rent{StepUp: up}},
			transfer.Terms{AnnualRent: kernel.Yuan(161_078), StepUp: up, Frequency: transfer.Annual, Prepaid: kernel.Yuan(161_078)}},
		{"a rent per mu is paid as the listing states", listing.Details{Basis: listing.BasisRentPerMuYear, Rent: listing.Rent{Frequency: listing.Quarterly}},
			transfer.Terms{RentPerMuYear: kernel.Yuan(161_078), Frequency: transfer.Quarterly, Prepaid: kernel.Yuan(161_078)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := LeaseRent(transfer.Terms{RentPerMuYear: 1, Frequency: transfer.Annual}, c.d, award)
			if got.RentPerMuYear != c.want.RentPerMuYear || got.AnnualRent != c.want.AnnualRent || got.StepUp != c.want.StepUp ||
				got.Frequency != c.want.Frequency || got.Prepaid != c.want.Prepaid {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
		})
	}
}
