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
	"github.com/nongjiao/nongjiao/internal/registry"
)

// The disposal manager enforces a defaulted loan's collateral (rules 8, 22, 24):
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

// onDefault reacts to the loan category for the disposal manager.
func (m *managers) onDefault(ctx context.Context, t trigger) error {
	if e, ok := t.Event.(lending.LoanDefaulted); ok {
		return m.listForDisposal(ctx, t, e)
	}
	return nil
}

// onDisposalListing reacts to the listing category for the disposal manager.
func (m *managers) onDisposalListing(ctx context.Context, t trigger) error {
	switch e := t.Event.(type) {
	case listing.PaymentConfirmed:
		l, err := state(ctx, m.app.Listings, e.ListingID)
		if err != nil {
			return err
		}
		f, err := state(ctx, m.app.Funds, l.Details.Seller)
		if err != nil {
			return err
		}
		if f.Established() {
			return m.recordFundSale(ctx, t, f, l)
		}
		if l.Details.DisposalOf == uuid.Nil || len(l.Details.Asset.AssetIDs) == 0 {
			return nil
		}
		return m.sellAsset(ctx, t, l.Details.Asset.AssetIDs[0], l.Award.Paid(), e.At, "sold on the exchange, listing "+l.ID.String())
	case listing.DepositForfeited:
		if e.To == listing.ForfeitSeller {
			return nil // the listing gives the deposit to the seller, not the loans
		}
		l, err := state(ctx, m.app.Listings, e.ListingID)
		if err != nil || l.Details.DisposalOf == uuid.Nil || len(l.Details.Asset.AssetIDs) == 0 {
			return err
		}
		ranked, holder, err := m.noticesOn(ctx, t, l.Details.Asset.AssetIDs[0], e.At)
		if err != nil {
			return err
		}
		_, err = m.payByRank(ctx, t, ranked, holder, e.Amount)
		return err
	case listing.ListingUnsold:
		l, err := state(ctx, m.app.Listings, e.ListingID)
		if err == nil && l.Details.DisposalOf != uuid.Nil {
			m.log.Info("disposal listing unsold: the bank relists it or the fund buys the collateral", "listing", l.ID, "registration", l.Details.DisposalOf)
		}
		return err
	}
	return nil
}

// onFund reacts to the fund category.
func (m *managers) onFund(ctx context.Context, t trigger) error {
	switch e := t.Event.(type) {
	case fund.FundClaimPaid:
		cmd := lending.RecordRecovery{LoanID: e.LoanID, Source: lending.RecoveryFund, Amount: e.Amount}
		meta := t.meta("fund-recovery")
		return exec(ctx, m, m.app.Loans, lending.Command(cmd), meta)
	case fund.CollateralBought:
		if err := m.sellAsset(ctx, t, e.AssetID, e.Price, e.At, fmt.Sprintf("bought by the operation fund (%s)", e.Stage)); err != nil {
			return err
		}
		if err := m.endDisposalListing(ctx, t, e.LoanID); err != nil {
			return err
		}
		return m.moveToFund(ctx, t, e)
	}
	return nil
}

// endDisposalListing ends the unsold disposal listing of loan id once the
// fund has bought the collateral, so it is not relisted.
func (m *managers) endDisposalListing(ctx context.Context, t trigger, loan uuid.UUID) error {
	id, ok, err := m.app.Facts().DisposalListing(ctx, loan)
	if err != nil || !ok {
		return err
	}
	l, err := state(ctx, m.app.Listings, id)
	if err != nil || l.Status != listing.StatusUnsold {
		return err
	}
	cmd, meta := listing.EndListing{ListingID: id, Reason: "the operation fund bought the collateral"}, t.meta("end-disposal-listing")
	return exec(ctx, m, m.app.Listings, listing.Command(cmd), meta)
}

