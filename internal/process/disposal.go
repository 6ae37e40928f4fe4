package process

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/process/workflow"
	"github.com/nongjiao/nongjiao/internal/registry"
)

// The disposal workflow enforces a defaulted loan's collateral (rules 8, 22, 24):
//
//	LoanDefaulted            → listing.CreateListing: a draft disposal listing by the bank
//	                           (DisposalOf = the loan's registration), at the appraised value
//	PaymentConfirmed of a disposal listing, or fund.CollateralBought
//	                         → proceeds paid by rank over the notices on the asset then
//	                           (collateral.RankAt, collateral.Distribute):
//	                           lending.RecordRecovery (DISPOSAL) on each loan a notice secures,
//	                           collateral.DischargeCollateral of every ranked notice,
//	                           fund.FileFundClaim for a remaining net principal loss (WithFund)
//	DepositForfeited of a disposal listing (unless it goes to the seller)
//	                         → the deposit paid by rank the same way, as lending.RecordRecovery
//	                           (DISPOSAL); the notices stay, the collateral is still to be sold
//	fund.CollateralBought    → also listing.EndListing of the unsold disposal listing and
//	                           registry.TransferManagementRight from the holder to the fund
//	PaymentConfirmed of a listing a fund sells (its seller is the fund's id, WithFund or not)
//	                         → fund.SellHolding of the asset it bought, at the award price
//	coop.PledgeEnforced      → the price paid to the pledge's notice, surplus to the pledgor:
//	                           lending.RecordRecovery (DISPOSAL), collateral.DischargeCollateral,
//	                           fund.FileFundClaim for what is left
//	fund.FundClaimPaid       → lending.RecordRecovery (FUND_CLAIM)
//
// Human decisions stay mutations: the bank revises and submits the draft
// listing, the exchange reviews it; an unsold disposal listing is relisted by
// the bank or, once a later round's negotiation failed too, bought by the
// fund (buyCollateral, disposal order listing → negotiated transfer →
// trusteeship); the fund approves and pays claims, and lists what it bought.
// The buyer's contract and right follow the award manager like any sale.

// disposalFlow enforces a defaulted loan's collateral; its instance is the
// notice the disposal enforces (a loan's notice has the loan's id).
var disposalFlow = definition[disposalFacts]{
	on: []kernel.Event{lending.LoanDefaulted{}, listing.PaymentConfirmed{}, listing.DepositForfeited{}, listing.ListingUnsold{},
		fund.CollateralBought{}, fund.FundClaimPaid{}, coop.PledgeEnforced{}},
	Workflow: workflow.Workflow[disposalFacts]{Name: "disposal", Decide: decideDisposal},
	route:    routeDisposal,
	gather:   gatherDisposal,
}

// routeDisposal finds the notice a trigger's disposal enforces.
func routeDisposal(ctx context.Context, m *managers, t trigger) (uuid.UUID, bool, error) {
	switch e := t.Event.(type) {
	case lending.LoanDefaulted:
		return e.RegistrationID, true, nil
	case listing.PaymentConfirmed:
		return m.disposalOf(ctx, e.ListingID, false)
	case listing.DepositForfeited:
		return m.disposalOf(ctx, e.ListingID, false)
	case listing.ListingUnsold:
		return m.disposalOf(ctx, e.ListingID, true)
	case fund.CollateralBought:
		return m.loanNotice(ctx, e.LoanID)
	case fund.FundClaimPaid:
		return m.loanNotice(ctx, e.LoanID)
	case coop.PledgeEnforced:
		return e.PledgeID, true, nil
	}
	return uuid.Nil, false, nil
}

// disposalOf returns the notice listing id disposes of; false for any other
// listing, and for one a fund sells (the fund-sale workflow's). An unsold
// disposal listing is only logged: the bank relists it or the fund buys.
func (m *managers) disposalOf(ctx context.Context, id uuid.UUID, unsold bool) (uuid.UUID, bool, error) {
	l, err := state(ctx, m.app.Listings, id)
	if err != nil || l.Details.DisposalOf == uuid.Nil || len(l.Details.Asset.AssetIDs) == 0 {
		return uuid.Nil, false, err
	}
	if unsold {
		m.log.Info("disposal listing unsold: the bank relists it or the fund buys the collateral", "listing", l.ID, "registration", l.Details.DisposalOf)
		return uuid.Nil, false, nil
	}
	f, err := state(ctx, m.app.Funds, l.Details.Seller)
	return l.Details.DisposalOf, err == nil && !f.Established(), err
}

