// Package kurrentdb is the eventstore.Store backend over KurrentDB (formerly
// EventStoreDB), through the official gRPC client
// github.com/EventStore/EventStore-Client-Go/v4 (package esdb).
//
// Open connects with a KurrentDB connection string, for example
// "esdb://127.0.0.1:2113?tls=false" for an insecure single node; the caller
// closes the Store. Every method is safe for concurrent use.
//
// How the contract maps onto KurrentDB:
//
//   - Versions are 1-based, KurrentDB revisions 0-based: an event's Version is
//     its revision+1 and a stream's version is its last revision+1.
//   - Position is the event's commit position in $all. KurrentDB writes each
//     event of an append as its own implicitly committed record, so commit
//     positions are byte offsets in the transaction log: strictly increasing,
//     not dense. Where a server leaves a stream read's commit position unset
//     (max uint64) the prepare position is used; where it leaves both unset,
//     as older servers do, stream reads report Position 0 and an append's
//     result takes the commit position the append reported.
//   - Every append is sent with an exact expected revision: the revision up
//     to which the Store knows the stream's event ids. The Store answers a
//     re-append of ids it knows from that knowledge, checks the caller's
//     expectation (Any, NoStream, StreamExists, Exact) against the version it
//     knows, and writes at exactly that revision; if the stream holds more,
//     KurrentDB refuses the write, the Store reads what it missed and decides
//     again. The id check and the write are thus one atomic step, wherever
//     the ids sit in the stream and whoever wrote them. KurrentDB's own
//     idempotency only covers ids at the revision expected, and with Any
//     only a bounded cache of recent ids. After a write the Store reads the
//     events back, so the result is what reads report.
//   - That knowledge is a bounded in-process cache (4096 streams, least
//     recently appended to dropped first; a stream's entry holds all its ids).
//     It may be stale but never wrong: stored events never change. The
//     adapter never deletes or truncates streams; one deleted or truncated by
//     other means must not be appended to through a Store that has it cached.
//     Appends to one stream through one Store take turns, so they do not
//     fail each other's expected revision.
//   - A wrong expected version is a *eventstore.ConflictError carrying the
//     stream's version as read during that append (errors.Is
//     eventstore.ErrConcurrency).
//   - Event data is stored as JSON; eventstore.Metadata is the event's JSON
//     user metadata, with the correlation and causation ids also under
//     KurrentDB's own names ($correlationId, $causationId) for its
//     projections; Recorded is KurrentDB's "created" timestamp, in UTC.
//   - ReadStream of a missing stream returns no events and no error.
//   - ReadAll and SubscribeAll skip KurrentDB's system events (streams or
//     event types starting with "$"), which the contract's streams can never
//     be. SubscribeAll filters on the server (by stream prefix, else by event
//     type prefix, else excluding system event types) and applies the whole
//     eventstore.Filter again on the client, since KurrentDB takes only one
//     kind of filter per subscription.
//   - The client closes itself for good when it cannot find a node (after
//     maxDiscoverAttempts from the connection string, a second or two while
//     KurrentDB restarts); the Store then puts a new client in its place on
//     the next call, so it outlives an outage. Calls made while KurrentDB is
//     down fail; the caller retries them (appends are idempotent).
//   - Close refuses new calls, waits up to 5 s for those in flight, then
//     closes the connection; a client with calls stuck inside it is left
//     open (Close says so) rather than closed under them, which would panic.
//
// Errors: eventstore.ErrClosed after Close; *eventstore.ConflictError for a
// wrong expected version; invalid arguments as eventstore.Validate reports
// them; the context's error when it ends; anything else from the client is
// wrapped with the operation that failed, and also matches
// eventstore.ErrUnavailable when no node could take the request (unavailable,
// connection closed, not the leader, deadline exceeded). A subscription that KurrentDB
// drops (it does so to a consumer too slow for live events) or the network
// drops subscribes again after the last event it delivered; only when that
// fails several times in a row does Next return the error, and the caller
// then subscribes again after the last position it handled.
package kurrentdb
