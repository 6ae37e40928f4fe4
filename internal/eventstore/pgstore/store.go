package pgstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// ErrPartialDuplicate is returned for a batch that repeats some, not all, of
// the event ids already stored in its stream: neither a retry nor a new write.
var ErrPartialDuplicate = errors.New("pgstore: batch repeats some, not all, of the stream's stored event ids")

// Options configure Open.
type Options struct {
	// URL is the PostgreSQL connection string, e.g. postgres://127.0.0.1:5432/test.
	URL string
	// Schema holds the tables (created if missing); "nongjiao" when empty.
	Schema string
	// Clock stamps recorded times; kernel.SystemClock when nil.
	Clock kernel.Clock
	// Log receives the listener's reconnections; nil discards.
	Log *slog.Logger
	// MaxConns bounds the pool (readers and the committer); 16 when 0.
	MaxConns int32
	// ApplicationName names the store's PostgreSQL sessions in
	// pg_stat_activity; DefaultApplicationName when empty.
	ApplicationName string
}

// DefaultApplicationName is the application_name of the store's PostgreSQL
// sessions unless Options name another.
const DefaultApplicationName = "nongjiao pgstore"

// maxGroup bounds the events one transaction writes.
const maxGroup = 1024

// pollEvery is how often a waiting subscription reads even without a notification.
const pollEvery = time.Second

// Store is an eventstore.Store on PostgreSQL. Create it with Open.
type Store struct {
	pool    *pgxpool.Pool
	clock   kernel.Clock
	log     *slog.Logger
	channel string // the NOTIFY channel of the schema

	mu      sync.Mutex
	closed  bool
	pending []*request    // appends waiting for the leader
	leading bool          // an Append is committing groups
	idle    sync.Cond     // on mu: signalled when leading ends
	done    chan struct{} // closed when the store closes
	stopped chan struct{} // closed when the listener has ended
	bell    bell
}

var _ eventstore.Store = (*Store)(nil)

// request is one Append waiting for the committer.
type request struct {
	stream   string
	expected eventstore.ExpectedVersion
	events   []eventstore.EventData
	reply    chan reply // buffered: the committer never waits for the caller
}

type reply struct {
	res eventstore.AppendResult
	err error
}

