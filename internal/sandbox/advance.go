package sandbox

import (
	"context"
	"sync"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// CodeClockBackwards refuses an advance to a time before the clock's.
const CodeClockBackwards = "CLOCK_BACKWARDS"

// Scanner is what the settling needs of the store: its new events since the
// last look (messaging.Idle's Scan).
type Scanner interface {
	// Scan returns the store's last position and the position of its last
	// event that projections and workflows read.
	Scan(ctx context.Context) (head, domain uint64, err error)
}

// Settler waits until everything that follows the store has caught up with
// it: the scheduler's due watchers, the workflows, the projections
// and the live feeds. Each wait blocks until its part has reached the
// position given (or, for the workflows, everything Scan read).
type Settler struct {
	Store      Scanner
	Watchers   func(ctx context.Context, pos uint64) error // app.App.SchedulerCaughtUp
	Managers   func(ctx context.Context) error             // messaging.Idle.WaitFor
	Projection func(ctx context.Context, pos uint64) error // readmodel.Projector.WaitFor
	Live       func(ctx context.Context, pos uint64) error // api.Hub.WaitFor
}

// Settle returns once every part has caught up with the store and no
// workflow wrote anything more meanwhile (a manager's command may
// lead to further events and due entries), with the position of the last
// event the read models hold.
func (s Settler) Settle(ctx context.Context) (uint64, error) {
	settled, first := uint64(0), true
	for {
		head, domain, err := s.Store.Scan(ctx)
		if err != nil {
			return 0, err
		}
		// Only the bridge's checkpoints were written since the last round:
		// nothing follows them.
		if !first && domain == settled {
			return settled, nil
		}
		if err := s.Watchers(ctx, head); err != nil {
			return 0, err
		}
		if err := s.Managers(ctx); err != nil {
			return 0, err
		}
		if err := s.Projection(ctx, domain); err != nil {
			return 0, err
		}
		if err := s.Live(ctx, head); err != nil {
			return 0, err
		}
		settled, first = domain, false
	}
}

// Scheduler is the scheduler of time-driven commands (an *app.Scheduler).
type Scheduler interface {
	Advance(ctx context.Context, to time.Time, set func(time.Time), settle func(context.Context) error) error
}

// Advancer moves a sandbox's clock when told. Its calls are serialised.
type Advancer struct {
	mu     sync.Mutex
	clock  *Clock
	sched  Scheduler
	settle func(context.Context) (uint64, error)
}

// NewAdvancer returns an Advancer of clock that sends sched's due commands
// and settles with settle (Settler.Settle) between steps.
func NewAdvancer(clock *Clock, sched Scheduler, settle func(context.Context) (uint64, error)) *Advancer {
	return &Advancer{clock: clock, sched: sched, settle: settle}
}

// Now returns the sandbox's time.
func (a *Advancer) Now() time.Time { return a.clock.Now() }

// Advance moves the clock forward to `to`, stopping at every due time on the
// way so that each time-driven command is decided at its own due time, and
// settling after each. It returns the new time and the position of the last
// event the read models hold, once everything due up to `to` has been
// decided and projected; the time is saved before it returns. A `to` equal
// to the clock's time moves nothing but still sends what is due and
// settles; one before it is refused with CodeClockBackwards.
func (a *Advancer) Advance(ctx context.Context, to time.Time) (time.Time, uint64, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if now := a.clock.Now(); to.Before(now) {
		return time.Time{}, 0, kernel.FieldErrorf(CodeClockBackwards, "to", "the sandbox's clock moves forward only: %s is before its now, %s",
			to.UTC().Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))
	}
	var pos uint64
	err := a.sched.Advance(ctx, to, a.clock.Set, func(ctx context.Context) (err error) {
		pos, err = a.settle(ctx)
		return err
	})
	if err == nil {
		err = a.clock.Save()
	}
	if err != nil {
		return time.Time{}, 0, err
	}
	return a.clock.Now(), pos, nil
}
