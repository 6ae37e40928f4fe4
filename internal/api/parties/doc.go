// Package parties is the API of the party register (package party): the
// exchange registers, suspends and reinstates parties and links their
// OpenID Connect sign-ins; anyone signed in reads a party from its aggregate
// (party), with its identifier masked for everyone but the exchange, and the
// exchange lists the register (parties, read model partyview).
//
// Register also sets the Builder's Standing to api.PartyStanding, so every
// mutation of the schema refuses a caller whose party is not registered
// (PARTY_NOT_REGISTERED), is suspended (PARTY_SUSPENDED) or is of a kind
// that does not act in the caller's role (FORBIDDEN), before any domain check.
// Identifiers are read in upper case with surrounding spaces removed.
package parties