// loanNotice returns the notice loan id records (its own id before one is recorded).
func (m *managers) loanNotice(ctx context.Context, id uuid.UUID) (uuid.UUID, bool, error) {
	l, err := state(ctx, m.app.Loans, id)
	if l.RegistrationID != uuid.Nil {
		return l.RegistrationID, err == nil, err
	}
	return id, err == nil, err
}

// disposalFacts are what a disposal's workflow needs to know.
type disposalFacts struct {
	// Listing holds the disposal listing's details to draft when a default
	// calls for one: a mortgage in force and no listing drafted yet.
	Listing *listing.Details

	// Sale is the money a sale, a purchase, enforced pledged shares or a
	// forfeited deposit brings, and how it is paid by rank.
	Sale *sale
	// Claims are, per defaulted loan the sale leaves a loss on, the facts of
	// the claim on the fund as the loan stands now, for the claims to file
	// (WithFund, the fund's share is not nothing, none filed yet).
	Claims []fund.DefaultedLoan
	Fund   uuid.UUID

	// UnsoldListing is the unsold disposal listing a purchase ends (Nil: none).
	UnsoldListing uuid.UUID
	// Holding is the right the fund's purchase moves to it, when it has not moved yet.
	Holding *registry.ManagementRight
}

// sale is money from a disposal, paid by rank over the notices against
// what was sold, as they stood before the trigger.
type sale struct {
	Ranked    []collateral.State
	Loans     []lending.State     // at each notice's index, the defaulted loan it secures (zero: none)
	Payouts   []collateral.Payout // collateral.Distribute of the money over them
	Discharge bool                // the buyer takes it free of the notices (not for a forfeited deposit)
	Why       string
}

// decideDisposal drafts the disposal listing of a defaulted loan, pays a
// sale's money by rank, discharges the notices and, once those steps are
// sent, files the claims for the loss that remains; it ends an unsold
// listing the fund bought out and moves the right to the fund, and records
// the fund's payment of a claim on the loan.
func decideDisposal(s workflow.State, t workflow.Trigger, f disposalFacts) []workflow.Send {
	switch e := t.Event.(type) {
	case lending.LoanDefaulted:
		if f.Listing == nil {
			return nil
		}
		return []workflow.Send{{Step: "disposal-listing", Command: listing.CreateListing{ListingID: app.DisposalListingID(t.ID), Details: *f.Listing}}}
	case fund.FundClaimPaid:
		return []workflow.Send{{Step: "fund-recovery", Command: lending.RecordRecovery{LoanID: e.LoanID, Source: lending.RecoveryFund, Amount: e.Amount}}}
	}
	var first []workflow.Send
	if sl := f.Sale; sl != nil {
		for i, r := range sl.Ranked {
			if l := sl.Loans[i]; l.Exists() && sl.Payouts[i].Amount > 0 {
				first = append(first, workflow.Send{Step: "recovery/" + r.ID.String(),
					Command: lending.RecordRecovery{LoanID: l.ID, Source: lending.RecoveryDisposal, Amount: sl.Payouts[i].Amount}})
			}
		}
		for _, r := range sl.Ranked {
			if sl.Discharge && r.Status == collateral.StatusRegistered {
				first = append(first, workflow.Send{Step: "discharge/" + r.ID.String(),
					Command: collateral.DischargeCollateral{RegistrationID: r.ID, By: r.SecuredParty, Reason: sl.Why}})
			}
		}
	}
	if e, ok := t.Event.(fund.CollateralBought); ok {
		if f.UnsoldListing != uuid.Nil {
			first = append(first, workflow.Send{Step: "end-disposal-listing",
				Command: listing.EndListing{ListingID: f.UnsoldListing, Reason: "the operation fund bought the collateral"}})
		}
		if h := f.Holding; h != nil {
			first = append(first, workflow.Send{Step: "move-to-fund", Command: registry.TransferManagementRight{AssetID: e.AssetID,
				ContractID: e.PurchaseID, Transferor: h.Holder, Transferee: e.FundID, Form: registry.FormOther, Start: e.At, End: h.End,
				Source: registry.Source{Reference: "operation fund purchase " + e.PurchaseID.String(), Date: e.At}}})
		}
	}
	for _, send := range first {
		if !s.Sent(t.ID, send.Step) {
			return first
		}
	}
	var claims []workflow.Send
	for _, l := range f.Claims {
		step := "fund-claim/" + l.LoanID.String()
		claims = append(claims, workflow.Send{Step: step,
			Command: fund.FileFundClaim{FundID: f.Fund, ClaimID: workflow.NewID(t.ID, step), By: l.Bank, Loan: l}})
	}
	return claims
}

