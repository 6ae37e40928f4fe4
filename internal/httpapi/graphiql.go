package httpapi

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/nongjiao/nongjiao/internal/web"
)

// assetFiles are the files the GraphiQL page loads: GraphiQL, React,
// graphql-ws (versions and licences in assets/README.md) and the page's own
// script. The server serves them itself, and the board's files (package web),
// so both pages work on a machine with no internet.
//
//go:embed assets/*.js assets/*.css assets/LICENSES.txt
var assetFiles embed.FS

// assetTypes is the Content-Type of each kind of asset.
var assetTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".mjs": "text/javascript; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
}

// asset is one embedded file, served at /assets/<hash>/<name>: the hash of
// its content keys browsers' caches, so it is cached for a year.
type asset struct {
	body        []byte
	hash        string
	contentType string

	gzipOnce sync.Once
	gzipped  []byte
}

// assets are the embedded files by name: GraphiQL's and the board's.
var assets = loadAssets(map[string]fs.FS{"assets": assetFiles, "static": web.Static})

// loadAssets reads the files of each directory of its file system; a name
// found twice panics (two files would answer to one URL).
func loadAssets(dirs map[string]fs.FS) map[string]*asset {
	out := map[string]*asset{}
	for dir, fsys := range dirs {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			panic(err) // the embedded directory is there by construction
		}
		for _, e := range entries {
			body, err := fs.ReadFile(fsys, dir+"/"+e.Name())
			if err != nil {
				panic(err)
			}
			if _, dup := out[e.Name()]; dup {
				panic("httpapi: two embedded assets named " + e.Name())
			}
			sum := sha256.Sum256(body)
			out[e.Name()] = &asset{body: body, hash: hex.EncodeToString(sum[:6]), contentType: assetTypes[path.Ext(e.Name())]}
		}
	}
	return out
}

// assetURL is the path an asset is served at.
func assetURL(name string) (string, error) {
	a, ok := assets[name]
	if !ok {
		return "", fs.ErrNotExist
	}
	return "/assets/" + a.hash + "/" + name, nil
}

// gzip returns the asset compressed, compressing it on first use.
func (a *asset) gzip() []byte {
	a.gzipOnce.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
		_, _ = zw.Write(a.body)                                  // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		a.gzipped = buf.Bytes()
	})
	return a.gzipped
}

// serveAsset serves GET /assets/{hash}/{name}. A hash other than the
// content's is not found: an old page's URL must not be cached with new content.
func serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := assets[r.PathValue("name")]
	if !ok || r.PathValue("hash") != a.hash {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("ETag", `"`+a.hash+`"`)
	h.Set("Vary", "Accept-Encoding")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Type", a.contentType)
	if r.Header.Get("If-None-Match") == `"`+a.hash+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := a.body
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		body = a.gzip()
		h.Set("Content-Encoding", "gzip")
	}
	_, _ = w.Write(body)
}

// graphiqlPage is GraphiQL, served at /graphiql, pointed at /graphql with
// subscriptions over ws(s)://<host>/graphql, loading only the embedded assets.
var graphiqlPage = renderGraphiQL()

//go:embed graphiql.html
var graphiqlHTML string

func renderGraphiQL() []byte {
	t := template.Must(template.New("graphiql").Funcs(template.FuncMap{"asset": assetURL}).Parse(graphiqlHTML))
	var buf bytes.Buffer
	if err := t.Execute(&buf, nil); err != nil {
		panic(err) // names an asset that is not embedded
	}
	return buf.Bytes()
}

// graphiqlPolicy lets the page load and connect to this server only.
const graphiqlPolicy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"

func serveGraphiQL(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache") // it names the assets' current hashes
	h.Set("Content-Security-Policy", graphiqlPolicy)
	_, _ = w.Write(graphiqlPage)
}
