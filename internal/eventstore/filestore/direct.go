package filestore

import (
	"os"
	"unsafe"
)

// Appends are written with direct I/O where the file system offers it.
//
// Written through the page cache, an append costs a whole memory page at
// every group commit: the fdatasync leaves the log's last page clean, and
// the next append dirties it again, so a group of one 400-byte event writes
// 4 KiB, about ten times the event. Written directly, an append writes the
// device blocks it touches (512 bytes on most disks): the block where the
// last append ended, read back from the last write rather than from the
// disk, then the new records, then zeroes to the block's end, where the
// segment held zeroes already.
//
// Readers are unchanged: they read the mapping, which the kernel keeps
// coherent by dropping the written range from the page cache after each
// direct write; the next read of it comes from the disk.

// pageAlign is the memory alignment of a direct write's buffer. Direct I/O
// is used only where the file system asks for no more (directAlign).
const pageAlign = 4096

// blockFile is what a directFile writes to: a file opened with O_DIRECT.
type blockFile interface {
	WriteAt(p []byte, off int64) (int, error)
	Close() error
}

// directFile is a segment's second descriptor, opened for direct writes,
// and the last block it wrote.
type directFile struct {
	f      blockFile
	block  int64  // the alignment of offsets and lengths
	tailAt int64  // where the block in tail starts; -1 when tail holds none
	tail   []byte // the last block written
}

// directBlock returns the block size in which appends to f, a segment of
// size bytes, are written directly, or 0 when they go through the page
// cache: the file system offers no direct I/O, or size is not a whole
// number of its blocks.
func directBlock(f *os.File, size int64) int64 {
	block := directAlign(f)
	if block == 0 || size%block != 0 {
		return 0
	}
	return block
}

// writeAt writes p at off in whole blocks, taking the bytes of the first
// block before off from the last write when it ended in that block, and
// from mapped (the segment's mapping) otherwise. off+len(p) must not pass
// the end of the last block of mapped.
func (d *directFile) writeAt(mapped, p []byte, off int64, scratch *[]byte) error {
	from := off - off%d.block
	end := off + int64(len(p))
	to := end + (d.block-end%d.block)%d.block
	buf := aligned(scratch, int(to-from))
	if pre := buf[:off-from]; len(pre) > 0 {
		if d.tailAt == from {
			copy(pre, d.tail)
		} else {
			copy(pre, mapped[from:off])
		}
	}
	n := int(off-from) + copy(buf[off-from:], p)
	clear(buf[n:])
	if _, err := d.f.WriteAt(buf, from); err != nil {
		return err // the store fails: nothing is written after this
	}
	d.tailAt = to - d.block
	d.tail = append(d.tail[:0], buf[len(buf)-int(d.block):]...)
	return nil
}

// aligned returns n bytes of *scratch starting at a multiple of pageAlign,
// growing it first if it is too small.
func aligned(scratch *[]byte, n int) []byte {
	if cap(*scratch) < n+pageAlign {
		*scratch = make([]byte, 2*n+pageAlign)
	}
	b := (*scratch)[:cap(*scratch)]
	skip := (pageAlign - int(uintptr(unsafe.Pointer(unsafe.SliceData(b)))%pageAlign)) % pageAlign
	return b[skip : skip+n]
}
