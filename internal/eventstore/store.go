// Package eventstore defines the one event-store contract every backend
// implements: append to a stream with an expected version, read a stream
// forwards or backwards, read $all from a global position, and subscribe to $all
// (catch up, then live). Backends live in sub-packages (filestore, the embedded
// default; kurrentdb; memstore for tests) and all pass the same contract suite,
// storetest.Run.
//
// Versions are 1-based: a stream's version is the number of events in it, so an
// empty or missing stream has version 0 and its first event has Version 1.
// Global positions are strictly increasing in $all order but need not be dense
// (KurrentDB's are byte offsets); a position of 0 means "before the first event".
//
// Errors: a wrong expected version returns a *ConflictError, which matches
// ErrConcurrency with errors.Is and carries the actual version. Backends
// translate their own conflict errors into it. A store that has failed and
// refuses appends until reopened returns errors matching ErrUnavailable.
package eventstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// AllStream is the name of the virtual stream of every event in global order.
const AllStream = "$all"

// Metadata travels with every event: which command wrote it (for idempotent
// retries), on whose behalf, and the correlation and causation ids that tie
// events of one business process together.
type Metadata struct {
	CommandID     string `json:"commandId,omitempty"`
	Actor         string `json:"actor,omitempty"`
	CorrelationID string `json:"correlationId,omitempty"`
	CausationID   string `json:"causationId,omitempty"`
}

// EventData is an event to append. ID must be unique within the stream: appending
// a batch whose ids are already stored there is an idempotent no-op.
type EventData struct {
	ID       uuid.UUID
	Type     string
	Data     []byte // JSON
	Metadata Metadata
}

// RecordedEvent is an event as stored.
type RecordedEvent struct {
	ID       uuid.UUID
	Stream   string
	Version  uint64 // 1-based number of the event within its stream
	Position uint64 // global position in $all, strictly increasing
	Type     string
	Data     []byte
	Metadata Metadata
	Recorded time.Time // when the store wrote it, UTC
}

// ExpectedVersion is the condition an append places on the stream's current version.
type ExpectedVersion struct {
	kind    expectKind
	version uint64
}

type expectKind uint8

const (
	expectAny expectKind = iota
	expectNoStream
	expectStreamExists
	expectExact
)

// Expected versions.
var (
	// Any appends whatever the stream's version.
	Any = ExpectedVersion{kind: expectAny}
	// NoStream appends only if the stream has no events.
	NoStream = ExpectedVersion{kind: expectNoStream}
	// StreamExists appends only if the stream has at least one event.
	StreamExists = ExpectedVersion{kind: expectStreamExists}
)

// Exact appends only if the stream's version is v (Exact(0) is NoStream).
func Exact(v uint64) ExpectedVersion {
	if v == 0 {
		return NoStream
	}
	return ExpectedVersion{kind: expectExact, version: v}
}

// Matches reports whether a stream at version current satisfies e.
func (e ExpectedVersion) Matches(current uint64) bool {
	switch e.kind {
	case expectNoStream:
		return current == 0
	case expectStreamExists:
		return current > 0
	case expectExact:
		return current == e.version
	default:
		return true
	}
}

// IsAny, IsNoStream, IsStreamExists report the kind; Version returns the exact
// version and true for an Exact expectation. Backends use them to translate.

// IsAny reports whether e is Any.
func (e ExpectedVersion) IsAny() bool { return e.kind == expectAny }

// IsNoStream reports whether e is NoStream.
func (e ExpectedVersion) IsNoStream() bool { return e.kind == expectNoStream }

// IsStreamExists reports whether e is StreamExists.
func (e ExpectedVersion) IsStreamExists() bool { return e.kind == expectStreamExists }

// Version returns the exact version expected, and false when e is not Exact.
func (e ExpectedVersion) Version() (uint64, bool) { return e.version, e.kind == expectExact }

// String describes e for errors and logs.
func (e ExpectedVersion) String() string {
	switch e.kind {
	case expectNoStream:
		return "no stream"
	case expectStreamExists:
		return "stream exists"
	case expectExact:
		return fmt.Sprintf("version %d", e.version)
	default:
		return "any"
	}
}

