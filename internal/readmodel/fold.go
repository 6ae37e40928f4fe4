package readmodel

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// Folder is a Projection that a rebuild can feed without a statement per
// event: its Fold keeps the rows it builds in memory and writes each once,
// in multi-row INSERTs, when they are complete (or when it holds too many).
// The tables a rebuild builds through a Fold must be exactly those Apply
// builds from the same events. Projections that are not Folders are rebuilt
// through Apply, event by event.
type Folder interface {
	Projection
	// Fold starts folding the events of one rebuild into the projection's
	// tables, which the rebuild has just created, empty, in dialect d.
	Fold(d Dialect) Fold
}

// Fold builds a projection's rows from a rebuild's events, in order.
type Fold interface {
	// Add folds one event, failing where Apply would fail. It may write to
	// tx, the rebuild's transaction, at any time: rows it no longer holds,
	// or the event itself as Apply does.
	Add(ctx context.Context, tx Tx, e Envelope) error
	// Flush writes every row still held to tx. The rebuild calls it once,
	// after the last event.
	Flush(ctx context.Context, tx Tx) error
}

// Inserter writes rows into one table with multi-row INSERT statements: a
// statement's worth of rows is queued, then written by one statement, which
// the rebuild's Tx prepares once and reuses. Folds write their rows through
// it.
type Inserter struct {
	dialect Dialect
	table   string
	columns []string
	per     int    // rows per statement
	full    string // the statement of per rows, once made
	args    []any  // the queued rows' values, row after row
}

// insertParams bounds the parameters of one INSERT: SQLite accepts 32,766,
// PostgreSQL 65,535; past a few thousand a statement saves no more.
const insertParams = 4096

// NewInserter returns an Inserter into table's columns in dialect d.
func NewInserter(d Dialect, table string, columns ...string) *Inserter {
	return &Inserter{dialect: d, table: table, columns: columns, per: max(1, insertParams/len(columns))}
}

// Add queues a row, its values in the order of the Inserter's columns, and
// writes the queued rows to tx when a statement's worth are queued.
func (in *Inserter) Add(ctx context.Context, tx Tx, values ...any) error {
	if len(values) != len(in.columns) {
		return fmt.Errorf("readmodel: insert into %s: %d values for %d columns", in.table, len(values), len(in.columns))
	}
	in.args = append(in.args, values...)
	if len(in.args) < in.per*len(in.columns) {
		return nil
	}
	return in.Flush(ctx, tx)
}

// Flush writes the queued rows to tx.
func (in *Inserter) Flush(ctx context.Context, tx Tx) error {
	rows := len(in.args) / len(in.columns)
	if rows == 0 {
		return nil
	}
	q := in.full
	if rows != in.per {
		q = in.statement(rows)
	} else if q == "" {
		q = in.statement(rows)
		in.full = q
	}
	if _, err := tx.ExecContext(ctx, q, in.args...); err != nil {
		return fmt.Errorf("readmodel: insert %d rows into %s: %w", rows, in.table, err)
	}
	clear(in.args) // let the values go
	in.args = in.args[:0]
	return nil
}

// statement is the INSERT of rows rows. Its parameters are numbered ($1…)
// on PostgreSQL and anonymous (?) on SQLite, where binding each numbered
// parameter looks its number up in a list of them all.
func (in *Inserter) statement(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + in.table + " (" + strings.Join(in.columns, ", ") + ") VALUES ")
	n := 0
	for r := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for c := range in.columns {
			if c > 0 {
				b.WriteString(", ")
			}
			n++
			if in.dialect == SQLite {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", n)
			}
		}
		b.WriteByte(')')
	}
	return b.String()
}

// SortedIDs returns m's keys in order: the order of their bytes, which is
// that of their text, so a Fold writes rows keyed by id in the key's order.
func SortedIDs[V any](m map[uuid.UUID]V) []uuid.UUID {
	return slices.SortedFunc(maps.Keys(m), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
}
