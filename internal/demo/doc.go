// Package demo loads the exchange's demonstration data: two village
// collectives in Weifang (王家庄村 in 寿光市 and 车道峪村 in 青州市), three
// farm businesses that bid, a rural commercial bank and the operation fund,
// with sixty days of history that ends at the moment the demo is loaded.
//
// Seed writes the story into an empty store through a private app.App on a
// kernel.ManualClock, so every event passes the same deciders as a command
// sent through the API, carries a time of the story, and the time-driven
// commands (closing registration, opening and closing the auction) are sent
// by the scheduler as their time comes. When Seed returns, the store holds:
//
//   - the register of its parties (Register), entered first: only registered
//     parties act, and Parties lists the tokens to mint for them;
//   - the official working-day calendar: the notices built into the calendar
//     context (calendar.Official), imported first, so every working-day
//     deadline of the story counts their holidays and adjusted working days
//     (a holiday may delay the orchard's sale; the steps after it wait);
//   - twelve assets of six tradable types: six households' contracted plots
//     (土地经营权), four of them entrusted to their collective (rule 5), a cold
//     store (集体经营性资产), greenhouses and farm machinery (农业生产设施), a
//     forest (林权), a barren hillside (四荒) and a small reservoir (小型水利);
//   - five listings, one in each interesting state: a draft (ListingDraft), one
//     awaiting the exchange's review (ListingSubmitted), one announced with
//     bidder registration open (ListingAnnounced), a live auction open at now
//     with three bids (ListingLive: a qualified bidder can bid in GraphiQL),
//     and the orchard package sold at auction, paid, contracted, registered
//     and certified (ListingAwarded, OrchardContract);
//   - the share cooperative of 王家庄 with eight members, their population and
//     labour-age shares, and a declared dividend (Coop, Dividend);
//   - the bank's loan product with three credential tiers and a loan that went
//     from application to disbursement against a registered mortgage on a plot
//     the borrower leases, with the household's consent (LoanProduct, Loan,
//     Mortgage), its first instalment repaid early;
//   - the operation fund, established with Weifang's defaults (Fund).
//
// The ids are fixed (uuid.NewSHA1 of fixed names), so Parties and the
// exported ids can be used to mint tokens and to query before the server
// starts. The steps the running exchange leaves to its process managers
// (drafting the contract from the award, moving the right on the register,
// adding the mortgage restriction, linking the notice to the loan) the seed
// takes itself, in the same way, so the managers find them done.
//
// Callers must pass a store no other writer uses while Seed runs. Seed
// returns 0 and writes nothing when the store already holds an event. An
// error is a step of the story refused by the domain (a *kernel.Error,
// wrapped with the step and its time) or a store failure; what was written
// before it stays.
package demo
