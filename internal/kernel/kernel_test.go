package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"testing"
	"testing/quick"
	"time"

	"github.com/google/uuid"
)

func TestParseMoney(t *testing.T) {
	for _, tc := range []struct {
		in   string
		fen  int64
		fail bool
	}{
		{in: "0", fen: 0}, {in: "12", fen: 1200}, {in: "12.5", fen: 1250}, {in: "12.05", fen: 1205},
		{in: "-3.10", fen: -310}, {in: "+7", fen: 700}, {in: " 1.00 ", fen: 100},
		{in: "1.005", fail: true}, {in: "1e3", fail: true}, {in: "", fail: true}, {in: ".5", fail: true},
		{in: "5.", fail: true}, {in: "1,000", fail: true}, {in: "92233720368547758.07", fail: true}, {in: "--1", fail: true},
	} {
		got, err := ParseMoney(tc.in)
		if tc.fail {
			if ErrorCode(err) != CodeInvalid {
				t.Errorf("ParseMoney(%q) = %v, %v; want INVALID_INPUT", tc.in, got, err)
			}
			continue
		}
		if err != nil || got.Fen() != tc.fen {
			t.Errorf("ParseMoney(%q) = %d, %v; want %d", tc.in, got.Fen(), err, tc.fen)
		}
	}
}

func TestMoneyStringRoundTrips(t *testing.T) {
	f := func(fen int64) bool {
		fen %= math.MaxInt64 / 100
		back, err := ParseMoney(Money(fen).String())
		return err == nil && back == Money(fen)
	}
	if err := quick.Check(f, nil); err != nil {
		t.Error(err)
	}
}

func TestMoneyAddRefusesOverflow(t *testing.T) {
	if _, err := Money(math.MaxInt64).Add(1); err == nil {
		t.Fatal("overflow accepted")
	}
	if s, err := Money(250).Add(-50); err != nil || s != 200 {
		t.Fatalf("250-50 = %v, %v", s, err)
	}
}

// MulDivRound must agree with exact rational arithmetic, rounding half away from zero.
func TestMulDivRoundMatchesBigRat(t *testing.T) {
	f := func(a, b int32, c int16) bool {
		if c == 0 {
			return true
		}
		exact := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b))), big.NewInt(int64(c)))
		abs := new(big.Rat).Abs(exact)
		// floor(|x| + 1/2)
		half := new(big.Rat).Add(abs, big.NewRat(1, 2))
		want := new(big.Int).Quo(half.Num(), half.Denom())
		if exact.Sign() < 0 {
			want.Neg(want)
		}
		return MulDivRound(int64(a), int64(b), int64(c)) == want.Int64()
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 5000}); err != nil {
		t.Error(err)
	}
}

func TestMulDivFloorIsExactForLargeProducts(t *testing.T) {
	q, r := MulDivFloor(math.MaxInt64/3, 6, 7) // the product overflows int64
	want := new(big.Int).Mul(big.NewInt(math.MaxInt64/3), big.NewInt(6))
	wq, wr := new(big.Int).QuoRem(want, big.NewInt(7), new(big.Int))
	if q != wq.Int64() || r != wr.Int64() {
		t.Fatalf("got %d r %d, want %s r %s", q, r, wq, wr)
	}
}

func TestParseArea(t *testing.T) {
	a, err := ParseArea("12.3")
	if err != nil || a.Hundredths() != 1230 || a.String() != "12.30" {
		t.Fatalf("ParseArea(12.3) = %v %v", a, err)
	}
	if _, err := ParseArea("1.234"); ErrorCode(err) != CodeInvalid {
		t.Fatalf("three decimals accepted: %v", err)
	}
}

func TestCalendarWorkingDays(t *testing.T) {
	cal := Calendar{
		Holidays: map[string]bool{"2026-10-01": true, "2026-10-02": true},
		Workdays: map[string]bool{"2026-10-10": true}, // a make-up Saturday
	}
	// Friday 2026-11-27 15:00 Shanghai = 07:00 UTC.
	fri := time.Date(2026, 11, 27, 7, 0, 0, 0, time.UTC)
	due := cal.AddWorkingDays(fri, 3)
	want := time.Date(2026, 12, 2, 23, 59, 59, 999999999, Shanghai) // Wednesday, end of day
	if !due.Equal(want) {
		t.Fatalf("3 working days after Fri = %v, want %v", due.In(Shanghai), want)
	}
	// Late on a UTC Thursday is already Friday in Shanghai.
	lateThu := time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC)
	if got := cal.AddWorkingDays(lateThu, 1); !got.Equal(time.Date(2026, 11, 30, 23, 59, 59, 999999999, Shanghai)) {
		t.Fatalf("1 working day after Shanghai Friday = %v", got.In(Shanghai))
	}
	// Holidays are skipped, make-up Saturdays count.
	sep30 := time.Date(2026, 9, 30, 2, 0, 0, 0, time.UTC)
	if got := cal.AddWorkingDays(sep30, 1); got.In(Shanghai).Format(time.DateOnly) != "2026-10-05" {
		t.Fatalf("1 working day after 30 Sep = %v", got.In(Shanghai))
	}
	if !cal.IsWorkingDay(time.Date(2026, 10, 10, 4, 0, 0, 0, time.UTC)) {
		t.Fatal("make-up Saturday is not a working day")
	}
	if n := cal.WorkingDaysBetween(fri, due); n != 3 {
		t.Fatalf("WorkingDaysBetween = %d, want 3", n)
	}
}

