package collateral

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Kind is what sort of security a registration gives notice of.
type Kind string

// Kinds.
const (
	KindMortgage    Kind = "MORTGAGE"     // 抵押: on an asset right
	KindSharePledge Kind = "SHARE_PLEDGE" // 股权质押: on a member's cooperative shares (rule 18)
)

// Collateral is what a registration encumbers.
type Collateral struct {
	Kind Kind
	// Asset is the mortgaged asset (MORTGAGE) or the cooperative whose shares
	// are pledged (SHARE_PLEDGE).
	Asset uuid.UUID
	// Member and Shares: whose shares, and how many (SHARE_PLEDGE only).
	Member uuid.UUID
	Shares int64
}

// Target is what a search is made against: an asset, or one member's shares in
// a cooperative. Registrations over the same Target compete for priority.
type Target struct {
	Asset  uuid.UUID
	Member uuid.UUID
}

// AssetTarget is the Target of mortgages on an asset.
func AssetTarget(asset uuid.UUID) Target { return Target{Asset: asset} }

// SharesTarget is the Target of pledges on a member's shares in a cooperative.
func SharesTarget(coop, member uuid.UUID) Target { return Target{Asset: coop, Member: member} }

// Target returns what the collateral encumbers.
func (c Collateral) Target() Target { return Target{Asset: c.Asset, Member: c.Member} }

func (c Collateral) validate() error {
	switch {
	case c.Asset == uuid.Nil:
		return kernel.FieldErrorf(kernel.CodeInvalid, "collateral.asset", "required")
	case c.Kind == KindMortgage && (c.Member != uuid.Nil || c.Shares != 0):
		return kernel.FieldErrorf(kernel.CodeInvalid, "collateral", "a mortgage names an asset, not shares")
	case c.Kind == KindSharePledge && c.Member == uuid.Nil:
		return kernel.FieldErrorf(kernel.CodeInvalid, "collateral.member", "a share pledge names the member")
	case c.Kind == KindSharePledge && c.Shares <= 0:
		return kernel.FieldErrorf(kernel.CodeInvalid, "collateral.shares", "must be positive")
	case c.Kind != KindMortgage && c.Kind != KindSharePledge:
		return kernel.FieldErrorf(kernel.CodeInvalid, "collateral.kind", "unknown kind %q", c.Kind)
	}
	return nil
}

// Consent is the evidence of the contracting household's written consent to a
// transferee's mortgage, as recorded with the collective in the asset registry (rule 7).
type Consent struct {
	ConsentID  uuid.UUID // the registry's consent record
	Contractor uuid.UUID // the contracting household that consented
	Grantee    uuid.UUID // the transferee allowed to mortgage
	Reference  string    // the written consent's document reference
}

// Status is where a registration is in its life.
type Status string

// Statuses. The zero Status is a registration never filed.
const (
	StatusRegistered Status = "REGISTERED"
	StatusDischarged Status = "DISCHARGED"
	StatusExpired    Status = "EXPIRED"
)

// State is one registration folded from its events.
type State struct {
	ID            uuid.UUID
	Number        string
	Status        Status
	Grantor       uuid.UUID
	SecuredParty  uuid.UUID
	Collateral    Collateral
	SecuredAmount kernel.Money
	Start         time.Time
	End           time.Time
	Consent       *Consent
	AllSums       bool          // an all-sums notice: SecuredAmount is the maximum secured amount
	Loans         []SecuredLoan // the loans the notice secures or secured, in the order linked
	RegisteredAt  time.Time     // sets priority (rule 8)
	EndedAt       time.Time     // when discharged or expired
}

// SecuredLoan is a loan a notice secures, for its approved amount; Released
// once it was repaid.
type SecuredLoan struct {
	LoanID   uuid.UUID
	Amount   kernel.Money
	Released bool
}

// Outstanding returns the amount of the loans the notice still secures.
func (s State) Outstanding() kernel.Money {
	var sum kernel.Money
	for _, l := range s.Loans {
		if !l.Released {
			sum += l.Amount
		}
	}
	return sum
}

// Registered reports whether the notice was ever filed.
func (s State) Registered() bool { return s.Status != "" }

// EffectiveAt reports whether the registration was in force at t: filed at or
// before t, and neither past its end date nor discharged by t.
func (s State) EffectiveAt(t time.Time) bool {
	return s.Registered() && !s.RegisteredAt.After(t) && t.Before(s.End) &&
		(s.EndedAt.IsZero() || t.Before(s.EndedAt))
}

// NextDue returns the ExpireCollateral command a scheduler sends at the end
// date of a registration in force; ok is false otherwise.
func (s State) NextDue() (cmd Command, at time.Time, ok bool) {
	if s.Status != StatusRegistered {
		return nil, time.Time{}, false
	}
	return ExpireCollateral{RegistrationID: s.ID}, s.End, true
}

// timed is implemented by every collateral event.
type timed interface{ occurredAt() time.Time }

// StateAt folds the events of one registration that happened at or before t:
// the registration exactly as it stood then (amount, parties, end date), for
// point-in-time searches.
func StateAt(events []kernel.Event, t time.Time) State {
	var s State
	for _, e := range events {
		if te, ok := e.(timed); ok && te.occurredAt().After(t) {
			break
		}
		s = Evolve(s, e)
	}
	return s
}
