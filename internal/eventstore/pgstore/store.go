package pgstore

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
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
}

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
		s.lead()
	}
	select {
	case r := <-req.reply:
		return r.res, r.err
	case <-ctx.Done():
		return eventstore.AppendResult{}, ctx.Err()
	}
}

// lead commits the pending appends, a group (up to maxGroup events) per
// transaction, until none is left. The Append that finds no leader leads:
// alone, it commits its own append without handing it to another
// goroutine; under load, the appends queued while it commits form the
// next group.
func (s *Store) lead() {
	for {
		s.mu.Lock()
		n, size := 0, 0
		for n < len(s.pending) && (n == 0 || size+len(s.pending[n].events) <= maxGroup) {
			size += len(s.pending[n].events)
			n++
		}
		group := s.pending[:n:n]
		s.pending = s.pending[n:]
		if n == 0 {
			s.pending = nil
			s.leading = false
			s.idle.Broadcast()
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		s.commit(group)
	}
}

// stored is where an event id already is.
type stored struct{ version, position uint64 }

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

func (s *Store) commitTx(ctx context.Context, group []*request) ([]reply, error) {
	var streams, idStreams []string
	var ids [][16]byte
	seen := map[string]bool{}
	for _, req := range group {
		if !seen[req.stream] {
			seen[req.stream] = true
			streams = append(streams, req.stream)
		}
		for _, e := range req.events {
			idStreams = append(idStreams, req.stream)
			ids = append(ids, e.ID)
		}
	}
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	defer func() { // after a failure inside the transaction
		if conn.Conn().PgConn().TxStatus() != 'I' {
			conn.Exec(ctx, `ROLLBACK`) //nolint:errcheck // a broken connection is dropped on Release
		}
	}()

	// Two round trips, each a pipelined batch. The head lock comes first:
	// every read after it sees every earlier append.
	b := &pgx.Batch{}
	b.Queue(`BEGIN`)
	var head uint64
	versions := map[string]uint64{}
	have := map[idKey]stored{}
	b.Queue(`SELECT position FROM es_head WHERE id = 1 FOR UPDATE`).QueryRow(func(r pgx.Row) error { return r.Scan(&head) })
	b.Queue(`SELECT s, COALESCE((SELECT version FROM es_events WHERE stream = s ORDER BY version DESC LIMIT 1), 0)
		FROM unnest($1::text[]) AS s`, streams).Query(func(rows pgx.Rows) error {
		var stream string
		var v uint64
		_, err := pgx.ForEachRow(rows, []any{&stream, &v}, func() error { versions[stream] = v; return nil })
		return err
	})
	b.Queue(`SELECT e.stream, e.id, e.version, e.position FROM es_events e
		JOIN unnest($1::text[], $2::uuid[]) AS k(stream, id) ON e.stream = k.stream AND e.id = k.id`, idStreams, ids).Query(func(rows pgx.Rows) error {
		var k idKey
		var at stored
		_, err := pgx.ForEachRow(rows, []any{&k.stream, &k.id, &at.version, &at.position}, func() error { have[k] = at; return nil })
		return err
	})
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}

	replies := make([]reply, len(group))
	var rows newRows
	now := s.clock.Now().UTC().Truncate(time.Microsecond)
	for i, req := range group {
		replies[i] = decide(req, versions, have, &head, &rows, now)
	}
	if len(rows.position) == 0 { // every append refused or repeated: nothing to write
		_, err := conn.Exec(ctx, `ROLLBACK`)
		return replies, err
	}
	b = &pgx.Batch{}
	b.Queue(`INSERT INTO es_events (position, stream, version, id, type, data, command_id, actor, correlation_id, causation_id, recorded)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::bytea[],
			$7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])`,
		rows.position, rows.stream, rows.version, rows.id, rows.typ, rows.data,
		rows.commandID, rows.actor, rows.correlationID, rows.causationID, rows.recorded)
	b.Queue(`UPDATE es_head SET position = $1 WHERE id = 1`, head)
	b.Queue(`SELECT pg_notify($1, $2)`, s.channel, fmt.Sprint(head))
	b.Queue(`COMMIT`)
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return replies, nil
}

// newRows are the columns of the rows a group writes.
type newRows struct {
	position, version                            []uint64
	stream, typ                                  []string
	id                                           [][16]byte
	data                                         [][]byte
	commandID, actor, correlationID, causationID []string
	recorded                                     []time.Time
}

// decide settles one append against the versions and stored ids (which it
// updates with what it accepts), adding accepted events to rows at the
// positions after head.
func decide(req *request, versions map[string]uint64, have map[idKey]stored, head *uint64, rows *newRows, now time.Time) reply {
	found, last := 0, stored{}
	for _, e := range req.events {
		if at, ok := have[idKey{req.stream, e.ID}]; ok {
			found++
			if at.version > last.version {
				last = at
			}
		}
	}
	switch {
	case found == len(req.events):
		return reply{res: eventstore.AppendResult{Version: last.version, Position: last.position}}
	case found > 0:
		return reply{err: ErrPartialDuplicate}
	}
	version := versions[req.stream]
	if !req.expected.Matches(version) {
		return reply{err: &eventstore.ConflictError{Stream: req.stream, Expected: req.expected, Actual: version}}
	}
	for _, e := range req.events {
		version++
		*head++
		have[idKey{req.stream, e.ID}] = stored{version, *head}
		rows.position = append(rows.position, *head)
		rows.version = append(rows.version, version)
		rows.stream = append(rows.stream, req.stream)
		rows.typ = append(rows.typ, e.Type)
		rows.id = append(rows.id, e.ID)
		data := e.Data
		if data == nil {
			data = []byte{}
		}
		rows.data = append(rows.data, data)
		rows.commandID = append(rows.commandID, e.Metadata.CommandID)
		rows.actor = append(rows.actor, e.Metadata.Actor)
		rows.correlationID = append(rows.correlationID, e.Metadata.CorrelationID)
		rows.causationID = append(rows.causationID, e.Metadata.CausationID)
		rows.recorded = append(rows.recorded, now)
	}
	versions[req.stream] = version
	return reply{res: eventstore.AppendResult{Version: version, Position: *head}}
}

// idKey is an event id within its stream.
type idKey struct {
	stream string
	id     uuid.UUID
}
