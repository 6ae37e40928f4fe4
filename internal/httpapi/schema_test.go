package httpapi

import (
	"errors"
	"fmt"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// codeBidTooLow is a domain code the test mutation refuses with.
const codeBidTooLow = "BID_BELOW_MINIMUM"

// newTestSchema is a small schema exercising every path through the server:
// plain fields, a list with "first", a domain error, an internal error, a slow
// field, the caller's principal, a mutation and a subscription.
func newTestSchema() *graphql.Schema {
	item := graphql.NewObject(graphql.ObjectConfig{Name: "Item", Fields: graphql.Fields{
		"id": {Type: graphql.Int},
	}})
	item.AddFieldConfig("children", &graphql.Field{
		Type: graphql.NewList(item),
		Args: graphql.FieldConfigArgument{"first": {Type: graphql.Int}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			return items(p), nil
		},
	})
	query := graphql.NewObject(graphql.ObjectConfig{Name: "Query", Fields: graphql.Fields{
		"hello": {
			Type: graphql.String,
			Args: graphql.FieldConfigArgument{"name": {Type: graphql.String, DefaultValue: "world"}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return "hello " + p.Args["name"].(string), nil
			},
		},
		"items": {
			Type: graphql.NewList(item),
			Args: graphql.FieldConfigArgument{"first": {Type: graphql.Int}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				return items(p), nil
			},
		},
		"listing": {
			Type: graphql.String,
			Resolve: func(graphql.ResolveParams) (any, error) {
				return nil, fmt.Errorf("loading listing: %w", kernel.FieldErrorf(kernel.CodeNotFound, "id", "no listing with that id"))
			},
		},
		"broken": {
			Type: graphql.String,
			Resolve: func(graphql.ResolveParams) (any, error) {
				return nil, errors.New("pq: connection refused to 10.0.0.7")
			},
		},
		"slow": {
			Type: graphql.String,
			Resolve: func(p graphql.ResolveParams) (any, error) {
				<-p.Context.Done()
				return nil, p.Context.Err()
			},
		},
		"me": {
			Type: graphql.String,
			Resolve: func(p graphql.ResolveParams) (any, error) {
				if who, ok := auth.FromContext(p.Context); ok {
					return who.Role.String() + ":" + who.Party.String(), nil
				}
				return nil, nil
			},
		},
	}})
	mutation := graphql.NewObject(graphql.ObjectConfig{Name: "Mutation", Fields: graphql.Fields{
		"placeBid": {
			Type: graphql.String,
			Args: graphql.FieldConfigArgument{"amount": {Type: graphql.NewNonNull(graphql.Int)}},
			Resolve: func(p graphql.ResolveParams) (any, error) {
				if p.Args["amount"].(int) < 100 {
					return nil, kernel.FieldErrorf(codeBidTooLow, "amount", "a bid must be at least 100 fen")
				}
				return "accepted", nil
			},
		},
	}})
	subscription := graphql.NewObject(graphql.ObjectConfig{Name: "Subscription", Fields: graphql.Fields{
		"countdown": {
			Type: graphql.Int,
			Args: graphql.FieldConfigArgument{"from": {Type: graphql.NewNonNull(graphql.Int)}},
			Subscribe: func(p graphql.ResolveParams) (any, error) {
				from := p.Args["from"].(int)
				if from < 0 {
					return nil, kernel.FieldErrorf(kernel.CodeInvalid, "from", "cannot count down from %d", from)
				}
				ch := make(chan any)
				go func() {
					defer close(ch)
					for i := from; i > 0; i-- {
						select {
						case ch <- i:
						case <-p.Context.Done():
							return
						}
					}
				}()
				return ch, nil
			},
			Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source, nil },
		},
		"forever": {
			Type: graphql.Int,
			Subscribe: func(p graphql.ResolveParams) (any, error) {
				ch := make(chan any)
				go func() {
					defer close(ch)
					for i := 1; ; i++ {
						select {
						case ch <- i:
						case <-p.Context.Done():
							return
						}
					}
				}()
				return ch, nil
			},
			Resolve: func(p graphql.ResolveParams) (any, error) { return p.Source, nil },
		},
	}})
	schema, err := graphql.NewSchema(graphql.SchemaConfig{Query: query, Mutation: mutation, Subscription: subscription})
	if err != nil {
		panic(err)
	}
	return &schema
}

// items returns "first" (default 2) items numbered from 1.
func items(p graphql.ResolveParams) []map[string]any {
	n := 2
	if first, ok := p.Args["first"].(int); ok {
		n = first
	}
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{"id": i + 1}
	}
	return out
}
