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
)
