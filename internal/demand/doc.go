// Package demand is supply meeting demand: what farm businesses ask the
// exchange for. A party posts a demand (say 300–500 mu of farmland in 寿光市
// for ten years within a budget per mu per year), which collectives preparing
// a listing see, or saves a search, whose new matching listings are pushed to
// it as alerts. Both are one aggregate, a Demand (category "demand"), with
// the same Criteria; Matches says whether an Offer (a listing or an asset,
// as the caller describes it) meets them.
//
// The package is pure: Decide and Evolve do no I/O, and Matches reads only
// its arguments. Refusals are *kernel.Error with the codes of errors.go or
// the kernel's (INVALID_INPUT, INVALID_STATE, NOT_FOUND, FORBIDDEN).
package demand
