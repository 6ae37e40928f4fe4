package registry

import (
	"encoding/json"
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// FuzzDecode feeds arbitrary bytes to the registry's Decode for every
// registered type: it must never panic, and what decodes must fold.
func FuzzDecode(f *testing.F) {
	reg := registry()
	for _, e := range []kernel.Event{registered(), consented(ConsentMortgage), transferred(contract1, household, farmer, true), created()} {
		data, err := json.Marshal(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Restriction":{"Amount":1e99}}`))
	f.Add([]byte(`null`))
	types := reg.Types()
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range types {
			e, err := reg.Decode(typ, data)
			if err != nil {
				continue
			}
			_ = Evolve(State{}, e)
			_ = EvolvePackage(PackageState{}, e)
		}
	})
}
