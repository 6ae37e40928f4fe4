package transfer

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// BenchmarkSignDirect decides a 30-year, quarterly-paid lease: validation and
// a 120-instalment schedule.
func BenchmarkSignDirect(b *testing.B) {
	cmd := direct(terms(func(t *Terms) { t.End, t.Frequency = day(2056, 3, 1), Quarterly }))
	for b.Loop() {
		if _, err := Decide(State{}, cmd, signedAt); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPayRent folds a signed contract and pays one instalment.
func BenchmarkPayRent(b *testing.B) {
	s := Decider.Fold(inForce)
	cmd := PayRent{ContractID: id, Payer: farmer, Amount: kernel.Yuan(10000)}
	for b.Loop() {
		events, err := Decide(s, cmd, signedAt)
		if err != nil {
			b.Fatal(err)
		}
		_ = Evolve(s, events[0])
	}
}
