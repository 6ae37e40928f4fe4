// Package assets is the GraphQL area of the registry and of land transfer
// contracts: assets (with point-in-time views), consolidation packages and
// transfer contracts, and one Relay mutation per registry and transfer
// command a person sends (time-driven and process-manager commands are not
// exposed).
//
// Callers (internal/server, apitest) call Register with the API's
// dependencies and run assetview.Projections in the projector; the package
// holds no other state. Mutations take every fact about another aggregate from
// its authoritative state (app.Handler.Inspect: the asset's holder, rights
// end, entrustment and consents for a contract; the contract's parties for a
// payment), never from the read models, and send exactly one command: a story
// that changes two aggregates (a signed contract moving the management right)
// is left to a workflow.
//
// Who may act: a collective registers, entrusts, records consents and builds
// packages only for its own assets (FORBIDDEN otherwise), and acts on
// contracts as transferor or owning collective; a bidder acts as transferee,
// or as transferor of a right it holds; the exchange registers contracts. The
// rent schedule and payments of a contract are shown to its parties, the
// exchange and the fund (which advances rent). Where a command names its actor (By, Payer, the
// transferor), it is the caller's party, so the domain's own party rules
// apply to the caller.
//
// Errors are *kernel.Error with the registry's and transfer's stable codes
// (ASSET_NOT_TRADABLE, TERM_EXCEEDS_CONTRACT, NON_AGRICULTURAL_USE,
// REGISTRATION_TERM_TOO_SHORT, RE_TRANSFER_WITHOUT_CONSENT, …) and the
// kernel's INVALID_INPUT (with the field), NOT_FOUND, FORBIDDEN, CONFLICT and
// INVALID_STATE; a refused mutation writes nothing.
package assets
