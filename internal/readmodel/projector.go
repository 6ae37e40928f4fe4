package readmodel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel/changes"
)

// Envelope is a decoded event with where and when it was stored.
type Envelope struct {
	Event    kernel.Event
	Stream   string
	Version  uint64
	Position uint64
	Recorded time.Time
	Metadata eventstore.Metadata
}

// Tx is what a projection may do inside the projector's transaction.
type Tx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Projection maintains some tables from events.
type Projection interface {
	// Name identifies the projection's checkpoint; changing it rebuilds the projection.
	Name() string
	// Version numbers what the projection's tables hold: raise it with any
	// change to Schema or Apply that the rows already built do not follow,
	// and the worker rebuilds the projection's tables when it next starts
	// (RebuildStale).
	Version() int
	// Schema returns the statements that create its tables and indexes
	// (idempotently: CREATE ... IF NOT EXISTS) in the dialect.
	Schema(d Dialect) []string
	// Tables lists the tables a rebuild drops before creating them again.
	Tables() []string
	// Apply applies one event. Events the projection does not use are ignored.
	Apply(ctx context.Context, tx Tx, e Envelope) error
}

// Source reads the stored events a projector is fed, with the contracts of
// eventstore.Store's methods of the same names. ReadAll must select exactly
// the events the live feed delivers, or a rebuild fails on (or builds rows
// from) events the live projector never sees: package feed's Source is that
// selection. ReadStream tells RebuildStale whether the store still holds the
// event a checkpoint names.
type Source interface {
	ReadAll(ctx context.Context, after uint64, max int) ([]eventstore.RecordedEvent, error)
	ReadStream(ctx context.Context, stream string, dir eventstore.Direction, from uint64, max int) ([]eventstore.RecordedEvent, error)
}

// Projector applies events to projections, checkpointing each in the same
// transaction as its rows. It is safe for concurrent use; Apply calls are
// serialised.
type Projector struct {
	// Log receives the projector's failures, recoveries and rebuilds. Set it
	// before the projector runs; nil discards.
	Log *slog.Logger
	// Linger is how long ApplyQueued gathers events for a transaction while
	// nobody waits for them (NewProjector sets DefaultLinger; zero commits
	// whatever has arrived at once). Set it before the projector runs.
	Linger time.Duration

	db    *DB
	reg   *kernel.Registry
	projs []Projection

	applyMu  sync.Mutex // serialises Apply and rebuilds
	mu       sync.Mutex
	pos      map[string]uint64   // checkpoint per projection
	progress eventstore.Progress // the lowest checkpoint: every projection has applied up to here
	changes  *changes.Log        // what each commit changed, recorded before progress moves
	queue    chan eventstore.RecordedEvent
	wanted   atomic.Uint64 // the furthest position WaitFor has been asked for
	taken    atomic.Uint64 // the last event ApplyQueued took from the queue
	hurry    chan struct{} // WaitFor's signal to ApplyQueued to commit at once
	quiet    time.Duration // quietGap, which tests lengthen
}

// changeKeys bounds the keys the projector's change log remembers.
const changeKeys = 1 << 16

// stored is what the checkpoint table records of a projection besides its position.
type stored struct {
	version       int    // the projection's Version that built the rows
	stream        string // the stream and version of the event at the checkpoint
	streamVersion uint64
}

// checkpointTable holds each projection's checkpoint, the Version that wrote
// it and which event is at that position. Tables made before the last three
// columns existed get them with version 0, which no projection has, so their
// projections are rebuilt once.
const checkpointTable = `CREATE TABLE IF NOT EXISTS projection_checkpoints (
	name TEXT PRIMARY KEY,
	position BIGINT NOT NULL
)`

// checkpointColumns are the columns added to checkpointTable since it was first made.
var checkpointColumns = [][2]string{
	{"version", "INTEGER NOT NULL DEFAULT 0"},
	{"stream", "TEXT NOT NULL DEFAULT ''"},
	{"stream_version", "BIGINT NOT NULL DEFAULT 0"},
}

