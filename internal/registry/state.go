package registry

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Location is the asset's basic administrative unit, from province down to village.
type Location struct {
	Province string
	County   string
	Township string
	Village  string
}

// Source is the source document of a right, restriction or responsibility
// (LADM): the reference of the paper (certificate, contract, entrustment
// letter, registration) and the date it was signed or issued.
type Source struct {
	Reference string
	Date      time.Time
}

// Form is how a management right is transferred. The transfer context uses the
// same names; a process manager maps one to the other.
type Form string

// Transfer forms.
const (
	FormLease       Form = "LEASE"       // 出租
	FormSubContract Form = "SUBCONTRACT" // 转包
	FormShares      Form = "SHARES"      // 入股
	FormOther       Form = "OTHER"       // 其他方式
)

func (f Form) valid() bool {
	return f == FormLease || f == FormSubContract || f == FormShares || f == FormOther
}

// ManagementRight is one holding of the asset's management right. The first is
// the holder registered with the asset (ContractID is uuid.Nil, End is the
// rights' end date); each later one comes from a transfer contract.
type ManagementRight struct {
	Holder     uuid.UUID
	ContractID uuid.UUID
	Form       Form
	Start      time.Time
	End        time.Time
	Source     Source
}

// RestrictionKind is what kind of restriction burdens the asset.
type RestrictionKind string

// Restriction kinds.
const (
	RestrictionMortgage RestrictionKind = "MORTGAGE" // 抵押
	RestrictionPledge   RestrictionKind = "PLEDGE"   // 质押
	RestrictionLease    RestrictionKind = "LEASE"    // a registered lease or transfer
	RestrictionSeizure  RestrictionKind = "SEIZURE"  // 查封 by a court
)

func (k RestrictionKind) valid() bool {
	return k == RestrictionMortgage || k == RestrictionPledge || k == RestrictionLease || k == RestrictionSeizure
}

// Restriction is a registered burden on the asset: its registration id (from
// the collateral register or the court), the party granting it, the party it
// secures, the secured amount and its term (End zero: until removed).
type Restriction struct {
	ID           uuid.UUID
	Kind         RestrictionKind
	Grantor      uuid.UUID
	SecuredParty uuid.UUID
	Amount       kernel.Money
	Start        time.Time
	End          time.Time
	Source       Source
}

// ActiveAt reports whether the restriction burdens the asset at t.
func (r Restriction) ActiveAt(t time.Time) bool {
	return !t.Before(r.Start) && (r.End.IsZero() || t.Before(r.End))
}

// Entrustment is a household's written entrustment of its contracted plot to
// its collective or the collective's farmland company (rule 5): who may
// transfer it (Entrustee, on behalf of Collective), in which forms (Scope) and
// for which term.
type Entrustment struct {
	Household  uuid.UUID
	Entrustee  uuid.UUID
	Collective uuid.UUID
	Scope      []Form
	Start      time.Time
	End        time.Time
	Source     Source
}

// Covers returns nil when the entrustment lets collective transfer the plot in
// form from start to end, else a CodeEntrustmentDoesNotCover error.
func (e Entrustment) Covers(form Form, start, end time.Time) error {
	if !slices.Contains(e.Scope, form) {
		return kernel.FieldErrorf(CodeEntrustmentDoesNotCover, "form", "the entrustment's scope %v does not include %s", e.Scope, form)
	}
	if start.Before(e.Start) || end.After(e.End) {
		return kernel.FieldErrorf(CodeEntrustmentDoesNotCover, "end", "the term lies outside the entrustment: start must be %s or later and end %s or earlier",
			kernel.EarliestAt(e.Start), kernel.LatestAt(e.End))
	}
	return nil
}

// ConsentPurpose is what a contractor's written consent allows (rule 7).
type ConsentPurpose string

// Consent purposes.
const (
	ConsentReTransfer ConsentPurpose = "RE_TRANSFER" // 再流转
	ConsentMortgage   ConsentPurpose = "MORTGAGE"    // 抵押融资
)

func (p ConsentPurpose) valid() bool { return p == ConsentReTransfer || p == ConsentMortgage }

// Consent is the contracting household's written consent, recorded with the
// collective, for the transferee Grantee to re-transfer or mortgage the
// management right (rule 7).
type Consent struct {
	ID         uuid.UUID
	Contractor uuid.UUID
	Grantee    uuid.UUID
	Purpose    ConsentPurpose
	Source     Source
}

