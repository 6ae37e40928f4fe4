package kurrentdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/EventStore/EventStore-Client-Go/v4/esdb"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// Store is an eventstore.Store over one KurrentDB node or cluster. Create it
// with Open.
type Store struct {
	conf   esdb.Configuration
	known  *knownStreams
	calls  inflight    // every call into the client, so Close can wait for them
	closed atomic.Bool // set first thing by Close

	mu     sync.Mutex
	client *esdb.Client // replaced by renew
}

var _ eventstore.Store = (*Store)(nil)

// knownStreamsCapacity bounds how many streams' event ids the Store keeps.
const knownStreamsCapacity = 4096

// Open connects to the KurrentDB that connString names (a KurrentDB
// connection string, e.g. "esdb://127.0.0.1:2113?tls=false") and checks that
// it answers a read of a stream. The client's log goes to log at debug level
// (nowhere when log is nil).
func Open(ctx context.Context, connString string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	conf, err := esdb.ParseConnectionString(connString)
	if err != nil {
		return nil, fmt.Errorf("kurrentdb: connection string: %w", err)
	}
	conf.Logger = func(level esdb.LogLevel, format string, args ...any) {
		log.Debug("kurrentdb client: "+fmt.Sprintf(format, args...), "level", level)
	}
	client, err := esdb.NewClient(conf)
	if err != nil {
		return nil, fmt.Errorf("kurrentdb: client: %w", err)
	}
	s := &Store{conf: *conf, client: client, known: newKnownStreams(knownStreamsCapacity)}
	if _, err := s.ReadStream(ctx, "nongjiao-connection-check", eventstore.Forwards, 1, 1); err != nil {
		_ = s.Close()
		where := conf.Address // without the credentials the string may hold
		if where == "" {
			where = "the cluster"
		}
		return nil, fmt.Errorf("kurrentdb: %s does not answer: %w", where, err)
	}
	return s, nil
}

// Append implements eventstore.Store; see the package doc for how it keeps
// re-appends idempotent.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.Validate(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	if s.closed.Load() {
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	proposed, err := toProposed(events)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	k, err := s.known.lock(ctx, stream)
	if err != nil {
		return eventstore.AppendResult{}, err
	}
	defer k.unlock()
	// k may be stale (other processes append too), never wrong: the write
	// goes at exactly the revision k knows, so KurrentDB refuses it if the
	// stream holds more than k, ids included, and k catches up. A conflict
	// is reported only from what this call read.
	caughtUp := false
	catchUp := func() error {
		caughtUp = true
		return k.catchUp(ctx, s, stream)
	}
	for {
		if res, ok := k.written(events); ok {
			return res, nil
		}
		if !expected.Matches(k.version) {
			if caughtUp {
				return eventstore.AppendResult{}, &eventstore.ConflictError{Stream: stream, Expected: expected, Actual: k.version}
			}
			if err := catchUp(); err != nil {
				return eventstore.AppendResult{}, err
			}
			continue
		}
		var wr *esdb.WriteResult
		err := s.use(func(c *esdb.Client) (err error) {
			wr, err = c.AppendToStream(ctx, stream, esdb.AppendToStreamOptions{ExpectedRevision: revisionAt(k.version)}, proposed...)
			return err
		})
		var esErr *esdb.Error
		switch {
		case errors.As(err, &esErr) && esErr.Code() == esdb.ErrorCodeWrongExpectedVersion:
			before := k.version
			if err := catchUp(); err != nil {
				return eventstore.AppendResult{}, err
			}
			if k.version == before {
				// Refused, yet the stream reads no further: it was deleted or
				// truncated behind the cache's back. Trying again cannot help.
				return eventstore.AppendResult{}, fmt.Errorf("kurrentdb: append to %s: refused at version %d, but the stream reads no further (deleted or truncated?): %w", stream, before, err)
			}
			continue
		case err != nil:
			return eventstore.AppendResult{}, s.fail(ctx, "append to "+stream, err)
		}
		// Written, or found already written at that revision (KurrentDB's
		// own idempotency, answered without a position): read the events
		// back, so the result is what reads report.
		if err := catchUp(); err != nil {
			return eventstore.AppendResult{}, err
		}
		res, ok := k.written(events)
		if !ok {
			return eventstore.AppendResult{}, fmt.Errorf("kurrentdb: append to %s: acknowledged, but the events are not in the stream", stream)
		}
		if res.Position == 0 && res.Version == wr.NextExpectedVersion+1 {
			// A server whose stream reads carry no positions.
			res.Position = wr.CommitPosition
		}
		return res, nil
	}
}

// revisionAt is the expected revision of a stream at version v.
func revisionAt(v uint64) esdb.ExpectedRevision {
	if v == 0 {
		return esdb.NoStream{}
	}
	return esdb.Revision(v - 1)
}

// wireMetadata is an event's user metadata as stored: the contract's fields,
// and the same correlation and causation ids under the names KurrentDB's
// $by_correlation_id projection and UI read.
type wireMetadata struct {
	eventstore.Metadata
	KurrentCorrelate string `json:"$correlationId,omitempty"`
	KurrentCause     string `json:"$causationId,omitempty"`
}

// toProposed turns events into the client's form, with metadata as JSON.
func toProposed(events []eventstore.EventData) ([]esdb.EventData, error) {
	out := make([]esdb.EventData, len(events))
	for i, e := range events {
		meta, err := json.Marshal(wireMetadata{
			Metadata:         e.Metadata,
			KurrentCorrelate: e.Metadata.CorrelationID,
			KurrentCause:     e.Metadata.CausationID,
		})
		if err != nil {
			return nil, fmt.Errorf("kurrentdb: event %d metadata: %w", i, err)
		}
		out[i] = esdb.EventData{EventID: e.ID, EventType: e.Type, ContentType: esdb.ContentTypeJson, Data: e.Data, Metadata: meta}
	}
	return out, nil
}

