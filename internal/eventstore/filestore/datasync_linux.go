package filestore

import (
	"os"

	"golang.org/x/sys/unix"
)

// datasync makes f's written data durable with fdatasync, which skips the
// metadata (modification time) a full fsync would also write: the segments
// are pre-allocated, so their size never changes when a record is written.
func datasync(f *os.File) error { return unix.Fdatasync(int(f.Fd())) }
