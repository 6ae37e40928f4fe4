// Package listingview holds the read models of the listing context: the
// listing board (one row per listing, searchable), the registered bidders of
// each round, the accepted bids and the trades (awarded listings through
// payment, contract, certificate and archive).
//
// One projection (Projection, named "listingview.v1") keeps the four tables
// listing_listings, listing_bidders, listing_bids and listing_trades from the
// listing events, on SQLite and PostgreSQL with the same SQL. Register it with
// a readmodel.Projector (Projections returns it).
//
// What is kept out: the reserve price (listing.ReservePriceSet) is never read,
// so no table holds it. Bidder identities are stored, because the exchange and
// each bidder may see them (rule 14), but every struct that carries one also
// carries the bidder number: callers must show the id only when
// listing.Viewer.Sees it (see Bidder.Masked, Bid.Masked, Trade.Masked).
//
// Queries (Listings, CountListings, Listing, Bidders, Bids, Trades) read only
// these tables and page with keyset cursors (Key): they never use OFFSET.
// They return database errors wrapped with %w; a Filter or Key that cannot be
// valid is refused with a *kernel.Error (INVALID_INPUT) naming the field.
package listingview
