package fund

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Decider is the operation fund aggregate (category "fund").
var Decider = kernel.Decider[State, Command]{Category: "fund", Decide: Decide, Evolve: Evolve}

// Decide decides a fund command at now. It returns the new events or a
// *kernel.Error; a refused command emits nothing.
func Decide(s State, c Command, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	if c, ok := c.(EstablishFund); ok {
		return establish(s, c, now)
	}
	if !s.Established() {
		return nil, kernel.Errorf(kernel.CodeNotFound, "fund %s not found", c.AggregateID())
	}
	if c, ok := c.(FileFundClaim); ok {
		return s.fileClaim(c, now)
	}
	if err := s.operatorOnly(c); err != nil {
		return nil, err
	}
	switch c := c.(type) {
	case TopUpCapital:
		if c.Amount <= 0 {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "amount must be positive")
		}
		after, err := s.Capital.Add(c.Amount)
		if err != nil {
			return nil, err
		}
		return []kernel.Event{FundCapitalToppedUp{FundID: s.ID, Amount: c.Amount, Source: c.Source, CapitalAfter: after, At: now}}, nil
	case ApproveFundClaim:
		if _, err := s.claimIn(c.ClaimID, ClaimFiled); err != nil {
			return nil, err
		}
		return []kernel.Event{FundClaimApproved{FundID: s.ID, ClaimID: c.ClaimID, At: now}}, nil
	case RejectFundClaim:
		if _, err := s.claimIn(c.ClaimID, ClaimFiled); err != nil {
			return nil, err
		}
		return []kernel.Event{FundClaimRejected{FundID: s.ID, ClaimID: c.ClaimID, Reason: c.Reason, At: now}}, nil
	case PayFundClaim:
		return s.payClaim(c, now)
	case AdvanceRent:
		return s.advanceRent(c, now)
	case RecordAdvanceRepayment:
		return s.repayAdvance(c, now)
	case BuyCollateral:
		return s.buy(c, now)
	case SellHolding:
		return s.sell(c, now)
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown fund command %T", c)
}

func establish(s State, c EstablishFund, now time.Time) ([]kernel.Event, error) {
	switch {
	case s.Established():
		return nil, kernel.Errorf(kernel.CodeInvalidState, "fund %s already established", c.FundID)
	case c.FundID == uuid.Nil || c.By == uuid.Nil || c.Name == "":
		return nil, kernel.Errorf(kernel.CodeInvalid, "fund id, operator and name are required")
	case c.Settings.CompensationShareBP < 1 || c.Settings.CompensationShareBP > 10000:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "settings.compensationShareBP", "share must be 1..10000 basis points")
	case c.Settings.InitialCapital < 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "settings.initialCapital", "capital cannot be negative")
	}
	return []kernel.Event{FundEstablished{FundID: c.FundID, Operator: c.By, Name: c.Name, Settings: c.Settings, At: now}}, nil
}

// operatorOnly refuses commands from anyone but the fund's operator. Every
// command but EstablishFund and FileFundClaim is an operator's.
func (s State) operatorOnly(c Command) error {
	if oc, ok := c.(interface{ operator() uuid.UUID }); !ok || oc.operator() != s.Operator {
		return kernel.Errorf(kernel.CodeForbidden, "only the fund's operator may do this")
	}
	return nil
}

// spend returns the capital left after paying amount, or INSUFFICIENT_FUND_CAPITAL.
func (s State) spend(amount kernel.Money) (kernel.Money, error) {
	if amount > s.Capital {
		return 0, kernel.Errorf(CodeInsufficientCapital, "%s exceeds the fund's available capital %s", amount, s.Capital)
	}
	return s.Capital - amount, nil
}

