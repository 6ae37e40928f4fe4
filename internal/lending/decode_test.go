package lending_test

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/lending"
)

// FuzzDecode feeds arbitrary bytes to the registry's Decode for every lending
// event type: it may fail but must never panic, and whatever it decodes must
// encode again.
func FuzzDecode(f *testing.F) {
	reg := registry()
	full := lending.Decider.Fold(live)
	seeds := append(history(productDefined, lending.LoanProductRevised{ProductID: productID, Terms: terms, At: t0}), defaultedLoan...)
	for _, e := range seeds {
		_, data, err := reg.Encode(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Schedule":[{"No":-1}],"Allocations":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range reg.Types() {
			e, err := reg.Decode(typ, data)
			if err != nil {
				continue
			}
			if _, _, err := reg.Encode(e); err != nil {
				t.Fatalf("decoded %s does not encode: %v", typ, err)
			}
			lending.Evolve(lending.State{}, e) // Evolve never fails, whatever the state
			lending.Evolve(full, e)
			lending.EvolveProduct(lending.ProductState{}, e)
		}
	})
}
