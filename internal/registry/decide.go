package registry

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Decider is the asset aggregate, category "asset".
var Decider = kernel.Decider[State, Command]{Category: "asset", Decide: Decide, Evolve: Evolve}

// PackageDecider is the consolidation-package aggregate, category "assetpackage".
var PackageDecider = kernel.Decider[PackageState, PackageCommand]{Category: "assetpackage", Decide: DecidePackage, Evolve: EvolvePackage}

// Decide turns an asset command into events, or refuses it with a *kernel.Error.
func Decide(s State, c Command, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	if _, ok := c.(RegisterAsset); !ok && !s.Registered {
		return nil, kernel.Errorf(kernel.CodeNotFound, "asset %s is not registered", c.AggregateID())
	}
	switch c := c.(type) {
	case RegisterAsset:
		return register(s, c, now)
	case AddRestriction:
		return addRestriction(s, c, now)
	case RemoveRestriction:
		if !slices.ContainsFunc(s.Restrictions, func(r Restriction) bool { return r.ID == c.RestrictionID }) {
			return nil, kernel.FieldErrorf(kernel.CodeNotFound, "restrictionId", "no restriction %s on the asset", c.RestrictionID)
		}
		return one(RestrictionRemoved{AssetID: s.ID, RestrictionID: c.RestrictionID, Source: utcSource(c.Source), At: now})
	case TransferManagementRight:
		return transfer(s, c, now)
	case EndManagementRight:
		return endRight(s, c, now)
	case ExtendManagementRight:
		return extendRight(s, c, now)
	case EntrustPlot:
		return entrust(s, c, now)
	case RevokeEntrustment:
		if s.Entrustment == nil {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "the plot is not entrusted")
		}
		if c.By != s.Entrustment.Household {
			return nil, kernel.Errorf(kernel.CodeForbidden, "only the entrusting household may revoke")
		}
		return one(EntrustmentRevoked{AssetID: s.ID, Household: c.By, Source: utcSource(c.Source), At: now})
	case RecordConsent:
		return recordConsent(s, c, now)
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown asset command %T", c)
}

func one(e kernel.Event) ([]kernel.Event, error) { return []kernel.Event{e}, nil }

func register(s State, c RegisterAsset, now time.Time) ([]kernel.Event, error) {
	if s.Registered {
		return nil, kernel.Errorf(CodeAlreadyRegistered, "asset %s is already registered", c.AssetID)
	}
	if _, err := kernel.ParseAssetType(string(c.Type)); err != nil {
		return nil, err
	}
	if !c.Type.Tradable() {
		return nil, kernel.FieldErrorf(CodeAssetNotTradable, "type", "%s is never traded", c.Type)
	}
	l := c.Location
	for _, f := range []struct{ field, value string }{
		{"location.province", l.Province}, {"location.county", l.County},
		{"location.township", l.Township}, {"location.village", l.Village},
	} {
		if strings.TrimSpace(f.value) == "" {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, f.field, "required")
		}
	}
	switch {
	case c.AssetID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "assetId", "required")
	case c.By == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "by", "the owning collective is required")
	case c.Area <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "area", "must be positive, got %s mu", c.Area)
	case strings.TrimSpace(c.CertificateNo) == "":
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "certificateNo", "required")
	case !c.RightsEnd.After(now):
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "rightsEnd", "the rights must end in the future")
	case strings.TrimSpace(c.Title) == "":
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "title", "required")
	case c.Holder == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "holder", "the management-right holder is required")
	case c.Type == kernel.AssetLandManagementRight && c.Contractor == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "contractor", "contracted land needs its contracting household")
	}
	if err := checkSource(c.Source); err != nil {
		return nil, err
	}
	return one(AssetRegistered{
		AssetID: c.AssetID, Owner: c.By, Type: c.Type, Location: l, Area: c.Area, CertificateNo: c.CertificateNo,
		RightsEnd: c.RightsEnd.UTC(), Title: c.Title, Description: c.Description, Contractor: c.Contractor,
		Holder: c.Holder, Source: utcSource(c.Source), At: now,
	})
}

