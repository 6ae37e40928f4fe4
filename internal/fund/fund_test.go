package fund_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

var (
	fundID     = uuid.MustParse("20000000-0000-0000-0000-000000000001")
	operator   = uuid.MustParse("20000000-0000-0000-0000-000000000002")
	bank       = uuid.MustParse("20000000-0000-0000-0000-000000000003")
	otherBank  = uuid.MustParse("20000000-0000-0000-0000-000000000004")
	loanID     = uuid.MustParse("20000000-0000-0000-0000-000000000005")
	assetID    = uuid.MustParse("20000000-0000-0000-0000-000000000006")
	claimID    = uuid.MustParse("20000000-0000-0000-0000-000000000007")
	claim2ID   = uuid.MustParse("20000000-0000-0000-0000-000000000008")
	advanceID  = uuid.MustParse("20000000-0000-0000-0000-000000000009")
	farmer     = uuid.MustParse("20000000-0000-0000-0000-00000000000a")
	tenant     = uuid.MustParse("20000000-0000-0000-0000-00000000000e") // the transferee owing the rent
	contractID = uuid.MustParse("20000000-0000-0000-0000-00000000000b")
	purchaseID = uuid.MustParse("20000000-0000-0000-0000-00000000000c")
	purchase2  = uuid.MustParse("20000000-0000-0000-0000-00000000000d")

	t0 = time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)
)

func registry() *kernel.Registry {
	r := kernel.NewRegistry()
	fund.RegisterEvents(r)
	return r
}

func history(events ...kernel.Event) []kernel.Event { return events }

var (
	pool        = kernel.Yuan(10_000_000)
	established = fund.FundEstablished{FundID: fundID, Operator: operator, Name: "Weifang rural property operation fund", Settings: fund.DefaultSettings(), At: t0}
	// A fund of 1,000 yuan, too small for the claim below.
	small = fund.FundEstablished{FundID: fundID, Operator: operator, Name: "small", Settings: fund.Settings{CompensationShareBP: 2000, InitialCapital: kernel.Yuan(1000)}, At: t0}

	// 36,500.03 yuan unpaid at default, 30,000 recovered by disposal: the net
	// loss is 6,500.03 yuan and 20 % of it, 1,300.006 yuan, is paid as 130,000 fen (rounded down).
	loan = fund.DefaultedLoan{
		LoanID: loanID, Bank: bank, AssetID: assetID, AssetType: kernel.AssetLandManagementRight, Defaulted: true,
		PrincipalOutstanding: 3650003, PrincipalRecovered: 3000000,
	}
	filed = fund.FundClaimFiled{
		FundID: fundID, ClaimID: claimID, Bank: bank, LoanID: loanID, AssetID: assetID, AssetType: kernel.AssetLandManagementRight,
		PrincipalOutstanding: 3650003, PrincipalRecovered: 3000000, NetLoss: 650003, ShareBP: 2000, Payable: 130000, At: t0,
	}
	approvedClaim = fund.FundClaimApproved{FundID: fundID, ClaimID: claimID, At: t0}
	paid          = fund.FundClaimPaid{FundID: fundID, ClaimID: claimID, Bank: bank, LoanID: loanID, Amount: 130000, CapitalAfter: pool - 130000, At: t0}
)

// filedOn is the claim filed on outstanding less recovered, paying payable.
func filedOn(outstanding, recovered, payable kernel.Money) fund.FundClaimFiled {
	e := filed
	e.PrincipalOutstanding, e.PrincipalRecovered, e.NetLoss, e.Payable = outstanding, recovered, outstanding-recovered, payable
	return e
}

func fileClaim(f func(*fund.FileFundClaim)) fund.FileFundClaim {
	c := fund.FileFundClaim{FundID: fundID, ClaimID: claimID, By: bank, Loan: loan}
	if f != nil {
		f(&c)
	}
	return c
}

