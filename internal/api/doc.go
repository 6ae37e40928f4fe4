// Package api is the core of nongjiao's GraphQL schema: the scalars every
// area uses (Money and Area as decimal strings, DateTime, Position), the one
// AssetType enum, Relay-style mutation tables with idempotency keys and write
// positions, Relay connections with opaque cursors, authorization helpers, the
// Builder that areas add their fields to, and the SDL printer whose output is
// committed as schema/schema.graphql.
//
// Areas (api/assets, api/listings, api/coops, api/credit, api/parties) contribute fields
// through a Builder; the server package assembles them. RegisterViewer adds
// `me`; RegisterClock adds `clock` and, on a sandbox only (Deps.Sandbox), the
// exchange's `advanceClock`, whose refusal of a time before now is the
// sandbox's CLOCK_BACKWARDS. Every area has the
// same shape: an area struct over Deps whose Register adds its queries and,
// for each aggregate it commands, one Mutations table. A table row is
// declarative: name, description, roles, input fields, extra payload fields,
// Decode (input to command: read the input with Arg, Args, ID and IDs, gather
// the facts the command needs from aggregates, check the caller's party; On
// reads the id of the aggregate a row acts on) and Payload. The table sends
// the decoded command through its Handler (an *app.Handler) and puts the
// command's aggregate id in the payload field ID.
//
// Object types resolve fields of typed sources with Field, Private (shown to
// some callers only) and Load (needs the request's context, e.g. the rows a
// page's Batch loads with one query); Nullable renders zero values as null.
// Their resolvers, and root resolvers marked with Plain, are ones Compile
// may call: it compiles a query that selects only such fields (and maps read
// by graphql-go's default resolver) into a Plan that runs them and writes
// the response's JSON itself, as graphql-go would, declining whatever it does
// not answer exactly (httpapi then runs graphql-go). CompileMutation does
// the same for a mutation whose root fields the Builder added (Mutations
// rows, the clock's) and whose payload selections are leaves: it declines
// only while coercing the variables, before any resolver runs, and from
// then on answers every outcome itself (a resolver's error or panic, a null
// in the payload), running each root field once, in document order, as
// graphql-go's serial execution does.
// Enums are built with Enum or DescribedEnum over a string-kinded domain type:
// resolvers return, and arguments arrive as, the typed constants.
//
// Mutation conventions, enforced by Mutations.Register:
//   - the argument is one `input` object; the result a `<Name>Payload` object
//     with `clientMutationId`, `position` (the event-store position the
//     command wrote: send it back in the X-Nongjiao-After-Position header to
//     read your own write) and `duplicate`;
//   - `input.idempotencyKey`, when given, makes the mutation idempotent per
//     caller: a retry with the same key returns the first result and writes
//     nothing, because the command id and the ids of any new aggregates are
//     derived from the caller and the key;
//   - only the roles named may call it (FORBIDDEN otherwise, UNAUTHENTICATED
//     for anonymous callers); then the Builder's Standing checks the caller's
//     party (PartyStanding: registered, not suspended, of a kind that acts in
//     the role, read from the register's aggregate), before the input is
//     decoded — Build refuses a schema with mutations and no Standing;
//     party-level checks (a collective acts only on its own assets, a bank on
//     its own loans) are the row's Decode.
//
// Errors: resolvers return *kernel.Error (wrapped with %w if at all) for
// everything a client should see; httpapi maps the code to extensions.code.
// A mutation table (Mutations) resolves the error's Field, which names the domain's field,
// to a path of the mutation's input (as is, its tail, or with "Id" added) and
// drops it when the input has no such field, so extensions.field always names
// something the caller sent. idempotencyKey and clientMutationId are limited
// like other references (kernel.MaxReferenceRunes).
package api
