// Package sandbox runs the exchange on a clock that moves only when told, so
// an integrator can reach every time-driven step (an auction's close, a
// lapsed priority window, an overdue loan, a default) through the API.
//
// A data directory is marked, when it is first created, as a sandbox's or a
// real exchange's (Mark): a sandbox directory refuses to open without
// --sandbox and a real one refuses to open with it, so simulated time never
// mixes with real records. A directory made before markers existed that
// holds events counts as real.
//
// The sandbox's clock (Clock) starts at the real time the directory is
// created and is persisted: OpenClock recovers its now as the latest of the
// marker's start, the time saved at the end of the last advance and the
// recorded time of the store's last event (an advance that crashed half way
// resumes after the last step it wrote, never before an event).
//
// Advancer.Advance moves the clock forward, stopping at every due time on
// the way; between steps it lets the workflows, the projections and
// the live feeds settle (Settler).
//
// Errors: Mark returns an error matching ErrWrongMode; Advance refuses a
// time before the clock's with a *kernel.Error of CodeClockBackwards.
package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/nongjiao/nongjiao/internal/durable"
)

// MarkerFile is the name, in a data directory, of the file that marks it a
// sandbox's or a real exchange's.
const MarkerFile = "mode.json"

// ErrWrongMode is a data directory opened in the other mode than it was made in.
var ErrWrongMode = errors.New("data directory of the other mode")

// marker is MarkerFile's content.
type marker struct {
	Mode    string    `json:"mode"` // "sandbox" or "real"
	Created time.Time `json:"created"`
}

// Mark checks that dir was made in the mode asked for (sandbox or real) and
// returns when it was made. A directory without a marker is marked now,
// durably, in the mode asked for, unless it holds events already: then it is
// a real exchange's.
func Mark(dir string, sandbox bool, now time.Time) (time.Time, error) {
	want := modeName(sandbox)
	path := filepath.Join(dir, MarkerFile)
	m, err := readMarker(path)
	if errors.Is(err, fs.ErrNotExist) {
		m = marker{Mode: want, Created: now.UTC()}
		old, herr := holdsEvents(dir)
		switch {
		case herr != nil:
			return time.Time{}, herr
		case old: // made before markers: a real exchange's
			m.Mode, err = modeName(false), nil
		}
		if m.Mode == want {
			err = create(dir, path, m)
		}
	}
	if err != nil {
		return time.Time{}, err
	}
	switch {
	case m.Mode == want:
		return m.Created, nil
	case sandbox:
		return time.Time{}, fmt.Errorf("%w: %s holds a real exchange's records: --sandbox needs a data directory of its own (a new one, with --data-dir)", ErrWrongMode, dir)
	default:
		return time.Time{}, fmt.Errorf("%w: %s is a sandbox's data directory (simulated time): serve it with --sandbox", ErrWrongMode, dir)
	}
}

func modeName(sandbox bool) string {
	if sandbox {
		return "sandbox"
	}
	return "real"
}

func readMarker(path string) (marker, error) {
	var m marker
	b, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil || (m.Mode != "sandbox" && m.Mode != "real") {
		return m, fmt.Errorf("%s is not a data directory marker: %q", path, b)
	}
	return m, nil
}

// holdsEvents reports whether dir has an embedded event store with anything in it.
func holdsEvents(dir string) (bool, error) {
	entries, err := os.ReadDir(filepath.Join(dir, "events"))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return len(entries) > 0, err
}

func create(dir, path string, m marker) error {
	if err := durable.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return durable.CreateFile(path, append(b, '\n'), 0o644)
}
