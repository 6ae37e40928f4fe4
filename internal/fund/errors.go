package fund

// Error codes of the fund context. They are stable: clients match on them.
// Generic failures use the kernel codes (kernel.CodeInvalid, kernel.CodeNotFound,
// kernel.CodeForbidden, kernel.CodeInvalidState).
const (
	CodeInsufficientCapital = "INSUFFICIENT_FUND_CAPITAL"   // the payment exceeds the capital available
	CodeClaimAlreadyFiled   = "CLAIM_ALREADY_FILED"         // the loan already has a claim that was not rejected
	CodeClaimAlreadyPaid    = "CLAIM_ALREADY_PAID"          // a claim is paid once
	CodeClaimNotApproved    = "CLAIM_NOT_APPROVED"          // payment before approval
	CodeLoanNotDefaulted    = "LOAN_NOT_DEFAULTED"          // only defaulted loans are compensated
	CodeNotRuralProperty    = "NOT_RURAL_PROPERTY_LOAN"     // the loan is not secured by a rural property right
	CodeNoNetLoss           = "NO_NET_LOSS"                 // recoveries left no loss whose share is a fen or more
	CodeDisposalNotFinished = "DISPOSAL_NOT_FINISHED"       // a claim before the collateral's disposal ended
	CodeDisposalOrder       = "DISPOSAL_ORDER_NOT_FOLLOWED" // the fund buys only after the earlier disposal stages failed
	CodeCollateralReleased  = "COLLATERAL_RELEASED"         // the notice securing the loan is no longer in force: nothing is left to buy
	CodeOverpayment         = "OVERPAYMENT"                 // a repayment above what is outstanding on an advance
	CodeAdvanceExceedsRent  = "ADVANCE_EXCEEDS_ARREARS"     // an advance above the rent due and unpaid under the contract
)