func TestEstablishAndTopUp(t *testing.T) {
	decidertest.Run(t, fund.Decider, registry(), t0, []decidertest.Case[fund.Command]{
		{Name: "the fund starts with Weifang's defaults: 20 % from 10 M yuan (rule 24)",
			When: fund.EstablishFund{FundID: fundID, By: operator, Name: established.Name, Settings: fund.DefaultSettings()}, Then: history(established)},
		{Name: "a share of zero is refused",
			When: fund.EstablishFund{FundID: fundID, By: operator, Name: "x", Settings: fund.Settings{InitialCapital: pool}}, WantCode: kernel.CodeInvalid},
		{Name: "a share above 100 % is refused",
			When: fund.EstablishFund{FundID: fundID, By: operator, Name: "x", Settings: fund.Settings{CompensationShareBP: 10001}}, WantCode: kernel.CodeInvalid},
		{Name: "establishing twice is refused", Given: history(established),
			When: fund.EstablishFund{FundID: fundID, By: operator, Name: "x", Settings: fund.DefaultSettings()}, WantCode: kernel.CodeInvalidState},
		{Name: "the operator tops up capital", Given: history(established),
			When: fund.TopUpCapital{FundID: fundID, By: operator, Amount: kernel.Yuan(5_000_000), Source: "county finance bureau"},
			Then: history(fund.FundCapitalToppedUp{FundID: fundID, Amount: kernel.Yuan(5_000_000), Source: "county finance bureau", CapitalAfter: kernel.Yuan(15_000_000), At: t0})},
		{Name: "a bank may not top up", Given: history(established),
			When: fund.TopUpCapital{FundID: fundID, By: bank, Amount: 1}, WantCode: kernel.CodeForbidden},
		{Name: "a zero top-up is refused", Given: history(established),
			When: fund.TopUpCapital{FundID: fundID, By: operator}, WantCode: kernel.CodeInvalid},
		{Name: "an unknown fund is refused",
			When: fund.TopUpCapital{FundID: fundID, By: operator, Amount: 1}, WantCode: kernel.CodeNotFound},
	})
}

