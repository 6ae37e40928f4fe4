package party

// Error codes of the party context. They are stable: clients match on them.
const (
	CodeInvalidIdentifier = "INVALID_IDENTIFIER"   // not a unified social credit code or resident identity number, or its check character is wrong
	CodeAlreadyRegistered = "ALREADY_REGISTERED"   // the party id is registered already
	CodeNotRegistered     = "PARTY_NOT_REGISTERED" // the party acting, or acted on, is not in the register
	CodeSuspended         = "PARTY_SUSPENDED"      // the party is suspended: it may read but not act
	CodeIdentifierTaken   = "IDENTIFIER_TAKEN"     // another party is registered with the identifier
	CodeSignInTaken       = "SIGN_IN_TAKEN"        // the sign-in is linked to another party
)