// fileClaim enforces rule 24: only a defaulted loan secured by a rural
// property right is compensated, for the fund's share of the net principal
// loss that remains once the collateral's disposal has ended.
func (s State) fileClaim(c FileFundClaim, now time.Time) ([]kernel.Event, error) {
	l := c.Loan
	switch {
	case c.ClaimID == uuid.Nil || l.LoanID == uuid.Nil:
		return nil, kernel.Errorf(kernel.CodeInvalid, "claim and loan ids are required")
	case c.By != l.Bank:
		return nil, kernel.Errorf(kernel.CodeForbidden, "only the lending bank may claim for its loan")
	case !l.Defaulted:
		return nil, kernel.Errorf(CodeLoanNotDefaulted, "loan %s is not in default", l.LoanID)
	case !l.AssetType.Tradable():
		return nil, kernel.FieldErrorf(CodeNotRuralProperty, "loan.assetType", "the loan is not secured by a rural property right")
	case l.PrincipalOutstanding < 0 || l.PrincipalRecovered < 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "loan", "principal amounts cannot be negative")
	case l.CollateralInForce:
		return nil, kernel.Errorf(CodeDisposalNotFinished, "the collateral of loan %s is still being disposed of: claim the loss that remains after it", l.LoanID)
	}
	if _, ok := s.Claims[c.ClaimID]; ok {
		return nil, kernel.Errorf(kernel.CodeInvalidState, "claim %s already exists", c.ClaimID)
	}
	if prev, ok := s.OpenClaim(l.LoanID); ok {
		return nil, kernel.Errorf(CodeClaimAlreadyFiled, "loan %s already has claim %s", l.LoanID, prev.ID)
	}
	net, share := l.PrincipalOutstanding-l.PrincipalRecovered, s.Settings.CompensationShareBP
	if Payout(net, share) == 0 {
		return nil, kernel.Errorf(CodeNoNetLoss, "recoveries left loan %s no principal loss the fund's share pays a fen of", l.LoanID)
	}
	return []kernel.Event{FundClaimFiled{
		FundID: s.ID, ClaimID: c.ClaimID, Bank: l.Bank, LoanID: l.LoanID, AssetID: l.AssetID, AssetType: l.AssetType,
		PrincipalOutstanding: l.PrincipalOutstanding, PrincipalRecovered: l.PrincipalRecovered, NetLoss: net,
		ShareBP: share, Payable: Payout(net, share), At: now,
	}}, nil
}

// claimIn returns the claim if it exists and is in status want.
func (s State) claimIn(id uuid.UUID, want ClaimStatus) (Claim, error) {
	cl, ok := s.Claims[id]
	switch {
	case !ok:
		return Claim{}, kernel.Errorf(kernel.CodeNotFound, "claim %s not found", id)
	case cl.Status == ClaimPaid:
		return Claim{}, kernel.Errorf(CodeClaimAlreadyPaid, "claim %s is already paid", id)
	case cl.Status != want:
		return Claim{}, kernel.Errorf(kernel.CodeInvalidState, "claim %s is %s", id, cl.Status)
	}
	return cl, nil
}

func (s State) payClaim(c PayFundClaim, now time.Time) ([]kernel.Event, error) {
	cl, err := s.claimIn(c.ClaimID, ClaimApproved)
	if kernel.ErrorCode(err) == kernel.CodeInvalidState {
		return nil, kernel.Errorf(CodeClaimNotApproved, "claim %s is %s, not approved", c.ClaimID, s.Claims[c.ClaimID].Status)
	}
	if err != nil {
		return nil, err
	}
	after, err := s.spend(cl.Payable)
	if err != nil {
		return nil, err
	}
	return []kernel.Event{FundClaimPaid{FundID: s.ID, ClaimID: cl.ID, Bank: cl.Bank, LoanID: cl.LoanID, Amount: cl.Payable, CapitalAfter: after, At: now}}, nil
}

// advanceRent enforces rule 24's rent advance: the fund advances no more
// than the rent in arrears under a contract in force, and the transferee owes it.
func (s State) advanceRent(c AdvanceRent, now time.Time) ([]kernel.Event, error) {
	k := c.Contract
	switch {
	case c.AdvanceID == uuid.Nil || k.ContractID == uuid.Nil || k.Transferor == uuid.Nil || k.Transferee == uuid.Nil:
		return nil, kernel.Errorf(kernel.CodeInvalid, "advance, contract and both parties are required")
	case c.Amount <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "amount must be positive")
	case !k.InForce:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "contract %s is not in force", k.ContractID)
	case c.Amount > k.Arrears:
		return nil, kernel.FieldErrorf(CodeAdvanceExceedsRent, "amount", "%s exceeds the %s of rent in arrears", c.Amount, k.Arrears)
	}
	if _, ok := s.Advances[c.AdvanceID]; ok {
		return nil, kernel.Errorf(kernel.CodeInvalidState, "advance %s already exists", c.AdvanceID)
	}
	after, err := s.spend(c.Amount)
	if err != nil {
		return nil, err
	}
	return []kernel.Event{RentAdvanced{FundID: s.ID, AdvanceID: c.AdvanceID, Farmer: k.Transferor, Transferee: k.Transferee, ContractID: k.ContractID,
		Amount: c.Amount, CapitalAfter: after, At: now}}, nil
}