func gatherDisposal(ctx context.Context, m *managers, t trigger) (disposalFacts, error) {
	f := disposalFacts{Fund: m.fund}
	var err error
	switch e := t.Event.(type) {
	case lending.LoanDefaulted:
		f.Listing, err = m.disposalListing(ctx, t, e)
		return f, err
	case listing.PaymentConfirmed:
		l, err := state(ctx, m.app.Listings, e.ListingID)
		if err != nil {
			return f, err
		}
		// err is this case's own: the check after the switch would not see it.
		if f.Sale, err = m.sellAsset(ctx, t, l.Details.Asset.AssetIDs[0], l.Award.Paid(), e.At, "sold on the exchange, listing "+l.ID.String()); err != nil {
			return f, err
		}
	case listing.DepositForfeited:
		if e.To == listing.ForfeitSeller {
			return f, nil // the listing gives the deposit to the seller, not the loans
		}
		l, err := state(ctx, m.app.Listings, e.ListingID)
		if err != nil {
			return f, err
		}
		if f.Sale, err = m.sellAsset(ctx, t, l.Details.Asset.AssetIDs[0], e.Amount, e.At, ""); err == nil {
			f.Sale.Discharge = false // the notices stay: the collateral is still to be sold
		}
		return f, err
	case fund.CollateralBought:
		if f.Sale, err = m.sellAsset(ctx, t, e.AssetID, e.Price, e.At, fmt.Sprintf("bought by the operation fund (%s)", e.Stage)); err != nil {
			return f, err
		}
		if f.UnsoldListing, err = m.unsoldListing(ctx, e.LoanID); err != nil {
			return f, err
		}
		a, err := state(ctx, m.app.Assets, e.AssetID)
		if err != nil {
			return f, err
		}
		if cur, _ := a.CurrentRight(); cur.ContractID != e.PurchaseID && cur.Holder != e.FundID {
			f.Holding = &cur
		}
	case coop.PledgeEnforced:
		r, err := before(ctx, m, collateral.Decider, e.PledgeID, t.Position)
		if err != nil || !r.Registered() {
			return f, err
		}
		f.Sale, err = m.payByRank(ctx, t, []collateral.State{r}, e.Holder, e.Price)
		if err != nil {
			return f, err
		}
		f.Sale.Why = fmt.Sprintf("pledged shares sold to %s", e.Buyer)
	default:
		return f, nil
	}
	if err != nil || f.Sale == nil {
		return f, err
	}
	f.Claims, err = m.claims(ctx, f.Sale.Loans)
	return f, err
}

// unsoldListing returns loan id's disposal listing when it is unsold, so a
// purchase of the collateral ends it and it is not relisted.
func (m *managers) unsoldListing(ctx context.Context, loan uuid.UUID) (uuid.UUID, error) {
	id, ok, err := m.app.Facts().DisposalListing(ctx, loan)
	if err != nil || !ok {
		return uuid.Nil, err
	}
	l, err := state(ctx, m.app.Listings, id)
	if err != nil || l.Status != listing.StatusUnsold {
		return uuid.Nil, err
	}
	return id, nil
}

