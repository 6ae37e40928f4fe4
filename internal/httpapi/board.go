package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"

	"github.com/nongjiao/nongjiao/internal/web"
)

// boardPage is the exchange in the browser (package web), served at / and at
// SignInCallback: its modules load through the import map written into the
// page, which boardScript (a CSP source) lets run.
var boardPage, boardScript = renderBoard()

// SignInCallback is the board's path the OpenID Connect provider sends the
// browser back to with the authorization code: it serves the board, which
// completes the sign-in. A provider registers <origin>/signin/callback as the
// board's redirect URI.
const SignInCallback = "/signin/callback"

// BoardSignIn is the OpenID Connect provider the board signs in through: the
// page runs the Authorization Code flow with PKCE as a public client (no
// secret) and sends the ID token it gets as its bearer token.
type BoardSignIn struct {
	Issuer   string `json:"issuer"`   // the provider's issuer URL
	ClientID string `json:"clientId"` // the board's client id: the audience of its ID tokens
}

// renderBoard returns the page and the hash source of its inline import map.
func renderBoard() ([]byte, string) {
	imports, err := web.ImportMap(assetURL)
	if err != nil {
		panic(err) // the embedded files are there by construction
	}
	importMap, err := json.Marshal(map[string]any{"imports": imports})
	if err != nil {
		panic(err)
	}
	t := template.Must(template.New("board").Funcs(template.FuncMap{
		"asset":     assetURL,
		"importmap": func() template.HTML { return template.HTML(importMap) }, // #nosec G203 -- JSON of our own paths
	}).Parse(web.Page))
	var buf bytes.Buffer
	if err := t.Execute(&buf, nil); err != nil {
		panic(err) // names an asset that is not embedded
	}
	sum := sha256.Sum256(importMap)
	return buf.Bytes(), "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

// boardPolicy is the board's Content-Security-Policy: it lets the inline
// import map run by its hash and nothing else inline, and lets the page fetch
// from the server and from the sign-in provider's origin, when there is one
// (its discovery document and token endpoint).
func boardPolicy(signIn BoardSignIn) string {
	connect := "'self'"
	if u, err := url.Parse(signIn.Issuer); err == nil && u.Scheme != "" && u.Host != "" {
		connect += " " + u.Scheme + "://" + u.Host
	}
	return "default-src 'self'; script-src 'self' " + boardScript + "; " +
		"style-src 'self'; img-src 'self' data:; connect-src " + connect + "; base-uri 'none'; frame-ancestors 'none'"
}

// boardHandlers returns the handlers of the page and of /config.json, which
// names the sign-in provider to the page ({} without one).
func boardHandlers(signIn BoardSignIn) (page, config http.HandlerFunc) {
	policy := boardPolicy(signIn)
	cfg := []byte("{}")
	if signIn.Issuer != "" {
		cfg, _ = json.Marshal(map[string]BoardSignIn{"signIn": signIn}) // two strings always marshal
	}
	page = func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache") // it names the assets' current hashes
		h.Set("Content-Security-Policy", policy)
		_, _ = w.Write(boardPage)
	}
	config = func(w http.ResponseWriter, _ *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-cache")
		_, _ = w.Write(cfg)
	}
	return page, config
}
