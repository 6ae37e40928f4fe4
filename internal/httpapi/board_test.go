package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// With a sign-in provider the board's /config.json names it and the page,
// at / and at the callback path, may fetch from the provider's origin and
// from no other; without one /config.json is empty and the page fetches
// from the server alone.
func TestTheBoardNamesItsSignInProvider(t *testing.T) {
	for _, tc := range []struct {
		signIn          BoardSignIn
		config, connect string
	}{
		{BoardSignIn{}, `{}`, "connect-src 'self';"},
		{BoardSignIn{Issuer: "https://id.example.cn:8443/realms/nongjiao", ClientID: "board"},
			`{"signIn":{"issuer":"https://id.example.cn:8443/realms/nongjiao","clientId":"board"}}`,
			"connect-src 'self' https://id.example.cn:8443;"},
	} {
		s, _ := newTestServer(t, func(o *Options) { o.SignIn = tc.signIn })
		srv := httptest.NewServer(s)
		res, body := fetch(t, srv.URL+"/config.json", nil)
		if res.StatusCode != http.StatusOK || string(body) != tc.config {
			t.Errorf("with %+v /config.json answered %d %s, want %s", tc.signIn, res.StatusCode, body, tc.config)
		}
		for _, p := range []string{"/", SignInCallback} {
			res, body := fetch(t, srv.URL+p, nil)
			if policy := res.Header.Get("Content-Security-Policy"); res.StatusCode != http.StatusOK || string(body) != string(boardPage) || !strings.Contains(policy, tc.connect) {
				t.Errorf("with %+v GET %s answered %d with policy %q, want the board with %q", tc.signIn, p, res.StatusCode, policy, tc.connect)
			}
		}
		srv.Close()
	}
}
