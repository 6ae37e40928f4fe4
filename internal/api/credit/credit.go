package credit

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Register adds the area's queries and mutations to b.
func Register(b *api.Builder, d api.Deps) {
	registerRegistry(b, d)
	registerLending(b, d)
	registerFund(b, d)
}

// via returns a function that sends one command through h and makes the
// mutation's payload of what it wrote and fields.
func via[S any, C kernel.Command](h *app.Handler[S, C]) func(context.Context, C, api.Call, map[string]any) (api.Payload, error) {
	return func(ctx context.Context, cmd C, call api.Call, fields map[string]any) (api.Payload, error) {
		res, err := h.Handle(ctx, cmd, call.Meta)
		if err != nil {
			return api.Payload{}, err
		}
		return api.Payload{Result: res, Fields: fields}, nil
	}
}

// inspect reads what pick takes from an aggregate's current state (pick runs
// under the aggregate's lock and must copy what it keeps).
func inspect[S any, C kernel.Command, T any](ctx context.Context, h *app.Handler[S, C], id uuid.UUID, pick func(S) T) (T, error) {
	var out T
	err := h.Inspect(ctx, id, func(s S, _ uint64) { out = pick(s) })
	return out, err
}

// Input readers. GraphQL has checked types and required fields already, so an
// absent optional field reads as the zero value.
func str(in map[string]any, f string) string         { s, _ := in[f].(string); return s }
func number(in map[string]any, f string) int         { n, _ := in[f].(int); return n }
func money(in map[string]any, f string) kernel.Money { m, _ := in[f].(kernel.Money); return m }
func instant(in map[string]any, f string) time.Time  { t, _ := in[f].(time.Time); return t }

// ids reads several required ID fields at once.
func ids(in map[string]any, fields ...string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, len(fields))
	for i, f := range fields {
		id, err := api.ID(in, f)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

// idOrNull renders an optional id: null for uuid.Nil.
func idOrNull(id uuid.UUID) any {
	if id == uuid.Nil {
		return nil
	}
	return id.String()
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

// batch loads the rows of a page's items with one query, the first time any
// item asks, so a page never costs one query per item.
type batch[T any] struct {
	once sync.Once
	load func() (map[uuid.UUID][]T, error)
	rows map[uuid.UUID][]T
	err  error
}

func newBatch[T any](load func() (map[uuid.UUID][]T, error)) *batch[T] {
	return &batch[T]{load: load}
}

// of returns the rows of item id, mapped by node for the schema.
func of[T any](b *batch[T], id uuid.UUID, node func(T) map[string]any) thunk {
	return func() (any, error) {
		b.once.Do(func() { b.rows, b.err = b.load() })
		return nodes(b.rows[id], b.err, node)
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

// nonNull shortens graphql.NewNonNull.
func nonNull(t graphql.Type) *graphql.NonNull { return graphql.NewNonNull(t) }

// listOf is a non-null list of non-null t.
func listOf(t graphql.Type) *graphql.NonNull { return nonNull(graphql.NewList(nonNull(t))) }

// enum builds an enum whose values are the domain's typed constants.
func enum[T ~string](name, description string, values ...T) *graphql.Enum {
	cfg := graphql.EnumValueConfigMap{}
	for _, v := range values {
		cfg[string(v)] = &graphql.EnumValueConfig{Value: v}
	}
	return graphql.NewEnum(graphql.EnumConfig{Name: name, Description: description, Values: cfg})
}
