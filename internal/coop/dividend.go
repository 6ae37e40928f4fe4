package coop

import (
	"bytes"
	"cmp"
	"slices"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Apportion splits amount (>= 0) over holders in proportion to their shares
// (each > 0), to the fen, so that the payouts sum exactly to amount (rule 19).
//
// Method (largest remainder, Hamilton): every holder first gets
// floor(amount × shares / total) fen, computed exactly in integers; the fen
// left over (fewer than the number of holders) go one each to the holders with
// the largest remainders. Ties are broken deterministically: larger remainder
// first, then more shares, then the smaller holder id (UUID bytes). So every
// payout differs from the exact pro-rata share by less than one fen.
//
// The payouts are returned sorted by holder id. It returns a CodeInvalid error
// for a negative amount, a non-positive stake or an empty register.
func Apportion(amount kernel.Money, shares map[uuid.UUID]int64) ([]Payout, error) {
	if amount < 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "must not be negative")
	}
	var total int64
	for _, n := range shares {
		if n <= 0 {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "shares", "every stake must be positive")
		}
		total += n
	}
	if total <= 0 {
		return nil, kernel.Errorf(kernel.CodeInvalid, "no shares on the register")
	}
	type part struct {
		payout    Payout
		remainder int64
	}
	parts := make([]part, 0, len(shares))
	left := amount.Fen()
	for holder, n := range shares {
		q, r := kernel.MulDivFloor(amount.Fen(), n, total)
		parts = append(parts, part{Payout{Holder: holder, Shares: n, Amount: kernel.Money(q)}, r})
		left -= q
	}
	slices.SortFunc(parts, func(a, b part) int {
		if c := cmp.Compare(b.remainder, a.remainder); c != 0 {
			return c
		}
		if c := cmp.Compare(b.payout.Shares, a.payout.Shares); c != 0 {
			return c
		}
		return bytes.Compare(a.payout.Holder[:], b.payout.Holder[:])
	})
	for i := range left { // left < len(parts), and the first left parts have remainders > 0
		parts[i].payout.Amount++
	}
	out := make([]Payout, len(parts))
	for i, p := range parts {
		out[i] = p.payout
	}
	slices.SortFunc(out, func(a, b Payout) int { return bytes.Compare(a.Holder[:], b.Holder[:]) })
	return out, nil
}
