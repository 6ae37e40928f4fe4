package api

import (
	"reflect"
	"sync"

	"github.com/graphql-go/graphql"
)

// resolverSet holds code pointers of resolvers. Closures made by one
// function literal share its code, so one entry covers every field that
// literal resolves.
type resolverSet struct{ m sync.Map } // uintptr → struct{}

// mark adds resolve to the set and returns it.
func (s *resolverSet) mark(resolve graphql.FieldResolveFn) graphql.FieldResolveFn {
	s.m.Store(reflect.ValueOf(resolve).Pointer(), struct{}{})
	return resolve
}

// has reports whether resolve was marked.
func (s *resolverSet) has(resolve graphql.FieldResolveFn) bool {
	_, ok := s.m.Load(reflect.ValueOf(resolve).Pointer())
	return ok
}

var (
	// plainResolvers are the resolvers a compiled query plan may call
	// (see Compile): Field's, Private's and Load's, and those marked with
	// Plain.
	plainResolvers resolverSet
	// mutationResolvers are the resolvers a compiled mutation may call
	// (see CompileMutation): addMutation's.
	mutationResolvers resolverSet
)

// Plain marks resolve as one a compiled plan may call: it reads of its
// graphql.ResolveParams only Source, Args, Context, and Info's FieldName,
// FieldASTs and Fragments, modifies none of them (a plan shares Args and Info
// between requests), and has no effect beyond reading the read models. It
// returns resolve.
func Plain(resolve graphql.FieldResolveFn) graphql.FieldResolveFn {
	return plainResolvers.mark(resolve)
}
