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
package readmodel
