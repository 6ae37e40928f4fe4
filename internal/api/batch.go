package api

import (
	"context"
	"sync"

	"github.com/google/uuid"
)

// Batch loads the rows of a page's items with one query, the first time any
// item asks, so a page never costs one query per item. Nodes of one page
// share one Batch.
type Batch[T any] struct {
	once sync.Once
	load func(context.Context) (map[uuid.UUID][]T, error)
	rows map[uuid.UUID][]T
	err  error
}

// NewBatch returns a Batch that loads with load: the rows of every item of
// the page, by item id.
func NewBatch[T any](load func(context.Context) (map[uuid.UUID][]T, error)) *Batch[T] {
	return &Batch[T]{load: load}
}

// PageBatch is a Batch over one page of items: load gets the items' ids (id
// of each) and returns their rows by id.
func PageBatch[I, T any](items []I, id func(I) uuid.UUID, load func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]T, error)) *Batch[T] {
	ids := make([]uuid.UUID, len(items))
	for i, it := range items {
		ids[i] = id(it)
	}
	return NewBatch(func(ctx context.Context) (map[uuid.UUID][]T, error) { return load(ctx, ids) })
}

// Of returns the rows of item id (a copy the caller may keep), loading the
// page's rows on the first call.
func (b *Batch[T]) Of(ctx context.Context, id uuid.UUID) ([]T, error) {
	b.once.Do(func() { b.rows, b.err = b.load(ctx) })
	if b.err != nil {
		return nil, b.err
	}
	return append([]T{}, b.rows[id]...), nil
}
