package coop

import (
	"bytes"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Settings are a cooperative's local-practice numbers. DefaultSettings holds the
// defaults of docs/rules.md; a cooperative's charter may change them at founding.
type Settings struct {
	// HoldingCapBP caps, in basis points of all shares, what one holder may
	// reach by transfer (rule 16). Quantification and inheritance are not capped.
	HoldingCapBP int64
	// RedemptionCapBP caps, in basis points of all shares, how many shares the
	// cooperative may redeem per calendar year in Asia/Shanghai (rule 16).
	RedemptionCapBP int64
	// PledgeTermYears is how long a share pledge stays registered (rule 18).
	PledgeTermYears int
	// PledgedLoanTermYears is the longest loan secured by a share pledge (rule 18).
	PledgedLoanTermYears int
	// ClaimPeriodMonths is how long heirs may claim a deceased holder's shares
	// before they revert to the collective (rule 17).
	ClaimPeriodMonths int
	// DynamicRegister allows quantifying more shares of a class to a member who
	// already holds an allocation of it. False (the default) keeps the register
	// static: births and deaths change nothing by themselves (rule 15).
	DynamicRegister bool
}

// DefaultSettings returns the defaults of docs/rules.md: a per-holder cap of 10 % of all
// shares (an assumed charter figure: the rules set none), yearly redemption of
// at most 5 % of all shares, pledge registration for 3 years, pledged loans of at
// most 1 year, a 12-month claim period for heirs (assumed), and a static register.
func DefaultSettings() Settings {
	return Settings{HoldingCapBP: 1000, RedemptionCapBP: 500, PledgeTermYears: 3,
		PledgedLoanTermYears: 1, ClaimPeriodMonths: 12}
}

func (s Settings) validate() error {
	switch {
	case s.HoldingCapBP <= 0 || s.HoldingCapBP > 10000:
		return kernel.FieldErrorf(kernel.CodeInvalid, "settings.holdingCapBP", "must be in 1..10000 basis points")
	case s.RedemptionCapBP < 0 || s.RedemptionCapBP > 10000:
		return kernel.FieldErrorf(kernel.CodeInvalid, "settings.redemptionCapBP", "must be in 0..10000 basis points")
	case s.PledgeTermYears <= 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "settings.pledgeTermYears", "must be positive")
	case s.PledgedLoanTermYears <= 0 || s.PledgedLoanTermYears > s.PledgeTermYears:
		return kernel.FieldErrorf(kernel.CodeInvalid, "settings.pledgedLoanTermYears", "must be positive and within the pledge term")
	case s.ClaimPeriodMonths <= 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "settings.claimPeriodMonths", "must be positive")
	}
	return nil
}

// MaxTotalShares bounds the register (a trillion shares) so that share
// arithmetic can never overflow.
const MaxTotalShares int64 = 1_000_000_000_000

// ShareClass is the basis on which shares were quantified to a member (rule 15).
type ShareClass string

// Share classes.
const (
	ClassPopulation ShareClass = "POPULATION" // 人口股
	ClassLabourAge  ShareClass = "LABOUR_AGE" // 劳龄股
	ClassLand       ShareClass = "LAND"       // 土地入股: contracted land contributed as shares
)

// Valid reports whether c is a known share class.
func (c ShareClass) Valid() bool {
	return c == ClassPopulation || c == ClassLabourAge || c == ClassLand
}

// ClassShares counts shares by class. Classes with no shares are absent.
type ClassShares map[ShareClass]int64

// Total returns the number of shares of all classes.
func (cs ClassShares) Total() int64 {
	var n int64
	for _, v := range cs {
		n += v
	}
	return n
}

// plus returns a copy of cs with n (possibly negative) shares of class added.
func (cs ClassShares) plus(class ShareClass, n int64) ClassShares {
	out := maps.Clone(cs)
	if out == nil {
		out = ClassShares{}
	}
	out[class] += n
	if out[class] == 0 {
		delete(out, class)
	}
	return out
}

// Allocation quantifies Shares of Class to Member.
type Allocation struct {
	Member uuid.UUID
	Class  ShareClass
	Shares int64
}

// HolderKind says who a holder is to the cooperative.
type HolderKind string

