package registry

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Command is a command to one asset.
type Command interface {
	kernel.Command
	isAssetCommand()
}

// RegisterAsset registers an asset by its owning collective (By). Contractor is
// the contracting household, required for contracted land
// (kernel.AssetLandManagementRight); Holder is the current holder of the
// management right. Source is the rights certificate or contract.
type RegisterAsset struct {
	AssetID       uuid.UUID
	By            uuid.UUID
	Type          kernel.AssetType
	Location      Location
	Area          kernel.Area
	CertificateNo string
	RightsEnd     time.Time
	Title         string
	Description   string
	Contractor    uuid.UUID
	Holder        uuid.UUID
	Source        Source
}

// AddRestriction registers a restriction on the asset; the collateral context
// sends it (through a process manager) when a mortgage or pledge is registered.
// A mortgage granted by a transferee needs the contractor's recorded consent (rule 7).
type AddRestriction struct {
	AssetID     uuid.UUID
	Restriction Restriction
}

// RemoveRestriction lifts the restriction with the registration id RestrictionID.
type RemoveRestriction struct {
	AssetID       uuid.UUID
	RestrictionID uuid.UUID
	Source        Source
}

// TransferManagementRight records that the management right passed from
// Transferor to Transferee under the signed transfer contract ContractID for
// Start–End. The transferor must hold the right, or act under the household's
// entrustment covering form and term (rule 5); a transferee re-transferring
// needs the contractor's recorded consent (rule 7); the term may not outlast
// the right (rule 1).
type TransferManagementRight struct {
	AssetID    uuid.UUID
	ContractID uuid.UUID
	Transferor uuid.UUID
	Transferee uuid.UUID
	Form       Form
	Start      time.Time
	End        time.Time
	Source     Source
}

// EndReason says why a transferred management right ended.
type EndReason string

// End reasons.
const (
	EndExpired    EndReason = "EXPIRED"    // the term is over
	EndTerminated EndReason = "TERMINATED" // the contract was terminated early
)

// EndManagementRight ends the holding that came from ContractID, and every
// holding derived from it, returning the right to the previous holder. A
// scheduler sends it at the end of the term (State.NextDue); a process manager
// when the contract is terminated.
type EndManagementRight struct {
	AssetID    uuid.UUID
	ContractID uuid.UUID
	Reason     EndReason
}

// ExtendManagementRight records that the transfer contract ContractID was
// renewed until End: the holding from it now runs to End. Transferor is the
// contract's transferor, who must still hold the right the holding came from
// or act under the household's entrustment covering the longer term (rule 5);
// End may not outlast that right (rule 1).
type ExtendManagementRight struct {
	AssetID    uuid.UUID
	ContractID uuid.UUID
	Transferor uuid.UUID
	End        time.Time
	Source     Source // the written renewal
}

// EntrustPlot records the contracting household's (By) written entrustment of
// its plot to Entrustee acting for Collective (rule 5). The term may not
// outlast the household's contract.
type EntrustPlot struct {
	AssetID    uuid.UUID
	By         uuid.UUID
	Entrustee  uuid.UUID
	Collective uuid.UUID
	Scope      []Form
	Start      time.Time
	End        time.Time
	Source     Source
}

// RevokeEntrustment records the household's (By) revocation of its entrustment.
type RevokeEntrustment struct {
	AssetID uuid.UUID
	By      uuid.UUID
	Source  Source
}

// RecordConsent records, by the owning collective (By), the contracting
// household's written consent for the transferee Grantee to re-transfer or
// mortgage the management right (rule 7).
type RecordConsent struct {
	AssetID    uuid.UUID
	By         uuid.UUID
	ConsentID  uuid.UUID
	Contractor uuid.UUID
	Grantee    uuid.UUID
	Purpose    ConsentPurpose
	Source     Source
}

// AggregateID returns the asset id.
func (c RegisterAsset) AggregateID() uuid.UUID { return c.AssetID }

// AggregateID returns the asset id.
func (c AddRestriction) AggregateID() uuid.UUID { return c.AssetID }

// AggregateID returns the asset id.
func (c RemoveRestriction) AggregateID() uuid.UUID { return c.AssetID }

// AggregateID returns the asset id.
func (c TransferManagementRight) AggregateID() uuid.UUID { return c.AssetID }

// AggregateID returns the asset id.
func (c EndManagementRight) AggregateID() uuid.UUID { return c.AssetID }

// AggregateID returns the asset id.
func (c ExtendManagementRight) AggregateID() uuid.UUID { return c.AssetID }

// AggregateID returns the asset id.
func (c EntrustPlot) AggregateID() uuid.UUID { return c.AssetID }

