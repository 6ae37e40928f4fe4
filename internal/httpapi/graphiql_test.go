package httpapi

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// pageRefs returns every URL the page names: src, href and the like on any
// element, url() and @import in its styles, and import in its inline scripts.
func pageRefs(t *testing.T, page []byte) []string {
	t.Helper()
	var refs []string
	z := html.NewTokenizer(bytes.NewReader(page))
	inside := ""
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() != io.EOF {
				t.Fatal(z.Err())
			}
			return refs
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			inside = tok.Data
			for _, a := range tok.Attr {
				switch a.Key {
				case "src", "href", "srcset", "action", "formaction", "poster", "data", "manifest", "background", "xlink:href":
					refs = append(refs, a.Val)
				case "style":
					refs = appendMatches(refs, cssRef, a.Val)
				case "content": // <meta http-equiv="refresh" content="0; url=…">
					if _, u, ok := strings.Cut(strings.ToLower(a.Val), "url="); ok {
						refs = append(refs, u)
					}
				}
			}
		case html.TextToken:
			switch inside {
			case "style":
				refs = appendMatches(refs, cssRef, string(z.Text()))
			case "script":
				refs = appendMatches(refs, jsImport, string(z.Text()))
			}
		case html.EndTagToken:
			inside = ""
		}
	}
}

var (
	cssRef   = regexp.MustCompile(`(?:url\(\s*|@import\s+(?:url\(\s*)?)['"]?([^'"()\s;]+)`)
	jsImport = regexp.MustCompile(`\bimport\s*(?:\(\s*|[^'"]*from\s*)?['"]([^'"]+)`)
)

// appendMatches appends the first group of each match of re in s.
func appendMatches(refs []string, re *regexp.Regexp, s string) []string {
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		refs = append(refs, m[1])
	}
	return refs
}

// fetch GETs url with the headers and returns the answer with its body.
func fetch(t *testing.T, url string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultTransport.RoundTrip(req) // no transparent gzip: the test sees what is sent
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, body
}

// The board at / and GraphiQL at /graphiql load nothing from outside the
// server: every URL they name (the board's import map included) is inline
// data or a path of the server, served 200 with the Content-Type of its
// kind, and the stylesheets they load name no URL but inline data.
func TestPagesLoadOnlyWhatTheServerServes(t *testing.T) {
	s, _ := newTestServer(t, nil)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	for _, c := range []struct {
		path    string
		minRefs int // GraphiQL: its stylesheet and five scripts; the board: its stylesheet, graphql-ws, its entry and eight modules
	}{{"/graphiql", 6}, {"/", 12}} {
		res, page := fetch(t, srv.URL+c.path, nil)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("GET %s answered %d %s", c.path, res.StatusCode, res.Header.Get("Content-Type"))
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline' 'unsafe-eval") {
			t.Errorf("GET %s Content-Security-Policy %q, want default-src 'self'", c.path, csp)
		}
		refs := append(pageRefs(t, page), importMapRefs(t, page)...)
		if len(refs) < c.minRefs {
			t.Fatalf("%s names %d URLs %v; want at least %d", c.path, len(refs), refs, c.minRefs)
		}
		checkRefs(t, srv.URL, c.path, refs)
	}
}

// importMapRefs returns the URLs of the page's import map.
func importMapRefs(t *testing.T, page []byte) []string {
	t.Helper()
	m := regexp.MustCompile(`<script type="importmap">(.*?)</script>`).FindSubmatch(page)
	if m == nil {
		return nil
	}
	var im struct{ Imports map[string]string }
	if err := json.Unmarshal(m[1], &im); err != nil {
		t.Fatalf("import map %s: %v", m[1], err)
	}
	var refs []string
	for _, u := range im.Imports {
		refs = append(refs, u)
	}
	return refs
}

// checkRefs fetches each URL page names from the server at base.
func checkRefs(t *testing.T, base, page string, refs []string) {
	t.Helper()
	want := map[string]string{".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css"}
	for _, ref := range refs {
		if strings.HasPrefix(ref, "data:") { // inline, such as the empty favicon
			continue
		}
		if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			t.Errorf("%s names %q, not a path of the server", page, ref)
			continue
		}
		res, body := fetch(t, base+ref, nil)
		ct := res.Header.Get("Content-Type")
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(ct, want[path.Ext(ref)]) || want[path.Ext(ref)] == "" {
			t.Errorf("GET %s answered %d %q", ref, res.StatusCode, ct)
		}
		if path.Ext(ref) == ".css" {
			for _, u := range appendMatches(nil, cssRef, string(body)) {
				if !strings.HasPrefix(u, "data:") {
					t.Errorf("%s loads %q", ref, u)
				}
			}
		}
	}
}

// The board's Content-Security-Policy lets its import map run by its hash
// and nothing else inline.
func TestTheBoardsPolicyAllowsOnlyItsImportMap(t *testing.T) {
	m := regexp.MustCompile(`<script type="importmap">(.*?)</script>`).FindSubmatch(boardPage)
	if m == nil {
		t.Fatal("the board has no import map")
	}
	sum := sha256.Sum256(m[1])
	want := "script-src 'self' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "';"
	if policy := boardPolicy(BoardSignIn{}); !strings.Contains(policy, want) || strings.Contains(policy, "unsafe-inline") {
		t.Errorf("policy %q, want %q and no unsafe-inline", policy, want)
	}
}

// An asset is cached for a year under its content's hash, gzipped for
// browsers that accept it, not modified for one that has it, and not found
// under another hash.
func TestAssetsAreCachedByHashAndGzipped(t *testing.T) {
	s, _ := newTestServer(t, nil)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	name := "graphiql.min.js"
	url, err := assetURL(name)
	if err != nil {
		t.Fatal(err)
	}
	want, err := assetFiles.ReadFile("assets/" + name)
	if err != nil {
		t.Fatal(err)
	}

	res, body := fetch(t, srv.URL+url, nil)
	if res.StatusCode != http.StatusOK || !bytes.Equal(body, want) || res.Header.Get("Content-Encoding") != "" {
		t.Errorf("GET %s: %d, %d bytes, Content-Encoding %q; want 200 and the file's %d bytes as they are",
			url, res.StatusCode, len(body), res.Header.Get("Content-Encoding"), len(want))
	}
	if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
		t.Errorf("Cache-Control %q, want a year and immutable", cc)
	}

	res, body = fetch(t, srv.URL+url, map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	if res.Header.Get("Content-Encoding") != "gzip" || len(body) >= len(want)/2 {
		t.Fatalf("GET %s accepting gzip: Content-Encoding %q, %d bytes of %d", url, res.Header.Get("Content-Encoding"), len(body), len(want))
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, want) {
		t.Errorf("the gzipped body decodes to %d bytes (%v), want the file's %d", len(got), err, len(want))
	}

	res, _ = fetch(t, srv.URL+url, map[string]string{"If-None-Match": res.Header.Get("ETag")})
	if res.StatusCode != http.StatusNotModified {
		t.Errorf("GET %s with its ETag: %d, want 304", url, res.StatusCode)
	}

	for _, stale := range []string{"/assets/000000000000/" + name, "/assets/" + path.Base(path.Dir(url)) + "/nosuch.js"} {
		if res, _ := fetch(t, srv.URL+stale, nil); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", stale, res.StatusCode)
		}
	}
}
