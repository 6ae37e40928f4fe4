//go:build linux

package procstat

import (
	"fmt"
	"os"
	"syscall"
)

// DeviceWrittenBytes returns the bytes the kernel has written to the block
// device holding path since it started (sectors written, field 7 of
// /sys/dev/block/MAJ:MIN/stat, times 512): what reached the device from
// every process, the filesystem's journal included, which WrittenBytes does
// not see. It returns -1 when it cannot be read (not Linux, or no block
// device behind path).
func DeviceWrittenBytes(path string) int64 {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return -1
	}
	dev := uint64(st.Dev) //nolint:unconvert // its type differs between platforms
	major, minor := (dev>>8)&0xfff|(dev>>32)&^0xfff, dev&0xff|(dev>>12)&^0xff
	b, err := os.ReadFile(fmt.Sprintf("/sys/dev/block/%d:%d/stat", major, minor))
	if err != nil {
		return -1
	}
	return sectorsWritten(string(b))
}
