package lending

// Error codes of the lending context. They are stable: clients match on them.
// Generic failures use the kernel codes (kernel.CodeInvalid, kernel.CodeForbidden,
// kernel.CodeInvalidState).
const (
	CodeLTVExceeded             = "LTV_EXCEEDED"               // approved amount above loan-to-value × appraised value
	CodeCreditLineExceeded      = "CREDIT_LINE_EXCEEDED"       // amount above the borrower's tier credit line
	CodeTermExceedsProduct      = "TERM_EXCEEDS_PRODUCT"       // term longer than the tier's maximum term
	CodeTermExceedsRight        = "TERM_EXCEEDS_RIGHT"         // rule 9: loan matures after the pledged right ends
	CodeRentNotPaid             = "RENT_NOT_PAID"              // rule 9: transferee borrower has not paid rent as agreed
	CodeConsentRequired         = "CONSENT_REQUIRED"           // rule 7: transferee pledges a land right without the contractor's written consent
	CodeNoTierForCredential     = "NO_TIER_FOR_CREDENTIAL"     // the product has no tier for the borrower's credential
	CodeProductWithdrawn        = "PRODUCT_WITHDRAWN"          // the product no longer takes applications
	CodeCollateralNotRegistered = "COLLATERAL_NOT_REGISTERED"  // disbursement before the collateral registration
	CodeNotValued               = "COLLATERAL_NOT_VALUED"      // approval before an appraisal
	CodeOverpayment             = "OVERPAYMENT"                // payment larger than everything still owed
	CodeNotYetDue               = "NOT_YET_DUE"                // a time-driven step asked for before its time
	CodePledgedLoanTermExceeded = "PLEDGED_LOAN_TERM_EXCEEDED" // rule 18: a loan secured by shares is longer than the cooperative allows
	CodePledgeNotRecorded       = "PLEDGE_NOT_RECORDED"        // rule 18: disbursement of a shares loan before the cooperative recorded the pledge
)
