package readmodel

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Querier is what a read needs: a *DB, or a projection's Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Scanner is a *sql.Row or *sql.Rows.
type Scanner interface{ Scan(dest ...any) error }

// Where builds a WHERE clause whose values are numbered placeholders ($1,
// $2, …), which both dialects accept. The zero Where has no condition.
type Where struct {
	conds []string
	args  []any
}

// Add appends a condition; each ? in cond becomes the placeholder of the
// next of args, in order.
func (w *Where) Add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

// In appends "column IN (…)" over values, which must not be empty.
func (w *Where) In(column string, values []string) {
	cond, args := InList(column, values)
	w.Add(cond, args...)
}

// InList returns "column IN (?, …)" over values, which must not be empty,
// and the values as its arguments: a part of a condition for Add.
func InList(column string, values []string) (string, []any) {
	marks := make([]string, len(values))
	args := make([]any, len(values))
	for i, v := range values {
		marks[i], args[i] = "?", v
	}
	return column + " IN (" + strings.Join(marks, ", ") + ")", args
}

// String returns " WHERE c1 AND c2 …", or "" when there is no condition.
func (w *Where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// Args returns the placeholders' values, in order.
func (w *Where) Args() []any { return w.args }

// Cursor is a row's place in its list: the values of the list's sort columns
// as text, the parts an API cursor carries.
type Cursor []string

// CursorOf makes the cursor of a row from its sort column values, in the
// Keyset's order: integers in base 10, anything else as its %v text (a
// uuid.UUID as its string form).
func CursorOf(values ...any) Cursor {
	c := make(Cursor, len(values))
	for i, v := range values {
		c[i] = fmt.Sprint(v)
	}
	return c
}

// Column is one sort column of a Keyset: its name as the query writes it
// (e.g. "h.position") and how its cursor part reads.
type Column struct {
	Name  string
	parse func(part string) (any, error)
}

// Int is an integer sort column (a time in microseconds, a position, a seq):
// its cursor part is a base-10 int64.
func Int(name string) Column {
	return Column{Name: name, parse: func(p string) (any, error) { return strconv.ParseInt(p, 10, 64) }}
}

// ID is a TEXT column holding UUIDs: its cursor part must be a UUID.
func ID(name string) Column {
	return Column{Name: name, parse: func(p string) (any, error) {
		id, err := uuid.Parse(p)
		return id.String(), err
	}}
}

// Keyset is the order of a keyset-paged list: its sort columns, the last of
// which is unique within the list, all ascending or all descending. A page
// starts after the row a Cursor names, never at an OFFSET.
type Keyset struct {
	Columns []Column
	Desc    bool
}

// OrderBy returns the ORDER BY list: "a, b" or "a DESC, b DESC".
func (k Keyset) OrderBy() string {
	cols := make([]string, len(k.Columns))
	for i, c := range k.Columns {
		cols[i] = c.Name
		if k.Desc {
			cols[i] += " DESC"
		}
	}
	return strings.Join(cols, ", ")
}

// After adds to w the condition that keeps the rows after the cursor's row,
// excluding it: (a, b) > (…), or < when descending. A nil cursor adds
// nothing; a cursor of another shape is *kernel.Error INVALID_INPUT on the
// field "after".
func (k Keyset) After(w *Where, c Cursor) error {
	if c == nil {
		return nil
	}
	args, err := k.Values(c)
	if err != nil {
		return err
	}
	cols := make([]string, len(c))
	marks := make([]string, len(c))
	for i, col := range k.Columns {
		cols[i], marks[i] = col.Name, "?"
	}
	op := ">"
	if k.Desc {
		op = "<"
	}
	w.Add("("+strings.Join(cols, ", ")+") "+op+" ("+strings.Join(marks, ", ")+")", args...)
	return nil
}

// Values reads the cursor's values, one for each of the Keyset's columns,
// as their Column reads them (an Int column's as an int64): the row a page
// starts after, for a list that is not read with After. A cursor of another
// shape is *kernel.Error INVALID_INPUT on the field "after".
func (k Keyset) Values(c Cursor) ([]any, error) {
	if len(c) != len(k.Columns) {
		return nil, errNotCursor
	}
	vals := make([]any, len(c))
	for i, col := range k.Columns {
		v, err := col.parse(c[i])
		if err != nil {
			return nil, errNotCursor
		}
		vals[i] = v
	}
	return vals, nil
}

var errNotCursor = kernel.FieldErrorf(kernel.CodeInvalid, "after", "after is not a cursor from this connection")

// Page asks for one page of a keyset-paged list.
type Page struct {
	First int    // at most this many rows; the caller bounds it
	After Cursor // the cursor of the last row already seen; nil for the first page
}

// Limit is the LIMIT that reads the page and tells whether another follows:
// one row more than First.
func (p Page) Limit() int { return p.First + 1 }

// Result is one page of a list: its rows, whether more follow, and how many
// rows the list has over all pages.
type Result[T any] struct {
	Rows    []T
	HasNext bool
	Total   int
}

// Cut makes the Result of rows read with p.Limit(): at most p.First of them,
// HasNext when there were more.
func Cut[T any](rows []T, p Page, total int) Result[T] {
	if len(rows) > p.First {
		return Result[T]{Rows: rows[:p.First], HasNext: true, Total: total}
	}
	return Result[T]{Rows: rows, Total: total}
}

// Count returns how many rows of from (a table, maybe with an alias) w keeps.
func Count(ctx context.Context, q Querier, from string, w *Where) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+from+w.String(), w.Args()...).Scan(&n)
	return n, err
}