// ErrConcurrency is matched (errors.Is) by every wrong-expected-version error.
var ErrConcurrency = errors.New("eventstore: wrong expected version")

// ErrClosed is returned by operations on a closed store or subscription.
var ErrClosed = errors.New("eventstore: closed")

// ErrUnavailable is matched (errors.Is) by the errors of a store that cannot
// accept appends for now: a backend after a write or sync failure, until it
// is reopened. Retrying later may succeed; retrying at once will not.
var ErrUnavailable = errors.New("eventstore: store unavailable")

// ConflictError reports a wrong expected version. Actual is the stream's
// version at the time of the append (0 if the stream does not exist).
type ConflictError struct {
	Stream   string
	Expected ExpectedVersion
	Actual   uint64
}

// Error implements error.
func (e *ConflictError) Error() string {
	return fmt.Sprintf("eventstore: stream %q: expected %s, actual version %d", e.Stream, e.Expected, e.Actual)
}

// Is makes errors.Is(err, ErrConcurrency) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConcurrency }

// AppendResult is what an acknowledged append wrote.
type AppendResult struct {
	Version  uint64 // the stream's version after the append (its last event's Version)
	Position uint64 // the global position of the last event written
}

// Direction is the order of a stream read.
type Direction uint8

// Read directions.
const (
	Forwards Direction = iota
	Backwards
)

// Filter selects events of a subscription. An empty filter selects all; with
// both lists set an event must match one prefix of each.
type Filter struct {
	StreamPrefixes    []string // e.g. "listing-" for the listing category
	EventTypePrefixes []string // e.g. "listing.Bid"
}

// Match reports whether the filter selects an event of that stream and type.
func (f Filter) Match(stream, eventType string) bool {
	return matchPrefix(f.StreamPrefixes, stream) && matchPrefix(f.EventTypePrefixes, eventType)
}

func matchPrefix(prefixes []string, s string) bool {
	if len(prefixes) == 0 {
		return true
	}
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// Store is the event store contract. All methods are safe for concurrent use.
type Store interface {
	// Append writes events to stream atomically if expected matches the
	// stream's version, and returns only once they are durable. A wrong
	// version returns a *ConflictError. If every event id of the batch is
	// already stored in the stream, Append writes nothing and returns the
	// result of the original write. An empty batch is an error.
	Append(ctx context.Context, stream string, expected ExpectedVersion, events ...EventData) (AppendResult, error)

	// ReadStream returns up to max events of stream starting at version from
	// (inclusive), forwards or backwards. Backwards from 0 starts at the last
	// event. A missing stream reads as empty.
	ReadStream(ctx context.Context, stream string, dir Direction, from uint64, max int) ([]RecordedEvent, error)

	// ReadAll returns up to max events of $all with Position > after, in order.
	ReadAll(ctx context.Context, after uint64, max int) ([]RecordedEvent, error)

	// SubscribeAll delivers every event with Position > after that filter
	// selects, in order: first the stored ones, then live ones, with no gap and
	// no duplicate. The subscription ends when ctx is done or Close is called.
	SubscribeAll(ctx context.Context, after uint64, filter Filter) (Subscription, error)

	// Close releases the store. Pending appends either complete or fail.
	Close() error
}

// Subscription is a live, ordered feed of events.
type Subscription interface {
	// Next blocks until the next event, ctx is done, or the subscription
	// ends (ErrClosed or the backend's error).
	Next(ctx context.Context) (RecordedEvent, error)
	// Close ends the subscription.
	Close() error
}

// Validate checks an append's arguments the same way for every backend.
func Validate(stream string, events []EventData) error {
	if stream == "" || stream == AllStream || strings.HasPrefix(stream, "$") {
		return fmt.Errorf("eventstore: invalid stream name %q", stream)
	}
	if len(events) == 0 {
		return errors.New("eventstore: append of no events")
	}
	for i, e := range events {
		if e.ID == uuid.Nil {
			return fmt.Errorf("eventstore: event %d has no id", i)
		}
		if e.Type == "" {
			return fmt.Errorf("eventstore: event %d has no type", i)
		}
	}
	return nil
}
