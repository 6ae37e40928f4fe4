// Package auth issues and verifies the signed bearer tokens that identify the
// caller of the API, and carries the verified Principal through a request's
// context.
//
// A token is a JWT signed with HS256 under a 32-byte secret kept in the data
// directory (file "auth.secret", mode 0600): the server creates it on first
// start with CreateSecret, durably (file and directory entry), and
// `nongjiao token` only reads it with LoadSecret, so a token minted against
// the wrong directory fails there instead of under a secret no server knows. Its claims are the standard iss ("nongjiao"),
// aud ("nongjiao-api"), sub (the party's UUID), iat and exp, plus "role" (one
// of exchange, collective, bidder, bank, fund). Tokens are minted by an Issuer
// (`nongjiao token` uses one) and accepted by a Verifier built on the same
// secret; both take their time from an injected kernel.Clock.
//
// Parties may also sign in through an OpenID Connect provider: OIDC verifies
// its ID and access tokens (github.com/coreos/go-oidc/v3: discovery, the
// provider's keys fetched again on an unknown key id, issuer, audience,
// expiry on the injected clock) and asks a SignInResolver which party the
// token's subject signs in; Verifiers sends HS256 tokens to the Verifier and
// the others to OIDC. RolesFor says which roles a party of each kind acts
// in; MayAct refuses the others with kernel.CodeForbidden.
//
// Callers must:
//   - keep the secret file private: anyone who reads it can mint tokens for
//     any role for any party. Deleting it invalidates every token issued so
//     far. Only registered parties act: the API checks the register.
//   - treat the absence of a Principal in the context (FromContext reports
//     false) as anonymous, public access, and authorize every non-public
//     field and mutation themselves: this package authenticates, it does not
//     decide who may do what.
//
// Errors: Verify returns a *kernel.Error with code kernel.CodeUnauthenticated
// for every token it refuses (malformed, bad signature, algorithm other than
// HS256 including "none", expired, not yet valid, wrong issuer or audience,
// unknown role, bad party id). ParseRole returns kernel.CodeInvalid naming the
// field "role". Middleware answers a refused token with HTTP 401 and a
// GraphQL-shaped body whose error carries extensions.code UNAUTHENTICATED; a
// request without an Authorization header passes through as anonymous.
package auth
