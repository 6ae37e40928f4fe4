// Package credit is the GraphQL area of the finance half of the exchange: the
// collateral registry (public notice search, point-in-time and ordinal
// searches; registration, amendment, continuation and discharge by the
// secured bank), loan products and loans (application by the borrower,
// valuation, approval, disbursement, repayment, default and recovery by the
// lending bank), and the rural property operation fund (claims, rent advances,
// buying collateral that did not sell).
//
// Register adds the queries and mutations; creditview.Projections keeps the
// read models they query. Every mutation sends exactly one command. Facts a
// command needs from other aggregates (the asset's contractor and recorded
// consents for rule 7, the borrower's right and rent status for rule 9, the
// loan's default figures and whether its notice is still in force for a fund
// claim, through app.Facts.DefaultedLoan) are read from the authoritative
// aggregate with Handler.Inspect, never from read models.
//
// Who may do what:
//   - anyone, signed in or not, searches the registry: notices show the
//     grantor, secured party, collateral, secured amount and dates, never loan terms;
//   - a bank registers, amends, continues and discharges its own notices,
//     defines its products and runs its own loans, and files fund claims for them;
//   - a borrower (a bidder or collective acting for its party) applies for a
//     loan against a right it holds, and repays its own loans;
//   - the fund role establishes and runs the fund;
//   - loans are visible to the exchange (all), a bank (its own) and a borrower
//     (its own); the fund is visible to the fund role and the exchange, and a
//     bank sees its own claims on it.
//
// Errors reach clients as extensions.code: the domain codes of the collateral,
// lending and fund packages (REGISTRATION_WITHOUT_CONSENT, LTV_EXCEEDED,
// TERM_EXCEEDS_RIGHT, COLLATERAL_NOT_REGISTERED, CLAIM_ALREADY_PAID, …) and
// the kernel's INVALID_INPUT (with the field), NOT_FOUND, FORBIDDEN,
// UNAUTHENTICATED and INVALID_STATE.
package credit
