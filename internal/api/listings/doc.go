// Package listings is the GraphQL area of listings, live auctions and trades.
//
// Queries read the listingview read models only: `listings` (search by
// status, asset type, region, listed price, closing time and free text, sorted
// and paged with keyset cursors), `listing(id)` with its bidders, bid
// history, sale terms (basis, totals over the term, deposit, method, priority
// and unpaid-winner rules) and sealed quotes (none before the opening, for any
// caller), and `trades`. Bidder identities are masked to bidder numbers except
// for the exchange and the bidder itself (rule 14, listing.Viewer); the reserve
// price is in no type.
//
// Mutations, one per listing command that a person sends (the time-driven ones
// are the scheduler's), check the caller's role (each table row's Roles) and party:
// a collective lists only its own assets (read from the asset aggregate with
// App.Assets.Inspect, never from read models), the fund's operator only, for
// the fund, a right the fund holds on the register (App.Facts().FundSale, at
// creation and at each later seller command), a seller alone revises,
// submits, relists and ends its listing, a bidder registers, bids, quotes and claims
// priority only as itself, the exchange reviews, confirms, qualifies,
// suspends and settles. placeBid reads nothing besides the listing aggregate
// the command handler keeps in memory.
//
// The auctionFeed subscription relays a listing's live events from the Hub,
// masked per subscriber.
//
// Errors are *kernel.Error: the listing context's codes (BID_BELOW_MINIMUM,
// BID_NOT_ON_INCREMENT, AUCTION_CLOSED, BIDDER_NOT_QUALIFIED,
// RESOLUTION_REQUIRED, …), the registry's NOT_RIGHT_HOLDER and NOT_ENTRUSTED
// for assets the caller may not list, and the kernel's NOT_FOUND,
// INVALID_INPUT (with the field), FORBIDDEN, UNAUTHENTICATED.
package listings
