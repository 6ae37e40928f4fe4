package httpapi

import (
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// processCPU returns the CPU time the process has used so far.
func processCPU(tb testing.TB) time.Duration {
	var creation, exit, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(windows.CurrentProcess(), &creation, &exit, &kernel, &user); err != nil {
		tb.Fatal(err)
	}
	// The kernel and user times are durations in 100-nanosecond units.
	ticks := func(t windows.Filetime) time.Duration {
		return time.Duration(uint64(t.HighDateTime)<<32|uint64(t.LowDateTime)) * 100
	}
	return ticks(kernel) + ticks(user)
}
