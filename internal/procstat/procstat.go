// Package procstat reads what the kernel reports of this process: the bytes
// it caused to be written to storage and those reaching the device, and its
// memory (on Linux; elsewhere they read as unknown), and the CPU time it has
// used (on Unix and Windows). The load test and the benchmarks that report
// bytes written or CPU per event use it.
package procstat

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// WrittenBytes returns the kernel's write_bytes counter of this process: the
// bytes it has caused to be sent to the storage device, counted when a page
// is first dirtied (a page written again before the kernel writes it back
// counts once). It returns -1 when the counter cannot be read.
func WrittenBytes() int64 {
	b, err := os.ReadFile("/proc/self/io")
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "write_bytes: "); ok {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				return n
			}
		}
	}
	return -1
}

// Memory returns the kernel's kB memory figures of this process by name (VmRSS, VmHWM,
// RssAnon, RssFile, ...); empty when it cannot be read.
func Memory() map[string]int {
	status, _ := os.ReadFile("/proc/self/status")
	kb := map[string]int{}
	for _, line := range strings.Split(string(status), "\n") {
		var v int
		if name, rest, ok := strings.Cut(line, ":"); ok {
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &v); err == nil {
				kb[name] = v
			}
		}
	}
	return kb
}