// NewProjector creates the projections' tables if missing and loads their checkpoints.
func NewProjector(ctx context.Context, db *DB, reg *kernel.Registry, projs ...Projection) (*Projector, error) {
	p := &Projector{db: db, reg: reg, projs: projs, pos: map[string]uint64{},
		changes: changes.NewLog(changeKeys), queue: make(chan eventstore.RecordedEvent, queueSize),
		Linger: DefaultLinger, hurry: make(chan struct{}, 1), quiet: quietGap}
	if err := p.migrate(ctx); err != nil {
		return nil, err
	}
	return p, p.loadCheckpoints(ctx)
}

func (p *Projector) log() *slog.Logger {
	if p.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return p.Log
}

// schemaLock is the PostgreSQL advisory lock of a read-model schema: a
// process creating or altering tables holds it exclusively, and every
// projector transaction holds it shared from its first statement. Without
// it, a process starting (CREATE INDEX IF NOT EXISTS waits for the tables'
// locks) while the worker projects could deadlock with the worker, whose
// transaction waits for a statement it prepares on another connection, which
// queues behind the CREATE INDEX.
const schemaLock = `hashtext('nongjiao readmodel schema ' || current_schema())`

func (p *Projector) migrate(ctx context.Context) error {
	if p.db.Dialect == Postgres {
		conn, err := p.db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("readmodel: migrate: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+schemaLock+`)`); err != nil {
			return fmt.Errorf("readmodel: migrate: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+schemaLock+`)`) //nolint:errcheck // closing the session unlocks too
	}
	return p.migrateTables(ctx)
}

func (p *Projector) migrateTables(ctx context.Context) error {
	if err := p.db.exec(ctx, checkpointTable); err != nil {
		return err
	}
	for _, c := range checkpointColumns {
		if err := p.addCheckpointColumn(ctx, c[0], c[1]); err != nil {
			return err
		}
	}
	for _, pr := range p.projs {
		if err := p.db.exec(ctx, pr.Schema(p.db.Dialect)...); err != nil {
			return err
		}
	}
	return nil
}

// addCheckpointColumn adds a column to a checkpoint table made before it existed.
func (p *Projector) addCheckpointColumn(ctx context.Context, name, typ string) error {
	const add = `ALTER TABLE projection_checkpoints ADD COLUMN `
	if p.db.Dialect == Postgres {
		return p.db.exec(ctx, add+`IF NOT EXISTS `+name+` `+typ)
	}
	var n int
	err := p.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info('projection_checkpoints') WHERE name = $1`, name).Scan(&n)
	switch {
	case err != nil:
		return fmt.Errorf("readmodel: migrate: read projection_checkpoints' columns: %w", err)
	case n > 0:
		return nil
	}
	return p.db.exec(ctx, add+name+` `+typ)
}

// exec runs schema statements in order, outside any transaction.
func (db *DB) exec(ctx context.Context, stmts ...string) error {
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("readmodel: migrate: %w\n%s", err, s)
		}
	}
	return nil
}

func (p *Projector) loadCheckpoints(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pr := range p.projs {
		var pos uint64
		err := p.db.QueryRowContext(ctx, `SELECT position FROM projection_checkpoints WHERE name = $1`, pr.Name()).Scan(&pos)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("readmodel: load checkpoint %s: %w", pr.Name(), err)
		}
		p.pos[pr.Name()] = pos
	}
	if low := p.lowest(); low != p.progress.Position() {
		p.changes.Everything() // committed elsewhere (Follow): the changes are unknown
		p.progress.Advance(low)
	}
	return nil
}

func (p *Projector) lowest() uint64 {
	first := true
	var low uint64
	for _, v := range p.pos {
		if first || v < low {
			low, first = v, false
		}
	}
	return low
}

// Position returns the global position every projection has applied.
func (p *Projector) Position() uint64 { return p.progress.Position() }

// Received returns the position of the last event the projector has taken
// in: committed, or taken by ApplyQueued for the transaction it is
// gathering or committing. How far the store is ahead of it is how far the
// projector has fallen behind: the events it gathers for up to Linger are in
// hand, not behind.
func (p *Projector) Received() uint64 { return max(p.taken.Load(), p.progress.Position()) }

// Changes returns the log of what each commit changed (see package
// changes): projections name the keys their events change, and every commit
// is recorded before Position moves past it.
func (p *Projector) Changes() *changes.Log { return p.changes }

// WaitFor blocks until every projection has applied position pos, or ctx
// ends. A running ApplyQueued commits what it has gathered at once while
// somebody waits.
func (p *Projector) WaitFor(ctx context.Context, pos uint64) error {
	if pos > p.progress.Position() {
		for w := p.wanted.Load(); w < pos && !p.wanted.CompareAndSwap(w, pos); w = p.wanted.Load() {
		}
		select {
		case p.hurry <- struct{}{}:
		default: // already signalled
		}
	}
	return p.progress.WaitFor(ctx, pos)
}

// Observe blocks, as WaitFor does, until every projection has applied
// position pos, or ctx ends, without hurrying the projector: for those who
// measure how long projecting takes when nobody waits.
func (p *Projector) Observe(ctx context.Context, pos uint64) error {
	return p.progress.WaitFor(ctx, pos)
}

// Apply applies a batch of stored events, in order, in one transaction.
// Events at or below a projection's checkpoint are skipped for it, so a
// redelivered event is never applied twice.
func (p *Projector) Apply(ctx context.Context, recs ...eventstore.RecordedEvent) error {
	if len(recs) == 0 {
		return nil
	}
	p.applyMu.Lock()
	defer p.applyMu.Unlock()
	p.mu.Lock()
	start := maps.Clone(p.pos)
	p.mu.Unlock()

	tx, err := p.db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("readmodel: begin: %w", err)
	}
	defer tx.end()
	if p.db.Dialect == Postgres {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock_shared(`+schemaLock+`)`); err != nil {
			return fmt.Errorf("readmodel: begin: %w", err)
		}
	}
	next := maps.Clone(start)
	stmts, changed := changes.Collect(tx.stmts)
	if err := p.applyTx(stmts, p.db.inTx(tx.Tx), p.projs, next, recs); err != nil {
		return err
	}
	last := recs[len(recs)-1]
	if err := p.saveCheckpoints(stmts, p.db.inTx(tx.Tx), start, next, last); err != nil {
		return err
	}
	if err := tx.commit(); err != nil {
		return fmt.Errorf("readmodel: commit: %w", err)
	}
	p.committed(next, changed)
	return nil
}

