package app

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

var update = flag.Bool("update", false, "rewrite testdata/events from the current event types")

// goldenDir holds one file per stored event type and version: the JSON the
// codec writes for a populated example of that type.
const goldenDir = "testdata/events"

// TestStoredEventsMatchTheirGoldenFiles pins the stored shape of every event
// type the App registers: the example's JSON must equal the golden file, so a
// renamed, retyped or removed field fails here before it strands stored events.
// Rewrite the files with -update only when a shape change is meant (and then
// add a new version with an upcaster instead of changing an old one).
func TestStoredEventsMatchTheirGoldenFiles(t *testing.T) {
	reg := Registry()
	types := reg.Types()
	slices.Sort(types)
	if *update {
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, typ := range types {
		t.Run(typ, func(t *testing.T) {
			example := populatedExample(t, reg, typ)
			gotType, data, err := reg.Encode(example)
			if err != nil || gotType != typ {
				t.Fatalf("encode %s: type %q, %v", typ, gotType, err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, data, "", "  "); err != nil {
				t.Fatal(err)
			}
			pretty.WriteByte('\n')
			path := filepath.Join(goldenDir, typ+".json")
			if *update {
				if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("no golden file for %s (run the test with -update once the shape is final): %v", typ, err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Fatalf("%s is no longer stored as %s: a field was renamed, retyped or removed\n got: %s\nwant: %s", typ, path, pretty.Bytes(), want)
			}
		})
	}
}

// TestGoldenEventsStillDecode decodes every golden file, old versions included:
// an event type that is no longer registered must still decode through an
// upcaster, and a current one must decode back to the populated example.
// -update writes only the registered types, so when a type gets a new version
// its old file stays, pinning what the store already holds.
func TestGoldenEventsStillDecode(t *testing.T) {
	reg := Registry()
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	current := reg.Types()
	for _, path := range files {
		typ := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(typ, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := reg.Decode(typ, data)
			if err != nil {
				t.Fatalf("a stored %s can no longer be read: %v", typ, err)
			}
			if !slices.Contains(current, typ) {
				return // an old version: decoding through its upcaster is the promise
			}
			if want := populatedExample(t, reg, typ); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s decodes to\n%#v\nwant\n%#v", typ, got, want)
			}
		})
	}
}

// TestGoldenExamplesFillEveryField guards the guard: an example with a zero
// field would not notice that field being renamed.
func TestGoldenExamplesFillEveryField(t *testing.T) {
	reg := Registry()
	for _, typ := range reg.Types() {
		e := populatedExample(t, reg, typ)
		if path := zeroField(reflect.ValueOf(e), typ); path != "" {
			t.Errorf("%s is zero in the example", path)
		}
		decidertest.RoundTrip(t, reg, e)
	}
}

// populatedExample returns a deterministic value of the Go type registered as
// typ with every exported field set to a non-zero value.
func populatedExample(tb testing.TB, reg *kernel.Registry, typ string) kernel.Event {
	tb.Helper()
	zero, err := reg.Decode(typ, []byte("{}"))
	if err != nil {
		tb.Fatalf("registered type %s: %v", typ, err)
	}
	v := reflect.New(reflect.TypeOf(zero)).Elem()
	f := filler{}
	f.fill(tb, v, typ)
	return v.Interface().(kernel.Event)
}

// filler sets values from a counter, so each field differs from its neighbours
// and the example is the same on every run.
type filler struct{ n int }

var timeType = reflect.TypeOf(time.Time{})

func (f *filler) fill(tb testing.TB, v reflect.Value, path string) {
	tb.Helper()
	f.n++
	if v.Type() == timeType {
		v.Set(reflect.ValueOf(time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(f.n) * time.Hour)))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("%s-%d", path[strings.LastIndexByte(path, '.')+1:], f.n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(f.n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(f.n) + 0.5)
	case reflect.Array: // uuid.UUID among others
		for i := range v.Len() {
			f.fill(tb, v.Index(i), path)
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		f.fill(tb, s.Index(0), path+"[0]")
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		f.fill(tb, k, path+"{key}")
		f.fill(tb, e, path+"{value}")
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		f.fill(tb, p.Elem(), path)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if sf := v.Type().Field(i); sf.IsExported() {
				f.fill(tb, v.Field(i), path+"."+sf.Name)
			}
		}
	default:
		tb.Fatalf("%s: cannot fill a %s; teach the filler", path, v.Type())
	}
}

// zeroField returns the path of the first exported field of v that is zero,
// or "".
func zeroField(v reflect.Value, path string) string {
	if v.IsZero() {
		return path
	}
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			return ""
		}
		for i := range v.NumField() {
			if sf := v.Type().Field(i); sf.IsExported() {
				if p := zeroField(v.Field(i), path+"."+sf.Name); p != "" {
					return p
				}
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if p := zeroField(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Pointer:
		return zeroField(v.Elem(), path)
	}
	return ""
}
