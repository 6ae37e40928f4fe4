package coop

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Decider is the share cooperative aggregate; its streams are "coop-<uuid>".
var Decider = kernel.Decider[State, Command]{Category: "coop", Decide: Decide, Evolve: Evolve}

// Decide turns a command into events, or returns a *kernel.Error and no events.
// now is the command's time; events carry it in UTC.
func Decide(s State, c Command, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	if f, ok := c.(FoundCooperative); ok {
		return found(s, f, now)
	}
	if !s.Founded {
		return nil, kernel.Errorf(kernel.CodeNotFound, "cooperative %s is not founded", c.AggregateID())
	}
	switch c := c.(type) {
	case AdmitMember:
		return admit(s, c, now)
	case AllocateShares:
		return allocate(s, c, now)
	case TransferShares:
		return transfer(s, c, now)
	case RedeemShares:
		return redeem(s, c, now)
	case RecordDeath:
		return recordDeath(s, c, now)
	case InheritShares:
		return inherit(s, c, now)
	case RevertUnclaimedShares:
		return revert(s, c, now)
	case PledgeShares:
		return pledge(s, c, now)
	case ReleasePledge:
		return release(s, c, now)
	case ExpirePledge:
		return expire(s, c, now)
	case EnforcePledge:
		return enforce(s, c, now)
	case DeclareDividend:
		return declare(s, c, now)
	case PayDividend:
		return pay(s, c, now)
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown command %T", c)
}

func found(s State, c FoundCooperative, now time.Time) ([]kernel.Event, error) {
	switch {
	case s.Founded:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "cooperative %s is already founded", c.CoopID)
	case c.CoopID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "coopId", "required")
	case c.Collective == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "collective", "required")
	case c.Name == "":
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "name", "required")
	}
	if err := c.Settings.validate(); err != nil {
		return nil, err
	}
	return []kernel.Event{CooperativeFounded{CoopID: c.CoopID, Collective: c.Collective, Name: c.Name, Settings: c.Settings, At: now}}, nil
}

func admit(s State, c AdmitMember, now time.Time) ([]kernel.Event, error) {
	switch {
	case c.Member == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "member", "required")
	case c.Household == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "household", "required")
	}
	if h, ok := s.Holders[c.Member]; ok && (h.Kind != KindOutsideHeir || h.Deceased) {
		return nil, kernel.FieldErrorf(kernel.CodeInvalidState, "member", "%s is already a member or the collective", c.Member)
	}
	return []kernel.Event{MemberAdmitted{CoopID: s.ID, Member: c.Member, Household: c.Household, At: now}}, nil
}

func allocate(s State, c AllocateShares, now time.Time) ([]kernel.Event, error) {
	if len(c.Allocations) == 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "allocations", "required")
	}
	seen := map[Allocation]bool{}
	total := s.TotalShares()
	for i, a := range c.Allocations {
		field := fmt.Sprintf("allocations[%d]", i)
		if !a.Class.Valid() {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, field+".class", "unknown share class %q", a.Class)
		}
		if a.Shares <= 0 || a.Shares > MaxTotalShares-total {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, field+".shares", "must be between 1 and %d (at most %d shares in all)", max(1, MaxTotalShares-total), MaxTotalShares)
		}
		total += a.Shares
		if !s.IsMember(a.Member) {
			return nil, kernel.FieldErrorf(kernel.CodeNotFound, field+".member", "%s is not a living member", a.Member)
		}
		key := Allocation{Member: a.Member, Class: a.Class}
		if !s.Settings.DynamicRegister && (s.Holders[a.Member].Quantified[a.Class] > 0 || seen[key]) {
			return nil, kernel.FieldErrorf(CodeAlreadyAllocated, field,
				"the register is static: %s already has %s shares quantified", a.Member, a.Class)
		}
		seen[key] = true
	}
	return []kernel.Event{SharesAllocated{CoopID: s.ID, Allocations: c.Allocations, At: now}}, nil
}

// giver returns a living holder who can part with n free shares of class.
func giver(s State, id uuid.UUID, class ShareClass, n int64, field string) (Holder, error) {
	if !class.Valid() {
		return Holder{}, kernel.FieldErrorf(kernel.CodeInvalid, "class", "unknown share class %q", class)
	}
	if n <= 0 {
		return Holder{}, kernel.FieldErrorf(kernel.CodeInvalid, "shares", "must be positive")
	}
	h, ok := s.Holders[id]
	switch {
	case !ok:
		return Holder{}, kernel.FieldErrorf(kernel.CodeNotFound, field, "%s holds no shares here", id)
	case h.Deceased:
		return Holder{}, kernel.FieldErrorf(CodeHolderDeceased, field, "%s is deceased: the shares wait for an heir", id)
	case h.Shares[class] < n:
		return Holder{}, kernel.FieldErrorf(CodeInsufficientShares, "shares", "%s holds %d %s shares", id, h.Shares[class], class)
	case h.Free() < n:
		return Holder{}, kernel.FieldErrorf(CodeSharesPledged, "shares", "%s has only %d unpledged shares", id, h.Free())
	}
	return h, nil
}

