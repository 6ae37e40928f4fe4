package listings

import (
	"github.com/nongjiao/nongjiao/internal/api"
)

// Register adds the area's queries (listings, listing, trades), its
// mutations (one per listing command a person sends) and the auctionFeed
// subscription to b.
func Register(b *api.Builder, d api.Deps) {
	a := area{d}
	a.queries(b)
	a.listingMutations().Register(b)
	a.feed(b)
}

// area is the listings area's resolvers over their dependencies.
type area struct{ api.Deps }
