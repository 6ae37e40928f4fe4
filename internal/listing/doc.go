// Package listing is the listing aggregate of the exchange, with its live
// auction (rules 3, 4, 10–14 and 25–28 of docs/rules.md): a listing is drafted with a snapshot of
// the asset, submitted with the members' resolution, reviewed by the exchange,
// announced for bidder registration, and then sold by negotiation, by a
// ladder auction or by one-time sealed quotes (Details.Method), with the
// members' and the sitting lessee's priority rights in the order the listing
// states, payment, deposit refunds, contract, certificate and archive. Its
// prices are in the listing's basis (Details.Basis: a total, or a yearly rent
// whose award becomes a lease); its deposit is fixed or a percentage
// (Details.Deposit); an unpaid award is relisted or offered to the runner-up
// (Details.Unpaid).
//
// It is pure: no I/O, no clock. Callers must
//   - build the command with every id (new ids come from the caller) and the
//     facts of other aggregates: the asset's type, owner, region, area, rights end
//     date and registered encumbrances (CreateListing.Details.Asset), the bidder's
//     membership of the owning collective (RegisterBidder.IsMember), the contract
//     id made by the transfer context (SignContract), the sitting lessee
//     (AssetFacts.SittingLessee);
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
//   - keep ReservePriceSet (IsConfidential) off the public board, keep
//     QuoteSubmitted (IsSealed) from everyone, the exchange included, until
//     QuotesOpened publishes the quotes, and mask bidder ids for the viewer
//     (Viewer, BidHistory);
//   - on a rent basis, draft the lease from the award with the yearly rent,
//     frequency and step-up of Details.Rent and Details.FirstPayment as paid
//     (app.LeaseRent).
//
// Decide returns a *kernel.Error: the package's codes (errors.go) such as
// BID_BELOW_MINIMUM, BID_NOT_ON_INCREMENT, AUCTION_CLOSED, LISTING_NOT_OPEN,
// QUOTE_ALREADY_SUBMITTED, WRONG_SALE_METHOD, DEPOSIT_BELOW_REQUIRED,
// PRIORITY_NOT_OPEN, NOT_SITTING_LESSEE,
// BIDDER_NOT_QUALIFIED, ASSET_ENCUMBERED, RESOLUTION_INSUFFICIENT, or the kernel's
// NOT_FOUND (no such listing), INVALID_STATE (wrong step), INVALID_INPUT,
// FORBIDDEN. A refused command emits no events.
//
// Deciding a bid costs the same however many bids came before: the state keeps
// the leader and the bid count; read models build the bid history from
// BidPlaced events.
package listing
