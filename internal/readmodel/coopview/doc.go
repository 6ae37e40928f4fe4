// Package coopview keeps the read models of share cooperatives (internal/coop)
// and answers the queries the GraphQL area api/coops makes of them.
//
// One projection (registerProjection, named "coop_register") keeps six tables, all
// prefixed coop_: the cooperatives with their totals by share class and their
// member count; the share register, one line per member, outside heir and the
// collective's own shares, with holdings and quantified shares by class and
// the pledged count; pledges with their status; declared dividends and their
// per-holder payouts (copied from the event, so they sum exactly to the
// declared amount); and the history of share movements (allocation,
// transfer, redemption, inheritance, reversion). Money is stored as BIGINT
// fen, times as BIGINT unix microseconds (NULL when absent), ids as TEXT.
//
// Callers must
//   - add Projections() to the projector, which applies each event once, in
//     order, inside its transaction;
//   - read with the functions of this package (Get, List, Holders, Pledges,
//     Dividends, DividendByID, Payouts, Movements), which page by keyset:
//     pass the Cursor of the last row seen (PayoutCursor for a payout) as
//     readmodel.Page.After;
//   - authorise before reading: the functions return whatever matches their
//     filter. The PledgedTo filters restrict a bank to the holders it holds a
//     live pledge on.
//
// Errors: reads return database errors wrapped with the query's purpose; a
// missing row is (zero value, false, nil), never an error.
package coopview
