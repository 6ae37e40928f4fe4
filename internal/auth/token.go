package auth

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// ClaimIssuer and ClaimAudience are the iss and aud claims of every token.
const (
	ClaimIssuer   = "nongjiao"
	ClaimAudience = "nongjiao-api"
)

// claims is the token body: the registered claims plus the role.
type claims struct {
	jwt.RegisteredClaims
	Role string `json:"role"`
}

// Issuer mints tokens. It is safe for concurrent use.
type Issuer struct {
	secret []byte
	clock  kernel.Clock
}

// NewIssuer returns a Issuer signing with secret (see CreateSecret)
// and stamping times from clock.
func NewIssuer(secret []byte, clock kernel.Clock) *Issuer {
	return &Issuer{secret: secret, clock: clock}
}

// Issue returns a signed token for p that expires ttl after the clock's now.
// p must have a role and a party, and ttl must be positive.
func (is *Issuer) Issue(p Principal, ttl time.Duration) (string, error) {
	switch {
	case p.Role.IsZero():
		return "", kernel.FieldErrorf(kernel.CodeInvalid, "role", "a token needs a role")
	case p.Party == uuid.Nil:
		return "", kernel.FieldErrorf(kernel.CodeInvalid, "party", "a token needs a party id")
	case ttl <= 0:
		return "", kernel.FieldErrorf(kernel.CodeInvalid, "ttl", "a token's lifetime must be positive, got %s", ttl)
	}
	now := is.clock.Now()
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    ClaimIssuer,
			Audience:  jwt.ClaimStrings{ClaimAudience},
			Subject:   p.Party.String(),
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		Role: p.Role.String(),
	}
	token, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(is.secret)
	if err != nil {
		return "", fmt.Errorf("auth: sign token: %w", err)
	}
	return token, nil
}

// Verifier checks tokens. It is safe for concurrent use.
//
// It remembers the tokens it accepted (at most maxAccepted of them): a client
// sends the same token with every request, and checking its signature and
// decoding its claims is most of the cost of authenticating one. A remembered
// token is accepted again, without a new check, only while the clock is
// within the validity its claims gave it (from its nbf and iat up to its
// exp): everything else Verify checks depends on the token's bytes and the
// secret alone, and the token is looked up by its bytes.
type Verifier struct {
	secret []byte
	clock  kernel.Clock
	parser *jwt.Parser

	mu       sync.RWMutex
	accepted map[string]acceptedToken
}

// acceptedToken is a token Verify accepted: whom it names and when it is valid.
type acceptedToken struct {
	principal   Principal
	from, until time.Time // valid while from <= now < until
}

// maxAccepted bounds the tokens a Verifier remembers; when it is full, it
// forgets them all and starts over.
const maxAccepted = 4096

// NewVerifier returns a Verifier accepting tokens signed with secret, judging
// expiry by clock.
func NewVerifier(secret []byte, clock kernel.Clock) *Verifier {
	return &Verifier{
		secret: secret,
		clock:  clock,
		parser: jwt.NewParser(
			jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
			jwt.WithIssuer(ClaimIssuer),
			jwt.WithAudience(ClaimAudience),
			jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(),
			jwt.WithTimeFunc(clock.Now),
			jwt.WithStrictDecoding(),
		),
		accepted: map[string]acceptedToken{},
	}
}

// Verify checks token's signature, algorithm (HS256 only), issuer, audience,
// expiry and role, and returns the Principal it names. Every refusal is a
// *kernel.Error with code kernel.CodeUnauthenticated whose message says why.
func (v *Verifier) Verify(token string) (Principal, error) {
	v.mu.RLock()
	a, ok := v.accepted[token]
	v.mu.RUnlock()
	if now := v.clock.Now(); ok && !now.Before(a.from) && now.Before(a.until) {
		return a.principal, nil
	}
	var c claims
	_, err := v.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return v.secret, nil })
	if err != nil {
		return Principal{}, refusal(err)
	}
	role, err := ParseRole(c.Role)
	if err != nil {
		return Principal{}, kernel.Errorf(kernel.CodeUnauthenticated, "token names an unknown role %q", c.Role)
	}
	party, err := uuid.Parse(c.Subject)
	if err != nil {
		return Principal{}, kernel.Errorf(kernel.CodeUnauthenticated, "token subject is not a party id")
	}
	p := Principal{Role: role, Party: party}
	v.remember(token, acceptedToken{principal: p, from: validFrom(c.RegisteredClaims), until: c.ExpiresAt.Time})
	return p, nil
}

func (v *Verifier) remember(token string, a acceptedToken) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.accepted) >= maxAccepted {
		clear(v.accepted)
	}
	v.accepted[token] = a
}

// validFrom is the earliest time the parser accepts c at: the later of its
// nbf and iat, when present (the parser checks both with no leeway).
func validFrom(c jwt.RegisteredClaims) time.Time {
	var from time.Time
	for _, d := range []*jwt.NumericDate{c.NotBefore, c.IssuedAt} {
		if d != nil && d.After(from) {
			from = d.Time
		}
	}
	return from
}

// refusal turns a jwt error into the message a client may see.
func refusal(err error) *kernel.Error {
	reason := "token is invalid"
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		reason = "token is malformed"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		// Also a token signed with any algorithm but HS256, "none" included.
		reason = "token signature is invalid: this server did not sign it (nongjiao token signs with the secret of its --data-dir, which must be the server's)"
	case errors.Is(err, jwt.ErrTokenExpired):
		reason = "token has expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		reason = "token is not valid yet"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		reason = "token has the wrong issuer"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		reason = "token has the wrong audience"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		reason = "token lacks a required claim"
	}
	return kernel.Errorf(kernel.CodeUnauthenticated, "%s", reason)
}
