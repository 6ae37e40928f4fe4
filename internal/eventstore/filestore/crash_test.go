package filestore_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
)

// crashDirEnv switches the test binary into the crash child: it appends to
// the store in that directory until it is killed.
const (
	crashDirEnv   = "FILESTORE_CRASH_DIR"
	crashRoundEnv = "FILESTORE_CRASH_ROUND"
)

// ack is one acknowledged append as the child reported it.
type ack struct {
	stream   string
	version  uint64 // of the batch's last event
	position uint64 // of the batch's last event
	ids      []uuid.UUID
}

// TestCrashKeepsEveryAcknowledgedAppend kills a child process appending
// from many goroutines with SIGKILL at a random moment, several times, and
// after each kill reopens the store and checks that every append the child
// saw acknowledged is there exactly once, in order, with strictly increasing
// positions, and that new appends work.
func TestCrashKeepsEveryAcknowledgedAppend(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(dir, os.Getenv(crashRoundEnv))
		return
	}
	dir := t.TempDir()
	var acked []ack
	for round := range 6 {
		got := runChild(t, dir, round, time.Duration(50+rand.IntN(300))*time.Millisecond)
		if len(got) == 0 {
			t.Fatalf("round %d: the child acknowledged nothing before it was killed", round)
		}
		acked = append(acked, got...)

		s := open(t, dir)
		log := readAll(t, s)
		checkAcked(t, s, log, acked)
		// New appends work after the crash.
		e := event(0)
		res := mustAppend(t, s, fmt.Sprintf("after-crash-%d", round), eventstore.NoStream, e)
		if res.Position <= log[len(log)-1].Position {
			t.Fatalf("round %d: new append at %d, not after %d", round, res.Position, log[len(log)-1].Position)
		}
		acked = append(acked, ack{stream: fmt.Sprintf("after-crash-%d", round), version: 1, position: res.Position, ids: []uuid.UUID{e.ID}})
		closeStore(t, s)
		t.Logf("round %d: killed after %d acknowledged appends; log holds %d events", round, len(got), len(log)+1)
	}
}

// runChild starts the child, reads its acknowledgements, kills it after
// the delay, and returns every acknowledgement it finished printing.
func runChild(t *testing.T, dir string, round int, delay time.Duration) []ack {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashKeepsEveryAcknowledgedAppend$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, crashRoundEnv+"="+strconv.Itoa(round))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acks []ack
	read := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		first := true
		var cut error // a line without its end marker: only the last may be
		for sc.Scan() {
			if cut != nil {
				read <- cut
				return
			}
			a, err := parseAck(sc.Text())
			if err != nil {
				cut = err
				continue
			}
			acks = append(acks, a)
			if first {
				close(started)
				first = false
			}
		}
		read <- sc.Err()
	}()
	select {
	case <-started:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the child acknowledged nothing in 20 s")
	}
	time.Sleep(delay)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// A last line cut short by the kill is not an acknowledgement: the child
	// ends every line with a marker that parseAck requires.
	if err := <-read; err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	return acks
}

// crashChild appends from 32 goroutines, printing each acknowledgement as
// soon as Append returns, until it is killed.
func crashChild(dir, round string) {
	s, err := filestore.Open(filestore.Options{Dir: dir, SegmentSize: testSegmentSize})
	if err != nil {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(2)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 32 {
		wg.Go(func() {
			stream := fmt.Sprintf("r%s-g%d", round, g)
			var version uint64
			for i := 0; ; i++ {
				batch := make([]eventstore.EventData, 1+i%3)
				for j := range batch {
					batch[j] = event(i)
				}
				res, err := s.Append(context.Background(), stream, eventstore.Exact(version), batch...)
				if err != nil {
					fmt.Fprintln(os.Stderr, "crash child:", err)
					os.Exit(2)
				}
				version = res.Version
				line := fmt.Sprintf("%s %d %d", stream, res.Version, res.Position)
				for _, e := range batch {
					line += " " + e.ID.String()
				}
				mu.Lock()
				_, _ = os.Stdout.WriteString(line + " .\n")
				mu.Unlock()
			}
		})
	}
	time.Sleep(time.Minute) // killed long before
	os.Exit(3)
}

func parseAck(line string) (ack, error) {
	f := strings.Fields(line)
	if len(f) < 5 || f[len(f)-1] != "." {
		return ack{}, fmt.Errorf("incomplete acknowledgement %q", line)
	}
	a := ack{stream: f[0]}
	var err1, err2 error
	a.version, err1 = strconv.ParseUint(f[1], 10, 64)
	a.position, err2 = strconv.ParseUint(f[2], 10, 64)
	if err1 != nil || err2 != nil {
		return ack{}, fmt.Errorf("bad acknowledgement %q", line)
	}
	for _, s := range f[3 : len(f)-1] {
		id, err := uuid.Parse(s)
		if err != nil {
			return ack{}, fmt.Errorf("bad acknowledgement %q: %w", line, err)
		}
		a.ids = append(a.ids, id)
	}
	return a, nil
}

// checkAcked asserts the log (all of it, read in order) holds every
// acknowledged event once, where the acknowledgement said, with strictly
// increasing positions.
func checkAcked(t *testing.T, s eventstore.Store, log []eventstore.RecordedEvent, acked []ack) {
	t.Helper()
	at := map[uuid.UUID]int{} // id → index in log
	for i, e := range log {
		if i > 0 && e.Position <= log[i-1].Position {
			t.Fatalf("position %d follows %d", e.Position, log[i-1].Position)
		}
		if _, dup := at[e.ID]; dup {
			t.Fatalf("event %s is stored twice", e.ID)
		}
		at[e.ID] = i
	}
	for _, a := range acked {
		for j, id := range a.ids {
			i, ok := at[id]
			if !ok {
				t.Fatalf("acknowledged event %s (%s v%d) is missing", id, a.stream, a.version)
			}
			e := log[i]
			wantVersion := a.version - uint64(len(a.ids)-1-j)
			if e.Stream != a.stream || e.Version != wantVersion {
				t.Fatalf("event %s is %s v%d, acknowledged as %s v%d", id, e.Stream, e.Version, a.stream, wantVersion)
			}
			if j == len(a.ids)-1 && e.Position != a.position {
				t.Fatalf("event %s at position %d, acknowledged at %d", id, e.Position, a.position)
			}
			if j > 0 && log[i-1].ID != a.ids[j-1] {
				t.Fatalf("batch of %s split in the log", a.stream)
			}
		}
	}
	// Streams read back in version order.
	streams := map[string]uint64{}
	for _, e := range log {
		streams[e.Stream]++
		if e.Version != streams[e.Stream] {
			t.Fatalf("%s: version %d where %d was due", e.Stream, e.Version, streams[e.Stream])
		}
	}
	for stream, n := range streams {
		got, err := s.ReadStream(context.Background(), stream, eventstore.Backwards, 0, 1)
		if err != nil || len(got) != 1 || got[0].Version != n {
			t.Fatalf("ReadStream(%s) last = %v, %v; want version %d", stream, got, err, n)
		}
	}
}
