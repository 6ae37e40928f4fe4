package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

var t0 = time.Date(2026, 3, 10, 1, 30, 0, 0, time.UTC)

func TestMarkMakesANewDirectoryInTheModeAskedFor(t *testing.T) {
	for _, sb := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "data")
		created, err := Mark(dir, sb, t0)
		if err != nil || !created.Equal(t0) {
			t.Fatalf("sandbox %v: new directory marked at %s, %v", sb, created, err)
		}
		if again, err := Mark(dir, sb, t0.Add(time.Hour)); err != nil || !again.Equal(t0) {
			t.Fatalf("sandbox %v: reopened: %s, %v; want the first creation time", sb, again, err)
		}
		if _, err := Mark(dir, !sb, t0); !errors.Is(err, ErrWrongMode) || !strings.Contains(err.Error(), "--sandbox") {
			t.Fatalf("sandbox %v: opened in the other mode: %v", sb, err)
		}
	}
}

// A directory with events and no marker predates markers: it is real.
func TestMarkCountsAnUnmarkedDirectoryWithEventsAsReal(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "events"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "events", "00000001.seg"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Mark(dir, true, t0); !errors.Is(err, ErrWrongMode) {
		t.Fatalf("--sandbox on old real records: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, MarkerFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the refused open left a marker: %v", err)
	}
	if _, err := Mark(dir, false, t0); err != nil {
		t.Fatal(err)
	}
	if m, err := readMarker(filepath.Join(dir, MarkerFile)); err != nil || m.Mode != "real" {
		t.Fatalf("marker %+v, %v; want real", m, err)
	}
}

func TestMarkRefusesADamagedMarker(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, MarkerFile), []byte(`{"mode":"test"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Mark(dir, false, t0); err == nil || !strings.Contains(err.Error(), "not a data directory marker") {
		t.Fatalf("damaged marker: %v", err)
	}
}

// The clock opens at the latest of its floor and the time last saved.
func TestOpenClockResumesFromTheLaterOfFloorAndSavedTime(t *testing.T) {
	dir := t.TempDir()
	c, err := OpenClock(dir, t0)
	if err != nil || !c.Now().Equal(t0) {
		t.Fatalf("new clock at %s, %v", c.Now(), err)
	}
	c.Set(t0.Add(48 * time.Hour))
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	for floor, want := range map[time.Time]time.Time{t0: t0.Add(48 * time.Hour), t0.Add(72 * time.Hour): t0.Add(72 * time.Hour)} {
		c, err := OpenClock(dir, floor)
		if err != nil || !c.Now().Equal(want) {
			t.Errorf("floor %s: clock at %s, %v; want %s", floor, c.Now(), err, want)
		}
	}
}

func TestLastRecordedFindsTheLastEvent(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 7, 64, 100} {
		clock := kernel.NewManualClock(t0)
		store := memstore.New(clock)
		for i := range n {
			clock.Set(t0.Add(time.Duration(i) * time.Minute))
			if _, err := store.Append(context.Background(), "thing-1", eventstore.Any, eventstore.EventData{ID: uuid.New(), Type: "t.v1", Data: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := LastRecorded(context.Background(), store)
		want := time.Time{}
		if n > 0 {
			want = t0.Add(time.Duration(n-1) * time.Minute)
		}
		if err != nil || !got.Equal(want) {
			t.Errorf("%d events: last recorded %s, %v; want %s", n, got, err, want)
		}
	}
}

// schedulerFunc is a Scheduler.
type schedulerFunc func(ctx context.Context, to time.Time, set func(time.Time), settle func(context.Context) error) error

func (f schedulerFunc) Advance(ctx context.Context, to time.Time, set func(time.Time), settle func(context.Context) error) error {
	return f(ctx, to, set, settle)
}

// An advance to the past is refused before anything runs; one forward
// saves the new time and answers the position settle reached.
func TestAdvancerRefusesThePastAndSavesTheFuture(t *testing.T) {
	dir := t.TempDir()
	clock, err := OpenClock(dir, t0)
	if err != nil {
		t.Fatal(err)
	}
	calls := 0
	a := NewAdvancer(clock, schedulerFunc(func(ctx context.Context, to time.Time, set func(time.Time), settle func(context.Context) error) error {
		calls++
		set(to)
		return settle(ctx)
	}), func(context.Context) (uint64, error) { return 42, nil })
	_, _, err = a.Advance(context.Background(), t0.Add(-time.Second))
	if kernel.ErrorCode(err) != CodeClockBackwards || calls != 0 || !clock.Now().Equal(t0) {
		t.Fatalf("advance to the past: %v, %d scheduler calls, clock %s", err, calls, clock.Now())
	}
	now, pos, err := a.Advance(context.Background(), t0.Add(time.Hour))
	if err != nil || !now.Equal(t0.Add(time.Hour)) || pos != 42 {
		t.Fatalf("advance: %s, %d, %v", now, pos, err)
	}
	if saved, err := OpenClock(dir, t0); err != nil || !saved.Now().Equal(now) {
		t.Fatalf("saved clock %s, %v; want %s", saved.Now(), err, now)
	}
}
