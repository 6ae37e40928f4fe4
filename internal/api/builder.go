package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/auth"
)

// Builder collects the fields areas contribute to the schema's root types.
// Adding a name twice panics: that is a programming error found at start-up.
type Builder struct {
	query, mutation, subscription graphql.Fields
	cacheable                     map[string]bool
	standing                      Standing
}

// Standing refuses a caller whose party may not act at all (not registered,
// suspended, or not of a kind that acts in the caller's role). Every
// mutation calls it once the caller's role is allowed and before it decodes
// the input; PartyStanding is the exchange's.
type Standing func(ctx context.Context, p auth.Principal) error

// NewBuilder returns an empty Builder.
func NewBuilder() *Builder {
	return &Builder{query: graphql.Fields{}, mutation: graphql.Fields{}, subscription: graphql.Fields{}, cacheable: map[string]bool{}}
}

// SetStanding makes every mutation check the caller with standing; Build
// refuses a schema with mutations and no Standing.
func (b *Builder) SetStanding(standing Standing) { b.standing = standing }

// CacheableQuery adds a query field whose result depends only on the read
// models, the caller and the arguments — its resolvers never read the clock
// or the event store — so the server may answer a repeat of it from a
// response computed earlier, until something it read changes (httpapi's result
// cache; the read models' query functions name what they read with package
// readmodel/changes, and any read they do not name counts as reading
// everything).
func (b *Builder) CacheableQuery(name string, f *graphql.Field) {
	b.Query(name, f)
	b.cacheable[name] = true
}

// Cacheable returns the names of the fields added with CacheableQuery.
func (b *Builder) Cacheable() map[string]bool { return b.cacheable }

// Query adds a query field.
func (b *Builder) Query(name string, f *graphql.Field) { add(b.query, "query", name, f) }

// Subscription adds a subscription field.
func (b *Builder) Subscription(name string, f *graphql.Field) {
	add(b.subscription, "subscription", name, f)
}

func add(fields graphql.Fields, root, name string, f *graphql.Field) {
	if _, dup := fields[name]; dup {
		panic(fmt.Sprintf("api: %s field %q added twice", root, name))
	}
	fields[name] = f
}

// Build returns the schema.
func (b *Builder) Build() (graphql.Schema, error) {
	if len(b.mutation) > 0 && b.standing == nil {
		return graphql.Schema{}, errors.New("api: a schema with mutations needs a Standing (SetStanding) to check who acts")
	}
	cfg := graphql.SchemaConfig{
		Query: graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: b.query}),
	}
	if len(b.mutation) > 0 {
		cfg.Mutation = graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: b.mutation})
	}
	if len(b.subscription) > 0 {
		cfg.Subscription = graphql.NewObject(graphql.ObjectConfig{Name: "Subscription", Fields: b.subscription})
	}
	schema, err := graphql.NewSchema(cfg)
	if err != nil {
		return schema, err
	}
	warmEnums(schema)
	return schema, nil
}

// warmEnums fills every enum's lookup tables now. graphql-go builds them on
// first use without a lock, so two requests serialising or parsing an enum
// for the first time at once would race on them.
func warmEnums(schema graphql.Schema) {
	for _, t := range schema.TypeMap() {
		if e, ok := t.(*graphql.Enum); ok {
			for _, v := range e.Values() {
				e.Serialize(v.Value)
				e.ParseValue(v.Name)
			}
		}
	}
}
