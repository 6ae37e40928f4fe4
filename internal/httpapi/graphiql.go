package httpapi

import (
	_ "embed"
	"net/http"
)

// graphiqlPage is GraphiQL 3.9.0 from a CDN, pointed at /graphql, with
// subscriptions over ws(s)://<host>/graphql. It runs in the user's browser;
// the server only sends this page.
//
//go:embed graphiql.html
var graphiqlPage []byte

func serveGraphiQL(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(graphiqlPage)
}
