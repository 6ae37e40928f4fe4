package httpapi

import (
	"bytes"
	"compress/gzip"
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

// The GraphiQL page loads nothing from outside the server: every URL it names
// is inline data or a path of the server, served 200 with the Content-Type of
// its kind, and the stylesheets it loads name no URL but inline data.
func TestGraphiQLPageLoadsOnlyWhatTheServerServes(t *testing.T) {
	s, _ := newTestServer(t, nil)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	res, page := fetch(t, srv.URL+"/", nil)
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / answered %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("GET / Content-Security-Policy %q, want default-src 'self'", csp)
	}
	refs := pageRefs(t, page)
	if len(refs) < 6 {
		t.Fatalf("the page names %d URLs %v; want GraphiQL's stylesheet and five scripts", len(refs), refs)
	}
	want := map[string]string{".js": "text/javascript", ".css": "text/css"}
	for _, ref := range refs {
		if strings.HasPrefix(ref, "data:") { // inline, such as the empty favicon
			continue
		}
		if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			t.Errorf("the page names %q, not a path of the server", ref)
			continue
		}
		res, body := fetch(t, srv.URL+ref, nil)
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
