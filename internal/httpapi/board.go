package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"net/http"

	"github.com/nongjiao/nongjiao/internal/web"
)

// boardPage is the exchange in the browser (package web), served at /: its
// modules load through the import map written into the page.
var boardPage, boardPolicy = renderBoard()

// renderBoard returns the page and its Content-Security-Policy, which lets
// the inline import map run by its hash and nothing else inline.
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
	policy := "default-src 'self'; script-src 'self' 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
	return buf.Bytes(), policy
}

func serveBoard(w http.ResponseWriter, _ *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-cache") // it names the assets' current hashes
	h.Set("Content-Security-Policy", boardPolicy)
	_, _ = w.Write(boardPage)
}
