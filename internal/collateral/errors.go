package collateral

// Error codes of the collateral registry. They are stable: clients match on them.
// Generic failures use kernel.CodeInvalid (bad input, with the field named),
// kernel.CodeNotFound (no such registration), kernel.CodeInvalidState (the step
// does not fit the registration's state) and kernel.CodeForbidden (only the
// secured party registers, amends, continues and discharges).
const (
	// CodeWithoutConsent: a transferee mortgages a management right without the
	// contracting household's written consent recorded with the collective (rule 7).
	CodeWithoutConsent = "REGISTRATION_WITHOUT_CONSENT"
	// CodeExpired: the registration reached its end date; it cannot be continued,
	// amended or discharged (rule 21).
	CodeExpired = "REGISTRATION_EXPIRED"
	// CodeDischarged: discharge is final; nothing follows it (rule 21).
	CodeDischarged = "REGISTRATION_DISCHARGED"
	// CodeGrantorNotHolder: at filing, a mortgage's grantor does not hold the
	// asset's management right, or a share pledge's grantor is not a living
	// member on the cooperative's register (rule 31).
	CodeGrantorNotHolder = "GRANTOR_NOT_HOLDER"
	// CodeSharesNotHeld: a share pledge names more shares than the member
	// holds at filing (rule 31).
	CodeSharesNotHeld = "SHARES_NOT_HELD"
	// CodeSecuresAnotherLoan: a notice not filed as an all-sums notice
	// already secures a loan (rule 31).
	CodeSecuresAnotherLoan = "NOTICE_SECURES_ANOTHER_LOAN"
	// CodeMaximumExceeded: the loans an all-sums notice would secure together
	// exceed its maximum secured amount, by a new loan or a lowered maximum
	// (rule 31).
	CodeMaximumExceeded = "ALL_SUMS_MAXIMUM_EXCEEDED"
)
