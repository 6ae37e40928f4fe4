package kernel

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"
)

// Money is an amount of renminbi in fen (分, 1/100 yuan). It is an integer:
// money is never a float anywhere in nongjiao. The zero value is zero yuan.
type Money int64

// Yuan returns n whole yuan as Money.
func Yuan(n int64) Money { return Money(n * 100) }

// ParseMoney parses a decimal yuan string such as "1234.5", "1234.56" or "-3"
// into fen. More than two decimals, exponents, and values beyond int64 fen are refused.
func ParseMoney(s string) (Money, error) {
	v, err := parseFixed2(s)
	if err != nil {
		return 0, FieldErrorf(CodeInvalid, "", "invalid amount %q: want yuan with at most two decimals, e.g. \"1250.50\"", s)
	}
	return Money(v), nil
}

// String formats m as a decimal yuan string with two decimals: "1250.50".
func (m Money) String() string { return formatFixed2(int64(m)) }

// Fen returns the amount as an integer number of fen.
func (m Money) Fen() int64 { return int64(m) }

// IsZero reports whether m is zero.
func (m Money) IsZero() bool { return m == 0 }

// Add returns m+o, or an error when the sum overflows int64.
func (m Money) Add(o Money) (Money, error) {
	s := m + o
	if (o > 0 && s < m) || (o < 0 && s > m) {
		return 0, Errorf(CodeInvalid, "amount overflow")
	}
	return s, nil
}

// MulRatio returns m*num/den rounded half away from zero, computed without
// floating point. den must be positive.
func (m Money) MulRatio(num, den int64) Money {
	return Money(MulDivRound(int64(m), num, den))
}

// MulDivRound returns a*b/c rounded half away from zero, exact for any int64
// inputs whose result fits int64 (it uses 128-bit intermediate arithmetic).
func MulDivRound(a, b, c int64) int64 {
	if c == 0 {
		panic("kernel: MulDivRound by zero")
	}
	neg := (a < 0) != (b < 0) != (c < 0)
	ua, ub, uc := abs64(a), abs64(b), abs64(c)
	q, r := mulDiv128(ua, ub, uc)
	if r >= uc-r { // r*2 >= c without overflow
		q++
	}
	if q > math.MaxInt64 {
		panic("kernel: MulDivRound overflow")
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

// MulDivFloor returns floor(a*b/c) and the remainder for non-negative a, b and positive c.
func MulDivFloor(a, b, c int64) (q, r int64) {
	if a < 0 || b < 0 || c <= 0 {
		panic("kernel: MulDivFloor wants a, b >= 0 and c > 0")
	}
	uq, ur := mulDiv128(uint64(a), uint64(b), uint64(c))
	if uq > math.MaxInt64 {
		panic("kernel: MulDivFloor overflow")
	}
	return int64(uq), int64(ur)
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-v)
	}
	return uint64(v)
}

// mulDiv128 computes (a*b)/c and (a*b)%c with a 128-bit product.
func mulDiv128(a, b, c uint64) (q, r uint64) {
	hi, lo := bits.Mul64(a, b)
	if hi >= c {
		panic("kernel: mulDiv128 overflow")
	}
	return bits.Div64(hi, lo, c)
}

// Area is a land area in hundredths of a mu (亩): 12.34 mu is Area(1234).
type Area int64

// ParseArea parses a decimal mu string such as "12.5" or "12.34".
func ParseArea(s string) (Area, error) {
	v, err := parseFixed2(s)
	if err != nil {
		return 0, FieldErrorf(CodeInvalid, "", "invalid area %q: want mu with at most two decimals, e.g. \"12.50\"", s)
	}
	return Area(v), nil
}

// String formats a as mu with two decimals: "12.50".
func (a Area) String() string { return formatFixed2(int64(a)) }

// Hundredths returns the area as an integer number of hundredths of a mu.
func (a Area) Hundredths() int64 { return int64(a) }

func parseFixed2(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, fmt.Errorf("empty")
	}
	neg := false
	switch s[0] {
	case '-':
		neg, s = true, s[1:]
	case '+':
		s = s[1:]
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || (hasDot && frac == "") {
		return 0, fmt.Errorf("bad format")
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("bad digit")
			}
		}
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > math.MaxInt64/100-1 {
		return 0, fmt.Errorf("out of range")
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	v := w*100 + f
	if neg {
		v = -v
	}
	return v, nil
}

func formatFixed2(v int64) string {
	sign := ""
	u := abs64(v)
	if v < 0 {
		sign = "-"
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}
