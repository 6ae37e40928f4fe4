// Package fund is the rural property operation fund (农村产权运作基金) bounded
// context (rule 24): a risk-compensation pool that pays a set share of a bank's
// net principal loss on a defaulted loan secured by a rural property right,
// advances rent to farmers, and buys collateral that did not sell. It is pure:
// no I/O, no clock, no id generation.
//
// One aggregate, Decider (category "fund"), usually one per exchange:
// EstablishFund, TopUpCapital; FileFundClaim → ApproveFundClaim | RejectFundClaim
// → PayFundClaim; AdvanceRent → RecordAdvanceRepayment; BuyCollateral → SellHolding.
//
// What callers must do:
//   - Make every id (fund, claim, advance, purchase) before sending a command.
//   - Fill the facts from other contexts: FileFundClaim.Loan from the lending
//     context's LoanDefaulted and recovery events (principal recovered from
//     disposal and the borrower, not from this fund) and from the collateral
//     registry (whether the notice securing the loan is still in force);
//     BuyCollateral.Loan the same way and BuyCollateral.Unsold from the
//     loan's disposal listing (which stages failed, in order);
//     SellHolding from the fund's own listing of the asset, once paid;
//     AdvanceRent.Contract from the transfer context (parties, in force, the
//     rent in arrears now). An advance is at most the arrears
//     (ADVANCE_EXCEEDS_ARREARS); it is paid on the contract as its rent, and
//     the transferee owes it to the fund (RecordAdvanceRepayment).
//   - Tell the lending context about a paid claim (RecordRecovery with source
//     FUND_CLAIM) and the registry about a bought asset (the right moves to
//     the fund).
//
// The fund buys as the last disposal stage (trusteeship): only the
// collateral of a defaulted loan (LOAN_NOT_DEFAULTED), still under its notice
// (COLLATERAL_RELEASED), whose listing and then negotiated transfer failed in
// that order (DISPOSAL_ORDER_NOT_FOLLOWED).
//
// The payout is Payout(netLoss, share) = floor(netLoss × share / 10000) fen,
// computed when the claim is filed and paid unchanged: rounding down keeps the
// fund within its share. A claim waits for the collateral's disposal: while
// the notice securing the loan is in force it is refused with
// DISPOSAL_NOT_FINISHED, so the net loss is what the sale (or the failed
// disposal) left. Every payment (claim, advance, purchase) is refused with
// INSUFFICIENT_FUND_CAPITAL when it exceeds the capital available; a claim is
// paid at most once (CLAIM_ALREADY_PAID) and a loan has at most one open claim
// (CLAIM_ALREADY_FILED). Commands other than EstablishFund and FileFundClaim
// come from the fund's operator (kernel.CodeForbidden otherwise); a claim comes
// from the loan's bank.
//
// Errors are *kernel.Error: kernel.CodeInvalid (with the field),
// kernel.CodeNotFound, kernel.CodeForbidden, kernel.CodeInvalidState, and the
// codes in errors.go.
package fund
