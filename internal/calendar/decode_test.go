package calendar

import "testing"

// FuzzDecode feeds arbitrary bytes to the registry's Decode for every
// calendar event type: it may fail but must never panic, and whatever it
// decodes must encode again and fold.
func FuzzDecode(f *testing.F) {
	r := reg()
	full := Decider.Fold(ev(declared("2027-01-01", KindHoliday, "元旦"), declared("2027-01-09", KindWorkingDay, "元旦")))
	for _, e := range ev(declared("2027-01-01", KindHoliday, "元旦"),
		DayWithdrawn{Date: "2027-01-01", Kind: KindHoliday, Name: "元旦", Reason: "x", At: now}) {
		_, data, err := r.Encode(e)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"Date":"2027-13-45","Kind":"REST"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, typ := range r.Types() {
			e, err := r.Decode(typ, data)
			if err != nil {
				continue
			}
			if _, _, err := r.Encode(e); err != nil {
				t.Fatalf("decoded %s does not encode: %v", typ, err)
			}
			s := Evolve(full, e)
			s.Year(2027)
			s.Calendar()
		}
	})
}
