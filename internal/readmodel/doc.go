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
package readmodel
