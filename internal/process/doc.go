// Package process holds nongjiao's workflows: they react to stored events
// and send commands through the App's handlers, so that the listing, the
// transfer contract, the asset register, the collateral register, the loans
// and the operation fund stay consistent without any aggregate knowing
// another.
//
//   - award (per listing): a paid award drafts the transfer contract.
//   - contract (per contract): the signed contract marks the listing signed
//     and moves the asset's management right; a renewed contract extends it;
//     a terminated or expired contract ends it.
//   - notice (per collateral notice): a notice adds the asset's restriction
//     (or the cooperative's share pledge); its discharge or expiry lifts it.
//   - loan (per loan): the notice securing an approved loan records the
//     loan, then the loan records the notice; a repaid loan is released from
//     its notice, which is discharged once no loan it secures is outstanding.
//   - disposal (per notice enforced): a defaulted loan's collateral is put up
//     on the exchange; the sale's proceeds (or the fund's purchase price, or
//     the price of enforced pledged shares) are paid by rank, each secured
//     loan records its recovery, the notices are discharged, and then the
//     bank's claim for the remaining loss is filed with the fund, whose
//     payment is recorded on the loan; a deposit the unpaid winner of a
//     disposal listing forfeits is paid by rank as a recovery too. The
//     collateral the fund buys moves to the fund on the register.
//   - fund-sale (per listing): the fund's sale of what it bought is recorded.
//   - advance (per rent advance): rent the operation fund advances is paid
//     on the transfer contract, so the farmer is paid and the arrears clear.
//
// Each instance has its own stream, "workflow-<name>-<instance>" (StreamName),
// where it records each command it sends and each trigger it handled
// (package workflow); its decisions are pure functions of that record, the
// trigger and the facts gathered for it from the aggregates' current state
// (App handlers' Inspect, app.Facts). A trigger recorded as handled sends
// nothing again. "$all" leaves the workflow streams out
// (messaging.Internal), so read models and live feeds never see them.
//
// Callers add the workflows to a router with AddTo, before Run, in exactly
// one process (the worker): one handler, HandlerName, with its own consumer
// group over "$all", handing each event to every workflow in the store's
// order.
//
// Delivery is at least once, so every workflow is idempotent: the command id
// of each command derives from the triggering event's id and the step
// (workflow.CommandID), and so do the ids of aggregates a workflow creates
// (the contract, the disposal listing, the fund claim). A redelivered event
// maps to the same commands, which the instance finds recorded or the App
// answers as duplicates without writing. Every command carries Actor
// "system:process", CausationID = the triggering event id and the
// triggering event's CorrelationID.
//
// Errors: a domain refusal (a *kernel.Error other than INTERNAL and CONFLICT)
// is logged and recorded with the command, and the workflow moves on, since
// redelivery would be refused again; a CONFLICT that outlived the App's
// retries and every infrastructure error is returned to the router, which
// retries the event.
//
// Links between aggregates:
//   - the notice securing loan L has registration id L (streams "loan-L" and
//     "collateral-L"), the loan's bank as secured party, the borrower as
//     grantor and the loan's collateral asset; it records L (LoanSecured)
//     before L records it;
//   - a disposal listing names the notice it enforces in Details.DisposalOf;
//     its id derives from the LoanDefaulted event (app.DisposalListingID);
//   - the share pledge securing loan L has pledge id L;
//   - the management right the fund buys is held under contract id = the
//     purchase id, and the fund sells it as a listing whose seller is the fund.
package process
