package api

import (
	"reflect"
	"sync"

	"github.com/graphql-go/graphql"
)

// plainResolvers holds the code pointers of the resolvers a compiled plan may
// call (see Compile): Field's, Private's and Load's, and those marked with
// Plain. Closures made by one function literal share its code, so one entry
// covers every field that literal resolves.
var plainResolvers sync.Map // uintptr → struct{}

// Plain marks resolve as one a compiled plan may call: it reads of its
// graphql.ResolveParams only Source, Args, Context, and Info's FieldName,
// FieldASTs and Fragments, modifies none of them (a plan shares Args and Info
// between requests), and has no effect beyond reading the read models. It
// returns resolve.
func Plain(resolve graphql.FieldResolveFn) graphql.FieldResolveFn {
	plainResolvers.Store(reflect.ValueOf(resolve).Pointer(), struct{}{})
	return resolve
}

// isPlain reports whether resolve was marked with Plain.
func isPlain(resolve graphql.FieldResolveFn) bool {
	_, ok := plainResolvers.Load(reflect.ValueOf(resolve).Pointer())
	return ok
}
