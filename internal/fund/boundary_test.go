package fund_test

import (
	"github.com/google/uuid"

	"testing"

	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// The boundaries of rule 24 one unit either side: the fund's share from one
// basis point to the whole loss, a capital of nothing, a repayment of exactly
// what is owed, and ids already used.
func TestFundBoundaries(t *testing.T) {
	establish := func(share int, capital kernel.Money) fund.EstablishFund {
		return fund.EstablishFund{FundID: fundID, By: operator, Name: "x", Settings: fund.Settings{CompensationShareBP: share, InitialCapital: capital}}
	}
	establishedWith := func(share int, capital kernel.Money) fund.FundEstablished {
		return fund.FundEstablished{FundID: fundID, Operator: operator, Name: "x", Settings: fund.Settings{CompensationShareBP: share, InitialCapital: capital}, At: t0}
	}
	advanced := fund.RentAdvanced{FundID: fundID, AdvanceID: advanceID, Farmer: farmer, Transferee: tenant, ContractID: contractID,
		Amount: kernel.Yuan(800), CapitalAfter: kernel.Yuan(200), At: t0}
	// An earlier purchase, of another asset.
	bought := fund.CollateralBought{FundID: fundID, PurchaseID: purchaseID, AssetID: contractID, LoanID: loanID, Stage: fund.StageTrusteeship,
		Price: kernel.Yuan(600), CapitalAfter: kernel.Yuan(400), At: t0}
	unsold := loan
	unsold.CollateralInForce = true
	buy := func(f func(*fund.BuyCollateral)) fund.BuyCollateral {
		c := fund.BuyCollateral{FundID: fundID, PurchaseID: purchase2, By: operator, Loan: unsold,
			Unsold: []fund.DisposalStage{fund.StageListing, fund.StageNegotiated}, Price: kernel.Yuan(100)}
		f(&c)
		return c
	}
	rent := fund.RentContract{ContractID: contractID, Transferor: farmer, Transferee: tenant, InForce: true, Arrears: kernel.Yuan(800)}
	nothingRecovered := loan
	nothingRecovered.PrincipalRecovered = 0
	decidertest.Run(t, fund.Decider, registry(), t0, []decidertest.Case[fund.Command]{
		{Name: "a share of one basis point is the least", When: establish(1, pool), Then: history(establishedWith(1, pool))},
		{Name: "a share of no basis point is refused", When: establish(0, pool), WantCode: kernel.CodeInvalid},
		{Name: "a share of the whole loss is the most", When: establish(10000, pool), Then: history(establishedWith(10000, pool))},
		{Name: "a fund may start with no capital", When: establish(2000, 0), Then: history(establishedWith(2000, 0))},
		{Name: "a fund may not start with less than none", When: establish(2000, -1), WantCode: kernel.CodeInvalid},
		{Name: "repaying exactly what is outstanding clears the advance", Given: history(small, advanced),
			When: fund.RecordAdvanceRepayment{FundID: fundID, AdvanceID: advanceID, By: operator, Amount: kernel.Yuan(800)},
			Then: history(fund.RentAdvanceRepaid{FundID: fundID, AdvanceID: advanceID, Amount: kernel.Yuan(800), Outstanding: 0, CapitalAfter: kernel.Yuan(1000), At: t0})},
		{Name: "a claim id already used is refused", Given: history(established, filed, fund.FundClaimRejected{FundID: fundID, ClaimID: claimID, Reason: "x", At: t0}),
			When: fileClaim(nil), WantCode: kernel.CodeInvalidState},
		{Name: "a purchase id already used is refused", Given: history(small, bought),
			When: buy(func(c *fund.BuyCollateral) { c.PurchaseID = purchaseID }), WantCode: kernel.CodeInvalidState},
		{Name: "a purchase at no price is refused", Given: history(small),
			When: buy(func(c *fund.BuyCollateral) { c.Price = 0 }), WantCode: kernel.CodeInvalid},
		{Name: "a purchase needs the loan's asset", Given: history(small),
			When: buy(func(c *fund.BuyCollateral) { c.Loan.AssetID = uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "a sale for nothing is refused", Given: history(small, bought),
			When: fund.SellHolding{FundID: fundID, PurchaseID: purchaseID, By: operator, Proceeds: 0}, WantCode: kernel.CodeInvalid},
		{Name: "an advance of nothing is refused", Given: history(small),
			When: fund.AdvanceRent{FundID: fundID, AdvanceID: advanceID, By: operator, Contract: rent, Amount: 0}, WantCode: kernel.CodeInvalid},
		{Name: "a repayment of nothing is refused", Given: history(small, advanced),
			When: fund.RecordAdvanceRepayment{FundID: fundID, AdvanceID: advanceID, By: operator, Amount: 0}, WantCode: kernel.CodeInvalid},
		{Name: "a loss with nothing recovered is claimed in full", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan = nothingRecovered }),
			Then: history(filedOn(loan.PrincipalOutstanding, 0, kernel.Yuan(7_300)))},
		{Name: "a loan with nothing outstanding has no net loss", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.PrincipalOutstanding, c.Loan.PrincipalRecovered = 0, 0 }), WantCode: fund.CodeNoNetLoss},
		{Name: "a negative recovery is refused", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.Loan.PrincipalRecovered = -1 }), WantCode: kernel.CodeInvalid},
		{Name: "a claim needs its id", Given: history(established),
			When: fileClaim(func(c *fund.FileFundClaim) { c.ClaimID = uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "a fund needs a name", When: fund.EstablishFund{FundID: fundID, By: operator, Settings: fund.DefaultSettings()}, WantCode: kernel.CodeInvalid},
	})
}