func TestClaims(t *testing.T) {
	rejected := fund.FundClaimRejected{FundID: fundID, ClaimID: claimID, Reason: "loan not rural", At: t0}
	decidertest.Run(t, fund.Decider, registry(), t0, []decidertest.Case[fund.Command]{
		{Name: "a bank claims the share of its net principal loss, rounded down (rule 24)", Given: history(established),
			When: fileClaim(nil), Then: history(filed)},
		{Name: "a claim while the collateral is still being disposed of is refused (rule 24)", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.CollateralInForce = true }), WantCode: fund.CodeDisposalNotFinished},
		{Name: "a claim at default, before any disposal, is refused even on the gross principal", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.PrincipalRecovered, c.Loan.CollateralInForce = 0, true }), WantCode: fund.CodeDisposalNotFinished},
		{Name: "a net loss of 6,500.05 pays exactly 1,300.01 (rule 24)", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.PrincipalOutstanding = 3650005 }), Then: history(filedOn(3650005, 3000000, 130001))},
		{Name: "a net loss one fen less, 6,500.04, is floored to 1,300.00", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.PrincipalOutstanding = 3650004 }), Then: history(filedOn(3650004, 3000000, 130000))},
		{Name: "a net loss of 5 fen pays the one fen 20 % of it is", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.PrincipalRecovered = c.Loan.PrincipalOutstanding - 5 }), Then: history(filedOn(3650003, 3649998, 1))},
		{Name: "a net loss of 4 fen, whose share floors to nothing, is refused", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.PrincipalRecovered = c.Loan.PrincipalOutstanding - 4 }), WantCode: fund.CodeNoNetLoss},
		{Name: "a loan not in default is refused", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.Defaulted = false }), WantCode: fund.CodeLoanNotDefaulted},
		{Name: "a loan not secured by rural property is refused", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.AssetType = kernel.AssetCollectiveLandOwner }), WantCode: fund.CodeNotRuralProperty},
		{Name: "a bank may not claim for another bank's loan", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.By = otherBank }), WantCode: kernel.CodeForbidden},
		{Name: "no claim when disposal covered the principal", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.PrincipalRecovered = c.Loan.PrincipalOutstanding }), WantCode: fund.CodeNoNetLoss},
		{Name: "a second claim for the same loan is refused", Given: history(established, filed),
			When: fileClaim(func(c *fund.FileFundClaim) { c.ClaimID = claim2ID }), WantCode: fund.CodeClaimAlreadyFiled},
		{Name: "a second claim after the first was paid is refused", Given: history(established, filed, approvedClaim, paid),
			When: fileClaim(func(c *fund.FileFundClaim) { c.ClaimID = claim2ID }), WantCode: fund.CodeClaimAlreadyFiled},
		{Name: "a loan may be claimed again after a rejection", Given: history(established, filed, rejected),
			When: fileClaim(func(c *fund.FileFundClaim) { c.ClaimID = claim2ID }), Then: history(func() fund.FundClaimFiled { e := filed; e.ClaimID = claim2ID; return e }())},
		{Name: "the operator approves a filed claim", Given: history(established, filed),
			When: fund.ApproveFundClaim{FundID: fundID, ClaimID: claimID, By: operator}, Then: history(approvedClaim)},
		{Name: "a bank may not approve its own claim", Given: history(established, filed),
			When: fund.ApproveFundClaim{FundID: fundID, ClaimID: claimID, By: bank}, WantCode: kernel.CodeForbidden},
		{Name: "approving an unknown claim is refused", Given: history(established),
			When: fund.ApproveFundClaim{FundID: fundID, ClaimID: claimID, By: operator}, WantCode: kernel.CodeNotFound},
		{Name: "the operator rejects a filed claim", Given: history(established, filed),
			When: fund.RejectFundClaim{FundID: fundID, ClaimID: claimID, By: operator, Reason: "loan not rural"}, Then: history(rejected)},
		{Name: "an approved claim cannot be rejected", Given: history(established, filed, approvedClaim),
			When: fund.RejectFundClaim{FundID: fundID, ClaimID: claimID, By: operator}, WantCode: kernel.CodeInvalidState},
		{Name: "the fund pays an approved claim out of capital (rule 24)", Given: history(established, filed, approvedClaim),
			When: fund.PayFundClaim{FundID: fundID, ClaimID: claimID, By: operator}, Then: history(paid)},
		{Name: "a claim is never paid twice", Given: history(established, filed, approvedClaim, paid),
			When: fund.PayFundClaim{FundID: fundID, ClaimID: claimID, By: operator}, WantCode: fund.CodeClaimAlreadyPaid},
		{Name: "a paid claim cannot be approved again", Given: history(established, filed, approvedClaim, paid),
			When: fund.ApproveFundClaim{FundID: fundID, ClaimID: claimID, By: operator}, WantCode: fund.CodeClaimAlreadyPaid},
		{Name: "a claim is paid only once approved", Given: history(established, filed),
			When: fund.PayFundClaim{FundID: fundID, ClaimID: claimID, By: operator}, WantCode: fund.CodeClaimNotApproved},
		{Name: "a claim above the available capital is refused", Given: history(small, filed, approvedClaim),
			When: fund.PayFundClaim{FundID: fundID, ClaimID: claimID, By: operator}, WantCode: fund.CodeInsufficientCapital},
		{Name: "a claim equal to the capital empties the fund", Given: history(small,
			fund.FundCapitalToppedUp{FundID: fundID, Amount: kernel.Yuan(300), CapitalAfter: kernel.Yuan(1300), At: t0}, filed, approvedClaim),
			When: fund.PayFundClaim{FundID: fundID, ClaimID: claimID, By: operator},
			Then: history(fund.FundClaimPaid{FundID: fundID, ClaimID: claimID, Bank: bank, LoanID: loanID, Amount: 130000, CapitalAfter: 0, At: t0})},
	})
}

