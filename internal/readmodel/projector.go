package readmodel

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/messaging"
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
	// Schema returns the statements that create its tables and indexes
	// (idempotently: CREATE ... IF NOT EXISTS) in the dialect.
	Schema(d Dialect) []string
	// Tables lists the tables Replay drops before rebuilding.
	Tables() []string
	// Apply applies one event. Events the projection does not use are ignored.
	Apply(ctx context.Context, tx Tx, e Envelope) error
}

// Projector applies events to projections, checkpointing each in the same
// transaction as its rows. It is safe for concurrent use; Apply calls are
// serialised.
type Projector struct {
	db    *DB
	reg   *kernel.Registry
	projs []Projection

	applyMu  sync.Mutex // serialises Apply and Replay
	mu       sync.Mutex
	pos      map[string]uint64   // checkpoint per projection
	progress eventstore.Progress // the lowest checkpoint: every projection has applied up to here
	queue    chan eventstore.RecordedEvent
}

const checkpointTable = `CREATE TABLE IF NOT EXISTS projection_checkpoints (
	name TEXT PRIMARY KEY,
	position BIGINT NOT NULL
)`

// NewProjector creates the projections' tables if missing and loads their checkpoints.
func NewProjector(ctx context.Context, db *DB, reg *kernel.Registry, projs ...Projection) (*Projector, error) {
	p := &Projector{db: db, reg: reg, projs: projs, pos: map[string]uint64{}, queue: make(chan eventstore.RecordedEvent, queueSize)}
	if err := p.migrate(ctx); err != nil {
		return nil, err
	}
	return p, p.loadCheckpoints(ctx)
}

