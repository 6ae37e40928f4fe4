package procstat

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSectorsWrittenReadsTheSeventhField(t *testing.T) {
	// A block device's statistics line: reads, merged, sectors read, ms, writes, merged, sectors written, ...
	const stat = "  184035    61402 13542142    60735  2938581  2107335 225880344  5330226        0  3037208  5451318"
	if got, want := sectorsWritten(stat), int64(225880344)*512; got != want {
		t.Fatalf("sectorsWritten = %d, want %d", got, want)
	}
	if got := sectorsWritten("1 2 3"); got != -1 {
		t.Fatalf("sectorsWritten of a short line = %d, want -1", got)
	}
}

func TestDeviceWrittenBytesCountsASyncedWrite(t *testing.T) {
	dir, err := os.MkdirTemp(".", "device-test-") // beside the package: on a block device, where TempDir may be tmpfs
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	before := DeviceWrittenBytes(dir)
	if before < 0 {
		t.Skip("no block device behind the package's directory")
	}
	const size = 1 << 20
	f, err := os.Create(filepath.Join(dir, "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(make([]byte, size)); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	if got := DeviceWrittenBytes(dir) - before; got < size {
		t.Fatalf("the device counted %d bytes written across a synced 1 MiB write, want at least %d", got, size)
	}
}

func TestCPUTimeGrowsWithWork(t *testing.T) {
	before := CPUTime()
	if before < 0 {
		t.Skip("no CPU time on this platform")
	}
	sum := 0
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
		sum++
	}
	if got := CPUTime() - before; got <= 0 {
		t.Fatalf("CPU time grew by %v across 50 ms of a busy loop (%d turns)", got, sum)
	}
}
