// Package readmodel turns the event stream into the tables behind the query
// API. A Projector applies events, in $all order, to every registered
// Projection inside one SQL transaction per batch, and stores each
// projection's checkpoint (the last global position it applied) and Version
// in that same transaction: after a crash or restart no event is applied
// twice or skipped.
//
// Two storage backends share one code path: SQLite in the local data directory
// (the embedded default) and PostgreSQL (the scale-out option). Projections
// write portable SQL with $1-style placeholders, which both accept.
//
// Projections must be deterministic functions of the events: they may not read
// the clock or other tables' state that is not itself projected. Apply is
// called at most once per event per projection.
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
//
// Result caches: under the context a Projector applies an event with, a
// projection names the keys of package changes the event changes (listingview
// does; the others name none), and the Projector records each commit's keys
// in its change log (Changes) before Position moves past it. DB reports every
// query to package changes, so a cached result that read rows no key covers
// depends on every commit.
//
// The package does not know where events come from: package feed subscribes
// the projector to the event store through watermill (Enqueue, ApplyQueued)
// and gives the rebuilds their Source, the same events the live subscription
// delivers (every event but the messaging bridge's checkpoint and poison
// streams).
//
// # Replay and automatic rebuild
//
// Replay (the `nongjiao replay` command) drops every projection's tables and
// rebuilds them from the whole store in one transaction: until it commits,
// readers see the previous rows, and a replay that fails or is interrupted
// leaves the previous tables and checkpoints exactly as they were.
//
// At start, the worker calls RebuildStale, which rebuilds the same way the
// projections whose tables cannot be continued, with one WARN line naming
// them and why: a checkpoint whose event the store does not hold (the
// events were restored from an older backup than the read models, or
// recovery dropped a damaged tail the read models had applied; a checkpoint
// at the store's last event is current), or rows built by another Version of
// the projection (raise Version to have a changed projection rebuilt on
// deployment). Each checkpoint row names its event by stream and version,
// which is how the check finds it in any store. Checkpoint tables made
// before versions were recorded read as version 0, so such data directories
// are rebuilt once.
//
// A rebuild decodes the events on every core (in order) and feeds each
// projection that is a Folder through its Fold, which folds the rows in
// memory and writes each once through an Inserter (multi-row INSERTs),
// instead of a statement or two per event; the Folder's indexes are made
// after its rows. Other projections get Apply, event by event. A Fold must
// build exactly the tables Apply builds from the same events.
package readmodel
