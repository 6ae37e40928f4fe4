// Package api is the core of nongjiao's GraphQL schema: the scalars every
// area uses (Money and Area as decimal strings, DateTime, Position), the
// Relay-style mutation builder with idempotency keys and write positions,
// Relay connections with opaque cursors, authorization helpers, the Builder
// that areas add their fields to, and the SDL printer whose output is
// committed as schema/schema.graphql.
//
// Areas (api/exchange, api/finance) contribute fields through a Builder; the
// server package assembles them. Resolvers stay thin: decode the input, check
// who may act, send one command through internal/app, map the result.
//
// Mutation conventions, enforced by Builder.Mutation:
//   - the argument is one `input` object; the result a `<Name>Payload` object
//     with `clientMutationId`, `position` (the event-store position the
//     command wrote: send it back in the X-Nongjiao-After-Position header to
//     read your own write) and `duplicate`;
//   - `input.idempotencyKey`, when given, makes the mutation idempotent per
//     caller: a retry with the same key returns the first result and writes
//     nothing, because the command id and the ids of any new aggregates are
//     derived from the caller and the key;
//   - only the roles named may call it (FORBIDDEN otherwise, UNAUTHENTICATED
//     for anonymous callers); party-level checks (a collective acts only on its
//     own assets, a bank on its own loans) are the resolver's.
//
// Errors: resolvers return *kernel.Error (wrapped with %w if at all) for
// everything a client should see; httpapi maps the code to extensions.code.
// Builder.Mutation resolves the error's Field, which names the domain's field,
// to a path of the mutation's input (as is, its tail, or with "Id" added) and
// drops it when the input has no such field, so extensions.field always names
// something the caller sent. idempotencyKey and clientMutationId are limited
// like other references (kernel.MaxReferenceRunes).
package api
