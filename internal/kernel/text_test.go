package kernel

import (
	"errors"
	"strconv"
	"strings"
	"testing"
)

// Limits count characters, not bytes: each kind accepts its maximum of
// three-byte Chinese characters and refuses one more.
func TestCheckTextLimitsAreInCharacters(t *testing.T) {
	for _, tc := range []struct {
		kind TextKind
		max  int
	}{{Reference, 64}, {Name, 100}, {Reason, 500}, {Description, 2000}} {
		if got := tc.kind.MaxRunes(); got != tc.max {
			t.Errorf("kind %d: MaxRunes = %d, want %d", tc.kind, got, tc.max)
		}
		at := strings.Repeat("田", tc.max)
		if err := CheckText(Text{"title", tc.kind, at}); err != nil {
			t.Errorf("kind %d: %d characters refused: %v", tc.kind, tc.max, err)
		}
		err := CheckText(Text{"notes", Name, "ok"}, Text{"title", tc.kind, at + "地"})
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeTextTooLong || e.Field != "title" {
			t.Fatalf("kind %d: %d characters: got %v, want TEXT_TOO_LONG on title", tc.kind, tc.max+1, err)
		}
		want := "title is " + strconv.Itoa(tc.max+1) + " characters long; at most " + strconv.Itoa(tc.max) + " characters are accepted"
		if e.Message != want {
			t.Errorf("message %q, want %q", e.Message, want)
		}
	}
}

func TestCheckTextRefusesControlCharactersAndInvalidUTF8(t *testing.T) {
	for _, tc := range []struct {
		text Text
		code string
	}{
		{Text{"title", Name, "村集体\n土地"}, CodeInvalidText},
		{Text{"title", Name, "a\tb"}, CodeInvalidText},
		{Text{"number", Reference, "NO\x00"}, CodeInvalidText},
		{Text{"reason", Reason, "第一行\r\n第二行\t完"}, ""},
		{Text{"reason", Reason, "bell\a"}, CodeInvalidText},
		{Text{"description", Description, "del\u007f"}, CodeInvalidText},
		{Text{"description", Description, "c1\u0085"}, CodeInvalidText},
		{Text{"title", Name, "bad \xff byte"}, CodeInvalidText},
		{Text{"title", Name, ""}, ""},
	} {
		err := CheckText(tc.text)
		if got := ErrorCode(err); got != tc.code {
			t.Errorf("%q: got %v, want %q", tc.text.Value, err, tc.code)
		}
		if err != nil && err.(*Error).Field != tc.text.Field {
			t.Errorf("%q: field %q, want %q", tc.text.Value, err.(*Error).Field, tc.text.Field)
		}
	}
}
