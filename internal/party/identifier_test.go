package party_test

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"testing/quick"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/party"
)

const creditChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCode is a random valid unified social credit code.
type creditCode string

// Generate implements quick.Generator.
func (creditCode) Generate(r *rand.Rand, _ int) reflect.Value {
	b := make([]byte, 17)
	for i := range b {
		b[i] = creditChars[r.Intn(len(creditChars))]
	}
	check, _ := party.CreditCodeCheck(string(b))
	return reflect.ValueOf(creditCode(append(b, check)))
}

// residentID is a random valid resident identity number.
type residentID string

// Generate implements quick.Generator.
func (residentID) Generate(r *rand.Rand, _ int) reflect.Value {
	born := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.Intn(365*95))
	s := fmt.Sprintf("%06d%s%03d", r.Intn(1_000_000), born.Format("20060102"), r.Intn(1000))
	check, _ := party.ResidentIDCheck(s)
	return reflect.ValueOf(residentID(s + string(check)))
}

// change is a single-character change: the position and a byte to put
// there, drawn from every printable ASCII character.
type change struct {
	At int
	To byte
}

// Generate implements quick.Generator.
func (change) Generate(r *rand.Rand, _ int) reflect.Value {
	return reflect.ValueOf(change{At: r.Intn(party.IdentifierLength), To: byte(' ' + r.Intn('~'-' '+1))})
}

func (c change) apply(s string) (string, bool) {
	if s[c.At] == c.To {
		return s, false
	}
	b := []byte(s)
	b[c.At] = c.To
	return string(b), true
}

var quickConfig = &quick.Config{MaxCount: 5000, Rand: rand.New(rand.NewSource(1))}

// checkProperties proves check's two properties on identifiers of type T
// (generated valid): every valid one passes, and every single-character
// change fails with INVALID_IDENTIFIER.
func checkProperties[T ~string](t *testing.T, check func(string) error) {
	t.Run("every valid identifier passes", func(t *testing.T) {
		if err := quick.Check(func(v T) bool { return check(string(v)) == nil }, quickConfig); err != nil {
			t.Error(err)
		}
	})
	t.Run("every single-character change fails", func(t *testing.T) {
		f := func(v T, ch change) bool {
			changed, ok := ch.apply(string(v))
			return !ok || kernel.ErrorCode(check(changed)) == party.CodeInvalidIdentifier
		}
		if err := quick.Check(f, quickConfig); err != nil {
			t.Error(err)
		}
	})
}

func TestCreditCodeCheck(t *testing.T) { checkProperties[creditCode](t, party.CheckCreditCode) }

func TestResidentIDCheck(t *testing.T) { checkProperties[residentID](t, party.CheckResidentID) }

// Every position and every other code character, exhaustively, on one code:
// the property above samples; this proves it for the check's alphabet.
func TestEveryOtherCodeCharacterAtEveryPositionFails(t *testing.T) {
	const code = "91350100M000100Y43" // the example GB 32100-2015 prints
	if err := party.CheckCreditCode(code); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
	for at := range len(code) {
		for i := range len(creditChars) {
			if changed, ok := (change{at, creditChars[i]}).apply(code); ok && party.CheckCreditCode(changed) == nil {
				t.Errorf("%s passes", changed)
			}
		}
	}
}

func TestPublishedIdentifiersPass(t *testing.T) {
	// The worked example of GB 11643-1999 and a code of the form GB 32100-2015 prints.
	for _, c := range []struct {
		id     string
		person bool
	}{
		{"11010519491231002X", true},
		{"440524188001010014", true},
		{"91350100M000100Y43", false},
	} {
		check := party.CheckCreditCode
		if c.person {
			check = party.CheckResidentID
		}
		if err := check(c.id); err != nil {
			t.Errorf("%s: %v", c.id, err)
		}
	}
}

func TestResidentIDsRefuseDatesThatDoNotExist(t *testing.T) {
	for _, born := range []string{"19490230", "19491301", "20230229"} {
		s := "110105" + born + "002"
		check, _ := party.ResidentIDCheck(s)
		if err := party.CheckResidentID(s + string(check)); kernel.ErrorCode(err) != party.CodeInvalidIdentifier {
			t.Errorf("born %s: %v; want INVALID_IDENTIFIER", born, err)
		}
	}
	s := "110105" + "20240229" + "002" // a leap day
	check, _ := party.ResidentIDCheck(s)
	if err := party.CheckResidentID(s + string(check)); err != nil {
		t.Errorf("born on 2024-02-29: %v", err)
	}
}

func TestWrongLengthsAndLowerCaseAreRefused(t *testing.T) {
	for _, s := range []string{"", "11010519491231002", "11010519491231002X0", "11010519491231002x"} {
		if err := party.CheckResidentID(s); kernel.ErrorCode(err) != party.CodeInvalidIdentifier {
			t.Errorf("resident id %q: %v; want INVALID_IDENTIFIER", s, err)
		}
	}
	for _, s := range []string{"", "91350100M000100Y4", "91350100M000100Y430", "91350100m000100Y43"} {
		if err := party.CheckCreditCode(s); kernel.ErrorCode(err) != party.CodeInvalidIdentifier {
			t.Errorf("credit code %q: %v; want INVALID_IDENTIFIER", s, err)
		}
	}
}

func TestMaskKeepsFourCharactersAtEachEnd(t *testing.T) {
	if got, want := party.Mask("11010519491231002X"), "1101**********002X"; got != want {
		t.Errorf("Mask = %q; want %q", got, want)
	}
	if got := party.Mask("12345678"); got != "********" {
		t.Errorf("Mask of 8 characters = %q; want all masked", got)
	}
}