func addRestriction(s State, c AddRestriction, now time.Time) ([]kernel.Event, error) {
	r := c.Restriction
	switch {
	case r.ID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "restriction.id", "the registration id is required")
	case !r.Kind.valid():
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "restriction.kind", "unknown restriction kind %q", r.Kind)
	case r.SecuredParty == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "restriction.securedParty", "required")
	case r.Amount < 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "restriction.amount", "must not be negative")
	case r.Start.IsZero():
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "restriction.start", "required")
	case !r.End.IsZero() && !r.End.After(r.Start):
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "restriction.end", "must be after the start")
	case slices.ContainsFunc(s.Restrictions, func(o Restriction) bool { return o.ID == r.ID }):
		return nil, kernel.FieldErrorf(kernel.CodeConflict, "restriction.id", "restriction %s is already registered", r.ID)
	}
	if err := checkSource(r.Source); err != nil {
		return nil, err
	}
	if r.Kind == RestrictionMortgage && s.HeldByTransferee() && r.Grantor == s.Holder() {
		if _, ok := s.ConsentFor(r.Grantor, ConsentMortgage); !ok {
			return nil, kernel.Errorf(CodeMortgageWithoutConsent, "the contracting household has not consented in writing to a mortgage by the transferee")
		}
	}
	r.Start, r.End, r.Source = r.Start.UTC(), r.End.UTC(), utcSource(r.Source)
	return one(RestrictionAdded{AssetID: s.ID, Restriction: r, At: now})
}

func transfer(s State, c TransferManagementRight, now time.Time) ([]kernel.Event, error) {
	switch {
	case c.ContractID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "contractId", "required")
	case slices.ContainsFunc(s.Rights, func(r ManagementRight) bool { return r.ContractID == c.ContractID }):
		return nil, kernel.FieldErrorf(kernel.CodeConflict, "contractId", "contract %s was already recorded", c.ContractID)
	case c.Transferee == uuid.Nil || c.Transferee == c.Transferor:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "transferee", "required and different from the transferor")
	case !c.Form.valid():
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "form", "unknown transfer form %q", c.Form)
	case !c.End.After(c.Start):
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "end", "must be after the start")
	}
	if err := checkSource(c.Source); err != nil {
		return nil, err
	}
	cur, _ := s.CurrentRight()
	if c.End.After(s.RightsEnd) || c.End.After(cur.End) {
		return nil, kernel.FieldErrorf(CodeTermExceedsContract, "end", "the transfer ends after the right it transfers: end must be %s or earlier",
			kernel.LatestAt(minTime(s.RightsEnd, cur.End)))
	}
	entrusted, err := s.mayTransfer(c.Transferor, cur.Holder, c.Form, c.Start, c.End)
	if err != nil {
		return nil, err
	}
	return one(ManagementRightTransferred{
		AssetID: s.ID, ContractID: c.ContractID, Transferor: c.Transferor, Transferee: c.Transferee, Form: c.Form,
		Start: c.Start.UTC(), End: c.End.UTC(), Source: utcSource(c.Source), UnderEntrustment: entrusted, At: now,
	})
}

// mayTransfer checks that transferor may transfer holder's right in form for
// start–end: as the holder itself (a transferee needs the contractor's consent
// to re-transfer, rule 7) or under the holder's entrustment covering form and
// term (rule 5). It reports whether the transferor acts under an entrustment.
func (s State) mayTransfer(transferor, holder uuid.UUID, form Form, start, end time.Time) (entrusted bool, err error) {
	switch {
	case transferor == holder:
		if s.Contractor != uuid.Nil && holder != s.Contractor {
			if _, ok := s.ConsentFor(transferor, ConsentReTransfer); !ok {
				return false, kernel.Errorf(CodeReTransferWithoutConsent, "the contracting household has not consented in writing to a re-transfer by the transferee")
			}
		}
		return false, nil
	case s.Entrustment != nil && s.Entrustment.Entrustee == transferor && s.Entrustment.Household == holder:
		return true, s.Entrustment.Covers(form, start, end)
	case s.Contractor != uuid.Nil && holder == s.Contractor:
		return false, kernel.FieldErrorf(CodeNotEntrusted, "transferor", "the household has not entrusted its plot to %s", transferor)
	default:
		return false, kernel.FieldErrorf(CodeNotRightHolder, "transferor", "%s does not hold the management right", transferor)
	}
}

