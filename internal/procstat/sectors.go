package procstat

import (
	"strconv"
	"strings"
)

// sectorsWritten reads the bytes written from a block device's stat file.
func sectorsWritten(stat string) int64 {
	f := strings.Fields(stat)
	if len(f) < 7 {
		return -1
	}
	n, err := strconv.ParseInt(f[6], 10, 64)
	if err != nil {
		return -1
	}
	return n * 512
}