// Collect runs query and scans each row with scan.
func Collect[T any](ctx context.Context, q Querier, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	return CollectAtMost(ctx, q, 0, scan, query, args...)
}

// CollectAtMost is Collect for a query that returns at most n rows (its
// LIMIT): it makes room for them once, where appending row by row would
// allocate and copy a page of wide rows (a board card is 912 bytes) three
// times over.
func CollectAtMost[T any](ctx context.Context, q Querier, n int, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]T, 0, n)
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// List is one keyset-paged SELECT of a single table.
type List struct {
	Columns string // the select list
	From    string // the table, maybe with an alias
	Where   Where  // the filter; Fetch adds the page's condition to a copy
	Order   Keyset
}

// Fetch counts the rows l selects and reads the page p of them in l's order,
// scanning each with scan. A bad cursor is INVALID_INPUT (see Keyset.After);
// any other error is the database's.
func Fetch[T any](ctx context.Context, q Querier, l List, p Page, scan func(Scanner) (T, error)) (Result[T], error) {
	w := Where{conds: slices.Clone(l.Where.conds), args: slices.Clone(l.Where.args)}
	return Paged(ctx, q, l.From, &w, l.Order, p, func(limit int) ([]T, error) {
		return CollectAtMost(ctx, q, limit, scan, "SELECT "+l.Columns+" FROM "+l.From+w.String()+
			" ORDER BY "+l.Order.OrderBy()+" LIMIT "+strconv.Itoa(limit), w.Args()...)
	})
}

// Paged is Fetch for pages that one SELECT does not read: it counts the rows
// of from (a table, maybe with an alias) that w keeps, adds the page's
// condition in order to w, and loads the page with load, which reads at most
// limit rows matching w in order.
func Paged[T any](ctx context.Context, q Querier, from string, w *Where, order Keyset, p Page,
	load func(limit int) ([]T, error)) (Result[T], error) {
	total, err := Count(ctx, q, from, w)
	if err != nil {
		return Result[T]{}, err
	}
	if err := order.After(w, p.After); err != nil {
		return Result[T]{}, err
	}
	rows, err := load(p.Limit())
	if err != nil {
		return Result[T]{}, err
	}
	return Cut(rows, p, total), nil
}
