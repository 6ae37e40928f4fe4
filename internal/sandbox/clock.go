package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/nongjiao/nongjiao/internal/durable"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// ClockFile is the name, in a sandbox's data directory, of the file holding
// the clock's time as of the end of the last advance.
const ClockFile = "sandbox-clock.json"

// Clock is a sandbox's clock: a kernel.ManualClock whose time Save keeps in
// the data directory.
type Clock struct {
	*kernel.ManualClock
	path string
}

// OpenClock returns the clock of the sandbox in dir, at the latest of
// floor (the marker's start and the store's last event, say) and the
// time last saved.
func OpenClock(dir string, floor time.Time) (*Clock, error) {
	path := filepath.Join(dir, ClockFile)
	now := floor
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		var saved struct{ Now time.Time }
		if err := json.Unmarshal(b, &saved); err != nil {
			return nil, err
		}
		if saved.Now.After(now) {
			now = saved.Now
		}
	}
	return &Clock{ManualClock: kernel.NewManualClock(now), path: path}, nil
}

// Save writes the clock's time durably.
func (c *Clock) Save() error {
	b, err := json.Marshal(struct{ Now time.Time }{c.Now()})
	if err != nil {
		return err
	}
	return durable.ReplaceFile(c.path, append(b, '\n'), 0o644)
}

// LastRecorded returns the recorded time of store's last event, or the zero
// time for an empty store. It reads a few dozen single events: it searches
// for the last position rather than reading the whole store.
func LastRecorded(ctx context.Context, store eventstore.Store) (time.Time, error) {
	var last eventstore.RecordedEvent
	lo, hi := uint64(0), uint64(1) // an event lies after lo; none after hi once found
	for {                          // find an hi with nothing after it
		recs, err := store.ReadAll(ctx, hi, 1)
		if err != nil {
			return time.Time{}, err
		}
		if len(recs) == 0 {
			break
		}
		lo, last, hi = recs[0].Position, recs[0], hi*2
	}
	if lo == 0 { // the search has not found an event yet: is there one at all?
		recs, err := store.ReadAll(ctx, 0, 1)
		if err != nil || len(recs) == 0 {
			return time.Time{}, err
		}
		lo, last = recs[0].Position, recs[0]
	}
	for lo < hi { // the last event is at or after lo, before or at hi
		mid := lo + (hi-lo)/2
		recs, err := store.ReadAll(ctx, mid, 1)
		if err != nil {
			return time.Time{}, err
		}
		if len(recs) == 0 {
			hi = mid
			continue
		}
		lo, last = recs[0].Position, recs[0]
		if lo == hi {
			break
		}
	}
	return last.Recorded, nil
}
