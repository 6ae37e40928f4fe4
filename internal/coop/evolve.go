package coop

import (
	"maps"
	"slices"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Evolve folds one event into the state. It never fails, ignores unknown
// events, and copies the maps it changes rather than writing into s's.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case CooperativeFounded:
		s.ID, s.Collective, s.Name, s.Settings, s.Founded = e.CoopID, e.Collective, e.Name, e.Settings, true
		s.Holders = map[uuid.UUID]Holder{e.Collective: {ID: e.Collective, Kind: KindCollective}}
	case MemberAdmitted:
		h := s.Holders[e.Member] // an outside heir admitted later keeps their shares, now with full rights
		h.ID, h.Kind, h.Household = e.Member, KindMember, e.Household
		s = s.withHolders(h)
	case SharesAllocated:
		holders := maps.Clone(s.Holders)
		for _, a := range e.Allocations {
			h := holders[a.Member]
			h.Shares = h.Shares.plus(a.Class, a.Shares)
			h.Quantified = h.Quantified.plus(a.Class, a.Shares)
			holders[a.Member] = h
		}
		s.Holders = holders
	case SharesTransferred:
		s = s.move(e.From, e.To, e.Class, e.Shares)
	case SharesRedeemed:
		s = s.move(e.Holder, s.Collective, e.Class, e.Shares)
		s.RedeemedInYear = s.redeemedThisYear(e.At) + e.Shares
		s.RedemptionYear = e.At.In(kernel.Shanghai).Year()
	case HolderDeceased:
		h := s.Holders[e.Holder]
		h.Deceased, h.ClaimDeadline = true, e.ClaimDeadline
		s = s.withHolders(h)
	case SharesInherited:
		kind := KindMember
		if e.Rights == RightsIncomeOnly {
			kind = KindOutsideHeir
		}
		heir := s.Holders[e.Heir]
		heir.ID, heir.Kind, heir.Household = e.Heir, kind, e.HeirHousehold
		s = s.passEstate(e.Deceased, heir, e.Shares, e.Pledges)
	case UnclaimedSharesReverted:
		s = s.passEstate(e.Deceased, s.Holders[e.Collective], e.Shares, e.Pledges)
	case SharesPledged:
		p := Pledge{ID: e.PledgeID, Holder: e.Holder, Pledgee: e.Pledgee, Shares: e.Shares,
			RegistrationNumber: e.RegistrationNumber, LoanMaturity: e.LoanMaturity, RegisteredUntil: e.RegisteredUntil}
		s.Pledges = with(s.Pledges, p.ID, p)
		h := s.Holders[e.Holder]
		h.Pledged += e.Shares
		s = s.withHolders(h)
	case PledgeReleased:
		s = s.endPledge(e.PledgeID)
	case PledgeExpired:
		s = s.endPledge(e.PledgeID)
	case PledgeEnforced:
		s = s.endPledge(e.PledgeID)
		for _, class := range slices.Sorted(maps.Keys(e.Shares)) {
			s = s.move(e.Holder, e.Buyer, class, e.Shares[class])
		}
	case DividendDeclared:
		s.Dividends = with(s.Dividends, e.DividendID, Dividend{ID: e.DividendID, Amount: e.Amount,
			TotalShares: e.TotalShares, Payouts: e.Payouts, DeclaredAt: e.At})
	case DividendPaid:
		d := s.Dividends[e.DividendID]
		d.Paid = true
		s.Dividends = with(s.Dividends, e.DividendID, d)
	}
	return s
}

// with returns a copy of m with m[k] = v.
func with[V any](m map[uuid.UUID]V, k uuid.UUID, v V) map[uuid.UUID]V {
	out := maps.Clone(m)
	if out == nil {
		out = map[uuid.UUID]V{}
	}
	out[k] = v
	return out
}

// withHolders returns s with the given holders' lines replaced.
func (s State) withHolders(hs ...Holder) State {
	holders := maps.Clone(s.Holders)
	if holders == nil {
		holders = map[uuid.UUID]Holder{}
	}
	for _, h := range hs {
		holders[h.ID] = h
	}
	s.Holders = holders
	return s
}

func (s State) move(from, to uuid.UUID, class ShareClass, n int64) State {
	f, t := s.Holders[from], s.Holders[to]
	f.Shares = f.Shares.plus(class, -n)
	t.Shares = t.Shares.plus(class, n)
	return s.withHolders(f, t)
}

// passEstate moves a deceased holder's shares and pledges to heir.
func (s State) passEstate(deceased uuid.UUID, heir Holder, shares ClassShares, pledges []uuid.UUID) State {
	d := s.Holders[deceased]
	for class, n := range shares {
		d.Shares = d.Shares.plus(class, -n)
		heir.Shares = heir.Shares.plus(class, n)
	}
	if len(pledges) > 0 {
		all := maps.Clone(s.Pledges)
		for _, id := range pledges {
			p := all[id]
			p.Holder = heir.ID
			all[id] = p
			d.Pledged -= p.Shares
			heir.Pledged += p.Shares
		}
		s.Pledges = all
	}
	return s.withHolders(d, heir)
}

func (s State) endPledge(id uuid.UUID) State {
	p, ok := s.Pledges[id]
	if !ok {
		return s
	}
	pledges := maps.Clone(s.Pledges)
	delete(pledges, id)
	s.Pledges = pledges
	h := s.Holders[p.Holder]
	h.Pledged -= p.Shares
	return s.withHolders(h)
}
