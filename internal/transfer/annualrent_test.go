package transfer

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// TestAnnualRentInstalments: a lease made from an annual-rent award pays its
// whole yearly rent per period, stepped up as agreed, with the rent paid
// through the exchange counted on the first instalments.
func TestAnnualRentInstalments(t *testing.T) {
	start := time.Date(2027, 1, 1, 0, 0, 0, 0, kernel.Shanghai)
	terms := func(f func(*Terms)) Terms {
		t := Terms{Plots: []Plot{{AssetID: uuid.New(), Area: 37460}}, Start: start.UTC(), End: start.AddDate(3, 0, 0).UTC(),
			AnnualRent: kernel.Yuan(161_078), Frequency: Annual}
		f(&t)
		return t
	}
	amounts := func(is []Instalment) (a, paid []kernel.Money) {
		for _, i := range is {
			a, paid = append(a, i.Amount), append(paid, i.Paid)
		}
		return a, paid
	}
	y := kernel.Yuan
	for _, c := range []struct {
		name          string
		f             func(*Terms)
		amount, paid  []kernel.Money
		wantErrorCode string
	}{
		{"three years of the annual rent", func(*Terms) {}, []kernel.Money{y(161_078), y(161_078), y(161_078)}, []kernel.Money{0, 0, 0}, ""},
		{"the first year paid through the exchange", func(t *Terms) { t.Prepaid = y(161_078) }, []kernel.Money{y(161_078), y(161_078), y(161_078)}, []kernel.Money{y(161_078), 0, 0}, ""},
		{"a prepayment one fen above a year spills into the next", func(t *Terms) { t.Prepaid = y(161_078) + 1 }, []kernel.Money{y(161_078), y(161_078), y(161_078)}, []kernel.Money{y(161_078), 1, 0}, ""},
		{"half-yearly, 10 % more from the third year", func(t *Terms) {
			t.AnnualRent, t.Frequency, t.StepUp = y(100_000), SemiAnnual, kernel.StepUp{EveryYears: 2, Percent: 10}
		}, []kernel.Money{y(50_000), y(50_000), y(50_000), y(50_000), y(55_000), y(55_000)}, []kernel.Money{0, 0, 0, 0, 0, 0}, ""},
		{"a prepayment above the whole term is refused", func(t *Terms) { t.Prepaid = 3*y(161_078) + 1 }, nil, nil, kernel.CodeInvalid},
		{"rent per mu and for the whole at once is refused", func(t *Terms) { t.RentPerMuYear = 100 }, nil, nil, kernel.CodeInvalid},
		{"an annual rent above the maximum is refused", func(t *Terms) { t.AnnualRent = MaxAnnualRent + 1 }, nil, nil, kernel.CodeInvalid},
		{"a step-up past the maximum is refused", func(t *Terms) {
			t.AnnualRent, t.StepUp = MaxAnnualRent, kernel.StepUp{EveryYears: 1, Percent: 1}
		}, nil, nil, kernel.CodeInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := terms(c.f).Instalments()
			if c.wantErrorCode != "" {
				if kernel.ErrorCode(err) != c.wantErrorCode {
					t.Fatalf("want %s, got %v", c.wantErrorCode, err)
				}
				return
			}
			a, p := amounts(got)
			if err != nil || !slices.Equal(a, c.amount) || !slices.Equal(p, c.paid) {
				t.Fatalf("instalments %v paid %v (%v), want %v paid %v", a, p, err, c.amount, c.paid)
			}
		})
	}
}

// TestRenewalReplacesTheWholeContractRent: a lease made from an annual-rent
// award, renewed at a rent per mu, keeps no whole-contract rent or step-up.
func TestRenewalReplacesTheWholeContractRent(t *testing.T) {
	leased := signed(terms(func(t *Terms) {
		t.RentPerMuYear, t.AnnualRent, t.StepUp = 0, kernel.Yuan(10_000), kernel.StepUp{EveryYears: 2, Percent: 5}
	}))
	s := Decider.Fold([]kernel.Event{leased, ContractRenewed{ContractID: id, PreviousEnd: end, End: renewalEnd,
		RentPerMuYear: kernel.Yuan(900), Frequency: Annual, Instalments: annual(10, kernel.Yuan(11250), end, 11), Document: paper, At: end}})
	if s.Terms.AnnualRent != 0 || s.Terms.StepUp != (kernel.StepUp{}) || s.Terms.RentPerMuYear != kernel.Yuan(900) {
		t.Fatalf("renewed terms %+v", s.Terms)
	}
}