// Open connects, creates the tables if missing, and starts the committer and
// the listener.
func Open(ctx context.Context, opts Options) (*Store, error) {
	if opts.Schema == "" {
		opts.Schema = "nongjiao"
	}
	if opts.Clock == nil {
		opts.Clock = kernel.SystemClock{}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	cfg.MaxConns = 16
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = opts.Schema
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	cfg.ConnConfig.RuntimeParams["application_name"] = cmp.Or(opts.ApplicationName, DefaultApplicationName)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("pgstore: %w", err)
	}
	if err := migrate(ctx, pool, opts.Schema); err != nil {
		pool.Close()
		return nil, err
	}
	h := fnv.New64a()
	h.Write([]byte(opts.Schema))
	s := &Store{
		pool:    pool,
		clock:   opts.Clock,
		log:     opts.Log,
		channel: fmt.Sprintf("nongjiao_es_%x", h.Sum64()),
		done:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	s.idle.L = &s.mu
	listening := make(chan error, 1)
	go func() { s.listen(cfg.ConnConfig, listening); close(s.stopped) }()
	if err := <-listening; err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// schemaSQL creates the tables; %s is the quoted schema.
const schemaSQL = `
CREATE SCHEMA IF NOT EXISTS %[1]s;
CREATE TABLE IF NOT EXISTS %[1]s.es_events (
	position BIGINT PRIMARY KEY,
	stream TEXT NOT NULL,
	version BIGINT NOT NULL,
	id UUID NOT NULL,
	type TEXT NOT NULL,
	data BYTEA NOT NULL,
	command_id TEXT NOT NULL,
	actor TEXT NOT NULL,
	correlation_id TEXT NOT NULL,
	causation_id TEXT NOT NULL,
	recorded TIMESTAMPTZ NOT NULL,
	UNIQUE (stream, version),
	UNIQUE (stream, id)
);
CREATE TABLE IF NOT EXISTS %[1]s.es_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	position BIGINT NOT NULL
);
INSERT INTO %[1]s.es_head (id, position) VALUES (1, 0) ON CONFLICT (id) DO NOTHING;
` + appendSQL

// appendSQL creates es_append, which writes a group of appends in the
// caller's transaction: it locks the head row, reads the versions of the
// group's streams (names; each append's stream is an index into them) and
// which of its event ids are stored, decides each append in order (0
// appended, 1 repeated: every id stored, 2 partly repeated, 3 conflict with
// the actual version), numbers the accepted events from the head, inserts
// them, moves the head on and notifies p_channel. It returns one row per
// append: the outcome and the version and position to answer with.
const appendSQL = `
CREATE OR REPLACE FUNCTION %[1]s.es_append(
	names text[], stream_of int[], kinds int[], expected bigint[], counts int[],
	e_stream text[], e_id uuid[], e_type text[], e_data bytea[],
	e_cmd text[], e_actor text[], e_corr text[], e_caus text[],
	p_recorded timestamptz, p_channel text)
RETURNS TABLE (r_status int, r_version bigint, r_position bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
	head bigint;
	vers bigint[];
	n_ev int := coalesce(array_length(e_id, 1), 0);
	hit_v bigint[] := array_fill(NULL::bigint, ARRAY[n_ev]);
	hit_p bigint[] := array_fill(NULL::bigint, ARRAY[n_ev]);
	ev_v bigint[] := array_fill(NULL::bigint, ARRAY[n_ev]);
	ev_p bigint[] := array_fill(NULL::bigint, ARRAY[n_ev]);
	a int; j int; e int := 0; found_n int; lv bigint; lp bigint; cur bigint;
BEGIN
	SELECT h.position INTO head FROM es_head h WHERE h.id = 1 FOR UPDATE;
	SELECT array_agg(coalesce((SELECT x.version FROM es_events x WHERE x.stream = s.name ORDER BY x.version DESC LIMIT 1), 0) ORDER BY s.ord)
		INTO vers FROM unnest(names) WITH ORDINALITY AS s(name, ord);
	FOR j, lv, lp IN SELECT k.ord, x.version, x.position
		FROM unnest(e_stream, e_id) WITH ORDINALITY AS k(stream, id, ord)
		JOIN es_events x ON x.stream = k.stream AND x.id = k.id
	LOOP
		hit_v[j] := lv; hit_p[j] := lp;
	END LOOP;
	FOR a IN 1 .. coalesce(array_length(stream_of, 1), 0) LOOP
		found_n := 0; lv := 0; lp := 0;
		FOR j IN e + 1 .. e + counts[a] LOOP
			IF hit_v[j] IS NOT NULL THEN
				found_n := found_n + 1;
				IF hit_v[j] > lv THEN lv := hit_v[j]; lp := hit_p[j]; END IF;
			END IF;
		END LOOP;
		cur := vers[stream_of[a]];
		IF found_n = counts[a] THEN
			r_status := 1; r_version := lv; r_position := lp;
		ELSIF found_n > 0 THEN
			r_status := 2; r_version := 0; r_position := 0;
		ELSIF (kinds[a] = 1 AND cur <> 0) OR (kinds[a] = 2 AND cur = 0) OR (kinds[a] = 3 AND cur <> expected[a]) THEN
			r_status := 3; r_version := cur; r_position := 0;
		ELSE
			FOR j IN e + 1 .. e + counts[a] LOOP
				cur := cur + 1; head := head + 1;
				ev_v[j] := cur; ev_p[j] := head;
			END LOOP;
			vers[stream_of[a]] := cur;
			r_status := 0; r_version := cur; r_position := head;
		END IF;
		RETURN NEXT;
		e := e + counts[a];
	END LOOP;
	INSERT INTO es_events (position, stream, version, id, type, data, command_id, actor, correlation_id, causation_id, recorded)
		SELECT u.p, u.s, u.v, u.i, u.t, u.d, u.c, u.ac, u.co, u.ca, p_recorded
		FROM unnest(ev_p, e_stream, ev_v, e_id, e_type, e_data, e_cmd, e_actor, e_corr, e_caus) AS u(p, s, v, i, t, d, c, ac, co, ca)
		WHERE u.p IS NOT NULL;
	IF FOUND THEN
		UPDATE es_head SET position = head WHERE id = 1;
		PERFORM pg_notify(p_channel, head::text);
	END IF;
END
$fn$;
`

// migrate creates the schema and tables, once at a time across processes.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	// Concurrent CREATE … IF NOT EXISTS can still collide in the catalog.
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('nongjiao pgstore migrate'))`); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if _, err := tx.Exec(ctx, fmt.Sprintf(schemaSQL, pgx.Identifier{schema}.Sanitize())); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("pgstore: migrate: %w", err)
	}
	return nil
}

// Append implements eventstore.Store.
func (s *Store) Append(ctx context.Context, stream string, expected eventstore.ExpectedVersion, events ...eventstore.EventData) (eventstore.AppendResult, error) {
	if err := eventstore.Validate(stream, events); err != nil {
		return eventstore.AppendResult{}, err
	}
	if len(events) > maxGroup {
		return eventstore.AppendResult{}, fmt.Errorf("pgstore: a batch of %d events is over %d", len(events), maxGroup)
	}
	if err := ctx.Err(); err != nil {
		return eventstore.AppendResult{}, err
	}
	req := &request{stream: stream, expected: expected, events: events, reply: make(chan reply, 1)}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return eventstore.AppendResult{}, eventstore.ErrClosed
	}
	s.pending = append(s.pending, req)
	lead := !s.leading
	s.leading = true
	s.mu.Unlock()
	if lead {
		s.lead(req)
	}
	select {
	case r := <-req.reply:
		return r.res, r.err
	case <-ctx.Done():
		return eventstore.AppendResult{}, ctx.Err()
	}
}

// lead commits the pending appends, a group (up to maxGroup events) per
// transaction, until none is left. The Append that finds no leader leads
// (own is its request): alone, it commits its own append without handing it
// to another goroutine; under load, the appends queued while it commits
// form the next group, which a goroutine of the store's commits once own's
// group is done, so that no caller waits for more than its own group.
func (s *Store) lead(own *request) {
	for {
		s.mu.Lock()
		n, size := 0, 0
		seen := map[idKey]bool{}
		for n < len(s.pending) && (n == 0 || size+len(s.pending[n].events) <= maxGroup && !repeats(s.pending[n], seen)) {
			for _, e := range s.pending[n].events {
				seen[idKey{s.pending[n].stream, e.ID}] = true
			}
			size += len(s.pending[n].events)
			n++
		}
		group := s.pending[:n:n]
		s.pending = s.pending[n:]
		if n == 0 {
			s.stopLeading()
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		s.commit(group)
		if own != nil && slices.Contains(group, own) {
			s.mu.Lock()
			more := len(s.pending) > 0
			if !more {
				s.stopLeading()
			}
			s.mu.Unlock()
			if more {
				go s.lead(nil)
			}
			return
		}
	}
}

// stopLeading ends a leader's turn, with s.mu held and nothing pending.
func (s *Store) stopLeading() {
	s.pending = nil
	s.leading = false
	s.idle.Broadcast()
}

// repeats reports whether req carries an event id that seen already holds
// for its stream: such an append (the retry of one in the same group) waits
// for the next group, where it finds the first one stored.
func repeats(req *request, seen map[idKey]bool) bool {
	for _, e := range req.events {
		if seen[idKey{req.stream, e.ID}] {
			return true
		}
	}
	return false
}

// commit writes one group in one transaction and answers every request.
func (s *Store) commit(group []*request) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	replies, err := s.commitTx(ctx, group)
	for i, req := range group {
		if err != nil {
			req.reply <- reply{err: fmt.Errorf("pgstore: append to %s: %w", req.stream, err)}
			continue
		}
		req.reply <- replies[i]
	}
	if err == nil {
		s.bell.ring()
	}
}

// Append outcomes, as es_append returns them.
const (
	appended = iota
	repeated
	partlyRepeated
	conflicted
)

// commitTx writes one group with one call of es_append, one round trip in
// an implicit transaction: the statement's rows arrive only once its commit
// is durable.
func (s *Store) commitTx(ctx context.Context, group []*request) ([]reply, error) {
	var (
		names                               []string
		index                               = map[string]int32{}
		streamOf, kinds, counts             []int32
		expected                            []int64
		evStream, types, cmd, actor, cr, ca []string
		ids                                 [][16]byte
		data                                [][]byte
	)
	for _, req := range group {
		at, ok := index[req.stream]
		if !ok {
			names = append(names, req.stream)
			at = int32(len(names))
			index[req.stream] = at
		}
		kind, v := int32(0), uint64(0)
		switch {
		case req.expected.IsNoStream():
			kind = 1
		case req.expected.IsStreamExists():
			kind = 2
		default:
			if exact, ok := req.expected.Version(); ok {
				kind, v = 3, exact
			}
		}
		streamOf, kinds, expected, counts = append(streamOf, at), append(kinds, kind), append(expected, int64(v)), append(counts, int32(len(req.events)))
		for _, e := range req.events {
			d := e.Data
			if d == nil {
				d = []byte{}
			}
			evStream, ids, types, data = append(evStream, req.stream), append(ids, e.ID), append(types, e.Type), append(data, d)
			cmd, actor = append(cmd, e.Metadata.CommandID), append(actor, e.Metadata.Actor)
			cr, ca = append(cr, e.Metadata.CorrelationID), append(ca, e.Metadata.CausationID)
		}
	}
	rows, err := s.pool.Query(ctx, `SELECT r_status, r_version, r_position FROM es_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		names, streamOf, kinds, expected, counts, evStream, ids, types, data, cmd, actor, cr, ca,
		s.clock.Now().UTC().Truncate(time.Microsecond), s.channel)
	if err != nil {
		return nil, err
	}
	replies := make([]reply, 0, len(group))
	var status int32
	var version, position uint64
	_, err = pgx.ForEachRow(rows, []any{&status, &version, &position}, func() error {
		if len(replies) == len(group) {
			return errors.New("es_append answered more appends than it was given")
		}
		req := group[len(replies)]
		switch status {
		case appended, repeated:
			replies = append(replies, reply{res: eventstore.AppendResult{Version: version, Position: position}})
		case partlyRepeated:
			replies = append(replies, reply{err: ErrPartialDuplicate})
		case conflicted:
			replies = append(replies, reply{err: &eventstore.ConflictError{Stream: req.stream, Expected: req.expected, Actual: version}})
		default:
			return fmt.Errorf("es_append answered an unknown outcome %d", status)
		}
		return nil
	})
	if err == nil && len(replies) != len(group) {
		err = fmt.Errorf("es_append answered %d of %d appends", len(replies), len(group))
	}
	return replies, err
}

// idKey is an event id within its stream.
type idKey struct {
	stream string
	id     uuid.UUID
}
