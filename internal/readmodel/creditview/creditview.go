package creditview

import (
	"context"
	"fmt"
	"math"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Projections returns the area's projections: notices, lending and the fund.
func Projections() []readmodel.Projection {
	return []readmodel.Projection{noticeProjection{}, lendingProjection{}, fundProjection{}}
}

// open is the effective_to of a version still in force.
const open = math.MaxInt64

// groupIn reads query, whose %s is replaced by " WHERE column IN (…)" over ids,
// and groups the rows by key: the rows of each id, in the query's order.
func groupIn[T any](ctx context.Context, q readmodel.Querier, scan func(readmodel.Scanner) (T, error), key func(T) uuid.UUID,
	query, column string, ids []uuid.UUID) (map[uuid.UUID][]T, error) {
	out := map[uuid.UUID][]T{}
	if len(ids) == 0 {
		return out, nil
	}
	text := make([]string, len(ids))
	for i, id := range ids {
		text[i] = id.String()
	}
	var w readmodel.Where
	w.In(column, text)
	all, err := readmodel.Collect(ctx, q, scan, fmt.Sprintf(query, w.String()), w.Args()...)
	for _, v := range all {
		out[key(v)] = append(out[key(v)], v)
	}
	return out, err
}
