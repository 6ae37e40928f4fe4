// Package listing is the listing aggregate of the exchange, with its live
// auction (rules 3, 4 and 10–14 of docs/rules.md): a listing is drafted with a snapshot of
// the asset, submitted with the members' resolution, reviewed by the exchange,
// announced for bidder registration, and then sold by negotiation or auction,
// with the members' priority right, payment, deposit refunds, contract,
// certificate and archive.
//
// It is pure: no I/O, no clock. Callers must
//   - build the command with every id (new ids come from the caller) and the
//     facts of other aggregates: the asset's type, owner, region, area, rights end
//     date and registered encumbrances (CreateListing.Details.Asset), the bidder's
//     membership of the owning collective (RegisterBidder.IsMember), the contract
//     id made by the transfer context (SignContract);
//   - set State.Calendar to the official working-day calendar in force before
//     each decision (the zero Calendar counts Monday to Friday): every deadline
//     in working days is counted with it and recorded in the event that sets it;
//   - pass the command's time to Decide (Decider.Decide) and append the events
//     with the stream's expected version ("listing-<uuid>");
//   - check the actor's role before exchange-only commands (review, deposits,
//     qualification, suspension, payment, refunds, certificate): the decider checks
//     only the rules that depend on who acts (withdrawal by the seller, bids and
//     priority by the bidder named on the command);
//   - send the time-driven commands when State.NextDue says (CloseRegistration,
//     CloseNegotiation, OpenBidding, CloseAuction, ClosePriorityWindow,
//     ForfeitDeposit); sent early they fail with NOT_DUE;
//   - keep ReservePriceSet (IsConfidential) off the public board and mask bidder
//     ids for the viewer (Viewer, BidHistory).
//
// Decide returns a *kernel.Error: the package's codes (errors.go) such as
// BID_BELOW_MINIMUM, BID_NOT_ON_INCREMENT, AUCTION_CLOSED, LISTING_NOT_OPEN,
// BIDDER_NOT_QUALIFIED, ASSET_ENCUMBERED, RESOLUTION_INSUFFICIENT, or the kernel's
// NOT_FOUND (no such listing), INVALID_STATE (wrong step), INVALID_INPUT,
// FORBIDDEN. A refused command emits no events.
//
// Deciding a bid costs the same however many bids came before: the state keeps
// the leader and the bid count; read models build the bid history from
// BidPlaced events.
package listing
