// Package listingview holds the read models of the listing context: the
// listing board (one row per listing, searchable), the registered bidders of
// each round, the opened quotes and the trades (awarded listings through
// payment, contract, certificate and archive), and reads a round's accepted
// bids from the listing's own stream (Bids).
//
// One projection (listingProjection, named "listingview.v1", version 5) keeps
// the tables listing_listings, listing_search, listing_bidders,
// listing_quotes and listing_trades from the listing events, on SQLite and
// PostgreSQL with the same SQL. Register it with a readmodel.Projector
// (Projections returns it). A bid changes only its listing's row: the
// highest bid, the count of bids, the leader, and the stream version of the
// bid (last_bid_version), up to which Bids reads the stream.
//
// What is kept out: the reserve price (listing.ReservePriceSet) is never read,
// so no table holds it. A sealed quote (listing.QuoteSubmitted, IsSealed)
// moves only listing_listings.quote_count: its amount and bidder reach no
// table before QuotesOpened writes every final quote to listing_quotes.
// Bidder identities are stored, because the exchange and
// each bidder may see them (rule 14), but each one is a BidderRef that also
// carries the bidder number: callers must show the id only when
// listing.Viewer.Sees it.
//
// Queries (Listings, CountListings, ListingByID, Bidders, Trades,
// CountTrades) read only these tables, Bids only the listing's stream, and
// all page by keyset with
// readmodel.Page (cursors from Sort.Cursor, Trade.Cursor, Bid.Cursor): they
// never use OFFSET. A listings page is a deferred
// join: its ids are chosen from the indexes, then only those rows are read.
// Callers validate input (the API turns bad input into INVALID_INPUT); the
// queries return INVALID_INPUT on "after" for a cursor that is not one of the
// list's (of another sort order, say) and database errors wrapped with %w.
//
// Free text (Filter.Text) is a case-insensitive substring match (LIKE, with %
// and _ escaped) over SearchText, kept in the narrow listing_search table.
package listingview
