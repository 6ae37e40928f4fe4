package eventstore

import (
	"context"
	"errors"
	"time"
)

// Follow hands every event of store after position after to handle, in
// order, until ctx ends (it then returns nil, while handle may still be
// under way) or reading or handling fails. While store is unavailable
// (ErrUnavailable, as while the embedded store is reopened after a failed
// write), reading or handling an event is tried again every
// UnavailableWait, from the event after the last one handled: a store that
// comes back must not have stopped the parts of a server that follow it.
func Follow(ctx context.Context, store Store, after uint64, handle func(context.Context, RecordedEvent) error) error {
	for {
		err := followFrom(ctx, store, &after, handle)
		switch {
		case ctx.Err() != nil:
			return nil // stopping, not failing
		case !errors.Is(err, ErrUnavailable):
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(UnavailableWait):
		}
	}
}

// UnavailableWait is how long Follow waits before it reads again from a
// store that was unavailable.
const UnavailableWait = 100 * time.Millisecond

// followFrom hands store's events after *after to handle, moving *after
// past each one handled, until an error.
func followFrom(ctx context.Context, store Store, after *uint64, handle func(context.Context, RecordedEvent) error) error {
	sub, err := store.SubscribeAll(ctx, *after, Filter{})
	if err != nil {
		return err
	}
	defer sub.Close()
	for {
		rec, err := sub.Next(ctx)
		if err == nil {
			err = handle(ctx, rec)
		}
		if err != nil {
			return err
		}
		*after = rec.Position
	}
}