func TestRentAdvances(t *testing.T) {
	// 800.00 of rent is in arrears under the contract.
	contract := fund.RentContract{ContractID: contractID, Transferor: farmer, Transferee: tenant, InForce: true, Arrears: kernel.Yuan(800)}
	advance := fund.AdvanceRent{FundID: fundID, AdvanceID: advanceID, By: operator, Contract: contract, Amount: kernel.Yuan(800)}
	advanced := fund.RentAdvanced{FundID: fundID, AdvanceID: advanceID, Farmer: farmer, Transferee: tenant, ContractID: contractID,
		Amount: kernel.Yuan(800), CapitalAfter: kernel.Yuan(200), At: t0}
	with := func(f func(*fund.AdvanceRent)) fund.AdvanceRent {
		c := advance
		f(&c)
		return c
	}
	repay := func(a kernel.Money) fund.RecordAdvanceRepayment {
		return fund.RecordAdvanceRepayment{FundID: fundID, AdvanceID: advanceID, By: operator, Amount: a}
	}
	decidertest.Run(t, fund.Decider, registry(), t0, []decidertest.Case[fund.Command]{
		{Name: "the fund advances the rent in arrears to the farmer; the transferee owes it (rule 24)", Given: history(small), When: advance, Then: history(advanced)},
		{Name: "an advance a fen above the arrears is refused", Given: history(small),
			When: with(func(c *fund.AdvanceRent) { c.Amount = kernel.Yuan(800) + 1 }), WantCode: fund.CodeAdvanceExceedsRent},
		{Name: "an advance with no rent in arrears is refused", Given: history(small),
			When: with(func(c *fund.AdvanceRent) { c.Contract.Arrears = 0 }), WantCode: fund.CodeAdvanceExceedsRent},
		{Name: "an advance under a contract not in force is refused", Given: history(small),
			When: with(func(c *fund.AdvanceRent) { c.Contract.InForce = false }), WantCode: kernel.CodeInvalidState},
		{Name: "an advance above the capital is refused", Given: history(small),
			When: with(func(c *fund.AdvanceRent) { c.Contract.Arrears, c.Amount = kernel.Yuan(2000), kernel.Yuan(1000)+1 }), WantCode: fund.CodeInsufficientCapital},
		{Name: "an advance needs the contract", Given: history(small),
			When: with(func(c *fund.AdvanceRent) { c.Contract.ContractID = uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "an advance needs the transferee who owes it", Given: history(small),
			When: with(func(c *fund.AdvanceRent) { c.Contract.Transferee = uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "reusing an advance id is refused", Given: history(small, advanced), When: advance, WantCode: kernel.CodeInvalidState},
		{Name: "a part repayment returns capital", Given: history(small, advanced), When: repay(kernel.Yuan(300)),
			Then: history(fund.RentAdvanceRepaid{FundID: fundID, AdvanceID: advanceID, Amount: kernel.Yuan(300), Outstanding: kernel.Yuan(500), CapitalAfter: kernel.Yuan(500), At: t0})},
		{Name: "repaying more than is outstanding is refused", Given: history(small, advanced,
			fund.RentAdvanceRepaid{FundID: fundID, AdvanceID: advanceID, Amount: kernel.Yuan(300), Outstanding: kernel.Yuan(500), CapitalAfter: kernel.Yuan(500), At: t0}),
			When: repay(kernel.Yuan(500) + 1), WantCode: fund.CodeOverpayment},
		{Name: "repaying an unknown advance is refused", Given: history(small), When: repay(1), WantCode: kernel.CodeNotFound},
		{Name: "only the operator advances rent", Given: history(small),
			When: with(func(c *fund.AdvanceRent) { c.By = bank }), WantCode: kernel.CodeForbidden},
	})
}

func TestBuyerOfLastResort(t *testing.T) {
	// The loan's notice is still in force: its disposal did not sell the collateral.
	unsoldLoan := loan
	unsoldLoan.CollateralInForce = true
	buy := func(unsold ...fund.DisposalStage) fund.BuyCollateral {
		return fund.BuyCollateral{FundID: fundID, PurchaseID: purchaseID, By: operator, Loan: unsoldLoan, Unsold: unsold, Price: kernel.Yuan(600)}
	}
	// inOrder is the purchase after the listing and then negotiation failed, changed by f.
	inOrder := func(f func(*fund.BuyCollateral)) fund.BuyCollateral {
		c := buy(fund.StageListing, fund.StageNegotiated)
		f(&c)
		return c
	}
	bought := func(stage fund.DisposalStage) fund.CollateralBought {
		return fund.CollateralBought{FundID: fundID, PurchaseID: purchaseID, AssetID: assetID, LoanID: loanID, Stage: stage,
			Price: kernel.Yuan(600), CapitalAfter: kernel.Yuan(400), At: t0}
	}
	decidertest.Run(t, fund.Decider, registry(), t0, []decidertest.Case[fund.Command]{
		{Name: "the fund takes the collateral into trusteeship after the listing and then negotiation failed (rule 24)", Given: history(small),
			When: buy(fund.StageListing, fund.StageNegotiated), Then: history(bought(fund.StageTrusteeship))},
		{Name: "the fund does not buy after the listing alone failed", Given: history(small),
			When: buy(fund.StageListing), WantCode: fund.CodeDisposalOrder},
		{Name: "the fund does not buy before the listing failed", Given: history(small),
			When: buy(), WantCode: fund.CodeDisposalOrder},
		{Name: "a negotiation that failed before the listing is not the order", Given: history(small),
			When: buy(fund.StageNegotiated, fund.StageListing), WantCode: fund.CodeDisposalOrder},
		{Name: "the fund does not buy the collateral of a loan not in default", Given: history(small),
			When:     inOrder(func(c *fund.BuyCollateral) { c.Loan.Defaulted = false }),
			WantCode: fund.CodeLoanNotDefaulted},
		{Name: "the fund does not buy collateral whose notice is no longer in force", Given: history(small),
			When:     inOrder(func(c *fund.BuyCollateral) { c.Loan.CollateralInForce = false }),
			WantCode: fund.CodeCollateralReleased},
		{Name: "a price above the capital is refused", Given: history(small),
			When:     inOrder(func(c *fund.BuyCollateral) { c.Price = kernel.Yuan(1000) + 1 }),
			WantCode: fund.CodeInsufficientCapital},
		{Name: "an asset already held is not bought again", Given: history(small, bought(fund.StageTrusteeship)),
			When:     inOrder(func(c *fund.BuyCollateral) { c.PurchaseID = purchase2 }),
			WantCode: kernel.CodeInvalidState},
		{Name: "selling a holding returns the proceeds to capital", Given: history(small, bought(fund.StageTrusteeship)),
			When: fund.SellHolding{FundID: fundID, PurchaseID: purchaseID, By: operator, Proceeds: kernel.Yuan(650)},
			Then: history(fund.HoldingSold{FundID: fundID, PurchaseID: purchaseID, Proceeds: kernel.Yuan(650), CapitalAfter: kernel.Yuan(1050), At: t0})},
		{Name: "a holding is sold once", Given: history(small, bought(fund.StageTrusteeship),
			fund.HoldingSold{FundID: fundID, PurchaseID: purchaseID, Proceeds: kernel.Yuan(650), CapitalAfter: kernel.Yuan(1050), At: t0}),
			When: fund.SellHolding{FundID: fundID, PurchaseID: purchaseID, By: operator, Proceeds: 1}, WantCode: kernel.CodeInvalidState},
		{Name: "selling an unknown holding is refused", Given: history(small),
			When: fund.SellHolding{FundID: fundID, PurchaseID: purchaseID, By: operator, Proceeds: 1}, WantCode: kernel.CodeNotFound},
	})
}

func TestStateListsClaimsAndHoldings(t *testing.T) {
	bought := fund.CollateralBought{FundID: fundID, PurchaseID: purchaseID, AssetID: assetID, LoanID: loanID, Stage: fund.StageNegotiated,
		Price: kernel.Yuan(600), CapitalAfter: pool - 130000 - kernel.Yuan(600), At: t0}
	before := fund.Decider.Fold(history(established, filed))
	s := fund.Decider.Fold(history(established, filed, approvedClaim, paid, bought))
	if s.Capital != pool-130000-kernel.Yuan(600) {
		t.Errorf("capital %s", s.Capital)
	}
	if c, ok := s.OpenClaim(loanID); !ok || c.Status != fund.ClaimPaid || c.Payable != 130000 {
		t.Errorf("open claim %+v, %v", c, ok)
	}
	if len(s.Holdings) != 1 || s.Holdings[0].AssetID != assetID || s.Holdings[0].Stage != fund.StageNegotiated {
		t.Errorf("holdings %+v", s.Holdings)
	}
	if before.Claims[claimID].Status != fund.ClaimFiled {
		t.Error("folding later events changed an earlier state's claims")
	}
}
