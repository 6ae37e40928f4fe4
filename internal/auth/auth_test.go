package auth_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/durable"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

var (
	t0     = time.Date(2026, 11, 25, 4, 0, 0, 0, time.UTC)
	party  = uuid.MustParse("6f1c1f0e-8a53-4d43-9a4e-5a1c9d1b2e01")
	secret = bytes.Repeat([]byte{7}, auth.SecretSize)
)

func TestParseRoleAcceptsEveryRoleByName(t *testing.T) {
	for _, want := range auth.Roles() {
		got, err := auth.ParseRole(want.String())
		if err != nil || got != want {
			t.Errorf("ParseRole(%q) = %v, %v; want %v", want.String(), got, err, want)
		}
	}
}

func TestParseRoleRefusesUnknownNames(t *testing.T) {
	for _, s := range []string{"", "Exchange", "admin", " bank"} {
		_, err := auth.ParseRole(s)
		var kerr *kernel.Error
		if !errors.As(err, &kerr) || kerr.Code != kernel.CodeInvalid || kerr.Field != "role" {
			t.Errorf("ParseRole(%q) error = %v; want INVALID_INPUT on field role", s, err)
		}
	}
}

func TestIssuedTokenVerifiesToTheSamePrincipal(t *testing.T) {
	clock := kernel.NewManualClock(t0)
	for _, role := range auth.Roles() {
		p := auth.Principal{Role: role, Party: party}
		token, err := auth.NewIssuer(secret, clock).Issue(p, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		got, err := auth.NewVerifier(secret, clock).Verify(token)
		if err != nil || got != p {
			t.Errorf("Verify = %v, %v; want %v", got, err, p)
		}
	}
}

func TestIssueRefusesIncompletePrincipalsAndLifetimes(t *testing.T) {
	is := auth.NewIssuer(secret, kernel.NewManualClock(t0))
	cases := []struct {
		field string
		p     auth.Principal
		ttl   time.Duration
	}{
		{"role", auth.Principal{Party: party}, time.Hour},
		{"party", auth.Principal{Role: auth.RoleBank}, time.Hour},
		{"ttl", auth.Principal{Role: auth.RoleBank, Party: party}, 0},
	}
	for _, c := range cases {
		_, err := is.Issue(c.p, c.ttl)
		var kerr *kernel.Error
		if !errors.As(err, &kerr) || kerr.Field != c.field {
			t.Errorf("Issue(%+v, %s) error = %v; want an error on field %s", c.p, c.ttl, err, c.field)
		}
	}
}

// sign makes a token with arbitrary claims and method, for the refusal table.
func sign(t *testing.T, method jwt.SigningMethod, key any, c jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(method, c).SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func goodClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": auth.ClaimIssuer, "aud": auth.ClaimAudience, "sub": party.String(),
		"iat": t0.Unix(), "nbf": t0.Unix(), "exp": t0.Add(time.Hour).Unix(), "role": "bidder",
	}
}

func with(k string, v any) jwt.MapClaims {
	c := goodClaims()
	if v == nil {
		delete(c, k)
	} else {
		c[k] = v
	}
	return c
}

