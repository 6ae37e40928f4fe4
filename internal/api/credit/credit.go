package credit

import (
	"context"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Register adds the area's queries and mutations to b.
func Register(b *api.Builder, d api.Deps) {
	a := area{d}
	a.collateralQueries(b)
	a.lendingQueries(b)
	a.fundQueries(b)
	a.collateralMutations().Register(b)
	a.productMutations().Register(b)
	a.loanMutations().Register(b)
	a.claimMutations().Register(b)
	a.fundMutations().Register(b)
}

// area is the credit area's resolvers over their dependencies.
type area struct{ api.Deps }

// Who calls the area's mutations; party checks come on top (see the package doc).
var (
	bank     = []auth.Role{auth.RoleBank}
	fundRole = []auth.Role{auth.RoleFund}
)

// inspect reads what pick takes from an aggregate's current state (pick runs
// under the aggregate's lock and must copy what it keeps).
func inspect[S any, C kernel.Command, T any](ctx context.Context, h *app.Handler[S, C], id uuid.UUID, pick func(S) T) (T, error) {
	var out T
	err := h.Inspect(ctx, id, func(s S, _ uint64) { out = pick(s) })
	return out, err
}