// extendRight lengthens the holding from a renewed contract. The transferor
// must still be entitled to transfer the right the holding came from for the
// whole longer term, as at the transfer itself (rules 1, 5 and 7).
func extendRight(s State, c ExtendManagementRight, now time.Time) ([]kernel.Event, error) {
	i := rightIndex(s.Rights, c.ContractID)
	if c.ContractID == uuid.Nil || i < 0 {
		return nil, kernel.FieldErrorf(kernel.CodeNotFound, "contractId", "no management right from contract %s", c.ContractID)
	}
	held, from := s.Rights[i], s.Rights[i-1]
	if !c.End.After(held.End) {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "end", "an extension ends after the current term: end must be %s or later",
			kernel.EarliestAt(held.End.Add(time.Nanosecond)))
	}
	if err := checkSource(c.Source); err != nil {
		return nil, err
	}
	if c.End.After(s.RightsEnd) || c.End.After(from.End) {
		return nil, kernel.FieldErrorf(CodeTermExceedsContract, "end", "the renewal ends after the right it transfers: end must be %s or earlier",
			kernel.LatestAt(minTime(s.RightsEnd, from.End)))
	}
	if _, err := s.mayTransfer(c.Transferor, from.Holder, held.Form, held.Start, c.End); err != nil {
		return nil, err
	}
	return one(ManagementRightExtended{AssetID: s.ID, ContractID: c.ContractID, PreviousEnd: held.End, End: c.End.UTC(),
		Source: utcSource(c.Source), At: now})
}

func endRight(s State, c EndManagementRight, now time.Time) ([]kernel.Event, error) {
	i := rightIndex(s.Rights, c.ContractID)
	if c.ContractID == uuid.Nil || i < 0 {
		return nil, kernel.FieldErrorf(kernel.CodeNotFound, "contractId", "no management right from contract %s", c.ContractID)
	}
	switch c.Reason {
	case EndExpired:
		if now.Before(s.Rights[i].End) {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "the right runs until %s", s.Rights[i].End.Format(time.RFC3339))
		}
	case EndTerminated:
	default:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "reason", "unknown reason %q", c.Reason)
	}
	return one(ManagementRightEnded{AssetID: s.ID, ContractID: c.ContractID, Reason: c.Reason, Holder: s.Rights[i-1].Holder, At: now})
}

// rightIndex returns the index of the holding from contract id, or -1. The
// registered holding (index 0) has no contract and is never matched.
func rightIndex(rights []ManagementRight, id uuid.UUID) int {
	for i := 1; i < len(rights); i++ {
		if rights[i].ContractID == id {
			return i
		}
	}
	return -1
}

func entrust(s State, c EntrustPlot, now time.Time) ([]kernel.Event, error) {
	switch {
	case s.Contractor == uuid.Nil:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "only contracted land can be entrusted")
	case c.By != s.Contractor:
		return nil, kernel.Errorf(kernel.CodeForbidden, "only the contracting household may entrust its plot")
	case s.Holder() != s.Contractor:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "the household's management right is transferred until %s", s.Rights[len(s.Rights)-1].End.Format(time.DateOnly))
	case s.Entrustment != nil:
		return nil, kernel.Errorf(CodeAlreadyEntrusted, "the plot is already entrusted to %s", s.Entrustment.Entrustee)
	case c.Entrustee == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "entrustee", "required")
	case c.Collective != s.Owner:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "collective", "a plot is entrusted to its own collective %s", s.Owner)
	case len(c.Scope) == 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "scope", "the entrustment must state its scope")
	case slices.ContainsFunc(c.Scope, func(f Form) bool { return !f.valid() }):
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "scope", "unknown transfer form in %v", c.Scope)
	case !c.End.After(c.Start):
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "end", "must be after the start")
	case c.End.After(s.RightsEnd):
		return nil, kernel.FieldErrorf(CodeTermExceedsContract, "end", "the entrustment may not outlast the household's contract: end must be %s or earlier", kernel.LatestAt(s.RightsEnd))
	}
	if err := checkSource(c.Source); err != nil {
		return nil, err
	}
	return one(PlotEntrusted{AssetID: s.ID, At: now, Entrustment: Entrustment{
		Household: c.By, Entrustee: c.Entrustee, Collective: c.Collective, Scope: slices.Clone(c.Scope),
		Start: c.Start.UTC(), End: c.End.UTC(), Source: utcSource(c.Source),
	}})
}

func recordConsent(s State, c RecordConsent, now time.Time) ([]kernel.Event, error) {
	switch {
	case c.By != s.Owner:
		return nil, kernel.Errorf(kernel.CodeForbidden, "consent is recorded with the owning collective")
	case s.Contractor == uuid.Nil:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "the asset has no contracting household")
	case c.Contractor != s.Contractor:
		return nil, kernel.FieldErrorf(kernel.CodeForbidden, "contractor", "only the contracting household can consent")
	case c.ConsentID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "consentId", "required")
	case c.Grantee == uuid.Nil || c.Grantee == s.Contractor:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "grantee", "the transferee the consent is given to is required")
	case !c.Purpose.valid():
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "purpose", "unknown consent purpose %q", c.Purpose)
	}
	if err := checkSource(c.Source); err != nil {
		return nil, err
	}
	return one(ConsentRecorded{AssetID: s.ID, At: now, Consent: Consent{
		ID: c.ConsentID, Contractor: c.Contractor, Grantee: c.Grantee, Purpose: c.Purpose, Source: utcSource(c.Source),
	}})
}

