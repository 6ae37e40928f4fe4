package creditview

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Projections returns the area's projections: notices, lending and the fund.
func Projections() []readmodel.Projection {
	return []readmodel.Projection{Notices{}, Lending{}, Funds{}}
}

// open is the effective_to of a version still in force.
const open = math.MaxInt64

// micros stores a time; the zero time is 0.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros reads a stored time; 0 is the zero time.
func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// parseID reads a stored id; a malformed one reads as uuid.Nil.
func parseID(s string) uuid.UUID {
	id, _ := uuid.Parse(s)
	return id
}

// boolInt stores a boolean as INTEGER 0/1.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Querier is what the query functions read from: a *readmodel.DB or a Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// placeholders returns "$from, $from+1, …" for n arguments.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

// idArgs turns ids into query arguments.
func idArgs(ids []uuid.UUID) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// collect runs query and scans every row with scan.
func collect[T any](ctx context.Context, q Querier, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
