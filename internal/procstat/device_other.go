//go:build !linux

package procstat

// DeviceWrittenBytes returns -1: only Linux reports a block device's
// sectors written.
func DeviceWrittenBytes(string) int64 { return -1 }
