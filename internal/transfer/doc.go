// Package transfer is the bounded context of land transfer contracts (土地经营权
// 流转合同): a lease, sub-contract or shares contribution of one or more plots'
// management right, created from an award on the exchange (DraftFromAward, then
// SignContract) or signed directly (SignDirect).
//
// Decider (category "transfer") enforces, from the rules of docs/rules.md:
//
//   - rule 1: the term (and any renewal) ends no later than the underlying
//     contract right or the transferor's own right (TERM_EXCEEDS_CONTRACT);
//   - rule 2: agricultural use only (NON_AGRICULTURAL_USE), and termination for
//     changed use, land idle 2+ consecutive years (IDLE_TOO_SHORT) or serious damage;
//   - rule 4: the collective contracting land it holds itself to an outsider
//     needs 2/3 of its villagers' assembly or representatives
//     (RESOLUTION_REQUIRED, RESOLUTION_NOT_PASSED);
//   - rule 5: a household's plot is transferred by someone else only under its
//     written entrustment covering form and term (NOT_ENTRUSTED, ENTRUSTMENT_DOES_NOT_COVER);
//   - rule 6: a written contract (WRITTEN_CONTRACT_REQUIRED), filing with the
//     collective, registration only for 5+ years (REGISTRATION_TERM_TOO_SHORT);
//   - rule 7: a transferee re-transfers or mortgages only with the contractor's
//     written consent (RE_TRANSFER_WITHOUT_CONSENT, MORTGAGE_WITHOUT_CONSENT).
//
// Rent is a schedule of instalments computed at signing (Terms.Instalments,
// laid out as Schedule describes), to the fen, the last instalment absorbing
// the remainder: rent per mu × area, or a whole contract's AnnualRent (a lease
// from an annual-rent award), each year stepped up as Terms.StepUp says, with
// Terms.Prepaid (rent paid through the exchange) counted on the first
// instalments. Payments apply to the oldest instalments first.
//
// The package is pure: no I/O, no clock. Callers must
//
//   - make every id (contracts, registrations) before sending a command;
//   - copy the facts of other aggregates into the command: each Plot from the
//     registry's asset state (holder, contract end, entrustment,
//     PriorityHolder from an expiring contract on the plot), the contractors'
//     Consents, the members' Resolution and whether the transferee is a member;
//   - ask State.NextDue and send MarkRentOverdue and Expire when due;
//   - relay the outcome to the registry (a process manager sends
//     registry.TransferManagementRight on ContractSigned and
//     registry.EndManagementRight on ContractTerminated / ContractExpired).
//
// Decide returns a *kernel.Error: the codes in errors.go or the generic kernel
// codes INVALID_INPUT (with the field), NOT_FOUND, CONFLICT, FORBIDDEN and
// INVALID_STATE. A refused command emits no events.
package transfer
