package api

import (
	"context"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Deps is what an area's resolvers use: the command side, the read-model
// database for queries, the live feed for subscriptions, the clock and, on a
// sandbox only, what moves it.
type Deps struct {
	App     *app.App
	DB      *readmodel.DB
	Live    *Hub
	Clock   kernel.Clock
	Sandbox Sandbox // nil outside a sandbox
	// Projected blocks until the read models hold every event up to
	// position, or ctx ends: a subscription that reads what was recorded
	// before following live events waits with it (nil: it does not wait).
	Projected func(ctx context.Context, position uint64) error
}

// Inspect reads what pick takes from the current state of aggregate id
// through h: the authoritative state, never a read model. pick runs under
// the aggregate's lock and must copy what it keeps.
func Inspect[S any, C kernel.Command, T any](ctx context.Context, h *app.Handler[S, C], id uuid.UUID, pick func(S) T) (T, error) {
	var out T
	err := h.Inspect(ctx, id, func(s S, _ uint64) { out = pick(s) })
	return out, err
}
