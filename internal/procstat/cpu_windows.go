package procstat

import (
	"time"

	"golang.org/x/sys/windows"
)

// CPUTime returns the CPU time, user and kernel, the process has used so
// far, or -1 when it cannot be read.
func CPUTime() time.Duration {
	var creation, exit, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(windows.CurrentProcess(), &creation, &exit, &kernel, &user); err != nil {
		return -1
	}
	// The kernel and user times are durations in 100-nanosecond units.
	ticks := func(t windows.Filetime) time.Duration {
		return time.Duration(uint64(t.HighDateTime)<<32|uint64(t.LowDateTime)) * 100
	}
	return ticks(kernel) + ticks(user)
}
