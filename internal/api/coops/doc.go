// Package coops is the GraphQL area of share cooperatives (internal/coop):
// the queries cooperative(id) and cooperatives(filter, first, after), read
// from the coopview read models, and one Relay mutation per command a person
// sends (foundCooperative, admitMember, allocateShares, transferShares,
// redeemShares, recordDeath, inheritShares, pledgeShares, releasePledge,
// declareDividend, payDividend). RevertUnclaimedShares and ExpirePledge are
// time-driven: the scheduler sends them, no mutation does.
//
// Who may act:
//   - the collective that founded a cooperative runs it: it admits members,
//     allocates, transfers, redeems, records deaths and inheritances, declares
//     and pays dividends. Another collective gets FORBIDDEN.
//   - the exchange operator may also record a transfer between members: it is
//     the share trading platform.
//   - a bank pledges shares as the pledgee, only as itself, and only under a
//     collateral registration of its own that gives notice of a pledge on that
//     member's shares in that cooperative and covers the shares (the
//     registration is read from its aggregate, not from a read model). The
//     pledge takes the registration's id, as internal/process's pledges do:
//     one live pledge per notice, released when the notice is discharged.
//     Only the pledgee releases a pledge.
//
// Who may read: anyone sees a cooperative's name, collective, settings, totals
// by share class, member count and its declared dividends (amount, snapshot
// total, time, status). Register lines (members and their holdings by class),
// dividend payouts and the movement history are shown to the cooperative's
// collective and the exchange in full, and to a bank only for the holders on
// whose shares it holds a live pledge; pledges are shown to the collective
// and the exchange, and to a bank only its own. Other callers get FORBIDDEN
// (anonymous ones UNAUTHENTICATED) on those fields. Households hold no tokens
// in this system, so a member cannot read its own line.
//
// Errors: the coop codes (SHARE_TRANSFER_TO_NON_MEMBER, HOLDING_CAP_EXCEEDED,
// REDEMPTION_CAP_EXCEEDED, SHARES_PLEDGED, …) come back unchanged in
// extensions.code with the field; NOT_FOUND for an unknown cooperative or
// registration; FORBIDDEN for another party's cooperative or registration.
package coops
