// Package pgstore is an eventstore.Store on PostgreSQL (pgx), for the
// scale-out shape: every nongjiao process of a deployment (API replicas and
// workers) appends to and subscribes to the same tables.
//
// Tables (in the schema Options.Schema names, created if missing):
//
//	es_events (position BIGINT PRIMARY KEY, stream, version, id, type, data BYTEA,
//	           command_id, actor, correlation_id, causation_id, recorded TIMESTAMPTZ,
//	           UNIQUE (stream, version), UNIQUE (stream, id))
//	es_head   (id = 1, position BIGINT): the last position written
//	es_append(…): writes a group of appends (see Group commit)
//
// Positions without gaps. Every append transaction locks the one es_head row
// first (SELECT … FOR UPDATE), numbers its events from it, and moves it on
// before it commits. A transaction therefore takes positions only after the
// previous holder committed (the row lock is released after the commit is
// durable and visible), so commit order is position order: whenever a reader
// sees position p it already sees every position below p. Positions are
// dense, and a transaction that rolls back gives its positions back. A
// subscriber that reads "position > last" can never skip an event that
// commits late, the gap problem of stores that take positions from a
// sequence (bigserial) and commit in another order.
//
// Group commit. The row lock serialises appends across processes, so each
// Store writes one group at a time: the Append that finds no group under
// way leads (it commits its own append without handing it to another
// goroutine), and the appends that arrive meanwhile form the next group (up
// to 1024 events). A group is one call of the es_append function, one round
// trip in an implicit transaction: it takes the head lock, reads the
// streams' versions and which of the group's ids are stored, decides each
// append on its own and in arrival order (a conflict fails that append
// only), inserts the accepted events, moves the head on, sends a NOTIFY and
// commits. synchronous_commit is set on for the store's connections, so an
// append returns only once PostgreSQL has flushed its commit.
//
// Live subscriptions. The commit sends NOTIFY on a channel named after the
// schema; each Store LISTENs on a connection of its own and wakes its
// subscriptions, which then read the new rows (and poll once a second in
// case a notification is lost with a connection), retrying a failed read a
// few times before Next returns its error. A subscription's filter is
// applied in SQL, up to the head read just before.
//
// Errors. A wrong expected version is an *eventstore.ConflictError; a batch
// repeating some, not all, of its stream's stored ids is ErrPartialDuplicate;
// a commit whose outcome is unknown (the connection broke during COMMIT)
// returns the error: retrying the append with the same event ids is safe.
package pgstore
