package assetview

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// Projections returns the area's projections: assets, packages and contracts.
func Projections() []readmodel.Projection {
	return []readmodel.Projection{assetProjection{}, packageProjection{}, contractProjection{}}
}

// Asset is an asset as the registry records it.
type Asset struct {
	ID            uuid.UUID
	Type          kernel.AssetType
	Title         string
	Description   string
	Owner         uuid.UUID // the owning collective
	Location      registry.Location
	Area          kernel.Area
	CertificateNo string
	RightsEnd     time.Time
	Contractor    uuid.UUID // the contracting household; uuid.Nil when not contracted land
	Holding       Holding   // the current management-right holding
	Restrictions  []Restriction
	Entrustments  []Entrustment // every entrustment, oldest first; the one in force has a zero RevokedAt
	Consents      []Consent
	Holdings      []Holding // the holder history, oldest first
	RegisteredAt  time.Time
	UpdatedAt     time.Time
	Version       uint64 // the asset stream's version the values are from
}

// Holding is one holding of the management right: the registered one
// (ContractID uuid.Nil) or one under a transfer contract.
type Holding struct {
	Holder     uuid.UUID
	ContractID uuid.UUID
	Form       registry.Form
	Start      time.Time
	End        time.Time
	Source     registry.Source
	EndedAt    time.Time // zero while it lasts
	EndReason  registry.EndReason
}

// Restriction is a registered restriction with when it was entered.
type Restriction struct {
	registry.Restriction
	Since time.Time
}

// Entrustment is a household's entrustment with when it was recorded and revoked.
type Entrustment struct {
	registry.Entrustment
	EntrustedAt time.Time
	RevokedAt   time.Time // zero while in force
}

// Consent is a contractor's consent with when the collective recorded it.
type Consent struct {
	registry.Consent
	RecordedAt time.Time
}

// Encumbered reports whether a restriction burdens the asset at t.
func (a Asset) Encumbered(t time.Time) bool {
	for _, r := range a.Restrictions {
		if r.ActiveAt(t) {
			return true
		}
	}
	return false
}

// AssetAt returns the asset as its events (one asset's stream, in order) left
// it at time at: the registry's own fold (registry.StateAt) plus the dates and
// history the state does not keep. ok is false when the asset was not yet
// registered then.
func AssetAt(events []kernel.Event, at time.Time) (a Asset, ok bool) {
	s := registry.StateAt(events, at)
	if !s.Registered {
		return Asset{}, false
	}
	since := map[uuid.UUID]time.Time{}
	for _, e := range events {
		if t, ok := e.(interface{ OccurredAt() time.Time }); ok && t.OccurredAt().After(at) {
			break
		}
		a.Version++
		switch e := e.(type) {
		case registry.AssetRegistered:
			a.RegisteredAt = e.At
			a.Holdings = []Holding{{Holder: e.Holder, Start: e.At, End: e.RightsEnd, Source: e.Source}}
		case registry.RestrictionAdded:
			since[e.Restriction.ID] = e.At
		case registry.ManagementRightTransferred:
			a.Holdings = append(a.Holdings, Holding{Holder: e.Transferee, ContractID: e.ContractID, Form: e.Form,
				Start: e.Start, End: e.End, Source: e.Source})
		case registry.ManagementRightEnded:
			a.Holdings = endHoldings(a.Holdings, e)
		case registry.ManagementRightExtended:
			for i, h := range a.Holdings {
				if h.ContractID == e.ContractID && h.EndedAt.IsZero() {
					a.Holdings[i].End = e.End
				}
			}
		case registry.PlotEntrusted:
			a.Entrustments = append(a.Entrustments, Entrustment{Entrustment: e.Entrustment, EntrustedAt: e.At})
		case registry.EntrustmentRevoked:
			for i := range a.Entrustments {
				if a.Entrustments[i].RevokedAt.IsZero() {
					a.Entrustments[i].RevokedAt = e.At
				}
			}
		case registry.ConsentRecorded:
			a.Consents = append(a.Consents, Consent{Consent: e.Consent, RecordedAt: e.At})
		}
	}
	a.ID, a.Type, a.Title, a.Description, a.Owner = s.ID, s.Type, s.Title, s.Description, s.Owner
	a.Location, a.Area, a.CertificateNo, a.RightsEnd, a.Contractor = s.Location, s.Area, s.CertificateNo, s.RightsEnd, s.Contractor
	a.UpdatedAt = s.UpdatedAt
	for _, r := range s.Restrictions {
		a.Restrictions = append(a.Restrictions, Restriction{Restriction: r, Since: since[r.ID]})
	}
	cur, _ := s.CurrentRight()
	a.Holding = Holding{Holder: cur.Holder, ContractID: cur.ContractID, Form: cur.Form, Start: cur.Start, End: cur.End, Source: cur.Source}
	return a, true
}

// endHoldings marks the holding from e's contract, and every later one still
// lasting (derived from it), as ended.
func endHoldings(hs []Holding, e registry.ManagementRightEnded) []Holding {
	from := -1
	for i, h := range hs {
		if h.ContractID == e.ContractID && h.EndedAt.IsZero() {
			from = i
		}
	}
	if from < 0 {
		return hs
	}
	for i := from; i < len(hs); i++ {
		if hs[i].EndedAt.IsZero() {
			hs[i].EndedAt, hs[i].EndReason = e.At, e.Reason
		}
	}
	return hs
}
