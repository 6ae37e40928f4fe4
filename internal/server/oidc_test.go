package server_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/server"
	"github.com/nongjiao/nongjiao/internal/testenv"
)

// oidcDir holds the npm oidc-provider and the script that runs it.
var oidcDir = filepath.Join("testdata", "oidc")

// provider is the oidc-provider process: two issuers on loopback.
type provider struct {
	Issuer string `json:"issuer"` // the exchange's provider
	Other  string `json:"other"`  // another provider with the same client
}

// startProvider runs provider.mjs until the test ends.
func startProvider(t *testing.T, node testenv.Node) provider {
	t.Helper()
	line := node.Start(t, "provider.mjs")
	var p provider
	if err := json.Unmarshal(line, &p); err != nil || p.Issuer == "" {
		t.Fatalf("oidc-provider printed %q: %v", line, err)
	}
	return p
}

// accessToken signs the bank's system in at issuer by the client credentials
// grant and returns its JWT access token for resource.
func accessToken(t *testing.T, issuer, resource string) string {
	t.Helper()
	return clientToken(t, issuer, "bank-system", resource)
}

// clientToken is accessToken for another client of the provider.
func clientToken(t *testing.T, issuer, client, resource string) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "resource": {resource}, "scope": {"api"}}
	req, _ := http.NewRequest(http.MethodPost, issuer+"/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(client, client+"-secret")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil || body.AccessToken == "" {
		t.Fatalf("token endpoint (status %d): %v", res.StatusCode, err)
	}
	return body.AccessToken
}

// A bank's system signs in at a real OpenID Connect provider and acts with
// the provider's token; the exchange follows the provider's key rotation and
// refuses an expired token, one for another audience and one from another
// issuer.
func TestSignInThroughOpenIDConnect(t *testing.T) {
	node := testenv.NeedNode(t, oidcDir, "oidc-provider")
	p := startProvider(t, node)
	x := startServerWith(t, time.Now().UTC().Truncate(time.Second), server.Config{
		Log:        slog.New(slog.DiscardHandler),
		OIDCIssuer: p.Issuer, OIDCClientID: "nongjiao",
	})
	exchange := x.token(auth.RoleExchange, uuid.New())
	bank := x.mutate(exchange, "registerParty", map[string]any{
		"kind": "BANK", "name": "寿光农村商业银行股份有限公司", "identifier": "91350100M000100Y43",
		"signIn": map[string]any{"issuer": p.Issuer, "subject": "bank-system"},
	}, "partyId")["partyId"].(string)

	define := func(token, name string) gqlResponse {
		t.Helper()
		return x.do(token, `mutation($input: DefineLoanProductInput!) { defineLoanProduct(input: $input) { productId } }`,
			map[string]any{"input": map[string]any{"name": name, "tiers": []any{map[string]any{
				"credential": "GREEN_FOOD", "creditLine": "1000000.00", "maxTermMonths": 36, "annualRateBP": 435}}}}, "")
	}
	token := accessToken(t, p.Issuer, "urn:nongjiao:api")
	if r := define(token, "优质贷"); len(r.Errors) > 0 {
		t.Fatalf("the bank's provider token: %+v", r.Errors)
	}
	me := x.query(token, `{ me { role party } }`, nil, "")["me"].(map[string]any)
	if me["role"] != "bank" || me["party"] != bank {
		t.Errorf("me = %v; want the bank %s acting as bank", me, bank)
	}

	refused := func(what, token, reason string) {
		t.Helper()
		r := define(token, "拒绝")
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != kernel.CodeUnauthenticated || !strings.Contains(r.Errors[0].Message, reason) {
			t.Errorf("%s: %+v; want UNAUTHENTICATED saying %q", what, r.Errors, reason)
		}
	}
	refused("a token for another audience", accessToken(t, p.Issuer, "urn:other:api"), "audience")
	// Signed with the same key as the exchange's provider's tokens, until it rotates.
	refused("a token from another issuer", accessToken(t, p.Other, "urn:nongjiao:api"), "issued by a different provider")

	res, err := http.Post(p.Issuer+"/rotate", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	kid, _ := io.ReadAll(res.Body)
	res.Body.Close()
	rotated := accessToken(t, p.Issuer, "urn:nongjiao:api")
	if !strings.Contains(jwtHeader(t, rotated), string(kid)) {
		t.Fatalf("after the rotation the token's header is %s; want key %s", jwtHeader(t, rotated), kid)
	}
	if r := define(rotated, "优质贷二期"); len(r.Errors) > 0 {
		t.Fatalf("a token signed with the rotated key: %+v", r.Errors)
	}

	// A token may choose another role of its party with the nongjiao_role claim, and no other.
	operator := x.mutate(exchange, "registerParty", map[string]any{"kind": "EXCHANGE", "name": "潍坊农村产权交易中心", "identifier": "12370700MB28461595",
		"signIn": map[string]any{"issuer": p.Issuer, "subject": "operator-system"}}, "partyId")["partyId"].(string)
	me = x.query(clientToken(t, p.Issuer, "operator-system", "urn:nongjiao:api"), `{ me { role party } }`, nil, "")["me"].(map[string]any)
	if me["role"] != "fund" || me["party"] != operator {
		t.Errorf("me = %v; want the operator %s acting as fund", me, operator)
	}
	x.mutate(exchange, "linkSignIn", map[string]any{"partyId": bank, "issuer": p.Issuer, "subject": "bank-as-exchange"}, "")
	refused("a bank's token claiming the exchange role", clientToken(t, p.Issuer, "bank-as-exchange", "urn:nongjiao:api"), "not a role of its party")

	signIn := map[string]any{"partyId": bank, "issuer": p.Issuer, "subject": "bank-system"}
	x.mutate(exchange, "unlinkSignIn", signIn, "")
	refused("a token whose subject signs in no party", rotated, "signs in no party")
	x.mutate(exchange, "linkSignIn", signIn, "")

	exp := expiry(t, rotated)
	x.clock.Set(exp)
	if r := define(rotated, "优质贷三期"); len(r.Errors) > 0 {
		t.Fatalf("a token at its expiry time: %+v", r.Errors)
	}
	x.clock.Set(exp.Add(time.Second))
	refused("a token a second after its expiry", rotated, "expired")
}

// jwtHeader returns the decoded header of a JWT.
func jwtHeader(t *testing.T, token string) string {
	t.Helper()
	head, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// expiry returns the exp claim of a JWT.
func expiry(t *testing.T, token string) time.Time {
	t.Helper()
	parts := strings.Split(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct {
		Exp int64 `json:"exp"`
	}
	if err != nil || json.Unmarshal(b, &claims) != nil || claims.Exp == 0 {
		t.Fatalf("claims %s: %v", b, err)
	}
	return time.Unix(claims.Exp, 0).UTC()
}

func TestSignInTestSkipsWithoutItsPackages(t *testing.T) {
	testenv.RequireSkipsWithoutPackages(t, "TestSignInThroughOpenIDConnect")
}
