package coop

// Error codes of the share cooperative. They are stable: clients match on them.
// Generic failures use kernel.CodeInvalid (bad input, with the field named),
// kernel.CodeNotFound (unknown member, holder, pledge or dividend),
// kernel.CodeInvalidState (the cooperative is not founded, or the step does not
// fit its state) and kernel.CodeForbidden (the actor may not take the step).
const (
	// CodeTransferToNonMember: shares go only to members of the same cooperative (rule 16).
	CodeTransferToNonMember = "SHARE_TRANSFER_TO_NON_MEMBER"
	// CodeHoldingCapExceeded: the recipient would hold more than the per-holder cap (rule 16).
	CodeHoldingCapExceeded = "HOLDING_CAP_EXCEEDED"
	// CodeRedemptionCapExceeded: the year's redemptions would pass the yearly cap (rule 16).
	CodeRedemptionCapExceeded = "REDEMPTION_CAP_EXCEEDED"
	// CodeInsufficientShares: the holder does not hold that many shares of the class.
	CodeInsufficientShares = "INSUFFICIENT_SHARES"
	// CodeSharesPledged: the shares are pledged; only free (unpledged) shares may be
	// transferred, redeemed or pledged again (rule 18).
	CodeSharesPledged = "SHARES_PLEDGED"
	// CodeAlreadyAllocated: the register is static, so a member's class is quantified once (rule 15).
	CodeAlreadyAllocated = "SHARES_ALREADY_ALLOCATED"
	// CodeLimitedRights: an outside heir holds income rights only (rule 17).
	CodeLimitedRights = "LIMITED_RIGHTS"
	// CodeHolderDeceased: a deceased holder's shares wait for an heir or reversion (rule 17).
	CodeHolderDeceased = "HOLDER_DECEASED"
	// CodeClaimPeriodEnded: the heirs' claim period has ended; the shares revert (rule 17).
	CodeClaimPeriodEnded = "CLAIM_PERIOD_ENDED"
	// CodeLoanNotDefaulted: a pledge is enforced only once its secured loan is in default.
	CodeLoanNotDefaulted = "LOAN_NOT_DEFAULTED"
	// CodePledgedLoanTermExceeded: a loan against pledged shares is longer than the settings allow (rule 18).
	CodePledgedLoanTermExceeded = "PLEDGED_LOAN_TERM_EXCEEDED"
)