func TestVerifyRefusesEveryBadToken(t *testing.T) {
	clock := kernel.NewManualClock(t0.Add(time.Minute))
	good, err := auth.NewIssuer(secret, kernel.NewManualClock(t0)).Issue(auth.Principal{Role: auth.RoleBidder, Party: party}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, ".")
	noneHeader := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	hs512 := sign(t, jwt.SigningMethodHS512, secret, goodClaims())
	other := sign(t, jwt.SigningMethodHS256, bytes.Repeat([]byte{8}, 32), goodClaims())
	cases := []struct {
		name, token, reason string
	}{
		{"garbage", "not-a-token", "malformed"},
		{"wrong signature", other, "signature is invalid: this server did not sign it (nongjiao token signs with the secret of its --data-dir"},
		{"tampered payload", parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"role":"exchange"}`)) + "." + parts[2], "signature"},
		{`alg "none", no signature`, noneHeader + "." + parts[1] + ".", "signature"},
		{`alg "none", original signature`, noneHeader + "." + parts[1] + "." + parts[2], "signature"},
		{"alg HS512", hs512, "signature"},
		{"expired", sign(t, jwt.SigningMethodHS256, secret, with("exp", t0.Add(time.Minute-time.Second).Unix())), "expired"},
		{"no expiry", sign(t, jwt.SigningMethodHS256, secret, with("exp", nil)), "claim"},
		{"not yet valid", sign(t, jwt.SigningMethodHS256, secret, with("nbf", t0.Add(time.Hour).Unix())), "not valid yet"},
		{"wrong issuer", sign(t, jwt.SigningMethodHS256, secret, with("iss", "someone-else")), "issuer"},
		{"wrong audience", sign(t, jwt.SigningMethodHS256, secret, with("aud", "another-api")), "audience"},
		{"unknown role", sign(t, jwt.SigningMethodHS256, secret, with("role", "admin")), "unknown role"},
		{"no role", sign(t, jwt.SigningMethodHS256, secret, with("role", nil)), "unknown role"},
		{"subject not a uuid", sign(t, jwt.SigningMethodHS256, secret, with("sub", "bob")), "party id"},
	}
	v := auth.NewVerifier(secret, clock)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := v.Verify(c.token)
			var kerr *kernel.Error
			if !errors.As(err, &kerr) || kerr.Code != kernel.CodeUnauthenticated {
				t.Fatalf("Verify error = %v; want UNAUTHENTICATED", err)
			}
			if !strings.Contains(kerr.Message, c.reason) {
				t.Errorf("message %q does not say %q", kerr.Message, c.reason)
			}
		})
	}
}

// hourToken returns a token for party in role, issued at clock's now for an
// hour, and a verifier on the same clock.
func hourToken(tb testing.TB, clock kernel.Clock, role auth.Role) (string, *auth.Verifier) {
	tb.Helper()
	token, err := auth.NewIssuer(secret, clock).Issue(auth.Principal{Role: role, Party: party}, time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	return token, auth.NewVerifier(secret, clock)
}

func TestVerifyFollowsTheInjectedClock(t *testing.T) {
	clock := kernel.NewManualClock(t0)
	token, v := hourToken(t, clock, auth.RoleFund)
	clock.Advance(time.Hour - time.Second)
	if _, err := v.Verify(token); err != nil {
		t.Fatalf("one second before expiry: %v", err)
	}
	clock.Advance(time.Second)
	if _, err := v.Verify(token); err == nil {
		t.Fatal("token accepted at its expiry time")
	}
}

func TestVerifyRefusesAnAcceptedTokenOutsideItsValidity(t *testing.T) {
	clock := kernel.NewManualClock(t0)
	token, v := hourToken(t, clock, auth.RoleBidder)
	if _, err := v.Verify(token); err != nil {
		t.Fatal(err)
	}
	clock.Set(t0.Add(-time.Second)) // before the token's iat and nbf
	if _, err := v.Verify(token); err == nil || !strings.Contains(err.Error(), "not valid yet") {
		t.Fatalf("Verify before the token's issue = %v; want not valid yet", err)
	}
	clock.Set(t0.Add(time.Hour))
	if _, err := v.Verify(token); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("Verify at the token's expiry = %v; want expired", err)
	}
	clock.Set(t0)
	if _, err := v.Verify(token); err != nil {
		t.Fatalf("Verify back within the validity: %v", err)
	}
}

// BenchmarkVerify verifies one token over and over, as every request of a
// client carries the same one.
func BenchmarkVerify(b *testing.B) {
	token, v := hourToken(b, kernel.NewManualClock(t0), auth.RoleBidder)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := v.Verify(token); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestCreateSecretCreatesAPrivateFileOnceAndKeepsIt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	first, err := auth.CreateSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != auth.SecretSize || bytes.Equal(first, make([]byte, auth.SecretSize)) {
		t.Fatalf("secret = %x; want %d random bytes", first, auth.SecretSize)
	}
	info, err := os.Stat(filepath.Join(dir, auth.SecretFile))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("secret file mode = %o; want 600", perm)
	}
	again, err := auth.CreateSecret(dir)
	if err != nil || !bytes.Equal(again, first) {
		t.Errorf("second create = %x, %v; want the first secret %x", again, err, first)
	}
	loaded, err := auth.LoadSecret(dir)
	if err != nil || !bytes.Equal(loaded, first) {
		t.Errorf("load = %x, %v; want the first secret %x", loaded, err, first)
	}
	other, err := auth.CreateSecret(t.TempDir())
	if err != nil || bytes.Equal(other, first) {
		t.Errorf("another directory's secret = %x, %v; want a different secret", other, err)
	}
}

func TestCreateSecretAgreesUnderConcurrentFirstUse(t *testing.T) {
	dir := t.TempDir()
	secrets := make([][]byte, 8)
	var wg sync.WaitGroup
	for i := range secrets {
		wg.Go(func() {
			s, err := auth.CreateSecret(dir)
			if err != nil {
				t.Error(err)
			}
			secrets[i] = s
		})
	}
	wg.Wait()
	for i, s := range secrets {
		if !bytes.Equal(s, secrets[0]) {
			t.Errorf("caller %d got %x; caller 0 got %x", i, s, secrets[0])
		}
	}
}

func TestSecretsRefuseACorruptFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, auth.SecretFile), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.CreateSecret(dir); err == nil {
		t.Fatal("CreateSecret accepted a 5-byte secret file")
	}
	if _, err := auth.LoadSecret(dir); err == nil {
		t.Fatal("LoadSecret accepted a 5-byte secret file")
	}
}

// A secret whose directory entry is not synced can vanish in a crash soon
// after the first start; the next start would make a new one and revoke
// every token.
func TestCreateSecretSyncsTheDirectoryOnceTheSecretIsNamedInIt(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	var after []string // directories synced while the secret was in place
	t.Cleanup(durable.HookSyncDir(func(d string) {
		if _, err := os.Stat(filepath.Join(dir, auth.SecretFile)); err == nil {
			after = append(after, d)
		}
	}))
	if _, err := auth.CreateSecret(dir); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(after, dir) {
		t.Fatalf("directories synced once the secret existed: %v; want %s", after, dir)
	}
}

func TestLoadSecretNeverCreatesOne(t *testing.T) {
	dir := t.TempDir()
	_, err := auth.LoadSecret(dir)
	if !errors.Is(err, auth.ErrNoSecret) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("LoadSecret of an empty directory = %v; want ErrNoSecret naming %s", err, dir)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("LoadSecret left %d files in the directory", len(entries))
	}
}

func TestMiddleware(t *testing.T) {
	clock := kernel.NewManualClock(t0)
	p := auth.Principal{Role: auth.RoleCollective, Party: party}
	token, err := auth.NewIssuer(secret, clock).Issue(p, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var seen *auth.Principal
	h := auth.Middleware(auth.NewVerifier(secret, clock), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := auth.FromContext(r.Context())
		seen = nil
		if ok {
			seen = &got
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	serve := func(header string) *httptest.ResponseRecorder {
		seen = nil
		r := httptest.NewRequest(http.MethodPost, "/graphql", nil)
		if header != "" {
			r.Header.Set("Authorization", header)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	t.Run("no header is anonymous", func(t *testing.T) {
		w := serve("")
		if w.Code != http.StatusNoContent || seen != nil {
			t.Errorf("status %d, principal %v; want 204 and anonymous", w.Code, seen)
		}
	})
	t.Run("a valid bearer token carries its principal", func(t *testing.T) {
		w := serve("bearer " + token)
		if w.Code != http.StatusNoContent || seen == nil || *seen != p {
			t.Errorf("status %d, principal %v; want 204 and %v", w.Code, seen, p)
		}
	})
	for _, header := range []string{"Bearer " + token + "x", "Basic dXNlcjpwdw==", "Bearer", token} {
		t.Run("refuses "+header[:min(len(header), 12)], func(t *testing.T) {
			w := serve(header)
			if w.Code != http.StatusUnauthorized || seen != nil {
				t.Fatalf("status %d, principal %v; want 401 before the handler", w.Code, seen)
			}
			if !strings.HasPrefix(w.Header().Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("WWW-Authenticate = %q", w.Header().Get("WWW-Authenticate"))
			}
			var body struct {
				Data   *json.RawMessage `json:"data"`
				Errors []struct {
					Message    string            `json:"message"`
					Extensions map[string]string `json:"extensions"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
				t.Fatal(err)
			}
			if len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != "UNAUTHENTICATED" || body.Errors[0].Message == "" || body.Data != nil {
				t.Errorf("body = %s; want one UNAUTHENTICATED error and no data", w.Body)
			}
		})
	}
}
