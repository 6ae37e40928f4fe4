package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/golang-jwt/jwt/v5"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/party"
)

// SignInResolver names the party a verified sign-in acts for, and the roles
// it may act in (its main role first). It reports a *kernel.Error with code
// kernel.CodeUnauthenticated for a sign-in linked to no party.
type SignInResolver func(ctx context.Context, in party.SignIn) (PartyRoles, error)

// PartyRoles is a party and the roles its kind acts in.
type PartyRoles struct {
	Principal Principal // Role is the main role
	Roles     []Role
}

// RoleClaim is the claim a provider may add to a token to choose one of the
// party's roles other than its main one (an exchange operator acting as the
// fund). Without it a token acts in the party's main role.
const RoleClaim = "nongjiao_role"

// OIDCConfig configures an OIDC verifier.
type OIDCConfig struct {
	Issuer   string         // the provider's issuer URL; its discovery document is read from there
	ClientID string         // the audience a token must name
	Clock    kernel.Clock   // expiry is checked against it
	Resolve  SignInResolver // maps a verified subject to a party
	// Timeout bounds a verification that fetches the provider's keys (10 s when 0).
	Timeout time.Duration
}

// OIDC verifies ID and access tokens (JWT) of one OpenID Connect provider:
// the signature under the provider's published keys (fetched again when a
// token names a key id it does not know, so the provider may rotate its
// keys), the issuer, the audience and the expiry. It is a TokenVerifier.
type OIDC struct {
	cfg      OIDCConfig
	verifier *oidc.IDTokenVerifier
}

// NewOIDC reads the provider's discovery document and returns its verifier.
// ctx bounds the discovery only: the provider fetches its keys later under a
// context of its own.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.ClientID == "" {
		return nil, fmt.Errorf("auth: an OpenID Connect issuer needs a client id, the audience its tokens name")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	provider, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("auth: OpenID Connect discovery at %s: %w", cfg.Issuer, err)
	}
	return &OIDC{cfg: cfg, verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: cfg.Clock.Now})}, nil
}

// Verify checks token and returns the Principal of the party its subject is
// linked to. Every refusal is a *kernel.Error with code
// kernel.CodeUnauthenticated.
func (o *OIDC) Verify(token string) (Principal, error) {
	ctx, cancel := context.WithTimeout(context.Background(), o.cfg.Timeout)
	defer cancel()
	t, err := o.verifier.Verify(ctx, token)
	if err != nil {
		return Principal{}, kernel.Errorf(kernel.CodeUnauthenticated, "OpenID Connect token refused: %v", err)
	}
	found, err := o.cfg.Resolve(ctx, party.SignIn{Issuer: t.Issuer, Subject: t.Subject})
	if err != nil {
		return Principal{}, err
	}
	var extra map[string]json.RawMessage
	if err := t.Claims(&extra); err != nil {
		return Principal{}, kernel.Errorf(kernel.CodeUnauthenticated, "OpenID Connect token refused: %v", err)
	}
	p := found.Principal
	if raw, ok := extra[RoleClaim]; ok {
		var name string
		_ = json.Unmarshal(raw, &name)
		role, err := ParseRole(name)
		if err != nil || !slices.Contains(found.Roles, role) {
			return Principal{}, kernel.Errorf(kernel.CodeUnauthenticated, "the token's %s %q is not a role of its party", RoleClaim, name)
		}
		p.Role = role
	}
	return p, nil
}

// Verifiers accepts the built-in tokens (HS256, `nongjiao token`) with Local
// and every other token with OIDC, when it is set.
type Verifiers struct {
	Local *Verifier
	OIDC  *OIDC
}

// Verify implements TokenVerifier.
func (v Verifiers) Verify(token string) (Principal, error) {
	if v.OIDC == nil || strings.EqualFold(algorithm(token), jwt.SigningMethodHS256.Alg()) {
		return v.Local.Verify(token)
	}
	return v.OIDC.Verify(token)
}

// algorithm returns the alg of a JWT's header, "" when it has none.
func algorithm(token string) string {
	t, _, err := jwt.NewParser().ParseUnverified(token, jwt.MapClaims{})
	if err != nil || t == nil {
		return ""
	}
	alg, _ := t.Header["alg"].(string)
	return alg
}
