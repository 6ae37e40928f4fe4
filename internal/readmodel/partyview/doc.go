// Package partyview holds the read model of the party register: one row per
// registered party (table party_party) with its kind, legal name, whole
// identifier, whether it is suspended and when it was registered.
//
// Projections returns its one projection for a readmodel.Projector. The
// query function Parties reads the table only: it is the exchange's list,
// and callers authorise who may see it (identifiers are whole here). What a
// party may do is never decided from this table: the API's gate reads the
// party's aggregate.
//
// Times are stored as BIGINT microseconds since the Unix epoch, ids as TEXT.
// Queries return *kernel.Error only for bad cursors; anything else is a
// database error.
package partyview