// Holder kinds.
const (
	KindMember      HolderKind = "MEMBER"       // a confirmed member: full rights
	KindOutsideHeir HolderKind = "OUTSIDE_HEIR" // inherited without being a member: income rights only
	KindCollective  HolderKind = "COLLECTIVE"   // the collective's own shares (集体股)
)

// Rights are what holding shares entitles a holder to (rule 17).
type Rights string

// Rights.
const (
	// RightsFull: dividends, a vote, transfer to members, pledge.
	RightsFull Rights = "FULL"
	// RightsIncomeOnly: dividends only; no vote, no pledge, and transfer only
	// back to members or (by redemption) to the collective.
	RightsIncomeOnly Rights = "INCOME_ONLY"
)

// Holder is one line of the share register.
type Holder struct {
	ID            uuid.UUID
	Kind          HolderKind
	Household     uuid.UUID
	Shares        ClassShares // current holding
	Quantified    ClassShares // shares allocated to the holder by quantification, by class
	Pledged       int64       // shares under pledge; the rest are free
	Deceased      bool
	ClaimDeadline time.Time // when Deceased: heirs claim before it; then the shares revert
}

// Rights returns the holder's rights: full for members, income only otherwise.
func (h Holder) Rights() Rights {
	if h.Kind == KindOutsideHeir {
		return RightsIncomeOnly
	}
	return RightsFull
}

// Votes reports whether the holder votes in the members' assembly.
func (h Holder) Votes() bool { return h.Kind == KindMember && !h.Deceased }

// Free returns the shares not under pledge.
func (h Holder) Free() int64 { return h.Shares.Total() - h.Pledged }

// Pledge is a registered pledge on a holder's shares (rule 18).
type Pledge struct {
	ID                 uuid.UUID
	Holder             uuid.UUID
	Pledgee            uuid.UUID
	Shares             int64
	RegistrationNumber string
	LoanMaturity       time.Time
	RegisteredUntil    time.Time
}

// Payout is one holder's part of a dividend.
type Payout struct {
	Holder uuid.UUID
	Shares int64
	Amount kernel.Money
}

// Dividend is a declared dividend.
type Dividend struct {
	ID          uuid.UUID
	Amount      kernel.Money
	TotalShares int64
	Payouts     []Payout
	DeclaredAt  time.Time
	Paid        bool
}

// State is a share cooperative folded from its events. Evolve never changes a
// State's maps in place: it copies what it changes, so older states stay valid.
type State struct {
	ID         uuid.UUID
	Collective uuid.UUID
	Name       string
	Settings   Settings
	Founded    bool
	Holders    map[uuid.UUID]Holder // members, outside heirs and the collective
	Pledges    map[uuid.UUID]Pledge // live pledges only
	Dividends  map[uuid.UUID]Dividend
	// RedemptionYear is the Asia/Shanghai year of the last redemption and
	// RedeemedInYear the shares redeemed in it.
	RedemptionYear int
	RedeemedInYear int64
}

// TotalShares returns the number of shares on the register.
func (s State) TotalShares() int64 {
	var n int64
	for _, h := range s.Holders {
		n += h.Shares.Total()
	}
	return n
}

// IsMember reports whether id is a living member.
func (s State) IsMember(id uuid.UUID) bool {
	h, ok := s.Holders[id]
	return ok && h.Kind == KindMember && !h.Deceased
}

// NextDue returns the earliest time-driven command the cooperative waits for
// (reverting unclaimed shares after the claim period, expiring a pledge at the
// end of its registration term) and when to send it. ok is false when nothing is due.
func (s State) NextDue() (cmd Command, at time.Time, ok bool) {
	consider := func(c Command, t time.Time) { // ties: the first considered wins
		if !ok || t.Before(at) {
			cmd, at, ok = c, t, true
		}
	}
	for _, id := range sortedKeys(s.Holders) {
		if h := s.Holders[id]; h.Deceased && h.Shares.Total() > 0 {
			consider(RevertUnclaimedShares{CoopID: s.ID, Deceased: id}, h.ClaimDeadline)
		}
	}
	for _, id := range sortedKeys(s.Pledges) {
		consider(ExpirePledge{CoopID: s.ID, PledgeID: id}, s.Pledges[id].RegisteredUntil)
	}
	return cmd, at, ok
}

// sortedKeys returns a map's uuid keys in byte order, for deterministic output.
func sortedKeys[V any](m map[uuid.UUID]V) []uuid.UUID {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return keys
}