// moveToFund records on the register that the management right of the asset
// the fund bought passed from its holder to the fund, for the rest of the
// holder's term; the purchase is the source document.
func (m *managers) moveToFund(ctx context.Context, t trigger, e fund.CollateralBought) error {
	a, err := state(ctx, m.app.Assets, e.AssetID)
	if err != nil {
		return err
	}
	cur, _ := a.CurrentRight()
	if cur.ContractID == e.PurchaseID || cur.Holder == e.FundID {
		return nil
	}
	cmd := registry.TransferManagementRight{AssetID: a.ID, ContractID: e.PurchaseID, Transferor: cur.Holder, Transferee: e.FundID,
		Form: registry.FormOther, Start: e.At, End: cur.End,
		Source: registry.Source{Reference: "operation fund purchase " + e.PurchaseID.String(), Date: e.At}}
	return exec(ctx, m, m.app.Assets, registry.Command(cmd), t.meta("move-to-fund"))
}

// recordFundSale records, when listing l that fund f sells is paid, the sale
// of the holding it bought of that asset at the award price.
func (m *managers) recordFundSale(ctx context.Context, t trigger, f fund.State, l listing.State) error {
	for _, h := range f.Holdings {
		if !h.Sold && slices.Contains(l.Details.Asset.AssetIDs, h.AssetID) {
			cmd := fund.SellHolding{FundID: f.ID, PurchaseID: h.PurchaseID, By: f.Operator, Proceeds: l.Award.Paid()}
			return exec(ctx, m, m.app.Funds, fund.Command(cmd), t.meta("fund-sale"))
		}
	}
	return nil
}

