package api

import (
	"encoding/json"
	"math"
	"testing"
)

// TestLeavesAreWrittenAsEncodingJSONWrites compares a compiled plan's JSON
// for strings and numbers with encoding/json's, which graphql-go's path uses:
// every ASCII byte, HTML characters, invalid UTF-8, U+2028/U+2029, Chinese,
// and floats across the switch to exponents.
func TestLeavesAreWrittenAsEncodingJSONWrites(t *testing.T) {
	strs := []string{"", "plain", "苹果园 <b>&amp;</b>", "a\u2028b\u2029c", "破折号——省略…\u2028尾", "bad \xff\xfe utf-8", "\xe6\x9e", "tab\tnew\nline\r\\\"q\""}
	for b := range 128 {
		strs = append(strs, string([]byte{'x', byte(b), 'y'}))
	}
	for _, s := range strs {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
	}
	for _, f := range []float64{0, 1, -1.5, 1e-7, 123456789e-15, 1e20, 1e21, -3.4e38, math.SmallestNonzeroFloat64, 0.1 + 0.2} {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		if got, ok := appendFloat(nil, f); !ok || string(got) != string(want) {
			t.Errorf("appendFloat(%v) = %s, %v, want %s", f, got, ok, want)
		}
	}
	if _, ok := appendFloat(nil, math.Inf(1)); ok {
		t.Error("appendFloat(+Inf) wrote a value encoding/json refuses")
	}
}