// checkSource requires the written source document.
func checkSource(src Source) error {
	if strings.TrimSpace(src.Reference) == "" {
		return kernel.FieldErrorf(kernel.CodeInvalid, "source.reference", "the source document is required")
	}
	return nil
}

func utcSource(src Source) Source { src.Date = src.Date.UTC(); return src }

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// DecidePackage turns a package command into events, or refuses it with a *kernel.Error.
func DecidePackage(s PackageState, c PackageCommand, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	create, isCreate := c.(CreatePackage)
	switch {
	case isCreate && s.Created:
		return nil, kernel.Errorf(kernel.CodeConflict, "package %s already exists", s.ID)
	case isCreate:
		return createPackage(create, now)
	case !s.Created:
		return nil, kernel.Errorf(kernel.CodeNotFound, "package %s does not exist", c.AggregateID())
	case s.Sealed:
		return nil, kernel.Errorf(CodePackageSealed, "package %s is sealed", s.ID)
	}
	switch c := c.(type) {
	case AddPlot:
		if c.By != s.Collective {
			return nil, kernel.Errorf(kernel.CodeForbidden, "only the package's collective may add plots")
		}
		return addPlot(s, c.Plot, now)
	case RemovePlot:
		if c.By != s.Collective {
			return nil, kernel.Errorf(kernel.CodeForbidden, "only the package's collective may remove plots")
		}
		if !slices.ContainsFunc(s.Plots, func(p PackagedPlot) bool { return p.AssetID == c.AssetID }) {
			return nil, kernel.FieldErrorf(kernel.CodeNotFound, "assetId", "plot %s is not in the package", c.AssetID)
		}
		return one(PlotRemoved{PackageID: s.ID, AssetID: c.AssetID, At: now})
	case SealPackage:
		if c.By != s.Collective {
			return nil, kernel.Errorf(kernel.CodeForbidden, "only the package's collective may seal it")
		}
		if len(s.Plots) == 0 {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "an empty package cannot be sealed")
		}
		ids := make([]uuid.UUID, len(s.Plots))
		for i, p := range s.Plots {
			ids[i] = p.AssetID
		}
		return one(PackageSealed{PackageID: s.ID, Plots: ids, Area: s.Area, At: now})
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown package command %T", c)
}

func createPackage(c CreatePackage, now time.Time) ([]kernel.Event, error) {
	switch {
	case c.PackageID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "packageId", "required")
	case c.By == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "by", "the collective is required")
	case strings.TrimSpace(c.Title) == "":
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "title", "required")
	case !c.Form.valid():
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "form", "unknown transfer form %q", c.Form)
	case !c.End.After(c.Start):
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "end", "must be after the start")
	}
	return one(PackageCreated{PackageID: c.PackageID, Collective: c.By, Title: c.Title, Form: c.Form, Start: c.Start.UTC(), End: c.End.UTC(), At: now})
}

func addPlot(s PackageState, p Plot, now time.Time) ([]kernel.Event, error) {
	switch {
	case p.AssetID == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "plot.assetId", "required")
	case !p.Type.IsLand() || p.Contractor == uuid.Nil:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "plot.type", "only households' contracted land is consolidated")
	case p.Area <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "plot.area", "must be positive")
	case slices.ContainsFunc(s.Plots, func(q PackagedPlot) bool { return q.AssetID == p.AssetID }):
		return nil, kernel.FieldErrorf(CodePlotNotAvailable, "plot.assetId", "plot %s is already in the package", p.AssetID)
	case p.Holder != p.Contractor:
		return nil, kernel.FieldErrorf(CodePlotNotAvailable, "plot.assetId", "the household's management right is transferred")
	case p.Entrustment == nil || p.Entrustment.Household != p.Contractor || p.Entrustment.Collective != s.Collective:
		return nil, kernel.FieldErrorf(CodeNotEntrusted, "plot.assetId", "plot %s is not entrusted to collective %s", p.AssetID, s.Collective)
	}
	if err := p.Entrustment.Covers(s.Form, s.Start, s.End); err != nil {
		return nil, err
	}
	return one(PlotAdded{PackageID: s.ID, AssetID: p.AssetID, Household: p.Contractor, Area: p.Area, At: now})
}