// fundSaleFlow records the sale of what the fund bought; its instance is the
// listing the fund sells it with:
//
//	PaymentConfirmed of a listing a fund sells (its seller is the fund's id, WithFund or not)
//	                         → fund.SellHolding of the asset it bought, at the award price
var fundSaleFlow = definition[fundSaleFacts]{
	on:       []kernel.Event{listing.PaymentConfirmed{}},
	Workflow: workflow.Workflow[fundSaleFacts]{Name: "fund-sale", Decide: decideFundSale},
	route: func(_ context.Context, _ *managers, t trigger) (uuid.UUID, bool, error) {
		e, ok := t.Event.(listing.PaymentConfirmed)
		return e.ListingID, ok, nil
	},
	gather: func(ctx context.Context, m *managers, t trigger) (fundSaleFacts, error) {
		var f fundSaleFacts
		l, err := state(ctx, m.app.Listings, t.Event.(listing.PaymentConfirmed).ListingID)
		if err != nil {
			return f, err
		}
		f.Listing = l
		f.Fund, err = state(ctx, m.app.Funds, l.Details.Seller)
		return f, err
	},
}

// fundSaleFacts are the paid listing and its seller, when that is a fund.
type fundSaleFacts struct {
	Listing listing.State
	Fund    fund.State
}

func decideFundSale(_ workflow.State, _ workflow.Trigger, f fundSaleFacts) []workflow.Send {
	if !f.Fund.Established() {
		return nil
	}
	for _, h := range f.Fund.Holdings {
		if !h.Sold && slices.Contains(f.Listing.Details.Asset.AssetIDs, h.AssetID) {
			return []workflow.Send{{Step: "fund-sale", Command: fund.SellHolding{FundID: f.Fund.ID, PurchaseID: h.PurchaseID, By: f.Fund.Operator, Proceeds: f.Listing.Award.Paid()}}}
		}
	}
	return nil
}

// disposalListing returns the details of the draft disposal listing a
// default calls for: by the bank, at the appraised value, of the asset its
// mortgage in force covers; nil without such a mortgage or once drafted.
func (m *managers) disposalListing(ctx context.Context, t trigger, e lending.LoanDefaulted) (*listing.Details, error) {
	r, err := state(ctx, m.app.Collateral, e.RegistrationID)
	if err != nil {
		return nil, err
	}
	if r.Status != collateral.StatusRegistered || r.Collateral.Kind != collateral.KindMortgage {
		m.log.Info("defaulted loan without a mortgage in force: nothing to list (a share pledge is enforced by the bank)", "loan", e.LoanID, "registration", e.RegistrationID)
		return nil, nil
	}
	l, err := state(ctx, m.app.Listings, app.DisposalListingID(t.ID))
	if err != nil || l.Status != listing.StatusNone {
		return nil, err
	}
	loan, err := state(ctx, m.app.Loans, e.LoanID)
	if err != nil {
		return nil, err
	}
	a, err := state(ctx, m.app.Assets, r.Collateral.Asset)
	if err != nil {
		return nil, err
	}
	facts, err := m.app.Facts().ListingAssets(ctx, []uuid.UUID{a.ID})
	if err != nil {
		return nil, err
	}
	price := loan.AppraisedValue
	return &listing.Details{
		Title:       "抵押物处置：" + a.Title,
		Description: fmt.Sprintf("Disposal of the collateral under registration %s after loan %s defaulted.", r.Number, e.LoanID),
		Seller:      r.SecuredParty,
		Asset:       facts,
		ListedPrice: price, StartingPrice: price, Increment: increment(price),
		TermMonths: wholeMonths(m.app.Clock.Now(), facts.RightsEnd), DisposalOf: r.ID, Settings: listing.DefaultSettings(),
	}, nil
}

// increment is the disposal auction's bid step: 1 % of the price in whole
// yuan, at least 1 yuan.
func increment(price kernel.Money) kernel.Money {
	return max(kernel.Yuan(price.Fen()/100/100), kernel.Yuan(1))
}

// wholeMonths counts the whole Shanghai calendar months from now to end (0
// when end is past).
func wholeMonths(now, end time.Time) int {
	return kernel.MonthsWithin(now.In(kernel.Shanghai), end.In(kernel.Shanghai), math.MaxInt)
}

