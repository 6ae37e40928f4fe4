// Package backup takes a consistent copy of a running server's embedded data
// directory, and restores one into a data directory for the next serve.
//
// A data directory holds the event log (events/, internal/eventstore/filestore),
// the SQLite read models (readmodels.db, internal/readmodel) and the token
// secret (auth.secret, internal/auth). The server holds the log's lock, so
// Backup never opens the store; it copies, in this order:
//
//  1. the read models, with SQLite's VACUUM INTO: one read transaction, so the
//     copy holds every table and the projections' checkpoints as one commit
//     left them, while the server keeps writing through WAL;
//  2. the event log, with filestore.ScanLog: a lock-free read of every segment
//     up to the end the store's own recovery would find (the last whole batch
//     of CRC-valid records with consecutive positions; a torn tail is left
//     out); the source's segments are fsynced once read;
//  3. the token secret.
//
// The projector only applies events the store has made durable, and those are
// in the segment files before step 2 starts, so the copied log always reaches
// the copied read models' checkpoints (Backup checks it): the restored
// server's projector catches the read models up from their checkpoints to the
// end of the copied log. Copying the log first would let the read models run
// ahead of it, and the projector cannot undo what it applied.
//
// Written but unacknowledged appends: the store writes a group of appends,
// then fdatasyncs, then acknowledges. A backup can copy a group between the
// write and the acknowledgement. Because Backup fsyncs the source's segments
// after reading them (and fails if that fails), such a group is durable in
// the source too before the backup completes, so the source keeps it (and
// acknowledges it, or recovers it after a crash): a backup never holds an
// event the source can lose. The client of such an append may not yet have
// had its answer when the backup was taken; a restored exchange holds the
// append, and the client's retry with the same command id is answered as a
// duplicate, as after any crash.
//
// Layout of a backup directory (mode 0700; it holds the secret):
//
//	manifest.json      format, creation time (from the clock), last event position,
//	                   streams, segments, highest read-model checkpoint,
//	                   and each file's path, size and SHA-256
//	events/NNNNNNNN.seg  each segment cut after its last record (Open extends it again)
//	readmodels.db      when the source has SQLite read models
//	auth.secret        when the source has a secret
//	mode.json          the sandbox-or-real marker (internal/sandbox), when the source has one
//	sandbox-clock.json a sandbox's saved time, when the source has one
//
// Backup writes into a temporary sibling of the target, fsyncs every file and
// directory, and renames it into place: a backup directory that exists is
// complete.
//
// Restore verifies the whole backup before it touches the target (manifest
// format, every file's size and checksum, the log's records and end against
// the manifest, SQLite's quick_check and the read models' checkpoint), takes
// the target log's lock (so it fails while a server runs on the target, and
// no server starts during the restore), refuses a target holding anything
// unless forced, copies the files into a staging directory inside the target
// (checking the checksums again), fsyncs them, and installs them by rename:
// first the old read models and secret go, then the old log is moved into the
// staging directory and the new one into place, then the read models and the
// secret arrive; the staging directory, with the old log, is deleted last.
// Read models are never next to a log they were not built from. If Restore is
// interrupted, the target holds the old log or the new one without read
// models (serve rebuilds them from the log; a missing secret is made anew,
// which revokes tokens), or, between the two renames of the log, no log at
// all (serve would start an empty exchange). In every case running Restore
// again with Force finishes the job.
package backup