type sampleV1 struct {
	Name string `json:"name"`
}

func (sampleV1) EventType() string { return "test.Sample.v1" }

type sampleV2 struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (sampleV2) EventType() string { return "test.Sample.v2" }

func TestRegistryDecodesAndUpcasts(t *testing.T) {
	r := NewRegistry()
	r.Register(sampleV2{})
	r.RegisterUpcaster("test.Sample.v1", func(data []byte) (string, []byte, error) {
		return "test.Sample.v2", append(data[:len(data)-1], []byte(`,"count":1}`)...), nil
	})
	typ, data, err := r.Encode(sampleV1{Name: "old"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Decode(typ, data)
	if err != nil {
		t.Fatal(err)
	}
	if got != (sampleV2{Name: "old", Count: 1}) {
		t.Fatalf("upcast = %#v", got)
	}
	if _, err := r.Decode("test.Unknown.v1", []byte(`{}`)); err == nil {
		t.Fatal("unknown type decoded")
	}
	if _, err := r.Decode("test.Sample.v2", []byte(`{"name":`)); err == nil {
		t.Fatal("truncated JSON decoded")
	}
}

func TestRegistryRefusesTwoTypesUnderOneName(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	r := NewRegistry()
	r.Register(sampleV1{})
	r.Register(clash{})
}

type clash struct{}

func (clash) EventType() string { return "test.Sample.v1" }

func TestErrorCodeAndMessage(t *testing.T) {
	err := FieldErrorf(CodeInvalid, "amount", "must be positive")
	wrapped := fmt.Errorf("context: %w", err)
	if ErrorCode(wrapped) != CodeInvalid || ErrorMessage(wrapped) != "must be positive" {
		t.Fatalf("code %q message %q", ErrorCode(wrapped), ErrorMessage(wrapped))
	}
	plain := errors.New("disk on fire")
	if ErrorCode(plain) != CodeInternal || ErrorMessage(plain) != "Internal error." {
		t.Fatal("internal error leaked")
	}
	if ErrorCode(nil) != "" {
		t.Fatal("nil has a code")
	}
}

func TestAssetTypes(t *testing.T) {
	for _, at := range AssetTypes() {
		back, err := ParseAssetType(string(at))
		if err != nil || back != at {
			t.Fatalf("%s does not parse back", at)
		}
	}
	if AssetCollectiveLandOwner.Tradable() || AssetHouseholdContracting.Tradable() {
		t.Fatal("ownership or the contracting right is tradable")
	}
	if !AssetLandManagementRight.Tradable() || !AssetLandManagementRight.IsLand() || AssetFarmFacility.IsLand() {
		t.Fatal("land management right misclassified")
	}
	if _, err := ParseAssetType("HOUSE"); ErrorCode(err) != CodeInvalid {
		t.Fatal("unknown type parsed")
	}
}

// wideEvent has a field of each kind the events hold.
type wideEvent struct {
	ID      uuid.UUID              `json:"id"`
	Bidders []uuid.UUID            `json:"bidders,omitempty"`
	At      time.Time              `json:"at"`
	Until   *time.Time             `json:"until,omitempty"`
	Price   Money                  `json:"price"`
	Area    Area                   `json:"area"`
	Kind    AssetType              `json:"kind"`
	Title   string                 `json:"title"`
	Sold    bool                   `json:"sold"`
	Share   int32                  `json:"share"`
	Steps   []StepUp               `json:"steps"`
	Votes   map[string]int         `json:"votes"`
	Nested  *struct{ Note string } `json:"nested"`
	Untyped any                    `json:"untyped"`
}

func (wideEvent) EventType() string { return "test.Wide.v1" }

// TestDecodeReadsJSONAsEncodingJSONDoes: whatever Decode's faster decoder
// makes of a document, encoding/json makes the same of it, value for value,
// or both refuse it: stored events mean what they meant when encoding/json
// read them.
func TestDecodeReadsJSONAsEncodingJSONDoes(t *testing.T) {
	r := NewRegistry()
	r.Register(wideEvent{})
	for _, doc := range decodeCases {
		decodesAsEncodingJSON(t, r, []byte(doc), true)
	}
}

// TestDecodedEventsHoldNoViewOfTheirBytes: a decoded event keeps its
// values when the bytes it was decoded from are overwritten, as the log's
// mapped pages and a reader's buffers are.
func TestDecodedEventsHoldNoViewOfTheirBytes(t *testing.T) {
	r := NewRegistry()
	r.Register(wideEvent{})
	doc := []byte(decodeCases[0])
	want, err := r.Decode("test.Wide.v1", slices.Clone(doc))
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Decode("test.Wide.v1", doc)
	if err != nil {
		t.Fatal(err)
	}
	for i := range doc {
		doc[i] = 'x'
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("the event changed with its bytes:\n got %#v\nwant %#v", got, want)
	}
}

// FuzzDecodeReadsJSONAsEncodingJSONDoes is TestDecodeReadsJSONAsEncodingJSONDoes
// on any bytes (go test -run X -fuzz FuzzDecodeReadsJSON ./internal/kernel/),
// but for bytes that are not JSON at all, which no encoder writes: the
// decoder may take some that encoding/json refuses (it found a string
// holding invalid UTF-8 and then a bad escape, 40 bytes in, in a field no
// event has), as long as it refuses what encoding/json refuses among
// documents, and reads every document as encoding/json does.
func FuzzDecodeReadsJSONAsEncodingJSONDoes(f *testing.F) {
	r := NewRegistry()
	r.Register(wideEvent{})
	for _, doc := range decodeCases {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, doc []byte) { decodesAsEncodingJSON(t, r, doc, json.Valid(doc)) })
}

// decodeCases are documents of wideEvent, well-formed and not.
var decodeCases = func() []string {
	id := `"0f8fad5b-d9cb-469f-a165-70867728950e"`
	return []string{
		`{"id":` + id + `,"bidders":[` + id + `],"at":"2026-12-05T23:59:59.123456789+08:00","until":null,"price":123456789012,` +
			`"area":3150,"kind":"LAND","title":"车道峪村荒山 \"使用权\" \u6d41\u8f6c \ud83c\udf3e","sold":true,"share":-7,` +
			`"steps":[{"EveryYears":3,"percent":5}],"votes":{"for":200,"against":46},"nested":{"Note":"x"},"untyped":[1,2.5,"s",null,{"k":true}]}`,
		`{"ID":` + id + `,"TITLE":"case differs","Price":1}`, // field names match without regard to case
		`{"title":"twice","title":"the last wins"}`,
		`{"unknown":{"deep":[1,2,3]},"price":5}`,
		`{"title":"bad utf-8 \xff\xfe here"}`,
		`{"price":null,"bidders":null,"votes":null,"nested":null}`,
		` {"price" : 7 } `,
		`{"price":9223372036854775807}`,
		`{"price":9223372036854775808}`,  // overflows int64
		`{"priCe":21000000000000000000}`, // overflows, named in another case (segmentio's decoder took it)
		`{"price":1.5}`, `{"price":1e2}`, `{"price":"12"}`, `{"share":2147483648}`,
		`{"at":"2026-12-05"}`, `{"id":"not-a-uuid"}`, `{"sold":"true"}`, `{"title":5}`,
		`{"title":"unterminated}`, `{"price":1,}`, `{"price":01}`, `[]`, `null`, ``, `{}x`, `{"title":"\ud800"}`,
	}
}()

// decodesAsEncodingJSON fails t unless r decodes doc to the value
// encoding/json makes of it, or both refuse it; unless strict, r may also
// decode a doc that encoding/json refuses.
func decodesAsEncodingJSON(t *testing.T, r *Registry, doc []byte, strict bool) {
	t.Helper()
	got, gotErr := r.Decode("test.Wide.v1", doc)
	var want wideEvent
	wantErr := json.Unmarshal(doc, &want)
	switch {
	case !strict && gotErr == nil && wantErr != nil:
	case (gotErr == nil) != (wantErr == nil):
		t.Errorf("%s: Decode says %v, encoding/json %v", doc, gotErr, wantErr)
	case gotErr == nil && !reflect.DeepEqual(got, want):
		t.Errorf("%s:\nDecode       %#v\nencoding/json %#v", doc, got, want)
	}
}