// ReadStream implements eventstore.Store.
func (s *Store) ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if s.closed.Load() {
		return nil, eventstore.ErrClosed
	}
	if limit <= 0 {
		return nil, nil
	}
	opts := esdb.ReadStreamOptions{Direction: esdb.Forwards, From: esdb.Start{}}
	if dir == eventstore.Backwards {
		opts.Direction, opts.From = esdb.Backwards, esdb.End{}
	}
	if from > 0 {
		opts.From = esdb.Revision(from - 1)
	}
	var out []eventstore.RecordedEvent
	err := s.read(ctx, "read "+stream, func(c *esdb.Client) (*esdb.ReadStream, error) {
		return c.ReadStream(ctx, stream, opts, uint64(limit))
	}, func(e eventstore.RecordedEvent) bool {
		out = append(out, e)
		return true
	})
	return out, err
}

// ReadAll implements eventstore.Store. It reads $all in pages and leaves out
// system events, so a page of the contract holds up to limit of the others.
func (s *Store) ReadAll(ctx context.Context, after uint64, limit int) ([]eventstore.RecordedEvent, error) {
	if s.closed.Load() {
		return nil, eventstore.ErrClosed
	}
	if limit <= 0 {
		return nil, nil
	}
	// A read of $all from a position includes the event at that position;
	// pages are not too small to step over runs of system events.
	page := uint64(min(max(limit, 255), 4095)) + 1
	var out []eventstore.RecordedEvent
	for cursor := after; ; {
		var from esdb.AllPosition = esdb.Start{}
		if cursor > 0 {
			from = esdb.Position{Commit: cursor, Prepare: cursor}
		}
		var n uint64
		err := s.read(ctx, "read $all", func(c *esdb.Client) (*esdb.ReadStream, error) {
			return c.ReadAll(ctx, esdb.ReadAllOptions{From: from}, page)
		}, func(e eventstore.RecordedEvent) bool {
			n++
			if e.Position <= cursor {
				return true
			}
			cursor = e.Position
			if !system(e.Stream, e.Type) {
				out = append(out, e)
			}
			return len(out) < limit
		})
		if err != nil || n < page || len(out) == limit {
			return out, err
		}
	}
}

// read runs one read and passes its events to each until each returns false,
// the read ends, or it fails. A missing stream reads as empty.
func (s *Store) read(ctx context.Context, op string, open func(*esdb.Client) (*esdb.ReadStream, error), each func(eventstore.RecordedEvent) bool) error {
	err := s.use(func(c *esdb.Client) error {
		rs, err := open(c)
		if err != nil {
			return err
		}
		defer rs.Close()
		for {
			ev, err := rs.Recv()
			var esErr *esdb.Error
			switch {
			case errors.Is(err, io.EOF):
				return nil
			case errors.As(err, &esErr) && esErr.Code() == esdb.ErrorCodeResourceNotFound:
				return nil
			case err != nil:
				return err
			}
			if ev.Event == nil || !each(fromRecorded(ev.Event)) {
				return nil
			}
		}
	})
	if err != nil {
		return s.fail(ctx, op, err)
	}
	return nil
}

// fail explains a client error: ErrClosed after Close, the context's own
// error when it ended, otherwise the client's error with the operation,
// matching eventstore.ErrUnavailable too when no node can take the request.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	switch {
	case s.closed.Load():
		return eventstore.ErrClosed
	case ctx.Err() != nil:
		return ctx.Err()
	}
	var esErr *esdb.Error
	if errors.As(err, &esErr) {
		switch esErr.Code() {
		case esdb.ErrorUnavailable, esdb.ErrorCodeConnectionClosed, esdb.ErrorCodeNotLeader, esdb.ErrorCodeDeadlineExceeded:
			return fmt.Errorf("kurrentdb: %s: %w: %w", op, eventstore.ErrUnavailable, err)
		}
	}
	if errors.Is(err, io.EOF) {
		// The connection ended under the request: a server that went away
		// between the client's last look and this request's first message.
		return fmt.Errorf("kurrentdb: %s: %w: %w", op, eventstore.ErrUnavailable, err)
	}
	return fmt.Errorf("kurrentdb: %s: %w", op, err)
}

// fromRecorded converts a stored event. Its Position is the commit position,
// or the prepare position where the server leaves the commit position unset.
func fromRecorded(e *esdb.RecordedEvent) eventstore.RecordedEvent {
	pos := e.Position.Commit
	if pos == math.MaxUint64 {
		pos = e.Position.Prepare
	}
	if pos == math.MaxUint64 {
		pos = 0
	}
	var meta eventstore.Metadata
	// Events written by other programs may carry other metadata, or none.
	_ = json.Unmarshal(e.UserMetadata, &meta)
	return eventstore.RecordedEvent{
		ID:       e.EventID,
		Stream:   e.StreamID,
		Version:  e.EventNumber + 1,
		Position: pos,
		Type:     e.EventType,
		Data:     e.Data,
		Metadata: meta,
		Recorded: e.CreatedDate.UTC(),
	}
}

// system reports whether an event is one of KurrentDB's own: its stream or
// type starts with "$".
func system(stream, eventType string) bool {
	return strings.HasPrefix(stream, "$") || strings.HasPrefix(eventType, "$")
}
