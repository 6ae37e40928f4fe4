package lending

import (
	"math/big"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// RepaymentMethod is how a loan's principal is repaid.
type RepaymentMethod string

// Repayment methods.
const (
	// EqualInstalments (等额本息) is an annuity: every instalment but the last
	// has the same total, computed from the nominal monthly rate (annual rate / 12).
	EqualInstalments RepaymentMethod = "EQUAL_INSTALMENTS"
	// EqualPrincipal (等额本金) repays the same principal each month, plus interest.
	EqualPrincipal RepaymentMethod = "EQUAL_PRINCIPAL"
	// InterestOnly (先息后本) pays interest monthly and all principal with the last instalment.
	InterestOnly RepaymentMethod = "INTEREST_ONLY_BULLET"
)

// Valid reports whether m is a known method.
func (m RepaymentMethod) Valid() bool {
	return m == EqualInstalments || m == EqualPrincipal || m == InterestOnly
}

// Schedule limits: inputs outside them are refused with kernel.CodeInvalid.
const (
	MaxTermMonths   = 360                // 30 years
	MaxAnnualRateBP = 10000              // 100 % a year
	MaxPrincipal    = kernel.Money(1e14) // one trillion yuan, far above any rural loan
	daysPerYear     = 365                // ACT/365 Fixed
	bpPerUnit       = 10000              // basis points in 1
)

// Instalment is one scheduled repayment. DueDate is a calendar date held as
// midnight UTC; Days is the number of days of interest it carries (from the
// previous due date, or the disbursement date, to DueDate).
type Instalment struct {
	No        int // 1-based
	DueDate   time.Time
	Days      int
	Principal kernel.Money
	Interest  kernel.Money
}

// Amount is the instalment's total: principal plus interest.
func (i Instalment) Amount() kernel.Money { return i.Principal + i.Interest }

// BuildSchedule returns the monthly repayment schedule of a loan of principal
// fen at annualRateBP basis points a year over months months, disbursed on the
// calendar date of start (read in Asia/Shanghai).
//
// Due dates are the disbursement day of each following month, clamped to the
// month's last day (a loan disbursed on 31 January falls due on 28 or 29
// February, then 31 March). Interest of each instalment uses the ACT/365 Fixed
// day-count convention: outstanding principal × annual rate × actual days / 365,
// rounded half up to the fen, per period.
//
// For EqualInstalments the level payment A = P·r·(1+r)^n / ((1+r)^n − 1) with
// r = annual rate / 12 is computed exactly with math/big and rounded half up to
// the fen; each instalment's principal part is A minus that period's ACT/365
// interest, clamped to [0, outstanding]. For EqualPrincipal every instalment
// but the last repays floor(P / n). In every method the last instalment repays
// all principal still outstanding, so the principal parts sum exactly to P and
// no amount is negative.
func BuildSchedule(principal kernel.Money, annualRateBP, months int, start time.Time, method RepaymentMethod) ([]Instalment, error) {
	switch {
	case principal <= 0 || principal > MaxPrincipal:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "principal must be between 0.01 and %s yuan", MaxPrincipal)
	case annualRateBP < 0 || annualRateBP > MaxAnnualRateBP:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "annualRateBP", "annual rate must be 0..%d basis points", MaxAnnualRateBP)
	case months < 1 || months > MaxTermMonths:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "termMonths", "term must be 1..%d months", MaxTermMonths)
	case !method.Valid():
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "method", "unknown repayment method %q", method)
	}
	level := kernel.Money(0)
	if method == EqualInstalments {
		level = annuity(principal, annualRateBP, months)
	}
	first := CivilDate(start)
	prev := first
	outstanding := principal
	out := make([]Instalment, months)
	for k := 1; k <= months; k++ {
		due := AddMonths(first, k)
		days := DaysBetween(prev, due)
		interest := Interest(outstanding, annualRateBP, days)
		var part kernel.Money
		switch {
		case k == months:
			part = outstanding
		case method == EqualInstalments:
			part = min(max(level-interest, 0), outstanding)
		case method == EqualPrincipal:
			part = principal / kernel.Money(months)
		}
		out[k-1] = Instalment{No: k, DueDate: due, Days: days, Principal: part, Interest: interest}
		outstanding -= part
		prev = due
	}
	return out, nil
}

// Interest returns the ACT/365 Fixed interest on principal at annualRateBP for
// days days, rounded half up to the fen.
func Interest(principal kernel.Money, annualRateBP, days int) kernel.Money {
	return principal.MulRatio(int64(annualRateBP)*int64(days), bpPerUnit*daysPerYear)
}

// annuity returns the level monthly payment, rounded half up to the fen. With
// r = R / 120000 (R the annual rate in basis points), B = 120000 + R and
// D = 120000, P·r·(1+r)^n / ((1+r)^n − 1) = P·R·B^n / (D·(B^n − D^n)), which
// is evaluated in exact integers.
func annuity(principal kernel.Money, annualRateBP, months int) kernel.Money {
	if annualRateBP == 0 {
		return principal.MulRatio(1, int64(months))
	}
	const d = bpPerUnit * 12
	n := big.NewInt(int64(months))
	bn := new(big.Int).Exp(big.NewInt(int64(d+annualRateBP)), n, nil)
	dn := new(big.Int).Exp(big.NewInt(d), n, nil)
	num := new(big.Int).Mul(big.NewInt(int64(principal)*int64(annualRateBP)), bn)
	den := new(big.Int).Mul(big.NewInt(d), dn.Sub(bn, dn))
	// half up: floor((2·num + den) / (2·den))
	num.Lsh(num, 1).Add(num, den)
	return kernel.Money(num.Quo(num, den.Lsh(den, 1)).Int64())
}

// CivilDate returns the Asia/Shanghai calendar date of t as midnight UTC, the
// form every date in this package takes. A time already at midnight UTC maps to itself.
func CivilDate(t time.Time) time.Time {
	l := t.In(kernel.Shanghai)
	return time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, time.UTC)
}

// AddMonths returns the date n months after the civil date d, clamped to the
// last day of the target month.
func AddMonths(d time.Time, n int) time.Time {
	y, m, day := d.Date()
	firstOfTarget := time.Date(y, m+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := firstOfTarget.AddDate(0, 1, -1).Day()
	return firstOfTarget.AddDate(0, 0, min(day, last)-1)
}

// DaysBetween returns the number of days from civil date a to civil date b.
func DaysBetween(a, b time.Time) int { return int(b.Sub(a).Hours()) / 24 }

// OverdueAt returns the instant an instalment due on civil date d becomes
// overdue: the end of d in Asia/Shanghai, as UTC.
func OverdueAt(d time.Time) time.Time {
	y, m, day := d.Date()
	return time.Date(y, m, day+1, 0, 0, 0, 0, kernel.Shanghai).UTC()
}
