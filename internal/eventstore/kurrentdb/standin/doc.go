// Package standin is a TEST STAND-IN for KurrentDB. It is NOT KurrentDB, keeps
// everything in memory, and exists only so the kurrentdb adapter's tests run
// over real gRPC, with the official client, where no KurrentDB server can be
// installed (as in CI).
//
// It serves the part of the client's published protos/streams.proto that the
// adapter uses, with KurrentDB's documented semantics as the stand-in's author
// understood them:
//
//   - Streams.Append: expected revision any / no_stream / stream_exists /
//     exact; a wrong one answers WrongExpectedVersion with the stream's
//     current revision (or current_no_stream). The same event ids appended
//     again at the revision they were written after are acknowledged without
//     writing, with no position (as KurrentDB answers idempotent writes); with
//     expected any or stream_exists that check reaches only a bounded window of
//     recently written ids, as KurrentDB's does.
//   - Streams.Read of a stream, forwards or backwards from start, end or a
//     revision, with a count; a stream without events answers stream_not_found.
//     Stream reads carry each event's log position in the recorded event, as
//     recent servers do (older ones send max uint64 there, as the stand-in
//     does with WithoutStreamReadPositions), and no position on the read
//     event.
//   - Streams.Read of $all, forwards or backwards, from start, end or a
//     position. Positions are byte-offset-like: every event is its own
//     implicitly committed record, commit position = prepare position = the
//     offset of the record, growing by the record's size (not dense). A read
//     from a position includes the event there; a position that is not a
//     record's start or the end of the log is refused (InvalidArgument).
//   - Catch-up subscriptions to $all from start, end or a position (exclusive),
//     with an optional server-side filter on stream name or event type, by
//     prefixes or a regular expression (RE2 here, .NET regex there): the
//     confirmation first, then the stored events, caught_up, and live events,
//     with checkpoints every checkpointIntervalMultiplier × window considered
//     events for a filtered subscription. Server.DropSubscriptions ends them
//     as KurrentDB ends a subscription whose consumer is too slow.
//   - On start, one system event ($settings in stream $settings), so that $all
//     is never only the caller's events.
//
// Start(opts...) starts one on a free loopback port (At picks the port, so a
// test can bring a server "back"); URL is the connection string for
// kurrentdb.Open; Close stops it and forgets everything.
//
// Not served: subscriptions to a single stream, Delete, Tombstone,
// BatchAppend, persistent subscriptions, projections, users, gossip and
// server features (the client treats the last as an old server and goes on),
// access control, TLS, and link resolution. Callers must not rely on it for
// anything but tests.
package standin