// holdingCap is the most shares one member may hold (rule 16): HoldingCapBP
// of all shares, rounded down.
func (s State) holdingCap() int64 {
	limit, _ := kernel.MulDivFloor(s.TotalShares(), s.Settings.HoldingCapBP, 10000)
	return limit
}

func transfer(s State, c TransferShares, now time.Time) ([]kernel.Event, error) {
	if _, err := giver(s, c.From, c.Class, c.Shares, "from"); err != nil {
		return nil, err
	}
	if c.Price < 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "price", "must not be negative")
	}
	if c.To == c.From {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "to", "cannot transfer to oneself")
	}
	if !s.IsMember(c.To) {
		return nil, kernel.FieldErrorf(CodeTransferToNonMember, "to", "%s is not a member of this cooperative", c.To)
	}
	limit := s.holdingCap()
	if after := s.Holders[c.To].Shares.Total() + c.Shares; after > limit {
		return nil, kernel.FieldErrorf(CodeHoldingCapExceeded, "shares", "%s would hold %d shares; the cap is %d: shares may be %d at most",
			c.To, after, limit, max(0, limit-s.Holders[c.To].Shares.Total()))
	}
	return []kernel.Event{SharesTransferred{CoopID: s.ID, From: c.From, To: c.To, Class: c.Class, Shares: c.Shares, Price: c.Price, At: now}}, nil
}

// redeemedThisYear returns the shares redeemed in now's Asia/Shanghai year.
func (s State) redeemedThisYear(now time.Time) int64 {
	if s.RedemptionYear != now.In(kernel.Shanghai).Year() {
		return 0
	}
	return s.RedeemedInYear
}

func redeem(s State, c RedeemShares, now time.Time) ([]kernel.Event, error) {
	h, err := giver(s, c.Holder, c.Class, c.Shares, "holder")
	if err != nil {
		return nil, err
	}
	if h.Kind == KindCollective {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "holder", "the collective cannot redeem from itself")
	}
	if c.Price < 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "price", "must not be negative")
	}
	limit, _ := kernel.MulDivFloor(s.TotalShares(), s.Settings.RedemptionCapBP, 10000)
	if used := s.redeemedThisYear(now); used+c.Shares > limit {
		return nil, kernel.FieldErrorf(CodeRedemptionCapExceeded, "shares",
			"%d shares already redeemed this year; the yearly cap is %d", used, limit)
	}
	return []kernel.Event{SharesRedeemed{CoopID: s.ID, Holder: c.Holder, Class: c.Class, Shares: c.Shares, Price: c.Price, At: now}}, nil
}

func recordDeath(s State, c RecordDeath, now time.Time) ([]kernel.Event, error) {
	h, ok := s.Holders[c.Holder]
	switch {
	case !ok || h.Kind == KindCollective:
		return nil, kernel.FieldErrorf(kernel.CodeNotFound, "holder", "%s is not a member or holder", c.Holder)
	case h.Deceased:
		return nil, kernel.FieldErrorf(CodeHolderDeceased, "holder", "%s is already recorded as deceased", c.Holder)
	case c.DiedOn.IsZero() || c.DiedOn.After(now):
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "diedOn", "required and not in the future")
	}
	deadline := now.In(kernel.Shanghai).AddDate(0, s.Settings.ClaimPeriodMonths, 0).UTC()
	return []kernel.Event{HolderDeceased{CoopID: s.ID, Holder: c.Holder, DiedOn: c.DiedOn.UTC(), ClaimDeadline: deadline, At: now}}, nil
}

// estate returns a deceased holder with shares still to pass on.
func estate(s State, id uuid.UUID) (Holder, error) {
	h, ok := s.Holders[id]
	switch {
	case !ok:
		return Holder{}, kernel.FieldErrorf(kernel.CodeNotFound, "deceased", "%s holds no shares here", id)
	case !h.Deceased:
		return Holder{}, kernel.FieldErrorf(kernel.CodeInvalidState, "deceased", "%s is not recorded as deceased", id)
	case h.Shares.Total() == 0:
		return Holder{}, kernel.FieldErrorf(kernel.CodeInvalidState, "deceased", "%s left no shares to pass on", id)
	}
	return h, nil
}

// pledgesOf returns the ids of the live pledges on holder's shares, sorted.
func (s State) pledgesOf(holder uuid.UUID) []uuid.UUID {
	var ids []uuid.UUID
	for _, id := range sortedKeys(s.Pledges) {
		if s.Pledges[id].Holder == holder {
			ids = append(ids, id)
		}
	}
	return ids
}