// committed records the checkpoints a committed transaction moved to after
// (saveCheckpoints wrote those that changed) and what it changed (nil:
// anything), and moves Position to the lowest of all.
func (p *Projector) committed(after map[string]uint64, changed *changes.Set) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if changed == nil {
		p.changes.Everything()
	} else {
		p.changes.Record(changed)
	}
	maps.Copy(p.pos, after)
	if low := p.lowest(); low < p.progress.Position() {
		p.progress.Reset(low) // a rebuild that read fewer events than were applied before
	} else {
		p.progress.Advance(low)
	}
}

// applyTx applies recs to projs inside tx, skipping for each projection the
// events at or below its position in next, and moves next along.
func (p *Projector) applyTx(ctx context.Context, tx Tx, projs []Projection, next map[string]uint64, recs []eventstore.RecordedEvent) error {
	for _, rec := range recs {
		var env *Envelope
		for _, pr := range projs {
			if rec.Position <= next[pr.Name()] {
				continue
			}
			if env == nil {
				e, err := p.envelope(rec)
				if err != nil {
					return err
				}
				env = &e
			}
			if err := p.applyOne(ctx, tx, pr, next, *env); err != nil {
				return err
			}
		}
	}
	return nil
}

// envelope decodes rec.
func (p *Projector) envelope(rec eventstore.RecordedEvent) (Envelope, error) {
	ev, err := p.reg.Decode(rec.Type, rec.Data)
	if err != nil {
		return Envelope{}, fmt.Errorf("readmodel: %s@%d: %w", rec.Stream, rec.Version, err)
	}
	return Envelope{Event: ev, Stream: rec.Stream, Version: rec.Version, Position: rec.Position, Recorded: rec.Recorded, Metadata: rec.Metadata}, nil
}

