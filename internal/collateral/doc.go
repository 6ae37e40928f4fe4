// Package collateral is the collateral registry (抵押登记): a notice-filing
// registry modelled on Australia's PPSR and US UCC Article 9. A registration
// gives public notice that a secured party (a bank) holds security over
// collateral from a grantor — a mortgage on an asset right or a pledge on a
// member's cooperative shares — for a secured amount and a term; the security
// agreement itself stays with the bank (rule 20).
//
// One Registration aggregate per notice, streams "collateral-<uuid>":
// RegisterCollateral (registration time = now, which sets priority), then
// AmendCollateral, ContinueCollateral before the end date, DischargeCollateral
// (final) or ExpireCollateral at the end date (rule 21). SecureLoan records a
// loan the notice secures (one, unless the notice was filed as an all-sums
// notice, up to its maximum), ReleaseLoan its repayment, which discharges the
// notice when no loan it secures is outstanding (rule 31).
//
// The searches are pure functions over registrations the caller has loaded:
// Priority (ordinal: which came first), RankAt (point-in-time, by collateral),
// ByGrantorAt and ByNumber; Distribute pays disposal proceeds by rank (rule 8).
//
// Callers must
//   - load and fold the stream, Decide, and append with the stream's version as
//     the expected version; make the registration id and number themselves;
//   - pass the facts a rule needs on the command: for a mortgage of a land
//     management right, the contracting household (Contractor) from the asset
//     registry and, when the grantor is a transferee, the recorded consent (rule 7);
//   - pass what the grantor holds at filing (Holding: the right's holder and
//     the end of its holding, or the member's shares) from the asset or share
//     register (rule 31), and on SecureLoan the loan's facts;
//   - send ExpireCollateral when State.NextDue says so;
//   - register the events with RegisterEvents before decoding stored events.
//
// Errors: REGISTRATION_WITHOUT_CONSENT, REGISTRATION_EXPIRED,
// REGISTRATION_DISCHARGED, GRANTOR_NOT_HOLDER, SHARES_NOT_HELD,
// NOTICE_SECURES_ANOTHER_LOAN, ALL_SUMS_MAXIMUM_EXCEEDED, and
// kernel.CodeInvalid (with the field), CodeNotFound, CodeInvalidState and
// CodeForbidden.
package collateral
