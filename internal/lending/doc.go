// Package lending is the inclusive-finance (普惠金融) bounded context: loan
// products with tiered terms by borrower credential (rule 23) and loans secured
// by rural property rights, from application to repayment or default (rule 22).
// It is pure: no I/O, no clock, no id generation.
//
// Two aggregates, each a kernel.Decider:
//   - ProductDecider (category "loanproduct"): DefineLoanProduct,
//     ReviseLoanProduct, WithdrawLoanProduct. ProductState.Snapshot gives the
//     facts an application needs.
//   - Decider (category "loan"): ApplyForLoan → ValueCollateral → ApproveLoan →
//     RecordCollateralRegistered → DisburseLoan → RepayLoan … → LoanRepaid; or
//     MarkOverdue → DeclareDefault → RecordRecovery … → LoanRecovered, or WriteOff.
//     RejectLoan ends an application.
//
// What callers must do:
//   - Make every id (loan, product) before sending a command, and fill the
//     facts from other contexts: ApplyForLoan.Product from the product
//     aggregate, ApplyForLoan.Collateral from the registry (asset type, rights
//     end date) and transfer contexts (transferee, rent paid, contractor's
//     consent) or, for shares, the cooperative (its pledged-loan term),
//     RecordCollateralRegistered from the collateral registry, and
//     DisburseLoan.SharesPledged from the cooperative (rule 18).
//   - Drive time: ask State.NextDue after every change and send MarkOverdue and
//     DeclareDefault when due; Decide refuses them early with NOT_YET_DUE.
//   - React to LoanApproved (register the collateral), LoanRepaid (discharge it)
//     and LoanDefaulted (dispose of it, claim from the fund, then RecordRecovery).
//
// Money is kernel.Money (fen); rates are basis points a year. Dates (due dates,
// disbursement date, the right's end date) are calendar dates in Asia/Shanghai
// held as midnight UTC (see CivilDate); an instalment is overdue from the end of
// its due date in Asia/Shanghai (OverdueAt). Interest uses ACT/365 Fixed
// (actual days / 365, also in leap years), rounded half up to the fen per
// instalment; see BuildSchedule for the three repayment methods. Payments go to
// the oldest unpaid instalment, interest before principal, and may pay later
// instalments early without re-pricing them; overpayment is refused. After a
// default, recoveries go to principal first, then to the interest that was due.
//
// Errors are *kernel.Error: kernel.CodeInvalid (bad input, with the field),
// kernel.CodeNotFound (no such loan or product), kernel.CodeForbidden (a bank
// acting on another bank's loan or product), kernel.CodeInvalidState (the
// command does not fit the status), and the codes in errors.go: LTV_EXCEEDED,
// CREDIT_LINE_EXCEEDED, TERM_EXCEEDS_PRODUCT, TERM_EXCEEDS_RIGHT (rule 9),
// RENT_NOT_PAID (rule 9), CONSENT_REQUIRED (rule 7), NO_TIER_FOR_CREDENTIAL,
// PRODUCT_WITHDRAWN, COLLATERAL_NOT_VALUED, COLLATERAL_NOT_REGISTERED,
// OVERPAYMENT, NOT_YET_DUE, PLEDGED_LOAN_TERM_EXCEEDED and PLEDGE_NOT_RECORDED
// (rule 18).
package lending