// State is one asset as its events left it. The zero State is an asset that
// was never registered.
type State struct {
	ID            uuid.UUID
	Registered    bool
	Owner         uuid.UUID // the owning collective
	Type          kernel.AssetType
	Location      Location
	Area          kernel.Area
	CertificateNo string
	RightsEnd     time.Time
	Title         string
	Description   string
	Contractor    uuid.UUID // the contracting household; uuid.Nil when the asset is not contracted land
	// Rights is the chain of management-right holdings, oldest first; the last
	// is the current one.
	Rights       []ManagementRight
	Restrictions []Restriction
	Entrustment  *Entrustment // the entrustment in force, nil when none
	Consents     []Consent
	UpdatedAt    time.Time // time of the last event
}

// Holder returns the current holder of the management right (uuid.Nil before registration).
func (s State) Holder() uuid.UUID {
	if len(s.Rights) == 0 {
		return uuid.Nil
	}
	return s.Rights[len(s.Rights)-1].Holder
}

// CurrentRight returns the current management-right holding.
func (s State) CurrentRight() (ManagementRight, bool) {
	if len(s.Rights) == 0 {
		return ManagementRight{}, false
	}
	return s.Rights[len(s.Rights)-1], true
}

// HeldByTransferee reports whether the management right is held by someone
// other than the contracting household under a transfer, so that rule 7
// applies to its re-transfer or mortgage.
func (s State) HeldByTransferee() bool {
	return s.Contractor != uuid.Nil && s.Holder() != s.Contractor
}

// Encumbered reports whether any restriction burdens the asset at t.
func (s State) Encumbered(at time.Time) bool {
	return slices.ContainsFunc(s.Restrictions, func(r Restriction) bool { return r.ActiveAt(at) })
}

// RestrictionsAt returns the restrictions burdening the asset at t, in
// registration order.
func (s State) RestrictionsAt(at time.Time) []Restriction {
	var out []Restriction
	for _, r := range s.Restrictions {
		if r.ActiveAt(at) {
			out = append(out, r)
		}
	}
	return out
}

// ConsentFor returns the contractor's recorded consent allowing grantee to do
// purpose (rule 7). The transfer and collateral contexts copy it into their
// commands as a fact.
func (s State) ConsentFor(grantee uuid.UUID, purpose ConsentPurpose) (Consent, bool) {
	for _, c := range slices.Backward(s.Consents) {
		if c.Grantee == grantee && c.Purpose == purpose && c.Contractor == s.Contractor {
			return c, true
		}
	}
	return Consent{}, false
}

// NextDue returns the time-driven command a scheduler should send: ending the
// current transferred management right when its term is over.
func (s State) NextDue() (cmd Command, at time.Time, ok bool) {
	r, ok := s.CurrentRight()
	if !ok || r.ContractID == uuid.Nil {
		return nil, time.Time{}, false
	}
	return EndManagementRight{AssetID: s.ID, ContractID: r.ContractID, Reason: EndExpired}, r.End, true
}

// Plot returns the snapshot of the asset that AddPlot needs.
func (s State) Plot() Plot {
	p := Plot{AssetID: s.ID, Type: s.Type, Area: s.Area, Contractor: s.Contractor, Holder: s.Holder()}
	if s.Entrustment != nil {
		e := *s.Entrustment
		p.Entrustment = &e
	}
	return p
}

// timed is an event that knows when it happened (every registry event does).
type timed interface{ OccurredAt() time.Time }

// StateAt folds the events that had happened by at (At <= at), giving the
// asset as it stood then. events must be one asset's stream in order.
func StateAt(events []kernel.Event, at time.Time) State {
	var s State
	for _, e := range events {
		if t, ok := e.(timed); ok && t.OccurredAt().After(at) {
			break
		}
		s = Evolve(s, e)
	}
	return s
}

// PackageState is one consolidation package as its events left it.
type PackageState struct {
	ID         uuid.UUID
	Created    bool
	Collective uuid.UUID
	Title      string
	Form       Form      // the intended transfer form
	Start      time.Time // the intended transfer term
	End        time.Time
	Plots      []PackagedPlot
	Area       kernel.Area // total area of the plots
	Sealed     bool
}

// PackagedPlot is one plot in a package.
type PackagedPlot struct {
	AssetID   uuid.UUID
	Household uuid.UUID
	Area      kernel.Area
}

// Plot is the fact about an asset AddPlot needs, taken with State.Plot.
type Plot struct {
	AssetID     uuid.UUID
	Type        kernel.AssetType
	Area        kernel.Area
	Contractor  uuid.UUID
	Holder      uuid.UUID
	Entrustment *Entrustment
}
