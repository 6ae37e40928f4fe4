package filestore

import (
	"os"

	"golang.org/x/sys/unix"
)

// directAlign returns the alignment of offsets, lengths and memory that
// direct I/O (O_DIRECT) needs on f's file, from statx's STATX_DIOALIGN
// (Linux 6.1+), or 0 when the file system does not offer direct I/O for it,
// or the kernel does not say.
func directAlign(f *os.File) int64 {
	var st unix.Statx_t
	if err := unix.Statx(int(f.Fd()), "", unix.AT_EMPTY_PATH, unix.STATX_DIOALIGN, &st); err != nil ||
		st.Mask&unix.STATX_DIOALIGN == 0 || st.Dio_offset_align == 0 || st.Dio_mem_align > pageAlign {
		return 0
	}
	return int64(max(st.Dio_offset_align, st.Dio_mem_align))
}

// openDirect opens path for writing with O_DIRECT: writes bypass the page
// cache and go to the device in the aligned blocks they name.
func openDirect(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY|unix.O_DIRECT, 0)
}

// preallocate reserves size bytes for f without writing them (fallocate):
// the file reads as zeroes, and its blocks are marked written as appends
// fill them.
func preallocate(f *os.File, size int64) error {
	return unix.Fallocate(int(f.Fd()), 0, 0, size)
}
