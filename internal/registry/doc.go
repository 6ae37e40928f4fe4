// Package registry is the bounded context of collective assets and the rights
// on them, modelled on LADM: the asset is the basic administrative unit, its
// owning collective, contracting household and management-right holder are
// parties, and every right (ManagementRight), restriction (Restriction),
// entrustment (Entrustment) and consent (Consent) is a value carrying its
// source document (Source).
//
// Two aggregates live here, each with its own Decider:
//
//   - Decider (category "asset"): one registered asset. Commands: RegisterAsset,
//     AddRestriction, RemoveRestriction, TransferManagementRight,
//     ExtendManagementRight, EndManagementRight, EntrustPlot, RevokeEntrustment, RecordConsent.
//   - PackageDecider (category "assetpackage"): a consolidation package, many
//     entrusted plots the collective transfers as one (rule 5). Commands:
//     CreatePackage, AddPlot, RemovePlot, SealPackage.
//
// The package is pure: no I/O, no clock. Callers must
//
//   - make every new id (assets, packages, contracts, restrictions, consents)
//     before sending a command;
//   - pass facts from other aggregates in the command: AddPlot carries the
//     plot's snapshot, taken with State.Plot from the asset's current state;
//   - send the time-driven EndManagementRight when State.NextDue says so, or when
//     the transfer contract behind a right terminates, and ExtendManagementRight
//     when it is renewed;
//   - register the events with RegisterEvents before decoding stored events.
//
// The history of an asset is its event stream: StateAt folds the events that
// had happened at a given time, so "who held this plot, and what encumbered it,
// on 1 March 2027" is StateAt(events, t).
//
// Decide returns a *kernel.Error: the codes in errors.go (ASSET_NOT_TRADABLE,
// TERM_EXCEEDS_CONTRACT, NOT_ENTRUSTED, RE_TRANSFER_WITHOUT_CONSENT, …) or the
// generic kernel codes INVALID_INPUT (with the field), NOT_FOUND, FORBIDDEN and
// INVALID_STATE. A refused command emits no events.
package registry
