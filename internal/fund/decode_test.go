package fund_test

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/fund"
)

// FuzzDecode feeds arbitrary bytes to the registry's Decode for every fund
// event type: it may fail but must never panic, and whatever it decodes must
// encode again.
func FuzzDecode(f *testing.F) {
	reg := registry()
	full := fund.Decider.Fold(history(established, filed))
	for _, e := range history(established, filed, approvedClaim, paid) {
		_, data, err := reg.Encode(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Stage":"","Settings":{"CompensationShareBP":-1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range reg.Types() {
			e, err := reg.Decode(typ, data)
			if err != nil {
				continue
			}
			if _, _, err := reg.Encode(e); err != nil {
				t.Fatalf("decoded %s does not encode: %v", typ, err)
			}
			fund.Evolve(fund.State{}, e) // Evolve never fails, whatever the state
			fund.Evolve(full, e)
		}
	})
}
