package readmodel

import (
	"context"
	"fmt"
	"maps"
	"runtime"
	"strings"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// rebuildBatch is how many events a start-up rebuild reads at a time.
const rebuildBatch = 1024

// Replay rebuilds every projection's tables from src, reading batch events
// at a time, and returns the number of events read. src must be what the
// live feed delivers (see Source).
//
// The rebuild is one transaction: it drops the tables, creates them again,
// applies every event (folding them, for a Folder) and writes the
// checkpoints, then commits. Both SQLite and PostgreSQL run DDL inside a
// transaction, so a replay that fails at
// any point (an event that does not apply, a read error, a cancelled
// context) rolls back to the previous tables and checkpoints, as if it had
// never started; and until it commits, readers keep seeing the previous
// rows (SQLite's WAL readers and PostgreSQL's other sessions read the last
// committed state), which building into fresh tables and renaming them would
// also give, at the price of renaming every table and index. On PostgreSQL
// the dropped tables stay locked until the commit, so a replica's queries on
// them wait for the replay.
func (p *Projector) Replay(ctx context.Context, src Source, batch int) (int, error) {
	return p.rebuild(ctx, src, batch, p.projs)
}

// RebuildStale rebuilds, from src as Replay does, the projections whose
// tables cannot be continued, and logs one WARN line naming them and why:
//   - a checkpoint naming an event src does not hold: the events were
//     restored from an older backup than the read models, or recovery
//     dropped a damaged tail the read models had applied (continuing would
//     skip the events written at those positions from now on);
//   - rows built by another Version of the projection.
//
// A checkpoint at the store's last event is current. The event is looked up
// by its stream and version, which every store can read directly (global
// positions need not be dense, and a store may refuse to read $all from a
// position that is not an event's). Projections with no checkpoint have
// nothing to rebuild. Only the process that projects (the worker) calls it,
// at start, before it is fed.
func (p *Projector) RebuildStale(ctx context.Context, src Source) error {
	var stale []Projection
	var reasons []string         // in order of first appearance
	who := map[string][]string{} // reason → the projections it applies to
	marks, err := p.storedCheckpoints(ctx)
	if err != nil {
		return err
	}
	p.mu.Lock()
	pos := maps.Clone(p.pos)
	p.mu.Unlock()
	held := map[checkpointEvent]bool{} // projections checkpointed together share their event: look it up once
	for _, pr := range p.projs {
		reason, err := p.staleness(ctx, src, pos[pr.Name()], marks[pr.Name()], pr, held)
		if err != nil {
			return err
		}
		if reason == "" {
			continue
		}
		if who[reason] == nil {
			reasons = append(reasons, reason)
		}
		stale, who[reason] = append(stale, pr), append(who[reason], pr.Name())
	}
	if len(stale) == 0 {
		return nil
	}
	var names, why []string
	for _, r := range reasons {
		names = append(names, who[r]...)
		why = append(why, r+" ("+strings.Join(who[r], ", ")+")")
	}
	p.log().Warn("rebuilding read models from the event store", "projections", strings.Join(names, ","), "why", strings.Join(why, "; "))
	_, err = p.rebuild(ctx, src, rebuildBatch, stale)
	return err
}

// storedCheckpoints reads what the checkpoint table records of each
// projection besides its position, by name.
func (p *Projector) storedCheckpoints(ctx context.Context) (map[string]stored, error) {
	rows, err := p.db.QueryContext(ctx, `SELECT name, version, stream, stream_version FROM projection_checkpoints`)
	if err != nil {
		return nil, fmt.Errorf("readmodel: load checkpoints: %w", err)
	}
	defer rows.Close()
	out := map[string]stored{}
	for rows.Next() {
		var name string
		var st stored
		if err := rows.Scan(&name, &st.version, &st.stream, &st.streamVersion); err != nil {
			return nil, fmt.Errorf("readmodel: load checkpoints: %w", err)
		}
		out[name] = st
	}
	return out, rows.Err()
}

// checkpointEvent is the event a checkpoint names: its stream and version,
// and the position recorded for it.
type checkpointEvent struct {
	stream   string
	version  uint64
	position uint64
}

// staleness says why pr, at checkpoint at with st recorded beside it, must
// be rebuilt, or "" when it can be continued. held caches, across the
// projections, whether src holds a checkpoint's event.
func (p *Projector) staleness(ctx context.Context, src Source, at uint64, st stored, pr Projection, held map[checkpointEvent]bool) (string, error) {
	switch {
	case at == 0:
		return "", nil
	case st.version == 0:
		return "built before projection versions were recorded", nil
	case st.version != pr.Version():
		return fmt.Sprintf("built by projection version %d, this build projects version %d", st.version, pr.Version()), nil
	}
	ev := checkpointEvent{st.stream, st.streamVersion, at}
	ok, known := held[ev]
	if !known {
		recs, err := src.ReadStream(ctx, st.stream, eventstore.Forwards, st.streamVersion, 1)
		if err != nil {
			return "", fmt.Errorf("readmodel: reading %s's last event %s@%d: %w", pr.Name(), st.stream, st.streamVersion, err)
		}
		// Stores that do not report positions on stream reads give 0.
		ok = len(recs) == 1 && (recs[0].Position == at || recs[0].Position == 0)
		held[ev] = ok
	}
	if ok {
		return "", nil
	}
	return fmt.Sprintf("applied up to %s@%d (position %d), which the event store does not hold", st.stream, st.streamVersion, at), nil
}

// rebuild drops and rebuilds projs from src in one transaction.
func (p *Projector) rebuild(ctx context.Context, src Source, batch int, projs []Projection) (int, error) {
	p.applyMu.Lock()
	defer p.applyMu.Unlock()
	wtx, err := p.db.beginWrite(ctx)
	if err != nil {
		return 0, fmt.Errorf("readmodel: begin rebuild: %w", err)
	}
	defer wtx.end()
	// Boxed once, not at every event a projection is fed.
	var tx Tx = ownStatements(wtx.Tx)
	before := make(map[string]uint64, len(projs))
	folds := make([]Fold, len(projs)) // nil: applied event by event
	var indexes []string              // the folds' indexes, made once their rows are written
	for i, pr := range projs {
		for _, t := range pr.Tables() {
			if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+quoteIdent(t)); err != nil {
				return 0, fmt.Errorf("readmodel: drop %s: %w", t, err)
			}
		}
		f, folding := pr.(Folder)
		for _, s := range pr.Schema(p.db.Dialect) {
			if folding && isIndex(s) {
				indexes = append(indexes, s)
				continue
			}
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return 0, fmt.Errorf("readmodel: create %s: %w\n%s", pr.Name(), err, s)
			}
		}
		if folding {
			folds[i] = f.Fold(p.db.Dialect)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM projection_checkpoints WHERE name = $1`, pr.Name()); err != nil {
			return 0, fmt.Errorf("readmodel: reset %s: %w", pr.Name(), err)
		}
		before[pr.Name()] = 0
	}
	after := maps.Clone(before)
	n := 0
	var last eventstore.RecordedEvent
	readCtx, stop := context.WithCancel(ctx)
	defer stop()
	for b := range p.decodeAll(readCtx, src, batch) {
		if b.err != nil {
			return n, b.err
		}
		for i := range b.envs {
			for j, pr := range projs {
				if err := feed(wtx.stmts, tx, pr, folds[j], &b.envs[i]); err != nil {
					return n, err
				}
			}
		}
		n += len(b.envs)
		last = b.last
		if len(b.envs) > 0 { // every projection is fed every event
			for _, pr := range projs {
				after[pr.Name()] = b.envs[len(b.envs)-1].Position
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return n, fmt.Errorf("readmodel: rebuild: %w", err)
	}
	for i, f := range folds {
		if f == nil {
			continue
		}
		if err := f.Flush(ctx, tx); err != nil {
			return n, fmt.Errorf("readmodel: %s writing its rows: %w", projs[i].Name(), err)
		}
	}
	for _, s := range indexes {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return n, fmt.Errorf("readmodel: create index: %w\n%s", err, s)
		}
	}
	if err := p.saveCheckpoints(ctx, tx, before, after, last); err != nil {
		return n, err
	}
	if err := wtx.commit(); err != nil {
		return n, fmt.Errorf("readmodel: commit rebuild: %w", err)
	}
	p.db.forgetStatements() // they were prepared on the tables just dropped
	p.committed(after, nil)
	return n, nil
}

// isIndex reports whether the schema statement s creates an index.
func isIndex(s string) bool {
	f := strings.Fields(strings.ToUpper(s))
	return len(f) >= 2 && f[0] == "CREATE" && (f[1] == "INDEX" || len(f) >= 3 && f[1] == "UNIQUE" && f[2] == "INDEX")
}

// feed applies env to pr in a rebuild, through its fold f when it has one.
func feed(ctx context.Context, tx Tx, pr Projection, f Fold, env *Envelope) error {
	if f == nil {
		if err := pr.Apply(ctx, tx, *env); err != nil {
			return fmt.Errorf("readmodel: %s applying %s@%d: %w", pr.Name(), env.Stream, env.Version, err)
		}
		return nil
	}
	if err := f.Add(ctx, tx, *env); err != nil {
		return fmt.Errorf("readmodel: %s folding %s@%d: %w", pr.Name(), env.Stream, env.Version, err)
	}
	return nil
}

// decoded is a batch of events read and decoded for a rebuild: their
// envelopes and the last event, or the error that ended the reading.
type decoded struct {
	envs []Envelope
	last eventstore.RecordedEvent
	err  error
}

// decodeAll reads every event of src, batch at a time, and decodes the
// batches in a goroutine per core (GOMAXPROCS, read at each rebuild: the
// runtime changes it with the CPU limit), a few batches ahead of the
// rebuild that applies them, handing them over in the order they were
// read: with the rows folded in memory, decoding the events' JSON is the
// part of a rebuild that more than one core can share. The channel closes
// after the last batch, after a batch carrying an error, or when ctx ends.
func (p *Projector) decodeAll(ctx context.Context, src Source, batch int) <-chan decoded {
	decoders := runtime.GOMAXPROCS(0)
	out := make(chan decoded, 2)
	type job struct {
		recs []eventstore.RecordedEvent
		done chan<- decoded
	}
	jobs := make(chan job)
	order := make(chan chan decoded, decoders) // each batch's result, in the order read
	for range decoders {
		go func() {
			for j := range jobs {
				j.done <- p.decode(j.recs)
			}
		}()
	}
	go func() { // read
		defer close(order)
		defer close(jobs)
		var after uint64
		for {
			recs, err := src.ReadAll(ctx, after, batch)
			done := make(chan decoded, 1)
			switch {
			case err != nil:
				done <- decoded{err: fmt.Errorf("readmodel: rebuild: read after %d: %w", after, err)}
			case len(recs) == 0:
				return
			default:
				select {
				case jobs <- job{recs, done}:
				case <-ctx.Done():
					return
				}
				after = recs[len(recs)-1].Position
			}
			select {
			case order <- done:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	go func() { // hand over in order
		defer close(out)
		for done := range order {
			b := <-done
			select {
			case out <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	return out
}

// decode decodes a batch of events; a batch that fails to decode carries
// the events before the one that failed, and the error.
func (p *Projector) decode(recs []eventstore.RecordedEvent) decoded {
	b := decoded{envs: make([]Envelope, len(recs)), last: recs[len(recs)-1]}
	for i, rec := range recs {
		var err error
		if b.envs[i], err = p.envelope(rec); err != nil {
			b.envs, b.err = b.envs[:i], err
			break
		}
	}
	return b
}
