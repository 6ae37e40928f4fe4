package listing

import (
	"reflect"
	"slices"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the registry as every listing event type:
// decoding must never panic, and what decodes must encode and decode again to
// the same value.
func FuzzDecode(f *testing.F) {
	reg := registry()
	types := reg.Types()
	slices.Sort(types)
	story := cat(awardedToBob(), ev(ListingResumed{ListingID: lid, ClosesAt: closes, At: closes}))
	for _, e := range story {
		typ, data, err := reg.Encode(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(slices.Index(types, typ)), data)
	}
	f.Add(uint8(0), []byte(`{"ListingID":"not-a-uuid"}`))
	f.Add(uint8(3), []byte(`{"At":"2026-13-45T99:00:00Z"}`))
	f.Add(uint8(5), []byte(`null`))
	f.Fuzz(func(t *testing.T, i uint8, data []byte) {
		typ := types[int(i)%len(types)]
		e, err := reg.Decode(typ, data)
		if err != nil {
			return
		}
		if e.EventType() != typ {
			t.Fatalf("decoded %s as %s", typ, e.EventType())
		}
		_, again, err := reg.Encode(e)
		if err != nil {
			t.Fatalf("re-encode %s: %v", typ, err)
		}
		back, err := reg.Decode(typ, again)
		if err != nil {
			t.Fatalf("decode re-encoded %s: %v", typ, err)
		}
		if !reflect.DeepEqual(back, e) {
			t.Fatalf("%s changed on a round trip:\n%#v\n%#v", typ, e, back)
		}
		_ = Evolve(State{}, e) // folding a strange event must not panic either
	})
}
