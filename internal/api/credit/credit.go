// Package credit is the GraphQL area of the collateral registry, lending and the operation fund.
package credit

import "github.com/nongjiao/nongjiao/internal/api"

// Register adds the area's queries, mutations and subscriptions to b.
func Register(b *api.Builder, d api.Deps) {}
