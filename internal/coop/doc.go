// Package coop is the share cooperative (股份经济合作社) bounded context: a
// collective's cooperative, its confirmed members, the share register quantified
// by class (population, labour-age, land contributed), transfers between members
// under a per-holder cap, yearly-capped redemption by the cooperative,
// inheritance (outside heirs get income rights only; unclaimed shares revert to
// the collective), pledges of free shares and their enforcement after the
// secured loan defaults, and dividends paid to the fen.
//
// It is pure: Decide(state, command, now) returns events or a *kernel.Error and
// Evolve folds events into State. Callers must
//   - load the stream "coop-<id>", fold it with Decider.Fold, Decide, and append
//     the events with the stream's version as the expected version;
//   - make every new id (cooperative, pledge, dividend) themselves;
//   - ask State.NextDue what time-driven command to send and when
//     (RevertUnclaimedShares after an heirs' claim period, ExpirePledge at the
//     end of a pledge's registration term), and send it then;
//   - fill EnforcePledge.LoanDefaulted from the lending context (the loan
//     with the pledge's id), and pay the price over the collateral notices by
//     rank (the workflows do);
//   - register the events with RegisterEvents before decoding stored events.
//
// Enforcement (EnforcePledge → PledgeEnforced) is the pledgee's: it sells the
// pledged shares to a living member under the per-holder cap or to the
// collective, outside the yearly redemption cap, taking them from the
// holder's classes in the order population, labour-age, land; the pledge ends
// with the sale.
//
// The register is static by default (rule 15): nothing reallocates shares on a
// birth or a death; a birth is an AdmitMember with no shares, a death a
// RecordDeath that opens the heirs' claim period. The collective's own shares
// (集体股, from redemption and reversion) are a holder like any other, keyed by
// the collective's id: they receive dividends, and the collective may transfer
// them to members like any holder.
//
// Dividends use largest-remainder rounding with a deterministic tie-break; see
// Apportion.
//
// Errors: the codes in errors.go, and kernel.CodeInvalid (with the field),
// CodeNotFound, CodeInvalidState and CodeForbidden.
package coop
