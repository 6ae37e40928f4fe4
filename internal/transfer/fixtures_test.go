package transfer

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

var (
	signedAt    = time.Date(2026, 2, 20, 2, 0, 0, 0, time.UTC)
	start       = day(2026, 3, 1)
	end         = day(2036, 3, 1)
	contractEnd = day(2058, 1, 1) // second-round contracts end with 2057
	id          = uuid.MustParse("00000000-0000-0000-0000-0000000000d1")
	listing     = uuid.MustParse("00000000-0000-0000-0000-0000000000e9")
	plotID      = uuid.MustParse("00000000-0000-0000-0000-0000000000a1")
	plotID2     = uuid.MustParse("00000000-0000-0000-0000-0000000000a2")
	collective  = uuid.MustParse("00000000-0000-0000-0000-0000000000c1")
	company     = uuid.MustParse("00000000-0000-0000-0000-0000000000c2")
	household   = uuid.MustParse("00000000-0000-0000-0000-0000000000b1")
	farmer      = uuid.MustParse("00000000-0000-0000-0000-0000000000f1")
	coopFarm    = uuid.MustParse("00000000-0000-0000-0000-0000000000f2")
	bank        = uuid.MustParse("00000000-0000-0000-0000-0000000000e1")
	reg1        = uuid.MustParse("00000000-0000-0000-0000-000000000011")
	paper       = Document{Reference: "寒亭流转(2026)第 17 号", Signed: signedAt}
)

// day returns midnight of a Shanghai date, in UTC.
func day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, kernel.Shanghai).UTC()
}

func registry() *kernel.Registry {
	r := kernel.NewRegistry()
	RegisterEvents(r)
	return r
}

// householdPlot is 12.50 mu of contracted land its household still holds.
func householdPlot() Plot {
	return Plot{AssetID: plotID, Area: 1250, Collective: collective, Contractor: household, Holder: household, ContractEnd: contractEnd}
}

// leaseTerms: the household leases its plot to a farmer for 10 years at 800
// yuan per mu per year, paid annually: 10 000 yuan a year.
func leaseTerms() Terms {
	return Terms{Transferor: household, Transferee: farmer, Plots: []Plot{householdPlot()}, Form: FormLease, Use: UseCropping,
		Start: start, End: end, RentPerMuYear: kernel.Yuan(800), Frequency: Annual}
}

// annual returns n instalments of amount, due on from's Shanghai date each year, numbered from first.
func annual(n int, amount kernel.Money, from time.Time, first int) []Instalment {
	out := make([]Instalment, n)
	for i := range out {
		out[i] = Instalment{No: first + i, Due: from.In(kernel.Shanghai).AddDate(i, 0, 0).UTC(), Amount: amount}
	}
	return out
}

func signed(t Terms) ContractSigned {
	return ContractSigned{ContractID: id, Terms: t, Area: 1250, Instalments: annual(10, kernel.Yuan(10000), start, 1), Document: paper, At: signedAt}
}

type tcase = decidertest.Case[Command]

func with[T any](v T, f func(*T)) T { f(&v); return v }

func terms(f func(*Terms)) Terms { return with(leaseTerms(), f) }
