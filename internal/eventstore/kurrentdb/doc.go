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
//     not dense. Servers that leave the commit position of stream reads unset
//     (max uint64) are answered with the prepare position, which is the same
//     number for such records.
//   - Every append is sent with an exact expected revision: the adapter first
//     brings its knowledge of the stream up to date (which event ids it holds,
//     and its version), answers a re-append of stored ids from that knowledge,
//     checks the caller's expectation (Any, NoStream, StreamExists, Exact)
//     against the version it saw, and then appends at exactly that revision.
//     The id check and the write are thus one atomic step: KurrentDB refuses
//     the write if anything was appended in between, and the adapter starts
//     over. KurrentDB's own idempotency (same ids at the same revision) is
//     still in force; the adapter's check makes the contract hold where
//     KurrentDB only tries (expected revision Any relies on a bounded cache of
//     recent ids) or does not check at all (the ids stored earlier in the
//     stream than the expected revision).
//   - The knowledge of a stream is kept in a bounded in-process cache, so an
//     append normally reads only the events appended since the last one.
//     Stored events never change, so the cache stays true while other
//     processes write. The adapter never deletes or truncates streams; one
//     that is deleted or truncated by other means must not be appended to
//     through a Store that has it cached.
//   - A wrong expected version is a *eventstore.ConflictError carrying the
//     stream's version as the adapter last read it (errors.Is
//     eventstore.ErrConcurrency).
//   - Event data is stored as JSON; eventstore.Metadata is the event's JSON
//     user metadata; Recorded is KurrentDB's "created" timestamp, in UTC.
//   - ReadStream of a missing stream returns no events and no error.
//   - ReadAll and SubscribeAll skip KurrentDB's system events (streams or
//     event types starting with "$"), which the contract's streams can never
//     be. SubscribeAll filters on the server (by stream prefix, else by event
//     type prefix, else excluding system event types) and applies the whole
//     eventstore.Filter again on the client, since KurrentDB takes only one
//     kind of filter per subscription.
//
// Errors: eventstore.ErrClosed after Close; *eventstore.ConflictError for a
// wrong expected version; invalid arguments as eventstore.Validate reports
// them; the context's error when it ends; anything else from the client is
// wrapped with the operation that failed.
package kurrentdb
