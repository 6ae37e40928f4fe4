// Package web is the exchange in the browser: the public board, a lot's
// page, the live auction room and the supply-meets-demand pages, written as a
// client of nongjiao's own GraphQL API (queries and mutations over HTTP, the
// auctionFeed and listingAlerts subscriptions over graphql-ws). It holds files
// only; package httpapi embeds and serves them, the page at / and every
// script under /assets/<content hash>/<name>.
//
// There is no build step: the scripts are plain ES modules that import each
// other by the bare names of an import map the server writes into the page
// (ImportMap), so each module is cached for a year under its content's hash
// and a changed module is fetched again. The vendored view library (htm's
// Preact build), its version, checksum and licences are in docs/web.md and
// static/LICENSES-web.txt; graphql-ws is the UMD build package httpapi
// already embeds for GraphiQL, loaded as a classic script.
package web
