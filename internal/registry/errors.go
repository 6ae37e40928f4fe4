package registry

// Error codes of the registry. They are stable: clients match on them.
const (
	// CodeAssetNotTradable refuses registering collective land ownership or the
	// household's contracting right itself, which are never traded.
	CodeAssetNotTradable = "ASSET_NOT_TRADABLE"
	// CodeAlreadyRegistered refuses registering an asset id twice.
	CodeAlreadyRegistered = "ASSET_ALREADY_REGISTERED"
	// CodeTermExceedsContract refuses a term beyond the underlying right (rule 1):
	// a management-right transfer or an entrustment ending after the rights' end
	// date or after the transferor's own right.
	CodeTermExceedsContract = "TERM_EXCEEDS_CONTRACT"
	// CodeNotRightHolder refuses a management-right transfer by a party that
	// neither holds the right nor acts under a household's entrustment.
	CodeNotRightHolder = "NOT_RIGHT_HOLDER"
	// CodeNotEntrusted refuses a transfer or consolidation of a household's plot
	// by someone it has not entrusted in writing (rule 5).
	CodeNotEntrusted = "NOT_ENTRUSTED"
	// CodeEntrustmentDoesNotCover refuses a transfer or consolidation whose term
	// or form lies outside the entrustment's term or scope (rule 5).
	CodeEntrustmentDoesNotCover = "ENTRUSTMENT_DOES_NOT_COVER"
	// CodeAlreadyEntrusted refuses a second entrustment while one is in force.
	CodeAlreadyEntrusted = "ALREADY_ENTRUSTED"
	// CodeReTransferWithoutConsent refuses a transferee's re-transfer of the
	// management right without the contractor's recorded written consent (rule 7).
	CodeReTransferWithoutConsent = "RE_TRANSFER_WITHOUT_CONSENT"
	// CodeMortgageWithoutConsent refuses a transferee's mortgage of the
	// management right without the contractor's recorded written consent (rule 7).
	CodeMortgageWithoutConsent = "MORTGAGE_WITHOUT_CONSENT"
	// CodePlotNotAvailable refuses consolidating a plot whose household no
	// longer holds the management right or that is already in the package.
	CodePlotNotAvailable = "PLOT_NOT_AVAILABLE"
	// CodePackageSealed refuses changing a package that was sealed for listing.
	CodePackageSealed = "PACKAGE_SEALED"
)