func (m *managers) listForDisposal(ctx context.Context, t trigger, e lending.LoanDefaulted) error {
	r, err := state(ctx, m.app.Collateral, e.RegistrationID)
	if err != nil {
		return err
	}
	if r.Status != collateral.StatusRegistered || r.Collateral.Kind != collateral.KindMortgage {
		m.log.Info("defaulted loan without a mortgage in force: nothing to list (a share pledge is enforced by the bank)", "loan", e.LoanID, "registration", e.RegistrationID)
		return nil
	}
	id := app.DisposalListingID(t.ID)
	l, err := state(ctx, m.app.Listings, id)
	if err != nil || l.Status != listing.StatusNone {
		return err
	}
	loan, err := state(ctx, m.app.Loans, e.LoanID)
	if err != nil {
		return err
	}
	a, err := state(ctx, m.app.Assets, r.Collateral.Asset)
	if err != nil {
		return err
	}
	facts, err := m.app.Facts().ListingAssets(ctx, []uuid.UUID{a.ID})
	if err != nil {
		return err
	}
	price := loan.AppraisedValue
	cmd := listing.CreateListing{ListingID: id, Details: listing.Details{
		Title:       "抵押物处置：" + a.Title,
		Description: fmt.Sprintf("Disposal of the collateral under registration %s after loan %s defaulted.", r.Number, e.LoanID),
		Seller:      r.SecuredParty,
		Asset:       facts,
		ListedPrice: price, StartingPrice: price, Increment: increment(price),
		TermMonths: wholeMonths(m.app.Clock.Now(), facts.RightsEnd), DisposalOf: r.ID, Settings: listing.DefaultSettings(),
	}}
	meta := t.meta("disposal-listing")
	return exec(ctx, m, m.app.Listings, listing.Command(cmd), meta)
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

// distribute pays proceeds from a sale by rank over the notices against what
// was sold (payByRank), discharges the ranked notices (the buyer takes it free
// of them) and files the fund claims for what the sale left unrecovered.
func (m *managers) distribute(ctx context.Context, t trigger, ranked []collateral.State, grantor uuid.UUID, proceeds kernel.Money, why string) error {
	loans, err := m.payByRank(ctx, t, ranked, grantor, proceeds)
	if err != nil {
		return err
	}
	for i, r := range ranked {
		if r.Status == collateral.StatusRegistered {
			cmd := collateral.DischargeCollateral{RegistrationID: r.ID, By: r.SecuredParty, Reason: why}
			meta := t.meta("discharge/" + r.ID.String())
			if err := exec(ctx, m, m.app.Collateral, collateral.Command(cmd), meta); err != nil {
				return err
			}
		}
		if l := loans[i]; l.Exists() {
			if err := m.fileClaim(ctx, t, l.ID); err != nil {
				return err
			}
		}
	}
	return nil
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
// deposit) over the ranked notices, any surplus to grantor, and records each
// secured loan's recovery. It returns, at each notice's index, the defaulted
// loan it secures (the zero State when it secures none).
//
// A notice secures a loan when the loan with the notice's id names it as its
// registration; its claim is the loan's outstanding claim, capped at the
// secured amount. Any other notice claims its secured amount. A surplus is the
// grantor's and needs no command. Every fact is taken as it stood before the
// triggering event, so a redelivery, even after a partial failure, computes
// the same payouts and sends the same commands.
func (m *managers) payByRank(ctx context.Context, t trigger, ranked []collateral.State, grantor uuid.UUID, money kernel.Money) ([]lending.State, error) {
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
	for i, r := range ranked {
		if l := loans[i]; l.Exists() && payouts[i].Amount > 0 {
			cmd := lending.RecordRecovery{LoanID: l.ID, Source: lending.RecoveryDisposal, Amount: payouts[i].Amount}
			meta := t.meta("recovery/" + r.ID.String())
			if err := exec(ctx, m, m.app.Loans, lending.Command(cmd), meta); err != nil {
				return nil, err
			}
		}
	}
	return loans, nil
}

// sellAsset distributes the proceeds of selling asset at time at over the
// notices against it then.
func (m *managers) sellAsset(ctx context.Context, t trigger, asset uuid.UUID, proceeds kernel.Money, at time.Time, why string) error {
	ranked, holder, err := m.noticesOn(ctx, t, asset, at)
	if err != nil {
		return err
	}
	return m.distribute(ctx, t, ranked, holder, proceeds, why)
}

// onPledgeEnforced reacts to the coop category for the disposal manager: the
// price of enforced pledged shares goes to the pledge's notice (the shares sold
// carry no other), any surplus to the pledgor; the notice is discharged and
// the fund claim filed.
func (m *managers) onPledgeEnforced(ctx context.Context, t trigger) error {
	e, ok := t.Event.(coop.PledgeEnforced)
	if !ok {
		return nil
	}
	r, err := before(ctx, m, collateral.Decider, e.PledgeID, t.Position)
	if err != nil || !r.Registered() {
		return err
	}
	return m.distribute(ctx, t, []collateral.State{r}, e.Holder, e.Price, fmt.Sprintf("pledged shares sold to %s", e.Buyer))
}

// fileClaim files the bank's claim on the operation fund for the net
// principal loss the disposal left on loan id (rule 24), once the notices are
// discharged, unless the fund's share of it is nothing or the bank has filed it.
func (m *managers) fileClaim(ctx context.Context, t trigger, id uuid.UUID) error {
	if m.fund == uuid.Nil {
		return nil
	}
	l, err := m.app.Facts().DefaultedLoan(ctx, id)
	if err != nil || !l.Defaulted {
		return err
	}
	f, err := state(ctx, m.app.Funds, m.fund)
	if err != nil || fund.Payout(l.PrincipalOutstanding-l.PrincipalRecovered, f.Settings.CompensationShareBP) == 0 {
		return err
	}
	if _, filed := f.OpenClaim(id); filed {
		return nil
	}
	cmd, meta := fund.FileFundClaim{FundID: m.fund, ClaimID: t.newID("fund-claim/" + id.String()), By: l.Bank, Loan: l}, t.meta("fund-claim/"+id.String())
	return exec(ctx, m, m.app.Funds, fund.Command(cmd), meta)
}
