// Package demands is the API area of supply meeting demand (package demand):
//
//   - mutations postDemand, saveSearch and closeDemand, for bidders (the farm
//     businesses and cooperatives that bid); a demand or search belongs to
//     the party that made it, and only that party closes it;
//   - queries myDemands and demandAlerts, the caller's own demands, saved
//     searches and alerts; and matchingDemands(assetId), the open demands an
//     asset would meet, for the asset's collective and the exchange;
//   - the subscription listingAlerts: each listing the exchange approves for
//     the board that matches one of the caller's open saved searches, the
//     moment it is approved. demandAlerts lists the same alerts afterwards.
//
// Demands' owners are shown only to the owner and the exchange.
package demands
