//go:build !unix && !windows

package procstat

import "time"

// CPUTime returns -1: the process's CPU time is read on Unix and Windows only.
func CPUTime() time.Duration { return -1 }
