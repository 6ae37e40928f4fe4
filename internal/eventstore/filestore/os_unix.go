//go:build unix

package filestore

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// mapFile maps the first size bytes of f read-only and shared: the mapping
// shares the kernel's page cache, so what is written to f through the file
// is visible in it.
func mapFile(f *os.File, size int) ([]byte, error) {
	return unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ, unix.MAP_SHARED)
}

// unmap releases a mapping made by mapFile.
func unmap(data []byte) error { return unix.Munmap(data) }

// releasePages drops data's pages from the process's mapping (madvise
// MADV_DONTNEED); reading them again faults them back in from the page
// cache or the file. It is advice: nothing to do if refused.
func releasePages(data []byte) { _ = unix.Madvise(data, unix.MADV_DONTNEED) }

// tryLock takes an exclusive flock on f without waiting; false when another
// open file holds it. The kernel drops it when the process dies, so a crash
// never leaves the store locked.
func tryLock(f *os.File) (bool, error) {
	err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
	if errors.Is(err, unix.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}
