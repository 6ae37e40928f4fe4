// Package assets is the GraphQL area of assets, consolidation packages and land transfer contracts.
package assets

import "github.com/nongjiao/nongjiao/internal/api"

// Register adds the area's queries, mutations and subscriptions to b.
func Register(b *api.Builder, d api.Deps) {}
