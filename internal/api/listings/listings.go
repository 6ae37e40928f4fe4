package listings

import (
	"github.com/nongjiao/nongjiao/internal/api"
)

// Register adds the area's queries (listings, listing, trades), its
// mutations (one per listing command a person sends) and the auctionFeed
// subscription to b.
func Register(b *api.Builder, d api.Deps) {
	q := queries{d: d}
	q.register(b)
	m := mutations{d: d}
	m.table().Register(b)
	registerFeed(b, m)
}
