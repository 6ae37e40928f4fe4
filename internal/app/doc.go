// Package app is nongjiao's application layer: it runs commands against
// aggregates (load state, decide, append with the expected version, retry on a
// conflict), keeps hot aggregates' state in memory so a command's cost does not
// grow with the aggregate's history, makes retried commands idempotent, and
// sends time-driven commands when they fall due.
//
// Callers must give every command a command id (Meta.CommandID). A command sent
// again with the same id returns the first result and writes nothing: the ids
// of the events it writes are derived from the command id, and a handler that
// finds the command id already in the aggregate's stream answers from there.
//
// Facts reads what a command carries about other aggregates from their
// current state, so that resolvers, workflows and the demo translate
// each once: a notice's grantor (Filing, Amendment), a loan a notice secures
// (Securing), a loan's collateral (LoanCollateral), a shares loan's pledge
// (Disbursal), a listing's assets (ListingAssets) and a fund's sale of
// what it holds (FundSale), a contract's plots
// (ContractPlot), the working-day calendar in force (Calendar). The listing
// handler gathers the calendar itself before deciding each batch, so every
// listing command, the scheduler's included, counts working days with the
// calendar of that moment. SecureLoan links a notice and a loan, notice first.
//
// PartyCommands sends the party register's commands, claiming an
// identifier or sign-in (package party's key aggregates) before the command
// that takes it; Party and SignedIn read the register for the API's gate and
// for sign-in.
//
// The Scheduler sends a due command until it is written: a failed send is
// retried with capped back-off (RetryDelay); a domain refusal ends it. On a
// clock that moves only when told (a sandbox), Scheduler.Advance moves it,
// stopping at each pending command's due time in order.
//
// Errors: domain refusals come back as *kernel.Error unchanged; a conflict that
// persists after the retries comes back as a *kernel.Error with
// kernel.CodeConflict; anything else is an internal error.
package app
