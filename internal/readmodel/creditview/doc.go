// Package creditview holds the read models of the finance half of the
// exchange: the collateral registry's notices with every version they went
// through, loan products and their tiers, loans with their schedules and
// payments, and the operation fund with its claims, rent advances and holdings.
//
// Projections returns the three projections for a readmodel.Projector; their
// tables are prefixed credit_. The query functions (SearchNotices, Loans,
// Fund, …) read those tables only: callers authorise who may see what.
//
// Point-in-time searches: every change to a registration (registration,
// amendment, continuation, discharge, expiry) closes the version in force and
// opens a new one, so each row of credit_notice holds a notice exactly as it
// stood over [effective_from, effective_to). "What was registered against X at
// T" is one range lookup on an index of (target, effective_from), ordered by
// priority (rule 8: registration time, then number, then id).
//
// Times are stored as BIGINT microseconds since the Unix epoch (0 = none),
// money as BIGINT fen, ids as TEXT. Queries return *kernel.Error only for bad
// cursors; anything else is a database error.
package creditview
