package party

import (
	"strings"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// IdentifierLength is the length of both kinds of identifier.
const IdentifierLength = 18

// creditCodeChars are the characters of a unified social credit code, in the
// order of their values 0–30 (GB 32100-2015: no I, O, S, V or Z).
const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeWeights are the weights of its first 17 characters: 3^i mod 31.
var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// residentIDWeights are the weights of a resident identity number's first 17
// digits: 2^(17-i) mod 11 (ISO 7064 MOD 11-2).
var residentIDWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// CreditCodeCheck returns the check character of the first 17 characters of
// a unified social credit code, and false when one of them is not a code
// character.
func CreditCodeCheck(first17 string) (byte, bool) {
	if len(first17) != IdentifierLength-1 {
		return 0, false
	}
	sum := 0
	for i := range len(first17) {
		v := strings.IndexByte(creditCodeChars, first17[i])
		if v < 0 {
			return 0, false
		}
		sum += v * creditCodeWeights[i]
	}
	return creditCodeChars[(31-sum%31)%31], true
}

// ResidentIDCheck returns the check character ('0'–'9' or 'X') of the first
// 17 digits of a resident identity number, and false when one is not a digit.
func ResidentIDCheck(first17 string) (byte, bool) {
	if len(first17) != IdentifierLength-1 {
		return 0, false
	}
	sum := 0
	for i := range len(first17) {
		d := first17[i]
		if d < '0' || d > '9' {
			return 0, false
		}
		sum += int(d-'0') * residentIDWeights[i]
	}
	return "10X98765432"[sum%11], true
}

// CreditCodeFrom returns a valid unified social credit code whose first 17
// characters are picked by the bytes of seed, which must be at least 17 long:
// tests and load generators make identifiers of made-up parties with it.
func CreditCodeFrom(seed []byte) string {
	code := make([]byte, IdentifierLength-1, IdentifierLength)
	for i := range code {
		code[i] = creditCodeChars[int(seed[i])%len(creditCodeChars)]
	}
	check, _ := CreditCodeCheck(string(code))
	return string(append(code, check))
}

// CheckCreditCode refuses s unless it is an 18-character unified social
// credit code with its check character (INVALID_IDENTIFIER on field
// "identifier"). Letters are upper case.
func CheckCreditCode(s string) error {
	if len(s) != IdentifierLength {
		return invalidIdentifier("a unified social credit code has %d characters, not %d", IdentifierLength, len(s))
	}
	check, ok := CreditCodeCheck(s[:IdentifierLength-1])
	if !ok {
		return invalidIdentifier("a unified social credit code has only the characters %s", creditCodeChars)
	}
	if s[IdentifierLength-1] != check {
		return invalidIdentifier("the check character of this unified social credit code is wrong (GB 32100-2015)")
	}
	return nil
}

// CheckResidentID refuses s unless it is an 18-character resident identity
// number: 17 digits whose date of birth (characters 7–14) is a date, and its
// check character (INVALID_IDENTIFIER on field "identifier").
func CheckResidentID(s string) error {
	if len(s) != IdentifierLength {
		return invalidIdentifier("a resident identity number has %d characters, not %d", IdentifierLength, len(s))
	}
	check, ok := ResidentIDCheck(s[:IdentifierLength-1])
	if !ok {
		return invalidIdentifier("a resident identity number has 17 digits before its check character")
	}
	if _, err := time.Parse("20060102", s[6:14]); err != nil {
		return invalidIdentifier("characters 7–14 of a resident identity number are a date of birth, YYYYMMDD")
	}
	if s[IdentifierLength-1] != check {
		return invalidIdentifier("the check character of this resident identity number is wrong (GB 11643-1999)")
	}
	return nil
}

// Mask returns the identifier with all but its first four and last four
// characters replaced by '*', as everyone but the exchange sees it.
func Mask(identifier string) string {
	if len(identifier) <= 8 {
		return strings.Repeat("*", len(identifier))
	}
	return identifier[:4] + strings.Repeat("*", len(identifier)-8) + identifier[len(identifier)-4:]
}

func invalidIdentifier(format string, args ...any) error {
	return kernel.FieldErrorf(CodeInvalidIdentifier, "identifier", format, args...)
}
