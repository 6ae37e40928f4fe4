package readmodel

import (
	"context"
	"fmt"
	"maps"
	"strings"
)

// rebuildBatch is how many events a start-up rebuild reads at a time.
const rebuildBatch = 1024

// Replay rebuilds every projection's tables from src, reading batch events
// at a time, and returns the number of events read. src must be what the
// live feed delivers (see Source).
//
// The rebuild is one transaction: it drops the tables, creates them again,
// applies every event and writes the checkpoints, then commits. Both SQLite
// and PostgreSQL run DDL inside a transaction, so a replay that fails at
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
//   - a checkpoint past the last event of src: the events were restored
//     from an older backup than the read models, or recovery dropped a
//     damaged tail the read models had applied (continuing would apply
//     different events at positions already applied, or none);
//   - rows built by another Version of the projection.
//
// Projections with no checkpoint have nothing to rebuild. Only the process
// that projects (the worker) calls it, at start, before it is fed.
func (p *Projector) RebuildStale(ctx context.Context, src Source) error {
	var stale []Projection
	var why []string
	p.mu.Lock()
	pos, built := maps.Clone(p.pos), maps.Clone(p.built)
	p.mu.Unlock()
	past := map[uint64]bool{} // per checkpoint: is it past the last event?
	for _, pr := range p.projs {
		name, at := pr.Name(), pos[pr.Name()]
		if at == 0 {
			continue
		}
		if v := built[name]; v != pr.Version() {
			stale, why = append(stale, pr), append(why, fmt.Sprintf("%s was built by version %d, this build projects version %d", name, v, pr.Version()))
			continue
		}
		if _, ok := past[at]; !ok {
			// Positions need not be dense: ask for the first event at or
			// after the checkpoint, which is the checkpoint's own event when
			// the store still holds it.
			recs, err := src.ReadAll(ctx, at-1, 1)
			if err != nil {
				return fmt.Errorf("readmodel: reading the store at %s's checkpoint: %w", name, err)
			}
			past[at] = len(recs) == 0
		}
		if past[at] {
			stale, why = append(stale, pr), append(why, fmt.Sprintf("%s has applied up to position %d, past the event store's last event", name, at))
		}
	}
	if len(stale) == 0 {
		return nil
	}
	names := make([]string, len(stale))
	for i, pr := range stale {
		names[i] = pr.Name()
	}
	p.log().Warn("rebuilding read models from the event store", "projections", strings.Join(names, ","), "why", strings.Join(why, "; "))
	_, err := p.rebuild(ctx, src, rebuildBatch, stale)
	return err
}

// rebuild drops and rebuilds projs from src in one transaction.
func (p *Projector) rebuild(ctx context.Context, src Source, batch int, projs []Projection) (int, error) {
	p.applyMu.Lock()
	defer p.applyMu.Unlock()
	sqlTx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("readmodel: begin rebuild: %w", err)
	}
	defer sqlTx.Rollback() //nolint:errcheck // after Commit it is a no-op
	tx := ownStatements(sqlTx)
	before := make(map[string]uint64, len(projs))
	for _, pr := range projs {
		for _, t := range pr.Tables() {
			if _, err := tx.ExecContext(ctx, `DROP TABLE IF EXISTS `+quoteIdent(t)); err != nil {
				return 0, fmt.Errorf("readmodel: drop %s: %w", t, err)
			}
		}
		for _, s := range pr.Schema(p.db.Dialect) {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return 0, fmt.Errorf("readmodel: create %s: %w\n%s", pr.Name(), err, s)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM projection_checkpoints WHERE name = $1`, pr.Name()); err != nil {
			return 0, fmt.Errorf("readmodel: reset %s: %w", pr.Name(), err)
		}
		before[pr.Name()] = 0
	}
	after := maps.Clone(before)
	n := 0
	for at := uint64(0); ; {
		recs, err := src.ReadAll(ctx, at, batch)
		if err != nil {
			return n, fmt.Errorf("readmodel: rebuild: read after %d: %w", at, err)
		}
		if len(recs) == 0 {
			break
		}
		if err := p.applyTx(ctx, tx, projs, after, recs); err != nil {
			return n, err
		}
		n += len(recs)
		at = recs[len(recs)-1].Position
	}
	if err := p.saveCheckpoints(ctx, tx, before, after); err != nil {
		return n, err
	}
	if err := sqlTx.Commit(); err != nil {
		return n, fmt.Errorf("readmodel: commit rebuild: %w", err)
	}
	p.db.forgetStatements() // they were prepared on the tables just dropped
	p.committed(before, after)
	return n, nil
}
