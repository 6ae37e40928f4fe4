package listing

// Error codes of the listing context. They are stable: clients match on them.
// Generic failures use the kernel codes (kernel.CodeInvalid, CodeInvalidState,
// CodeForbidden, CodeNotFound).
const (
	CodeAssetNotTradable        = "ASSET_NOT_TRADABLE"        // the asset type may never be traded
	CodeAssetEncumbered         = "ASSET_ENCUMBERED"          // collateral registered and neither the secured party's disposal nor its written consent
	CodeTermExceedsContract     = "TERM_EXCEEDS_CONTRACT"     // the transfer term runs past the end of the underlying right (rule 1)
	CodeResolutionRequired      = "RESOLUTION_REQUIRED"       // a collective's listing without the members' resolution (rule 4)
	CodeResolutionInsufficient  = "RESOLUTION_INSUFFICIENT"   // the resolution has fewer than the required share of votes (rule 4)
	CodeAnnouncementTooShort    = "ANNOUNCEMENT_TOO_SHORT"    // announcement shorter than the minimum working days (rule 10)
	CodeAnnouncementTooLong     = "ANNOUNCEMENT_TOO_LONG"     // announcement longer than the maximum months (rule 10)
	CodeRegistrationClosed      = "REGISTRATION_CLOSED"       // bidder registration or qualification after the announcement ended
	CodeBidderAlreadyRegistered = "BIDDER_ALREADY_REGISTERED" // the bidder registered for this round already
	CodeDepositTooLow           = "DEPOSIT_TOO_LOW"           // the confirmed deposit is below the required share of the listed price
	CodeDepositNotConfirmed     = "DEPOSIT_NOT_CONFIRMED"     // qualification before the exchange confirmed the deposit
	CodeBidderNotRegistered     = "BIDDER_NOT_REGISTERED"     // the bidder never registered for this listing
	CodeBidderNotQualified      = "BIDDER_NOT_QUALIFIED"      // the bidder registered but is not qualified
	CodeListingNotOpen          = "LISTING_NOT_OPEN"          // bidding has not started (or the listing is suspended)
	CodeAuctionClosed           = "AUCTION_CLOSED"            // the bid arrived at or after the close
	CodeBidBelowMinimum         = "BID_BELOW_MINIMUM"         // below the starting price or the current highest bid plus one increment
	CodeBidNotOnIncrement       = "BID_NOT_ON_INCREMENT"      // amount minus starting price is not a whole multiple of the increment
	CodeBiddingStarted          = "BIDDING_STARTED"           // withdrawal after bidding opened
	CodeNegotiationClosed       = "NEGOTIATION_CLOSED"        // a price agreed after the negotiation period
	CodePriceBelowListed        = "PRICE_BELOW_LISTED"        // a negotiated price below the listed price (rule 10)
	CodeNotAMember              = "NOT_A_MEMBER"              // member priority claimed by a non-member (rule 3)
	CodePriorityWindowClosed    = "PRIORITY_WINDOW_CLOSED"    // member priority claimed after the window
	CodePaymentOverdue          = "PAYMENT_OVERDUE"           // payment confirmed after the deadline (rule 13)
	CodeNotDue                  = "NOT_DUE"                   // a time-driven command sent before its due time
	CodeDepositBelowRequired    = "DEPOSIT_BELOW_REQUIRED"    // a listing's deposit below the local rules' least share of the listed price (rule 26)
	CodeWrongSaleMethod         = "WRONG_SALE_METHOD"         // a bid on a sealed-quote listing, or a quote on a ladder listing
	CodeQuoteAlreadySubmitted   = "QUOTE_ALREADY_SUBMITTED"   // a second sealed quote where the listing allows no revision (rule 27)
	CodeNotSittingLessee        = "NOT_SITTING_LESSEE"        // the sitting lessee's priority claimed by another bidder (rule 28)
	CodePriorityNotOpen         = "PRIORITY_NOT_OPEN"         // a priority right claimed while the other right's window is open (rules 3, 28)
)