// applyOne applies env to pr inside tx and moves pr's position in next to it.
func (p *Projector) applyOne(ctx context.Context, tx Tx, pr Projection, next map[string]uint64, env Envelope) error {
	if err := feed(ctx, tx, pr, nil, &env); err != nil {
		return err
	}
	next[pr.Name()] = env.Position
	return nil
}

// queueSize bounds the events accepted but not yet applied; past it, Enqueue
// waits, and the feed with it.
const queueSize = 4096

// batchSize bounds the events ApplyQueued commits in one transaction.
const batchSize = 8192

// DefaultLinger is how long ApplyQueued gathers events for one transaction
// while nobody waits for them (Linger).
const DefaultLinger = 250 * time.Millisecond

// Enqueue hands rec to ApplyQueued, waiting while queueSize events are
// pending, until ctx ends. It returns before rec is applied: a feed that
// acknowledges on return must resume after the committed checkpoint
// (Position), not after its acknowledgements.
func (p *Projector) Enqueue(ctx context.Context, rec eventstore.RecordedEvent) error {
	select {
	case p.queue <- rec:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ApplyQueued applies enqueued events, up to batchSize a transaction, until
// ctx ends. While somebody waits (WaitFor) for a position not yet committed
// it commits whatever has arrived at once; while nobody does, it gathers
// events for up to Linger after the first, for as long as they keep
// arriving less than quietGap apart.
//
// Every commit rewrites each database page it touches (SQLite appends them
// to its WAL), and a listing's row, an index entry or the checkpoint row is a
// page whether one event changed it or a hundred: a transaction per event
// or two wrote about ten times the event log's own bytes. Readers that need
// their own write wait for it, and so end the gathering; the others (a
// board refreshing, the result cache) see rows at most Linger older.
//
// A batch that fails to apply is retried, in order, with backoff, until it
// applies; nothing behind it is applied first. The failure is logged once,
// with its error, when the projector starts failing, and once more when it
// recovers.
func (p *Projector) ApplyQueued(ctx context.Context) {
	batch := make([]eventstore.RecordedEvent, 0, batchSize)
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for {
		batch = batch[:0]
		select {
		case rec := <-p.queue:
			p.take(&batch, rec)
		case <-ctx.Done():
			return
		}
		if p.Linger > 0 {
			linger.Reset(p.Linger)
		}
		if !p.gather(ctx, &batch, linger.C) {
			return
		}
		linger.Stop()
		if !p.applyRetrying(ctx, batch) {
			return
		}
	}
}

// quietGap is how long a feed delivers nothing before ApplyQueued takes it
// to have delivered what there was: one person's command commits after
// it, while a load, whose events arrive closer together, gathers for Linger.
const quietGap = 10 * time.Millisecond

// gather adds queued events to batch until it is full, or, once the queue is
// empty, until expired fires, the feed stays quiet for quietGap (p.quiet), or somebody
// waits for an event not yet committed (at once when Linger is zero). It
// reports false when ctx ends.
func (p *Projector) gather(ctx context.Context, batch *[]eventstore.RecordedEvent, expired <-chan time.Time) bool {
	var quiet *time.Timer
	for len(*batch) < batchSize {
		select {
		case rec := <-p.queue:
			p.take(batch, rec)
			continue
		default:
		}
		if p.Linger <= 0 || p.awaited() {
			return true
		}
		if quiet == nil {
			quiet = time.NewTimer(p.quiet)
			defer quiet.Stop()
		} else {
			quiet.Reset(p.quiet)
		}
		select {
		case rec := <-p.queue:
			p.take(batch, rec)
		case <-quiet.C:
			return true
		case <-expired:
			return true
		case <-p.hurry:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// take adds rec, taken from the queue, to batch, and records it as received.
func (p *Projector) take(batch *[]eventstore.RecordedEvent, rec eventstore.RecordedEvent) {
	*batch = append(*batch, rec)
	p.taken.Store(rec.Position)
}

// awaited reports whether somebody waits (or waited, and gave up) for a
// position beyond the committed one.
func (p *Projector) awaited() bool { return p.wanted.Load() > p.progress.Position() }

// applyRetrying applies batch, retrying what fails until it applies (true)
// or ctx ends (false).
func (p *Projector) applyRetrying(ctx context.Context, batch []eventstore.RecordedEvent) bool {
	failing := false
	for wait, tries := 50*time.Millisecond, 1; ; wait, tries = min(2*wait, 10*time.Second), tries+1 {
		rest, err := p.applyUpTo(ctx, batch)
		if ctx.Err() != nil {
			return false
		}
		if err == nil {
			if failing {
				p.log().Info("projection recovered", "at", batch[0].Position, "tries", tries)
			}
			return true
		}
		if !failing {
			p.log().Error("projection failed; retrying until it applies", "at", rest[0].Position, "stream", rest[0].Stream, "err", err)
			failing = true
		}
		batch = rest
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return false
		}
	}
}

// applyUpTo applies batch in one transaction or, if that fails, event by
// event up to the one that fails, which it returns with what follows it.
func (p *Projector) applyUpTo(ctx context.Context, batch []eventstore.RecordedEvent) ([]eventstore.RecordedEvent, error) {
	err := p.Apply(ctx, batch...)
	if err == nil || len(batch) == 1 {
		return batch, err
	}
	for i := range batch {
		if err := p.Apply(ctx, batch[i]); err != nil {
			return batch[i:], err
		}
	}
	return nil, nil
}

// Reload reads the checkpoints again from the database: a worker taking
// over from another calls it before it projects, so that it resumes after
// what the other committed.
func (p *Projector) Reload(ctx context.Context) error { return p.loadCheckpoints(ctx) }

// Follow keeps Position current from the checkpoints another process (the
// worker) commits to a shared database, polling every interval until ctx
// ends, so that read-your-writes waits work on API replicas that do not
// project themselves.
func (p *Projector) Follow(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := p.loadCheckpoints(ctx); err != nil && ctx.Err() == nil {
			p.log().Warn("reading projection checkpoints", "err", err)
		}
	}
}

// saveCheckpoints writes the checkpoints that moved from before to after, in
// one statement. Every projection that moved has applied the transaction's
// last event, so all are at its position; beside it go the event's stream
// and version, and the Version of the projection that wrote it.
func (p *Projector) saveCheckpoints(ctx context.Context, tx Tx, before, after map[string]uint64, last eventstore.RecordedEvent) error {
	var values, names []string
	args := []any{last.Position, last.Stream, last.Version}
	for _, pr := range p.projs {
		if pos, ok := after[pr.Name()]; !ok || pos == before[pr.Name()] {
			continue
		}
		values = append(values, fmt.Sprintf("($%d, $1, $%d, $2, $3)", len(args)+1, len(args)+2))
		names = append(names, pr.Name())
		args = append(args, pr.Name(), pr.Version())
	}
	if len(values) == 0 {
		return nil
	}
	q := `INSERT INTO projection_checkpoints (name, position, version, stream, stream_version) VALUES ` + strings.Join(values, ", ") +
		` ON CONFLICT (name) DO UPDATE SET position = excluded.position, version = excluded.version,
		stream = excluded.stream, stream_version = excluded.stream_version`
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("readmodel: checkpoint %v at %d: %w", names, last.Position, err)
	}
	return nil
}