// noticesOn returns the notices against asset at time at, in rank order, and
// the asset's holder (the grantor, who takes any surplus), as they stood
// before the triggering event.
func (m *managers) noticesOn(ctx context.Context, t trigger, asset uuid.UUID, at time.Time) ([]collateral.State, uuid.UUID, error) {
	a, err := before(ctx, m, registry.Decider, asset, t.Position)
	if err != nil {
		return nil, uuid.Nil, err
	}
	var regs []collateral.State
	for _, x := range a.RestrictionsAt(at) {
		r, err := before(ctx, m, collateral.Decider, x.ID, t.Position)
		if err != nil {
			return nil, uuid.Nil, err
		}
		if r.Registered() {
			regs = append(regs, r)
		}
	}
	return collateral.RankAt(regs, collateral.AssetTarget(asset), at), a.Holder(), nil
}

// payByRank pays money from a disposal (a sale's proceeds or a forfeited
// deposit) over the ranked notices, any surplus to grantor, and returns the
// sale with each notice's payout and, at each notice's index, the defaulted
// loan it secures (the zero State when it secures none).
//
// A notice secures a loan when the loan with the notice's id names it as its
// registration; its claim is the loan's outstanding claim, capped at the
// secured amount. Any other notice claims its secured amount. A surplus is the
// grantor's and needs no command. Every fact is taken as it stood before the
// triggering event, so a redelivery, even after a partial failure, computes
// the same payouts and sends the same commands.
func (m *managers) payByRank(ctx context.Context, t trigger, ranked []collateral.State, grantor uuid.UUID, money kernel.Money) (*sale, error) {
	claims := make([]collateral.Claim, len(ranked))
	loans := make([]lending.State, len(ranked))
	for i, r := range ranked {
		owed := r.SecuredAmount
		l, err := before(ctx, m, lending.Decider, r.ID, t.Position)
		if err != nil {
			return nil, err
		}
		if l.Status == lending.StatusDefaulted && l.RegistrationID == r.ID {
			owed, loans[i] = l.ClaimPrincipal+l.ClaimInterest, l
		}
		claims[i] = r.Claim(owed)
	}
	payouts, err := collateral.Distribute(money, grantor, claims)
	if err != nil {
		return nil, err
	}
	return &sale{Ranked: ranked, Loans: loans, Payouts: payouts, Discharge: true}, nil
}

// sellAsset returns how the proceeds of selling asset at time at are paid
// over the notices against it then; the buyer takes it free of them.
func (m *managers) sellAsset(ctx context.Context, t trigger, asset uuid.UUID, proceeds kernel.Money, at time.Time, why string) (*sale, error) {
	ranked, holder, err := m.noticesOn(ctx, t, asset, at)
	if err != nil {
		return nil, err
	}
	s, err := m.payByRank(ctx, t, ranked, holder, proceeds)
	if err == nil {
		s.Why = why
	}
	return s, err
}

// claims returns, for each defaulted loan of loans, the facts of the bank's
// claim on the operation fund for the net principal loss the disposal left
// on it (rule 24), as the loan stands now, unless no fund is named
// (WithFund), the fund's share of the loss is nothing or the bank has filed
// the claim.
func (m *managers) claims(ctx context.Context, loans []lending.State) ([]fund.DefaultedLoan, error) {
	if m.fund == uuid.Nil {
		return nil, nil
	}
	var out []fund.DefaultedLoan
	for _, loan := range loans {
		if !loan.Exists() {
			continue
		}
		l, err := m.app.Facts().DefaultedLoan(ctx, loan.ID)
		if err != nil {
			return nil, err
		}
		if !l.Defaulted {
			continue
		}
		f, err := state(ctx, m.app.Funds, m.fund)
		if err != nil {
			return nil, err
		}
		if fund.Payout(l.PrincipalOutstanding-l.PrincipalRecovered, f.Settings.CompensationShareBP) == 0 {
			continue
		}
		if _, filed := f.OpenClaim(l.LoanID); !filed {
			out = append(out, l)
		}
	}
	return out, nil
}
