package credit

import (
	"context"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Register adds the area's queries and mutations to b.
func Register(b *api.Builder, d api.Deps) {
	registerRegistry(b, d)
	registerLending(b, d)
	registerFund(b, d)
}

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

// thunk is a node field computed only when a query selects it (a batched
// load, or a field that needs an authorization check).
type thunk func() (any, error)

// lazy is a field whose value is the node map's thunk of the same name.
func lazy(t graphql.Output, description string) *graphql.Field {
	return &graphql.Field{Type: t, Description: description, Resolve: func(p graphql.ResolveParams) (any, error) {
		if f, ok := p.Source.(map[string]any)[p.Info.FieldName].(thunk); ok {
			return f()
		}
		return nil, nil
	}}
}

// of is the thunk of item id's rows in b, mapped by node for the schema.
func of[T any](ctx context.Context, b *api.Batch[T], id uuid.UUID, node func(T) map[string]any) thunk {
	return func() (any, error) {
		rows, err := b.Of(ctx, id)
		return nodes(rows, err, node)
	}
}

// nodes maps rows to nodes, or passes err on.
func nodes[T any](rows []T, err error, node func(T) map[string]any) (any, error) {
	if err != nil {
		return nil, err
	}
	out := make([]map[string]any, len(rows))
	for i, r := range rows {
		out[i] = node(r)
	}
	return out, nil
}
