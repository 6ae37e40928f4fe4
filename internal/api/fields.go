package api

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// NonNull is graphql.NewNonNull.
func NonNull(t graphql.Type) *graphql.NonNull { return graphql.NewNonNull(t) }

// ListOf is a non-null list of non-null t.
func ListOf(t graphql.Type) *graphql.NonNull { return NonNull(graphql.NewList(NonNull(t))) }

// Field is an object field read from a source of type S with get.
func Field[S any](t graphql.Output, description string, get func(S) any) *graphql.Field {
	return &graphql.Field{Type: t, Description: description, Resolve: Plain(func(p graphql.ResolveParams) (any, error) {
		return get(p.Source.(S)), nil
	})}
}

// Load is a Field whose value needs the request's context: a query of its
// own, or the rows a page's Batch loads.
func Load[S any](t graphql.Output, description string, load func(ctx context.Context, src S) (any, error)) *graphql.Field {
	return &graphql.Field{Type: t, Description: description, Resolve: Plain(func(p graphql.ResolveParams) (any, error) {
		return load(p.Context, p.Source.(S))
	})}
}

// Private is a Field only callers that may see the source get; others get null.
func Private[S any](t graphql.Output, description string, may func(auth.Principal, S) bool, get func(S) any) *graphql.Field {
	return &graphql.Field{Type: t, Description: description, Resolve: Plain(func(p graphql.ResolveParams) (any, error) {
		src := p.Source.(S)
		if !may(Viewer(p.Context), src) {
			return nil, nil
		}
		return get(src), nil
	})}
}

// Nullable renders a zero value as null: uuid.Nil, "", 0 and the zero time
// (the DateTime scalar prints a zero time as null too; this keeps nullable
// object fields explicit). Ids come out as strings.
func Nullable[T comparable](v T) any {
	var zero T
	if v == zero {
		return nil
	}
	switch v := any(v).(type) {
	case uuid.UUID:
		return v.String()
	case time.Time:
		if v.IsZero() {
			return nil
		}
	}
	return v
}

// IDStrings renders ids for a list of ID.
func IDStrings(ids []uuid.UUID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id.String()
	}
	return out
}

// Enum builds an enum over a string-kinded domain type: its GraphQL names
// are the domain's stable strings and its values the typed constants.
// graphql-go matches an output value by its dynamic type, so resolvers return
// T (never string(v)), and arguments arrive as T.
func Enum[T ~string](name, description string, values ...T) *graphql.Enum {
	described := make(map[T]string, len(values))
	for _, v := range values {
		described[v] = ""
	}
	return DescribedEnum(name, description, described)
}

// DescribedEnum is Enum with a description for each value.
func DescribedEnum[T ~string](name, description string, values map[T]string) *graphql.Enum {
	cfg := graphql.EnumValueConfigMap{}
	for v, desc := range values {
		cfg[string(v)] = &graphql.EnumValueConfig{Value: v, Description: desc}
	}
	return graphql.NewEnum(graphql.EnumConfig{Name: name, Description: description, Values: cfg})
}

// AssetType is the one enum of asset types every area uses: values are
// kernel.AssetType.
var AssetType = Enum("AssetType",
	"The kind of rural property right; COLLECTIVE_LAND_OWNERSHIP and HOUSEHOLD_CONTRACTING_RIGHT are never tradable.",
	kernel.AssetTypes()...)
