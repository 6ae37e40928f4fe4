// Package demandview is the read model of package demand: the demands and
// saved searches (demand_demands), the facts of every listing a search is
// matched against (demand_offers, from the listing events), and each saved
// search's alerts (demand_alerts): a listing that matches an open search when
// the exchange approves it for the board. An alert is written once per search
// and listing, however often the listing is announced again.
//
// Apply is idempotent per event, as readmodel.Projection requires. Queries
// take a readmodel.Querier and return rows for the API to mask: a saved
// search and its alerts belong to their owner alone.
package demandview
