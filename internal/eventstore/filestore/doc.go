// Package filestore is the embedded default eventstore.Store: a local data
// directory, no server.
//
// The log is a sequence of pre-allocated segment files
// (00000001.seg, 00000002.seg, ...), each holding whole records, one per event:
// an 8-byte header (body length, CRC-32C of the body) and a body with the
// event's global position, stream version, recorded time, id, the number of
// records left in its append's batch, stream, type, data and metadata.
//
// Appends are group-committed. Append encodes its records in the caller's
// goroutine and queues them. One committer goroutine takes everything queued,
// decides each append in arrival order (event ids already in the stream make
// it an idempotent no-op, then the expected version), and writes the accepted
// records with one write: on Linux, where the file system offers direct I/O
// (statx's STATX_DIOALIGN), through a second descriptor opened with
// O_DIRECT for the segment being written, in whole device blocks, so that a
// small group commit writes the blocks it fills rather than a whole page
// (direct.go). A settler goroutine then makes every group written so far
// durable with one fdatasync, publishes them to readers and subscribers,
// and acknowledges them, while the committer already writes the next group.
// Nothing is visible or acknowledged before it is durable.
//
// Reads and subscriptions are served from an in-memory index (position →
// segment and offset, stream → positions) over memory-mapped segments; Open
// rebuilds it, and the per-stream event ids, by scanning the log. The next
// segment is prepared in the background once the current one is half full,
// so that no fdatasync grows a file: reserved with fallocate where appends
// are written directly, zero-filled elsewhere (createSegment says why).
//
// The OS-specific calls live in per-OS files: fdatasync on Linux,
// (*os.File).Sync elsewhere (F_FULLFSYNC on macOS, FlushFileBuffers on
// Windows); mmap and flock on Unix, MapViewOfFile and LockFileEx on Windows.
//
// Callers must:
//   - Open a directory once: a second Open, in this or another process, fails
//     with ErrLocked until Close (a lock on the directory's LOCK file).
//   - Close the store to release the directory; Close completes the appends
//     already queued.
//   - Treat a cancelled Append as unknown: the append may still be written.
//     Retrying it with the same event ids is safe (the retry is idempotent).
//
// Backups: ScanLog reads the log of a directory another store has open,
// without its lock, up to the end recovery would find, and Lock holds a
// directory so that no store opens it (internal/backup uses both).
//
// Positions are dense (1, 2, 3, ...), versions count from 1.
//
// Errors: Append returns *eventstore.ConflictError for a wrong expected
// version, eventstore.ErrClosed after Close, ErrTooLarge for a batch or field
// that cannot be stored, ErrPartialDuplicate when a batch repeats some but not
// all of the stream's stored event ids, and the I/O error after a failed write
// or fsync, wrapped so that it matches eventstore.ErrUnavailable (Err returns
// it too); after such a failure every later append fails the same way (the store must be closed and
// opened again, which recovers the log) while reads go on. Closing a failed
// store first zeroes and syncs whatever it wrote after its last acknowledged
// record: after a failed fsync the page cache may hold records the disk does
// not, or the disk records written directly that no sync made durable, and
// recovery would keep them. If that
// fails, Close returns the error and the directory must not be reopened by
// this process. Open returns ErrLocked, or ErrCorrupt
// when a record before the log's last segments fails its checksum.
//
// Recovery: a crash can leave the last group commit half written. Open keeps
// the longest prefix of whole, checksummed records with consecutive positions,
// drops a batch whose records are not all there, and zeroes everything after
// it, so only unacknowledged appends are lost. It logs what it drops, one
// WARN line per segment ("filestore: recovery dropped data after the end of
// the log", with the segment, the offset, the bytes dropped and how many
// whole records they held), to Options.Log.
package filestore
