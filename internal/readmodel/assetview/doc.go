// Package assetview holds the read models of the registry and of land transfer
// contracts: assets with their current holder, restrictions, entrustments,
// consents and event history; consolidation packages with their plots; and
// transfer contracts with their plots, rent schedule and payments.
//
// Projections (for readmodel.Projector) maintain the tables, all prefixed
// asset_; Reader answers the API's queries from them with keyset pagination
// and one query per child table per page (no query per row). AssetAt builds
// the same Asset value from an asset's own events as it stood at a past time,
// for point-in-time queries that must not depend on a read model.
//
// Callers must treat what Reader returns as possibly lagging the store: facts
// that decide a command come from the aggregate (app.Handler.Inspect), never
// from here. Reader methods return *kernel.Error NOT_FOUND for a missing id;
// any other error is a database error.
package assetview
