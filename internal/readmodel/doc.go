// Package readmodel turns the event stream into the tables behind the query
// API. A Projector applies events, in $all order, to every registered
// Projection inside one SQL transaction per batch, and stores each
// projection's checkpoint (the last global position it applied) in that same
// transaction: after a crash or restart no event is applied twice or skipped.
//
// Two storage backends share one code path: SQLite in the local data directory
// (the embedded default) and PostgreSQL (the scale-out option). Projections
// write portable SQL with $1-style placeholders, which both accept.
//
// Projections must be deterministic functions of the events: they may not read
// the clock or other tables' state that is not itself projected. Apply is
// called at most once per event per projection; Replay rebuilds every table
// from the store.
//
// Every view package (assetview, listingview, coopview, creditview) is laid
// out the same way: each projection is an unexported type named after what
// it keeps (assetProjection, listingProjection, registerProjection, …) in the
// file of that name (assets.go, listings.go, register.go, …), and the
// package's own file (assetview.go, …) declares Projections(), the only way
// callers obtain them. A projection's Name is its checkpoint key in existing
// data directories and never changes with its Go name.
//
// Reads share one way to page and filter: a Where gathers conditions with
// numbered placeholders; a Keyset names a list's sort columns (the last one
// unique) and direction; a Page asks for First rows after a Cursor (the sort
// values of the last row seen, which each row type's Cursor method makes);
// a Result carries the rows, whether more follow and the total. Fetch does
// the whole count-then-page read of a single table; views with child tables
// or deferred joins use Count, Keyset.After and Cut. Pages never use OFFSET,
// and a cursor that is not one of the list's is INVALID_INPUT on "after".
// The value encodings (Micros, NullMicros, Bool, IDText, ParseID) are shared
// in the same way.
package readmodel
