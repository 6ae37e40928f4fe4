//go:build !linux

package filestore

import "os"

// datasync makes f's written data durable where fdatasync is missing, with
// (*os.File).Sync. On macOS that is fcntl F_FULLFSYNC (falling back to fsync
// only where a file system refuses it, as SMB mounts do): macOS's plain
// fsync leaves the data in the drive's volatile cache, so calling
// unix.FcntlInt ourselves would repeat what Sync already does. On Windows it
// is FlushFileBuffers, which flushes the data and the file's metadata.
func datasync(f *os.File) error { return f.Sync() }