func inherit(s State, c InheritShares, now time.Time) ([]kernel.Event, error) {
	h, err := estate(s, c.Deceased)
	if err != nil {
		return nil, err
	}
	if !now.Before(h.ClaimDeadline) {
		return nil, kernel.Errorf(CodeClaimPeriodEnded, "the claim period ended at %s: the shares revert to the collective", kernel.LatestAt(h.ClaimDeadline))
	}
	rights := RightsFull
	household := c.HeirHousehold
	heir, known := s.Holders[c.Heir]
	switch {
	case c.Heir == uuid.Nil || c.Heir == c.Deceased || c.Heir == s.Collective:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "heir", "must be a person other than the deceased")
	case known && heir.Deceased:
		return nil, kernel.FieldErrorf(CodeHolderDeceased, "heir", "%s is deceased", c.Heir)
	case s.IsMember(c.Heir):
		household = heir.Household
	case known: // already an outside heir of someone else
		rights, household = RightsIncomeOnly, heir.Household
	case household == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "heirHousehold", "required for an heir from outside the cooperative")
	default:
		rights = RightsIncomeOnly
	}
	return []kernel.Event{SharesInherited{CoopID: s.ID, Deceased: c.Deceased, Heir: c.Heir, HeirHousehold: household,
		Shares: h.Shares, Pledges: s.pledgesOf(c.Deceased), Rights: rights, At: now}}, nil
}

func revert(s State, c RevertUnclaimedShares, now time.Time) ([]kernel.Event, error) {
	h, err := estate(s, c.Deceased)
	if err != nil {
		return nil, err
	}
	if now.Before(h.ClaimDeadline) {
		return nil, kernel.Errorf(kernel.CodeInvalidState, "heirs may claim until %s", kernel.LatestAt(h.ClaimDeadline))
	}
	return []kernel.Event{UnclaimedSharesReverted{CoopID: s.ID, Deceased: c.Deceased, Collective: s.Collective,
		Shares: h.Shares, Pledges: s.pledgesOf(c.Deceased), At: now}}, nil
}

func pledge(s State, c PledgeShares, now time.Time) ([]kernel.Event, error) {
	h, ok := s.Holders[c.Holder]
	switch {
	case c.PledgeID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "pledgeId", "required")
	case c.Pledgee == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "pledgee", "required")
	case c.RegistrationNumber == "":
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "registrationNumber", "required: a pledge is registered (rule 18)")
	case c.Shares <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "shares", "must be positive")
	case !ok || h.Kind == KindCollective:
		return nil, kernel.FieldErrorf(kernel.CodeNotFound, "holder", "%s is not a member holding shares", c.Holder)
	case h.Kind == KindOutsideHeir:
		return nil, kernel.FieldErrorf(CodeLimitedRights, "holder", "%s has income rights only and cannot pledge", c.Holder)
	case h.Deceased:
		return nil, kernel.FieldErrorf(CodeHolderDeceased, "holder", "%s is deceased", c.Holder)
	case h.Free() < c.Shares:
		return nil, kernel.FieldErrorf(CodeSharesPledged, "shares", "%s has only %d unpledged shares", c.Holder, h.Free())
	}
	if _, dup := s.Pledges[c.PledgeID]; dup {
		return nil, kernel.FieldErrorf(kernel.CodeInvalidState, "pledgeId", "pledge %s exists", c.PledgeID)
	}
	if !c.LoanMaturity.After(now) {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "loanMaturity", "must be in the future")
	}
	local := now.In(kernel.Shanghai)
	if c.LoanMaturity.After(local.AddDate(s.Settings.PledgedLoanTermYears, 0, 0)) {
		return nil, kernel.FieldErrorf(CodePledgedLoanTermExceeded, "loanMaturity",
			"a loan against pledged shares must mature within %d year(s)", s.Settings.PledgedLoanTermYears)
	}
	return []kernel.Event{SharesPledged{CoopID: s.ID, PledgeID: c.PledgeID, Holder: c.Holder, Pledgee: c.Pledgee, Shares: c.Shares,
		RegistrationNumber: c.RegistrationNumber, LoanMaturity: c.LoanMaturity.UTC(),
		RegisteredUntil: local.AddDate(s.Settings.PledgeTermYears, 0, 0).UTC(), At: now}}, nil
}

func livePledge(s State, id uuid.UUID) (Pledge, error) {
	p, ok := s.Pledges[id]
	if !ok {
		return Pledge{}, kernel.FieldErrorf(kernel.CodeNotFound, "pledgeId", "no live pledge %s", id)
	}
	return p, nil
}

