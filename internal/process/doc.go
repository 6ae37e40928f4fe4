// Package process holds nongjiao's process managers: watermill handlers that
// react to stored events and send commands through the App's handlers, so
// that the listing, the transfer contract, the asset register, the collateral
// register, the loans and the operation fund stay consistent without any
// aggregate knowing another.
//
//   - award: a paid award drafts the transfer contract; the signed contract
//     marks the listing signed and moves the asset's management right; a
//     renewed contract extends it; a terminated or expired contract ends it.
//   - restriction: a collateral notice adds the asset's restriction (or the
//     cooperative's share pledge); its discharge or expiry lifts it.
//   - loan: the notice securing an approved loan records the loan, then the
//     loan records the notice; a repaid loan is released from its notice,
//     which is discharged once no loan it secures is outstanding.
//   - disposal: a defaulted loan's collateral is put up on the exchange; the
//     sale's proceeds (or the fund's purchase price) are paid by rank, each
//     secured loan records its recovery, the notices are discharged, and the
//     bank's claim for the remaining loss is filed with the fund, whose
//     payment is recorded on the loan; a deposit the unpaid winner of a
//     disposal listing forfeits is paid by rank as a recovery too, and so is
//     the price of enforced pledged shares (then the notice is discharged
//     and the claim filed). The collateral the fund buys moves to the fund on
//     the register, and the fund's sale of it on the exchange is recorded.
//   - advance: rent the operation fund advances is paid on the transfer
//     contract, so the farmer is paid and the arrears clear.
//
// Callers add them to a router with AddTo, before Run, in exactly one process
// (the worker). Each handler has its own Subscriber and consumer group over the
// App's store, so each resumes after its own last acknowledged event.
//
// Delivery is at least once, so every manager is idempotent: the command id
// of each command derives from the triggering event's id and the step
// (uuid.NewSHA1), and so do the ids of aggregates a manager creates (the
// contract, the disposal listing, the fund claim). A redelivered event maps to
// the same commands, which the App answers as duplicates without writing.
// Managers also look before they send (is the contract already drafted, the
// restriction already there?), so a creation done by another path is not
// refused as a conflict. Facts a command needs come from the current state of
// the authoritative aggregates (App handlers' Inspect). Every command carries
// Actor "system:process", CausationID = the triggering event id and the
// triggering event's CorrelationID.
//
// Errors: a domain refusal (a *kernel.Error other than INTERNAL and CONFLICT)
// is logged and the manager moves on, since redelivery would be refused again;
// a CONFLICT that outlived the App's retries and every infrastructure error is
// returned to the router, which retries the event.
//
// Links between aggregates:
//   - the notice securing loan L has registration id L (streams "loan-L" and
//     "collateral-L"), the loan's bank as secured party, the borrower as
//     grantor and the loan's collateral asset; it records L (LoanSecured)
//     before L records it (app.App.SecureLoan);
//   - a disposal listing names the notice it enforces in Details.DisposalOf;
//     its id derives from the LoanDefaulted event (app.DisposalListingID);
//   - the share pledge securing loan L has pledge id L;
//   - the management right the fund buys is held under contract id = the
//     purchase id, and the fund sells it as a listing whose seller is the fund.
package process