// AggregateID returns the asset id.
func (c RevokeEntrustment) AggregateID() uuid.UUID { return c.AssetID }

// AggregateID returns the asset id.
func (c RecordConsent) AggregateID() uuid.UUID { return c.AssetID }

func (RegisterAsset) isAssetCommand()           {}
func (AddRestriction) isAssetCommand()          {}
func (RemoveRestriction) isAssetCommand()       {}
func (TransferManagementRight) isAssetCommand() {}
func (EndManagementRight) isAssetCommand()      {}
func (ExtendManagementRight) isAssetCommand()   {}
func (EntrustPlot) isAssetCommand()             {}
func (RevokeEntrustment) isAssetCommand()       {}
func (RecordConsent) isAssetCommand()           {}

// PackageCommand is a command to one consolidation package.
type PackageCommand interface {
	kernel.Command
	isPackageCommand()
}

// CreatePackage starts a consolidation package of collective By for an
// intended transfer in Form over Start–End.
type CreatePackage struct {
	PackageID uuid.UUID
	By        uuid.UUID
	Title     string
	Form      Form
	Start     time.Time
	End       time.Time
}

// AddPlot adds an entrusted plot; Plot is the asset's snapshot (State.Plot).
// The plot must be entrusted to the package's collective with a scope and term
// covering the intended transfer (rule 5).
type AddPlot struct {
	PackageID uuid.UUID
	By        uuid.UUID
	Plot      Plot
}

// RemovePlot takes a plot out of an unsealed package.
type RemovePlot struct {
	PackageID uuid.UUID
	By        uuid.UUID
	AssetID   uuid.UUID
}

// SealPackage closes the package for listing; it must hold at least one plot.
type SealPackage struct {
	PackageID uuid.UUID
	By        uuid.UUID
}

// AggregateID returns the package id.
func (c CreatePackage) AggregateID() uuid.UUID { return c.PackageID }

// AggregateID returns the package id.
func (c AddPlot) AggregateID() uuid.UUID { return c.PackageID }

// AggregateID returns the package id.
func (c RemovePlot) AggregateID() uuid.UUID { return c.PackageID }

// AggregateID returns the package id.
func (c SealPackage) AggregateID() uuid.UUID { return c.PackageID }

func (CreatePackage) isPackageCommand() {}
func (AddPlot) isPackageCommand()       {}
func (RemovePlot) isPackageCommand()    {}
func (SealPackage) isPackageCommand()   {}

// Texts implements kernel.TextCommand.
func (c RegisterAsset) Texts() []kernel.Text {
	return []kernel.Text{
		{Field: "certificateNo", Kind: kernel.Reference, Value: c.CertificateNo},
		{Field: "title", Kind: kernel.Name, Value: c.Title},
		{Field: "description", Kind: kernel.Description, Value: c.Description},
		{Field: "location.province", Kind: kernel.Name, Value: c.Location.Province},
		{Field: "location.county", Kind: kernel.Name, Value: c.Location.County},
		{Field: "location.township", Kind: kernel.Name, Value: c.Location.Township},
		{Field: "location.village", Kind: kernel.Name, Value: c.Location.Village},
		c.Source.text("source"),
	}
}

// Texts implements kernel.TextCommand.
func (c AddRestriction) Texts() []kernel.Text {
	return []kernel.Text{c.Restriction.Source.text("restriction.source")}
}

// Texts implements kernel.TextCommand.
func (c RemoveRestriction) Texts() []kernel.Text { return []kernel.Text{c.Source.text("source")} }

// Texts implements kernel.TextCommand.
func (c TransferManagementRight) Texts() []kernel.Text {
	return []kernel.Text{c.Source.text("source")}
}

// Texts implements kernel.TextCommand.
func (c EntrustPlot) Texts() []kernel.Text { return []kernel.Text{c.Source.text("document")} }

// Texts implements kernel.TextCommand.
func (c RevokeEntrustment) Texts() []kernel.Text { return []kernel.Text{c.Source.text("document")} }

// Texts implements kernel.TextCommand.
func (c RecordConsent) Texts() []kernel.Text { return []kernel.Text{c.Source.text("document")} }

// Texts implements kernel.TextCommand.
func (c CreatePackage) Texts() []kernel.Text {
	return []kernel.Text{{Field: "title", Kind: kernel.Name, Value: c.Title}}
}

// text is the source's reference as the free text of the named field.
func (s Source) text(field string) kernel.Text {
	return kernel.Text{Field: field + ".reference", Kind: kernel.Reference, Value: s.Reference}
}