func release(s State, c ReleasePledge, now time.Time) ([]kernel.Event, error) {
	p, err := livePledge(s, c.PledgeID)
	if err != nil {
		return nil, err
	}
	if c.By != p.Pledgee {
		return nil, kernel.FieldErrorf(kernel.CodeForbidden, "by", "only the pledgee releases a pledge")
	}
	return []kernel.Event{PledgeReleased{CoopID: s.ID, PledgeID: p.ID, Holder: p.Holder, Shares: p.Shares, At: now}}, nil
}

// enforce sells a defaulted loan's pledged shares: to a living member under
// the per-holder cap, as any transfer (rule 16), or to the collective, which
// takes them outside the yearly redemption cap (a forced sale, not a
// redemption the member asked for). The shares sold are taken from the
// holder's classes in the order population, labour-age, land.
func enforce(s State, c EnforcePledge, now time.Time) ([]kernel.Event, error) {
	p, err := livePledge(s, c.PledgeID)
	if err != nil {
		return nil, err
	}
	switch {
	case c.By != p.Pledgee:
		return nil, kernel.FieldErrorf(kernel.CodeForbidden, "by", "only the pledgee enforces a pledge")
	case !c.LoanDefaulted:
		return nil, kernel.Errorf(CodeLoanNotDefaulted, "the loan pledge %s secures is not in default", p.ID)
	case c.Price <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "price", "must be positive")
	case c.Buyer == p.Holder:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "buyer", "the pledgor cannot buy its own pledged shares")
	case c.Buyer != s.Collective && !s.IsMember(c.Buyer):
		return nil, kernel.FieldErrorf(CodeTransferToNonMember, "buyer", "%s is neither a member nor the collective", c.Buyer)
	}
	if c.Buyer != s.Collective {
		limit := s.holdingCap()
		if after := s.Holders[c.Buyer].Shares.Total() + p.Shares; after > limit {
			return nil, kernel.FieldErrorf(CodeHoldingCapExceeded, "buyer", "%s would hold %d shares; the cap is %d", c.Buyer, after, limit)
		}
	}
	sold, left := ClassShares{}, p.Shares
	for _, class := range []ShareClass{ClassPopulation, ClassLabourAge, ClassLand} {
		if n := min(left, s.Holders[p.Holder].Shares[class]); n > 0 {
			sold[class], left = n, left-n
		}
	}
	return []kernel.Event{PledgeEnforced{CoopID: s.ID, PledgeID: p.ID, Holder: p.Holder, Pledgee: p.Pledgee, Buyer: c.Buyer,
		Shares: sold, Price: c.Price, At: now}}, nil
}

func expire(s State, c ExpirePledge, now time.Time) ([]kernel.Event, error) {
	p, err := livePledge(s, c.PledgeID)
	if err != nil {
		return nil, err
	}
	if now.Before(p.RegisteredUntil) {
		return nil, kernel.Errorf(kernel.CodeInvalidState, "the pledge is registered until %s", kernel.LatestAt(p.RegisteredUntil))
	}
	return []kernel.Event{PledgeExpired{CoopID: s.ID, PledgeID: p.ID, Holder: p.Holder, Shares: p.Shares, At: now}}, nil
}

func declare(s State, c DeclareDividend, now time.Time) ([]kernel.Event, error) {
	if c.DividendID == uuid.Nil {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "dividendId", "required")
	}
	if _, dup := s.Dividends[c.DividendID]; dup {
		return nil, kernel.FieldErrorf(kernel.CodeInvalidState, "dividendId", "dividend %s was already declared", c.DividendID)
	}
	if c.Amount <= 0 {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "must be positive")
	}
	snapshot := map[uuid.UUID]int64{}
	for id, h := range s.Holders {
		if n := h.Shares.Total(); n > 0 {
			snapshot[id] = n
		}
	}
	if len(snapshot) == 0 {
		return nil, kernel.Errorf(kernel.CodeInvalidState, "no shares are on the register")
	}
	payouts, err := Apportion(c.Amount, snapshot)
	if err != nil {
		return nil, err
	}
	return []kernel.Event{DividendDeclared{CoopID: s.ID, DividendID: c.DividendID, Amount: c.Amount,
		TotalShares: s.TotalShares(), Payouts: payouts, At: now}}, nil
}

func pay(s State, c PayDividend, now time.Time) ([]kernel.Event, error) {
	d, ok := s.Dividends[c.DividendID]
	switch {
	case !ok:
		return nil, kernel.FieldErrorf(kernel.CodeNotFound, "dividendId", "no dividend %s", c.DividendID)
	case d.Paid:
		return nil, kernel.FieldErrorf(kernel.CodeInvalidState, "dividendId", "dividend %s is already paid", c.DividendID)
	}
	return []kernel.Event{DividendPaid{CoopID: s.ID, DividendID: d.ID, Amount: d.Amount, At: now}}, nil
}
