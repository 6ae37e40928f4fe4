//go:build linux

package procstat

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// DeviceWrittenBytes returns the bytes the kernel has written to the block
// device holding path since it started (the device's count of sectors
// written, times 512): what reached the device from every process, the file
// system's journal included, which WrittenBytes does not see. It returns -1
// when it cannot be read (no block device behind path).
func DeviceWrittenBytes(path string) int64 {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return -1
	}
	b, err := os.ReadFile(fmt.Sprintf("/sys/dev/block/%d:%d/stat", unix.Major(st.Dev), unix.Minor(st.Dev)))
	if err != nil {
		return -1
	}
	return sectorsWritten(string(b))
}
