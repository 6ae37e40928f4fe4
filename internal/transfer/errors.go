package transfer

// Error codes of transfer contracts. They are stable: clients match on them.
const (
	// CodeTermExceedsContract refuses a term (or renewal) ending after the
	// underlying contract right or the transferor's own right (rule 1).
	CodeTermExceedsContract = "TERM_EXCEEDS_CONTRACT"
	// CodeNonAgriculturalUse refuses an intended use that is not agricultural (rule 2).
	CodeNonAgriculturalUse = "NON_AGRICULTURAL_USE"
	// CodeResolutionRequired refuses contracting collective land to an outsider
	// without the members' resolution (rule 4).
	CodeResolutionRequired = "RESOLUTION_REQUIRED"
	// CodeResolutionNotPassed refuses a resolution with fewer than 2/3 of the votes (rule 4).
	CodeResolutionNotPassed = "RESOLUTION_NOT_PASSED"
	// CodeNotEntrusted refuses a transfer of a household's plot by someone it has
	// not entrusted in writing (rule 5).
	CodeNotEntrusted = "NOT_ENTRUSTED"
	// CodeEntrustmentDoesNotCover refuses a transfer outside the entrustment's
	// scope or term (rule 5).
	CodeEntrustmentDoesNotCover = "ENTRUSTMENT_DOES_NOT_COVER"
	// CodeNotRightHolder refuses a transfer by a party that does not hold the right.
	CodeNotRightHolder = "NOT_RIGHT_HOLDER"
	// CodeWrittenContractRequired refuses signing, renewing or terminating without
	// the written document (rule 6).
	CodeWrittenContractRequired = "WRITTEN_CONTRACT_REQUIRED"
	// CodeRegistrationTermTooShort refuses registering a contract of less than 5 years (rule 6).
	CodeRegistrationTermTooShort = "REGISTRATION_TERM_TOO_SHORT"
	// CodeReTransferWithoutConsent refuses a transferee's re-transfer without the
	// contractor's recorded written consent (rule 7).
	CodeReTransferWithoutConsent = "RE_TRANSFER_WITHOUT_CONSENT"
	// CodeMortgageWithoutConsent refuses a transferee's mortgage of the right
	// without the contractor's recorded written consent (rule 7).
	CodeMortgageWithoutConsent = "MORTGAGE_WITHOUT_CONSENT"
	// CodeRenewalPriority refuses a contract with a newcomer while the plot's
	// existing transferee still holds its renewal priority.
	CodeRenewalPriority = "RENEWAL_PRIORITY_NOT_WAIVED"
	// CodeRenewalOfferLapsed refuses accepting a renewal offer after its deadline.
	CodeRenewalOfferLapsed = "RENEWAL_OFFER_LAPSED"
	// CodeIdleTooShort refuses terminating for idle land that has not lain idle
	// for 2 consecutive years (rule 2).
	CodeIdleTooShort = "IDLE_TOO_SHORT"
	// CodeNotInArrears refuses terminating for unpaid rent when nothing is overdue.
	CodeNotInArrears = "NOT_IN_ARREARS"
	// CodeRentOverpaid refuses a payment above what is still owed.
	CodeRentOverpaid = "RENT_OVERPAID"
	// CodeNotYetDue refuses a time-driven command sent before its time.
	CodeNotYetDue = "NOT_YET_DUE"
	// CodeContractNotInForce refuses a command that needs a signed contract in force.
	CodeContractNotInForce = "CONTRACT_NOT_IN_FORCE"
)
