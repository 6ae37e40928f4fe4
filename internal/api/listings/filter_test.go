package listings_test

import (
	"strings"
	"testing"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// The board's text filter takes at most kernel.MaxNameRunes characters.
func TestTextFilterIsLimitedInCharacters(t *testing.T) {
	h := apitest.New(t, area())
	q := `query($text: String) { listings(filter: {text: $text}, first: 1) { totalCount } }`
	if r := h.Do("", q, map[string]any{"text": strings.Repeat("苹", kernel.MaxNameRunes)}); len(r.Errors) != 0 {
		t.Fatalf("%d characters: %+v", kernel.MaxNameRunes, r.Errors)
	}
	r := h.Do("", q, map[string]any{"text": strings.Repeat("苹", kernel.MaxNameRunes+1)})
	if r.Code() != kernel.CodeTextTooLong || r.Errors[0].Extensions["field"] != "filter.text" {
		t.Fatalf("%d characters: %+v", kernel.MaxNameRunes+1, r.Errors)
	}
}
