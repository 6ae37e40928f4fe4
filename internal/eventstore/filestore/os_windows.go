package filestore

import (
	"errors"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// mapFile maps the first size bytes of f read-only (CreateFileMapping,
// MapViewOfFile). On a local volume the cache manager backs the view and
// the file's WriteFile writes with the same pages, so what is written to f
// is visible in the view; a store on a network share is not supported.
func mapFile(f *os.File, size int) ([]byte, error) {
	h, err := windows.CreateFileMapping(windows.Handle(f.Fd()), nil, windows.PAGE_READONLY,
		uint32(uint64(size)>>32), uint32(size), nil)
	if err != nil {
		return nil, os.NewSyscallError("CreateFileMapping", err)
	}
	// The view keeps the mapping object alive after its handle is closed.
	defer windows.CloseHandle(h)
	addr, err := windows.MapViewOfFile(h, windows.FILE_MAP_READ, 0, 0, uintptr(size))
	if err != nil {
		return nil, os.NewSyscallError("MapViewOfFile", err)
	}
	// The view lies outside Go's heap and never moves: its address is read
	// as a pointer, the form of the uintptr conversion that vet accepts.
	return unsafe.Slice((*byte)(*(*unsafe.Pointer)(unsafe.Pointer(&addr))), size), nil
}

// unmap releases a view made by mapFile.
func unmap(data []byte) error {
	return os.NewSyscallError("UnmapViewOfFile",
		windows.UnmapViewOfFile(uintptr(unsafe.Pointer(unsafe.SliceData(data)))))
}

// releasePages does nothing: Windows has no madvise, and it trims a
// process's working set of clean mapped pages itself under memory pressure.
func releasePages([]byte) {}

// tryLock takes an exclusive lock on f's first byte without waiting
// (LockFileEx); false when another handle holds it. Windows releases it when
// the handle is closed or the process dies, so a crash never leaves the
// store locked.
func tryLock(f *os.File) (bool, error) {
	err := windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, new(windows.Overlapped))
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return false, nil
	}
	return err == nil, err
}
