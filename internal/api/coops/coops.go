// Package coops is the GraphQL area of share cooperatives.
package coops

import "github.com/nongjiao/nongjiao/internal/api"

// Register adds the area's queries, mutations and subscriptions to b.
func Register(b *api.Builder, d api.Deps) {}
