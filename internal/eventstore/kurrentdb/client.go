package kurrentdb

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// The esdb client (v4.1.0) has two traits the Store works around here:
//
//   - It closes itself for good when it cannot find a node (after
//     maxDiscoverAttempts from the connection string, a second or two while
//     KurrentDB restarts) and then fails every call before sending anything.
//     use puts a new client in its place and runs the call once more.
//   - A call that fails as unavailable sends on a channel the client closes
//     in Close (a panic) and that nobody reads once it has closed itself (a
//     call blocked for good). So Close waits for the calls in flight, for a
//     while, and leaves a client with calls still inside it open rather than
//     panic them; and a client that closed itself is dropped, never closed.

// closeWait bounds how long Close waits for calls in flight.
const closeWait = 5 * time.Second

// use runs one call into the client, fn, unless the Store is closed. If the
// client has closed itself, use replaces it and runs fn once more.
func (s *Store) use(fn func(*esdb.Client) error) error {
	for renewed := false; ; renewed = true {
		if !s.calls.enter() {
			return eventstore.ErrClosed
		}
		s.mu.Lock()
		client := s.client
		s.mu.Unlock()
		err := fn(client)
		s.calls.leave()
		var esErr *esdb.Error
		if renewed || !errors.As(err, &esErr) || esErr.Code() != esdb.ErrorCodeConnectionClosed {
			return err
		}
		if err := s.renew(client); err != nil {
			return err
		}
	}
}

// renew replaces client, if it is still the Store's, with a new one.
func (s *Store) renew(client *esdb.Client) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed.Load():
		return eventstore.ErrClosed
	case s.client != client:
		return nil // another call renewed it
	}
	fresh, err := esdb.NewClient(&s.conf)
	if err != nil {
		return fmt.Errorf("kurrentdb: new client: %w", err)
	}
	s.client = fresh
	return nil
}

// Close implements eventstore.Store. New calls fail with ErrClosed at once;
// Close waits up to closeWait for the calls in flight to complete or fail,
// then closes the client's connection, which ends every subscription.
// Calling it again does nothing.
func (s *Store) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	idle := s.calls.close(closeWait)
	s.mu.Lock()
	client := s.client
	s.mu.Unlock()
	if !idle {
		return fmt.Errorf("kurrentdb: closed, but calls into the client did not finish within %s; its connection is left open", closeWait)
	}
	return client.Close()
}

// inflight counts the calls in progress and, once closed, refuses new ones.
type inflight struct {
	mu     sync.Mutex
	n      int
	closed bool
	idle   chan struct{} // made by close; closed when n reaches 0
}

// enter starts a call, or reports false once closed.
func (f *inflight) enter() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.n++
	return true
}

// leave ends a call.
func (f *inflight) leave() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n--
	if f.n == 0 && f.idle != nil {
		close(f.idle)
		f.idle = nil
	}
}

// close refuses new calls and waits up to wait for the others to end. It
// reports whether they did.
func (f *inflight) close(wait time.Duration) bool {
	f.mu.Lock()
	f.closed = true
	if f.n == 0 {
		f.mu.Unlock()
		return true
	}
	idle := make(chan struct{})
	f.idle = idle
	f.mu.Unlock()
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-idle:
		return true
	case <-timer.C:
		return false
	}
}
