// Package httpapi serves a graphql-go schema over HTTP and WebSocket: the
// transport, authentication, limits and error mapping of nongjiao's API. The
// schema and its resolvers are the caller's; New wraps them in a Server.
//
// Endpoints:
//   - /graphql, GET and POST, following the GraphQL-over-HTTP spec (the
//     graphql-http audit passes with no error and no warning). The response is
//     application/graphql-response+json when the Accept header asks for it and
//     application/json otherwise (also when Accept is absent or */*). Under
//     graphql-response+json, requests that fail to parse or validate, or whose
//     variables do not coerce, get 400 and no "data" entry; under
//     application/json they get 200 as the spec asks. Mutations over GET get
//     405. Subscriptions, and queries and mutations too, run over WebSocket on
//     the same path with the graphql-transport-ws protocol.
//   - / the exchange's web client (package web) and /graphiql GraphiQL, whose
//     scripts and styles (the client's modules, Preact with htm, GraphiQL,
//     React, graphql-ws) are embedded in the binary and served under
//     /assets/<content hash>/<name>, cached for a year and gzipped when the
//     browser accepts it: neither page loads anything from outside the
//     server. The client's page carries an import map of its modules' hashed
//     paths, admitted by its Content-Security-Policy by hash. With
//     Options.SignIn the page signs in at that OpenID Connect provider: it
//     learns the issuer and client id at /config.json, may fetch from the
//     issuer's origin, and is served again at /signin/callback, where the
//     provider sends the browser back. /metrics Prometheus, /healthz a
//     liveness check (200 "ok" while the process serves HTTP), and /readyz a
//     readiness check: 200 when every Options.Readiness check passes, 503
//     otherwise, with a JSON body giving each check's result, e.g.
//     {"ready":false,"checks":{"store":"…","projections":"ok"}}.
//
// Limits, each a GraphQL error with a stable extensions.code (the constants
// Code*): the operation's depth (DEPTH_LIMIT_EXCEEDED) and cost
// (COST_LIMIT_EXCEEDED: every field costs 1 and a field's selections count as
// many times as its "first" argument says), the body size (413,
// BODY_TOO_LARGE) and the execution time (TIMEOUT). Parsed and validated
// documents are kept in a bounded LRU cache keyed by the query text, so a
// repeated query is neither parsed nor validated again. With
// Options.Compile, a cached document's queries are also compiled once, and a
// query with a Plan is answered by it without graphql-go's executor whenever
// the Plan accepts the request (graphql-go answers otherwise). With
// Options.CompileMutation, mutations likewise: a MutationPlan accepts or
// declines the request's variables before anything runs, and once it has
// accepted, its run answers whatever happens (graphql-go never executes the
// mutation a second time); its errors are mapped as graphql-go's are, and
// a run that ends past the timeout answers TIMEOUT as graphql-go does.
// nongjiao_graphql_compiled_executions_total counts both outcomes.
//
// A literal or variable that a scalar or enum refuses is INVALID_SCALAR, and
// the message says what form the type expects: the first sentence of a custom
// scalar's description, a fixed phrase for the built-ins, an enum's values.
//
// Errors returned by resolvers: a *kernel.Error anywhere in the chain becomes
// a GraphQL error whose extensions.code is its Code (and extensions.field its
// Field); a context deadline becomes TIMEOUT; anything else is logged and
// shown as "Internal error." with code INTERNAL. Resolvers must therefore wrap
// domain errors with %w and never rely on the message of other errors
// reaching the client. An error matching eventstore.ErrUnavailable (the store
// failed and is being reopened) becomes STORE_UNAVAILABLE and is not logged:
// one line per fault, not per request.
//
// Authentication: "Authorization: Bearer <token>" on HTTP requests, or the
// same in the connection_init payload ({"Authorization": "Bearer …"}) on
// WebSocket; the verified auth.Principal is in every resolver's context
// (auth.FromContext). No token means anonymous; a refused token means 401 (or
// close code 4403 on WebSocket). Resolvers must enforce authorization.
//
// Read-your-writes: a query may name an event-store position in the
// X-Nongjiao-After-Position header or the request's extensions
// ({"afterPosition": "123"}); the server calls Options.WaitFunc with it before
// executing and answers READ_MODEL_TIMEOUT if the read models do not get there
// within Options.WaitTimeout.
//
// Call Server.Shutdown when stopping: http.Server.Shutdown does not close
// WebSockets.
package httpapi
