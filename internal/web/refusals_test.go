package web

import (
	"os"
	"regexp"
	"testing"
)

// Every error code of the listing, demand, party and kernel packages has a
// message on the page: a refusal is never shown as a bare code. (The party
// register refuses a suspended or unregistered bidder's bid or quote.)
func TestEveryRefusalCodeHasAMessage(t *testing.T) {
	page, err := Static.ReadFile("static/i18n.js")
	if err != nil {
		t.Fatal(err)
	}
	declared := regexp.MustCompile(`\bCode\w+\s+=\s+"([A-Z_]+)"`)
	n := 0
	for _, file := range []string{"../listing/errors.go", "../demand/demand.go", "../party/errors.go", "../kernel/errors.go", "../kernel/text.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range declared.FindAllStringSubmatch(string(src), -1) {
			n++
			if !regexp.MustCompile(`[\s{]` + m[1] + `: \['`).Match(page) {
				t.Errorf("%s (%s) has no message in i18n.js", m[1], file)
			}
		}
	}
	if n < 30 {
		t.Fatalf("found %d codes; the files above moved?", n)
	}
}