func (p *Projector) migrate(ctx context.Context) error {
	stmts := []string{checkpointTable}
	for _, pr := range p.projs {
		stmts = append(stmts, pr.Schema(p.db.Dialect)...)
	}
	for _, s := range stmts {
		if _, err := p.db.ExecContext(ctx, s); err != nil {
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
	p.progress.Advance(p.lowest())
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

// WaitFor blocks until every projection has applied position pos, or ctx ends.
func (p *Projector) WaitFor(ctx context.Context, pos uint64) error {
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
	start := make(map[string]uint64, len(p.pos))
	for k, v := range p.pos {
		start[k] = v
	}
	p.mu.Unlock()

	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("readmodel: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	next := make(map[string]uint64, len(start))
	for k, v := range start {
		next[k] = v
	}
	for _, rec := range recs {
		var env *Envelope
		for _, pr := range p.projs {
			if rec.Position <= next[pr.Name()] {
				continue
			}
			if env == nil {
				ev, err := p.reg.Decode(rec.Type, rec.Data)
				if err != nil {
					return fmt.Errorf("readmodel: %s@%d: %w", rec.Stream, rec.Version, err)
				}
				env = &Envelope{Event: ev, Stream: rec.Stream, Version: rec.Version, Position: rec.Position, Recorded: rec.Recorded, Metadata: rec.Metadata}
			}
			if err := pr.Apply(ctx, inTx{p.db, tx}, *env); err != nil {
				return fmt.Errorf("readmodel: %s applying %s@%d: %w", pr.Name(), rec.Stream, rec.Version, err)
			}
			next[pr.Name()] = rec.Position
		}
	}
	if err := saveCheckpoints(ctx, inTx{p.db, tx}, start, next); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("readmodel: commit: %w", err)
	}
	p.mu.Lock()
	p.pos = next
	low := p.lowest()
	p.mu.Unlock()
	p.progress.Advance(low)
	return nil
}

// HandlerName is the projector's watermill handler and consumer group.
const HandlerName = "projector"

// queueSize bounds the events accepted but not yet applied; past it, Handle
// waits, and the subscription with it.
const queueSize = 4096

// AddTo adds the projector to a watermill router as a handler of $all, fed
// by a subscriber over store that starts after the projector's own
// checkpoint (the projector is its CheckpointStore), and starts the
// goroutine that applies what the handler accepts, until ctx ends.
//
// The handler acknowledges a message once it is queued, before it is
// applied, so that the applier can commit many events per transaction (a
// transaction per event cost more than the projections themselves). That is
// safe because the subscription's position is the projector's committed
// checkpoint, not the acknowledgements: after a crash the events accepted
// but not committed are delivered again. A batch that fails to apply is
// retried, in order, until it applies; nothing behind it is applied first.
func (p *Projector) AddTo(ctx context.Context, r *message.Router, store eventstore.Store) {
	sub := messaging.NewSubscriber(store, messaging.SubscriberConfig{ConsumerGroup: HandlerName, Checkpoints: p})
	r.AddConsumerHandler(HandlerName, eventstore.AllStream, sub, p.Handle)
	go p.applyQueued(ctx)
}

// Handle is the projector's watermill handler: it queues the delivered event
// for the applier.
func (p *Projector) Handle(msg *message.Message) error {
	rec, err := messaging.Record(msg)
	if err != nil {
		return err
	}
	select {
	case p.queue <- rec:
		return nil
	case <-msg.Context().Done():
		return msg.Context().Err()
	}
}

// applyQueued applies queued events in batches of whatever has arrived, up to
// batchSize, until ctx ends.
func (p *Projector) applyQueued(ctx context.Context) {
	const batchSize = 1024
	batch := make([]eventstore.RecordedEvent, 0, batchSize)
	for {
		select {
		case rec := <-p.queue:
			batch = append(batch[:0], rec)
		case <-ctx.Done():
			return
		}
	fill:
		for len(batch) < batchSize {
			select {
			case rec := <-p.queue:
				batch = append(batch, rec)
			default:
				break fill
			}
		}
		for wait := 50 * time.Millisecond; len(batch) > 0; wait = min(2*wait, 10*time.Second) {
			rest, err := p.applyUpTo(ctx, batch)
			if err == nil || ctx.Err() != nil {
				break
			}
			batch = rest
			slog.Error("projection failed; retrying", "at", batch[0].Position, "err", err, "retry_in", wait)
			select {
			case <-time.After(wait):
			case <-ctx.Done():
				return
			}
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
			slog.Warn("reading projection checkpoints", "err", err)
		}
	}
}

// Load implements messaging.CheckpointStore: a subscription feeding the
// projector starts after what every projection has committed.
func (p *Projector) Load(context.Context, string, string) (uint64, error) { return p.Position(), nil }

// Save implements messaging.CheckpointStore as a no-op: the projector's
// checkpoints commit with its rows in Apply.
func (p *Projector) Save(context.Context, string, string, uint64) error { return nil }

// saveCheckpoints writes the checkpoints that moved, one statement per new
// position: projections usually move together, so that is one statement a
// transaction rather than one per projection.
func saveCheckpoints(ctx context.Context, tx Tx, before, after map[string]uint64) error {
	byPos := map[uint64][]any{}
	for name, pos := range after {
		if pos != before[name] {
			byPos[pos] = append(byPos[pos], name)
		}
	}
	for pos, names := range byPos {
		slices.SortFunc(names, func(a, b any) int { return strings.Compare(a.(string), b.(string)) })
		values := make([]string, len(names))
		args := []any{pos}
		for i, n := range names {
			values[i] = fmt.Sprintf("($%d, $1)", i+2)
			args = append(args, n)
		}
		q := `INSERT INTO projection_checkpoints (name, position) VALUES ` + strings.Join(values, ", ") +
			` ON CONFLICT (name) DO UPDATE SET position = excluded.position`
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("readmodel: checkpoint %v at %d: %w", names, pos, err)
		}
	}
	return nil
}

// Run keeps the projections current from store until ctx ends, on a router
// of its own (a worker adds the projector to its shared router instead).
func (p *Projector) Run(ctx context.Context, store eventstore.Store) error {
	r, err := messaging.NewRouter(messaging.RouterConfig{})
	if err != nil {
		return err
	}
	p.AddTo(ctx, r, store)
	return r.Run(ctx)
}

// Replay drops every projection's tables and checkpoint and rebuilds them from
// the whole store. It returns the number of events read.
func (p *Projector) Replay(ctx context.Context, store eventstore.Store, batch int) (int, error) {
	p.applyMu.Lock()
	for _, pr := range p.projs {
		for _, t := range pr.Tables() {
			if _, err := p.db.ExecContext(ctx, `DROP TABLE IF EXISTS `+quoteIdent(t)); err != nil {
				p.applyMu.Unlock()
				return 0, fmt.Errorf("readmodel: drop %s: %w", t, err)
			}
		}
		if _, err := p.db.ExecContext(ctx, `DELETE FROM projection_checkpoints WHERE name = $1`, pr.Name()); err != nil {
			p.applyMu.Unlock()
			return 0, err
		}
	}
	p.db.forgetStatements() // they may name the dropped tables
	p.mu.Lock()
	for k := range p.pos {
		p.pos[k] = 0
	}
	p.mu.Unlock()
	p.progress.Reset(0)
	err := p.migrate(ctx)
	p.applyMu.Unlock()
	if err != nil {
		return 0, err
	}
	n := 0
	var after uint64
	for {
		recs, err := store.ReadAll(ctx, after, batch)
		if err != nil {
			return n, err
		}
		if len(recs) == 0 {
			return n, nil
		}
		if err := p.Apply(ctx, recs...); err != nil {
			return n, err
		}
		n += len(recs)
		after = recs[len(recs)-1].Position
	}
}
