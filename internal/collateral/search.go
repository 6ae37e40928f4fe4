package collateral

import (
	"bytes"
	"cmp"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Priority is the ordinal search (rules 8, 20): it returns a negative number
// when a ranks before b, a positive one when b ranks first, and 0 only when
// neither was ever registered. A registered notice outranks an unregistered
// one; between registered notices the earlier registration time wins, then the
// smaller registration number, then the smaller registration id, so two
// distinct registrations never tie.
func Priority(a, b State) int {
	switch {
	case a.Registered() != b.Registered():
		if a.Registered() {
			return -1
		}
		return 1
	case !a.Registered():
		return 0
	}
	if c := a.RegisteredAt.Compare(b.RegisteredAt); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Number, b.Number); c != 0 {
		return c
	}
	return bytes.Compare(a.ID[:], b.ID[:])
}

// RankAt is the point-in-time search by collateral (rules 8, 20, 21): the
// registrations in regs in force against target at t, in priority order.
// Effectiveness uses each state's own end date and discharge time; to see the
// notices exactly as they stood at t (amounts, parties, end dates before later
// amendments), pass states folded with StateAt(history, t).
func RankAt(regs []State, target Target, t time.Time) []State {
	return search(regs, t, func(s State) bool { return s.Collateral.Target() == target })
}

// ByGrantorAt is the point-in-time search by grantor (rule 21), in priority order.
func ByGrantorAt(regs []State, grantor uuid.UUID, t time.Time) []State {
	return search(regs, t, func(s State) bool { return s.Grantor == grantor })
}

// ByNumber is the search by registration number (rule 21): the registration
// with that number, whatever its status.
func ByNumber(regs []State, number string) (State, bool) {
	i := slices.IndexFunc(regs, func(s State) bool { return s.Registered() && s.Number == number })
	if i < 0 {
		return State{}, false
	}
	return regs[i], true
}

func search(regs []State, t time.Time, match func(State) bool) []State {
	var out []State
	for _, s := range regs {
		if s.EffectiveAt(t) && match(s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, Priority)
	return out
}

// Claim is a secured party's claim on disposal proceeds under one registration.
type Claim struct {
	Registration uuid.UUID
	SecuredParty uuid.UUID
	Amount       kernel.Money
}

// Claim returns the registration's claim for a debt of owed: the debt, capped
// at the secured amount on the notice (the rest of the debt is unsecured).
func (s State) Claim(owed kernel.Money) Claim {
	return Claim{Registration: s.ID, SecuredParty: s.SecuredParty, Amount: min(owed, s.SecuredAmount)}
}

// Payout is a payment out of disposal proceeds. Registration is uuid.Nil for
// the surplus paid to the grantor.
type Payout struct {
	To           uuid.UUID
	Registration uuid.UUID
	Amount       kernel.Money
}

// Distribute pays disposal proceeds by rank (rule 8): each claim in ranked
// (senior first, as RankAt orders them) is paid in full before the next gets
// anything. It returns one payout per claim (zero when nothing was left for
// it, so callers see each shortfall) and, when proceeds remain, a last payout
// of the surplus to the grantor. The payouts sum to proceeds exactly. It
// returns a CodeInvalid error for negative proceeds or a negative claim.
func Distribute(proceeds kernel.Money, grantor uuid.UUID, ranked []Claim) ([]Payout, error) {
	if proceeds < 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "proceeds", "must not be negative")
	}
	left := proceeds
	out := make([]Payout, 0, len(ranked)+1)
	for _, c := range ranked {
		if c.Amount < 0 {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "claims", "a claim must not be negative")
		}
		paid := min(left, c.Amount)
		left -= paid
		out = append(out, Payout{To: c.SecuredParty, Registration: c.Registration, Amount: paid})
	}
	if left > 0 {
		out = append(out, Payout{To: grantor, Amount: left})
	}
	return out, nil
}
