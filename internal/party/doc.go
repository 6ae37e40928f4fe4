// Package party is the register of the parties that act on the exchange
// (rule 30): who they are (kind, legal name, identifier), whether they may act
// (registered, not suspended) and which sign-ins (an OpenID Connect issuer
// and subject) are theirs. It is pure: no I/O, no clock, no id generation.
//
// Two aggregates:
//   - Decider (category "party"), one per party: RegisterParty, then
//     SuspendParty ↔ ReinstateParty, and LinkSignIn / UnlinkSignIn. A suspended
//     party keeps its record and may read; the API refuses its mutations.
//   - KeyDecider (category "partykey"), one per identifier and one per
//     sign-in, named by IdentifierKey and SignInKey: ClaimKey records the
//     party holding it, so no two parties share an identifier
//     (IDENTIFIER_TAKEN) or a sign-in (SIGN_IN_TAKEN); ReleaseKey frees a
//     sign-in again. The key streams are also how a sign-in finds its party,
//     from the event store rather than a read model.
//
// What callers must do:
//   - Make the party id before RegisterParty.
//   - Claim the key first and send the party's command only once the claim
//     succeeded (app.PartyCommands does both): a claim by the same party again
//     is accepted and writes nothing, so a retry after a failure in between
//     completes. Check the command with Check before claiming, so a command
//     the party would refuse claims nothing.
//
// Identifiers are checked by their check character: an organisation's
// 18-character unified social credit code (GB 32100-2015, MOD 31 over the 31
// characters 0-9 and A-Y without I, O, S, V, Z) and a person's 18-digit
// resident identity number (GB 11643-1999, ISO 7064 MOD 11-2, "X" for ten,
// a valid date of birth). Mask shows one for everyone but the exchange.
//
// Errors are *kernel.Error: INVALID_IDENTIFIER (field "identifier"),
// kernel.CodeInvalid, ALREADY_REGISTERED, PARTY_NOT_REGISTERED,
// PARTY_SUSPENDED (the API's gate uses the last two too), IDENTIFIER_TAKEN,
// SIGN_IN_TAKEN and kernel.CodeInvalidState.
package party
