package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/httpapi"
	"github.com/nongjiao/nongjiao/internal/party"
	"github.com/nongjiao/nongjiao/internal/server"
	"github.com/nongjiao/nongjiao/internal/testenv"
)

// boardClient is the board's client at provider.mjs's issuer.
const boardClient = "nongjiao-board"

// In headless Chromium, against a sandbox that trusts a real OpenID Connect
// provider: the board offers the provider's sign-in, the browser signs in at
// the provider's login and consent pages and comes back to the page it left
// signed in as the party the exchange linked to its login, holding the ID
// token for the tab only; a demand it posts carries that token and is
// accepted; signing out forgets it; and a provider response with a tampered
// state is refused before its code is exchanged.
func TestSignInThroughTheProviderInChromium(t *testing.T) {
	browser := testenv.NeedNode(t, "testdata/browser", "playwright-core")
	oidc := testenv.NeedNode(t, "../server/testdata/oidc", "oidc-provider")
	chromium := testenv.NeedChromium(t)
	testenv.Starting(t)
	ln := listen(t)
	url := "http://" + ln.Addr().String()
	var p struct{ Issuer string }
	if line := oidc.Start(t, "provider.mjs", url+httpapi.SignInCallback); json.Unmarshal(line, &p) != nil || p.Issuer == "" {
		t.Fatalf("provider.mjs printed %q", line)
	}
	_, tokens := serve(t, ln, func(c *server.Config) { c.OIDCIssuer, c.OIDCClientID = p.Issuer, boardClient })

	const login = "shouguang-lvye-coop"
	var registered struct {
		Data struct {
			RegisterParty struct{ PartyID string }
		}
		Errors []any
	}
	post(t, url, tokens["exchange"], `mutation($in: RegisterPartyInput!) { registerParty(input: $in) { partyId } }`, map[string]any{"in": map[string]any{
		"kind": "FARM_BUSINESS", "name": "寿光市绿野果蔬专业合作社", "identifier": party.CreditCodeFrom([]byte("shouguang-lvye-cooperative")),
		"signIn": map[string]any{"issuer": p.Issuer, "subject": login},
	}}, &registered)
	coop := registered.Data.RegisterParty.PartyID
	if coop == "" {
		t.Fatalf("registerParty: %+v", registered.Errors)
	}

	stdout := drive(t, browser, "signin.mjs", 2*time.Minute, map[string]any{"url": url, "chromium": chromium, "issuer": p.Issuer, "login": login})
	type claims struct {
		Iss, Sub, Aud string
	}
	var got struct {
		Offered, Back string
		Me            struct{ Role, Party string }
		Stored        struct {
			Session *claims
			Local   string
		}
		TokenRequests int
		Posted        struct {
			Bearer       *claims
			SameAsStored bool
			Message      struct {
				OK   bool
				Text string
			}
		}
		SignedOut struct{ Session, Local string }
		Tampered  struct {
			Error         struct{ Code, Text string }
			SignedIn      bool
			Stored        struct{ Session, Local string }
			TokenRequests int
		}
		Errors []string
	}
	if err := json.Unmarshal(stdout, &got); err != nil {
		t.Fatalf("signin.mjs printed %s: %v", stdout, err)
	}
	t.Logf("%s", stdout)
	if len(got.Errors) > 0 {
		t.Fatalf("the pages reported errors: %q", got.Errors)
	}

	if got.Offered != "通过统一身份认证登录" {
		t.Errorf("the board offers %q, want 通过统一身份认证登录", got.Offered)
	}
	if got.Back != "/#/demands" || got.Me.Party != coop || got.Me.Role != "bidder" {
		t.Errorf("after the provider the page is %s signed in as %+v; want /#/demands as the bidder %s", got.Back, got.Me, coop)
	}
	want := claims{Iss: p.Issuer, Sub: login, Aud: boardClient}
	if s := got.Stored; s.Session == nil || *s.Session != want || s.Local != "" || got.TokenRequests != 1 {
		t.Errorf("the tab holds %+v (local %q) after %d token requests; want an ID token %+v for the tab only, from one exchange",
			s.Session, s.Local, got.TokenRequests, want)
	}
	if pd := got.Posted; pd.Bearer == nil || *pd.Bearer != want || !pd.SameAsStored || !pd.Message.OK {
		t.Errorf("posting a demand sent %+v (the stored token: %v) and showed %+v; want the provider's ID token, accepted", pd.Bearer, pd.SameAsStored, pd.Message)
	}
	if got.SignedOut.Session != "" || got.SignedOut.Local != "" {
		t.Errorf("after signing out the tab still holds %+v", got.SignedOut)
	}

	tm := got.Tampered
	if tm.Error.Code != "SIGN_IN_STATE_MISMATCH" || !strings.Contains(tm.Error.Text, "被篡改") || tm.SignedIn ||
		tm.Stored.Session != "" || tm.Stored.Local != "" || tm.TokenRequests != 0 {
		t.Errorf("a tampered state: %+v; want SIGN_IN_STATE_MISMATCH's message, no token and no token request", tm)
	}
}

// post runs a GraphQL operation at url as token's holder and decodes the
// response into out.
func post(t *testing.T, url, token, query string, vars map[string]any, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}
