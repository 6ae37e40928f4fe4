package registry

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// AssetRegistered: the owning collective registered the asset.
type AssetRegistered struct {
	AssetID       uuid.UUID
	Owner         uuid.UUID
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
	At            time.Time
}

// RestrictionAdded: a restriction was registered on the asset.
type RestrictionAdded struct {
	AssetID     uuid.UUID
	Restriction Restriction
	At          time.Time
}

// RestrictionRemoved: a restriction was lifted.
type RestrictionRemoved struct {
	AssetID       uuid.UUID
	RestrictionID uuid.UUID
	Source        Source
	At            time.Time
}

// ManagementRightTransferred: the management right passed to Transferee under
// contract ContractID. UnderEntrustment is true when the transferor acted on
// the household's entrustment rather than as holder.
type ManagementRightTransferred struct {
	AssetID          uuid.UUID
	ContractID       uuid.UUID
	Transferor       uuid.UUID
	Transferee       uuid.UUID
	Form             Form
	Start            time.Time
	End              time.Time
	Source           Source
	UnderEntrustment bool
	At               time.Time
}

// ManagementRightEnded: the holding from ContractID (and any derived from it)
// ended; the right returned to Holder.
type ManagementRightEnded struct {
	AssetID    uuid.UUID
	ContractID uuid.UUID
	Reason     EndReason
	Holder     uuid.UUID
	At         time.Time
}

// ManagementRightExtended: the contract ContractID was renewed; its holding
// now ends at End instead of PreviousEnd.
type ManagementRightExtended struct {
	AssetID     uuid.UUID
	ContractID  uuid.UUID
	PreviousEnd time.Time
	End         time.Time
	Source      Source
	At          time.Time
}

// PlotEntrusted: the household entrusted its plot in writing.
type PlotEntrusted struct {
	AssetID     uuid.UUID
	Entrustment Entrustment
	At          time.Time
}

// EntrustmentRevoked: the household revoked its entrustment.
type EntrustmentRevoked struct {
	AssetID   uuid.UUID
	Household uuid.UUID
	Source    Source
	At        time.Time
}

// ConsentRecorded: the collective recorded the contractor's written consent.
type ConsentRecorded struct {
	AssetID uuid.UUID
	Consent Consent
	At      time.Time
}

// PackageCreated: a collective started a consolidation package.
type PackageCreated struct {
	PackageID  uuid.UUID
	Collective uuid.UUID
	Title      string
	Form       Form
	Start      time.Time
	End        time.Time
	At         time.Time
}

// PlotAdded: an entrusted plot joined the package.
type PlotAdded struct {
	PackageID uuid.UUID
	AssetID   uuid.UUID
	Household uuid.UUID
	Area      kernel.Area
	At        time.Time
}

// PlotRemoved: a plot left the package.
type PlotRemoved struct {
	PackageID uuid.UUID
	AssetID   uuid.UUID
	At        time.Time
}

// PackageSealed: the package was closed for listing with these plots.
type PackageSealed struct {
	PackageID uuid.UUID
	Plots     []uuid.UUID
	Area      kernel.Area
	At        time.Time
}

// EventType returns "registry.AssetRegistered.v1".
func (AssetRegistered) EventType() string { return "registry.AssetRegistered.v1" }

// EventType returns "registry.RestrictionAdded.v1".
func (RestrictionAdded) EventType() string { return "registry.RestrictionAdded.v1" }

// EventType returns "registry.RestrictionRemoved.v1".
func (RestrictionRemoved) EventType() string { return "registry.RestrictionRemoved.v1" }

// EventType returns "registry.ManagementRightTransferred.v1".
func (ManagementRightTransferred) EventType() string {
	return "registry.ManagementRightTransferred.v1"
}

// EventType returns "registry.ManagementRightExtended.v1".
func (ManagementRightExtended) EventType() string { return "registry.ManagementRightExtended.v1" }

// EventType returns "registry.ManagementRightEnded.v1".
func (ManagementRightEnded) EventType() string { return "registry.ManagementRightEnded.v1" }

// EventType returns "registry.PlotEntrusted.v1".
func (PlotEntrusted) EventType() string { return "registry.PlotEntrusted.v1" }

// EventType returns "registry.EntrustmentRevoked.v1".
func (EntrustmentRevoked) EventType() string { return "registry.EntrustmentRevoked.v1" }

// EventType returns "registry.ConsentRecorded.v1".
func (ConsentRecorded) EventType() string { return "registry.ConsentRecorded.v1" }

// EventType returns "registry.PackageCreated.v1".
func (PackageCreated) EventType() string { return "registry.PackageCreated.v1" }

// EventType returns "registry.PlotAdded.v1".
func (PlotAdded) EventType() string { return "registry.PlotAdded.v1" }

// EventType returns "registry.PlotRemoved.v1".
func (PlotRemoved) EventType() string { return "registry.PlotRemoved.v1" }

// EventType returns "registry.PackageSealed.v1".
func (PackageSealed) EventType() string { return "registry.PackageSealed.v1" }

// OccurredAt returns when the event happened.
func (e AssetRegistered) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e RestrictionAdded) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e RestrictionRemoved) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e ManagementRightTransferred) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e ManagementRightEnded) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e ManagementRightExtended) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e PlotEntrusted) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e EntrustmentRevoked) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e ConsentRecorded) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e PackageCreated) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e PlotAdded) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e PlotRemoved) OccurredAt() time.Time { return e.At }

// OccurredAt returns when the event happened.
func (e PackageSealed) OccurredAt() time.Time { return e.At }

// RegisterEvents registers every registry event type with r.
func RegisterEvents(r *kernel.Registry) {
	r.Register(
		AssetRegistered{}, RestrictionAdded{}, RestrictionRemoved{}, ManagementRightTransferred{},
		ManagementRightEnded{}, ManagementRightExtended{}, PlotEntrusted{}, EntrustmentRevoked{}, ConsentRecorded{},
		PackageCreated{}, PlotAdded{}, PlotRemoved{}, PackageSealed{},
	)
}
