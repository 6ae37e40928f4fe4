package decidertest

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// TextLimits proves that d checks every free-text field of each command:
// every field of type string, found by reflection through structs, pointers
// and slices (give commands with one element in each slice and every pointer
// set), must be listed by the command's Texts, and deciding the command on the
// zero state with that field at its kind's limit in Chinese characters must
// not be refused for its text, while one character more must be refused with
// TEXT_TOO_LONG naming the field. facts are the paths below the command
// ("Details.Asset") of the fields that hold facts of other aggregates, not
// input: the string fields under them are skipped.
func TextLimits[S any, C kernel.Command](t *testing.T, d kernel.Decider[S, C], cmds []C, facts ...string) {
	t.Helper()
	for _, cmd := range cmds {
		v := reflect.New(reflect.TypeOf(cmd)).Elem()
		v.Set(reflect.ValueOf(cmd))
		for _, f := range stringFields(v, reflect.TypeOf(cmd).Name()) {
			if slices.ContainsFunc(facts, func(p string) bool { return strings.Contains(f.path, "."+p+".") }) {
				continue
			}
			t.Run(f.path, func(t *testing.T) {
				const marker = "\x1fmarker"
				f.value.SetString(marker)
				text, ok := textOf(v.Interface(), marker)
				if !ok {
					t.Fatalf("%s is free text its Texts does not list", f.path)
				}
				max := text.Kind.MaxRunes()
				f.value.SetString(strings.Repeat("田", max))
				if err := decide(d, v); kernel.ErrorCode(err) == kernel.CodeTextTooLong || kernel.ErrorCode(err) == kernel.CodeInvalidText {
					t.Errorf("%d characters refused: %v", max, err)
				}
				f.value.SetString(strings.Repeat("田", max) + "地")
				err := decide(d, v)
				if e, ok := err.(*kernel.Error); !ok || e.Code != kernel.CodeTextTooLong || e.Field != text.Field {
					t.Errorf("%d characters: got %v, want TEXT_TOO_LONG on %s", max+1, err, text.Field)
				}
				f.value.SetString("")
			})
		}
	}
}

func decide[S any, C kernel.Command](d kernel.Decider[S, C], v reflect.Value) error {
	var zero S
	_, err := d.Decide(zero, v.Interface().(C), time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC))
	return err
}

// textOf finds the text of cmd whose value is marker.
func textOf(cmd any, marker string) (kernel.Text, bool) {
	tc, ok := cmd.(kernel.TextCommand)
	if !ok {
		return kernel.Text{}, false
	}
	for _, t := range tc.Texts() {
		if t.Value == marker {
			return t, true
		}
	}
	return kernel.Text{}, false
}

type stringField struct {
	path  string
	value reflect.Value
}

// stringFields lists the settable fields of plain type string under v.
func stringFields(v reflect.Value, path string) []stringField {
	switch v.Kind() {
	case reflect.String:
		if v.Type() == reflect.TypeOf("") && v.CanSet() {
			return []stringField{{path, v}}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return stringFields(v.Elem(), path)
		}
	case reflect.Slice:
		var out []stringField
		for i := range v.Len() {
			out = append(out, stringFields(v.Index(i), path)...)
		}
		return out
	case reflect.Struct:
		var out []stringField
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				out = append(out, stringFields(v.Field(i), path+"."+v.Type().Field(i).Name)...)
			}
		}
		return out
	}
	return nil
}
