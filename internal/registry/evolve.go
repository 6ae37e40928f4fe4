package registry

import (
	"slices"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Evolve folds one event into an asset's state. It never fails and ignores
// events it does not know. It never writes into the slices of s, so earlier
// states stay valid.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case AssetRegistered:
		s = State{
			ID: e.AssetID, Registered: true, Owner: e.Owner, Type: e.Type, Location: e.Location, Area: e.Area,
			CertificateNo: e.CertificateNo, RightsEnd: e.RightsEnd, Title: e.Title, Description: e.Description,
			Contractor: e.Contractor,
			Rights:     []ManagementRight{{Holder: e.Holder, Start: e.At, End: e.RightsEnd, Source: e.Source}},
		}
	case RestrictionAdded:
		s.Restrictions = append(slices.Clip(s.Restrictions), e.Restriction)
	case RestrictionRemoved:
		s.Restrictions = slices.DeleteFunc(slices.Clone(s.Restrictions), func(r Restriction) bool { return r.ID == e.RestrictionID })
	case ManagementRightTransferred:
		s.Rights = append(slices.Clip(s.Rights), ManagementRight{
			Holder: e.Transferee, ContractID: e.ContractID, Form: e.Form, Start: e.Start, End: e.End, Source: e.Source,
		})
	case ManagementRightEnded:
		if i := rightIndex(s.Rights, e.ContractID); i > 0 {
			s.Rights = slices.Clip(s.Rights[:i])
		}
	case ManagementRightExtended:
		if i := rightIndex(s.Rights, e.ContractID); i > 0 {
			s.Rights = slices.Clone(s.Rights)
			s.Rights[i].End = e.End
		}
	case PlotEntrusted:
		en := e.Entrustment
		s.Entrustment = &en
	case EntrustmentRevoked:
		s.Entrustment = nil
	case ConsentRecorded:
		s.Consents = append(slices.Clip(s.Consents), e.Consent)
	default:
		return s
	}
	if t, ok := e.(timed); ok {
		s.UpdatedAt = t.OccurredAt()
	}
	return s
}

// EvolvePackage folds one event into a package's state. It never fails and
// ignores events it does not know.
func EvolvePackage(s PackageState, e kernel.Event) PackageState {
	switch e := e.(type) {
	case PackageCreated:
		s = PackageState{ID: e.PackageID, Created: true, Collective: e.Collective, Title: e.Title, Form: e.Form, Start: e.Start, End: e.End}
	case PlotAdded:
		s.Plots = append(slices.Clip(s.Plots), PackagedPlot{AssetID: e.AssetID, Household: e.Household, Area: e.Area})
		s.Area += e.Area
	case PlotRemoved:
		for _, p := range s.Plots {
			if p.AssetID == e.AssetID {
				s.Area -= p.Area
			}
		}
		s.Plots = slices.DeleteFunc(slices.Clone(s.Plots), func(p PackagedPlot) bool { return p.AssetID == e.AssetID })
	case PackageSealed:
		s.Sealed = true
	}
	return s
}
