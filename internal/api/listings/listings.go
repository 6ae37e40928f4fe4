// Package listings is the GraphQL area of listings, live auctions and trades.
package listings

import "github.com/nongjiao/nongjiao/internal/api"

// Register adds the area's queries, mutations and subscriptions to b.
func Register(b *api.Builder, d api.Deps) {}