func (s State) repayAdvance(c RecordAdvanceRepayment, now time.Time) ([]kernel.Event, error) {
	a, ok := s.Advances[c.AdvanceID]
	switch {
	case !ok:
		return nil, kernel.Errorf(kernel.CodeNotFound, "advance %s not found", c.AdvanceID)
	case c.Amount <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "amount", "amount must be positive")
	case c.Amount > a.Outstanding:
		return nil, kernel.FieldErrorf(CodeOverpayment, "amount", "%s exceeds the %s outstanding on the advance", c.Amount, a.Outstanding)
	}
	after, err := s.Capital.Add(c.Amount)
	if err != nil {
		return nil, err
	}
	return []kernel.Event{RentAdvanceRepaid{FundID: s.ID, AdvanceID: a.ID, Amount: c.Amount, Outstanding: a.Outstanding - c.Amount, CapitalAfter: after, At: now}}, nil
}

// buy enforces the disposal order of rule 24: the fund takes into trusteeship
// only the collateral, still under its notice, of a defaulted loan whose
// listing and then negotiated transfer failed, in that order.
func (s State) buy(c BuyCollateral, now time.Time) ([]kernel.Event, error) {
	l := c.Loan
	switch {
	case c.PurchaseID == uuid.Nil || l.AssetID == uuid.Nil || l.LoanID == uuid.Nil:
		return nil, kernel.Errorf(kernel.CodeInvalid, "purchase, asset and loan ids are required")
	case c.Price <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "price", "price must be positive")
	case s.holding(c.PurchaseID) >= 0:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "purchase %s already recorded", c.PurchaseID)
	case !l.Defaulted:
		return nil, kernel.Errorf(CodeLoanNotDefaulted, "loan %s is not in default: its collateral is not for sale", l.LoanID)
	case !l.CollateralInForce:
		return nil, kernel.Errorf(CodeCollateralReleased, "the notice securing loan %s is no longer in force", l.LoanID)
	}
	for i, earlier := range DisposalOrder()[:slices.Index(DisposalOrder(), StageTrusteeship)] {
		if i >= len(c.Unsold) || c.Unsold[i] != earlier {
			return nil, kernel.FieldErrorf(CodeDisposalOrder, "unsold", "stage %s has not been tried without a sale, in order", earlier)
		}
	}
	for _, h := range s.Holdings {
		if h.AssetID == l.AssetID && !h.Sold {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "the fund already holds asset %s", l.AssetID)
		}
	}
	after, err := s.spend(c.Price)
	if err != nil {
		return nil, err
	}
	return []kernel.Event{CollateralBought{
		FundID: s.ID, PurchaseID: c.PurchaseID, AssetID: l.AssetID, LoanID: l.LoanID, Stage: StageTrusteeship, Price: c.Price, CapitalAfter: after, At: now,
	}}, nil
}

func (s State) sell(c SellHolding, now time.Time) ([]kernel.Event, error) {
	k := s.holding(c.PurchaseID)
	switch {
	case k < 0:
		return nil, kernel.Errorf(kernel.CodeNotFound, "purchase %s not found", c.PurchaseID)
	case s.Holdings[k].Sold:
		return nil, kernel.Errorf(kernel.CodeInvalidState, "asset of purchase %s already sold", c.PurchaseID)
	case c.Proceeds <= 0:
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "proceeds", "proceeds must be positive")
	}
	after, err := s.Capital.Add(c.Proceeds)
	if err != nil {
		return nil, err
	}
	return []kernel.Event{HoldingSold{FundID: s.ID, PurchaseID: c.PurchaseID, Proceeds: c.Proceeds, CapitalAfter: after, At: now}}, nil
}
