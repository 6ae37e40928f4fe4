package lending_test

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
	"github.com/nongjiao/nongjiao/internal/lending"
)

var productDefined = lending.LoanProductDefined{ProductID: productID, Bank: bank, Name: "quality loan", Terms: terms, At: t0}

func TestLoanProduct(t *testing.T) {
	defined := productDefined
	withdrawn := lending.LoanProductWithdrawn{ProductID: productID, At: t0}
	define := func(tt lending.Terms) lending.DefineLoanProduct {
		return lending.DefineLoanProduct{ProductID: productID, By: bank, Name: "quality loan", Terms: tt}
	}
	revised := lending.DefaultTerms(greenFood)
	decidertest.Run(t, lending.ProductDecider, registry(), t0, []decidertest.Case[lending.ProductCommand]{
		{Name: "a bank defines a product with tiers by credential (rule 23)", When: define(terms), Then: history(defined)},
		{Name: "a product needs a tier", When: define(lending.DefaultTerms()), WantCode: kernel.CodeInvalid},
		{Name: "credentials are distinct", When: define(lending.DefaultTerms(greenFood, greenFood)), WantCode: kernel.CodeInvalid},
		{Name: "loan-to-value above 100 % is refused", When: define(lending.Terms{LTVBP: 10001, DefaultAfterDaysOverdue: 90, Tiers: terms.Tiers}), WantCode: kernel.CodeInvalid},
		{Name: "a tier rate above the maximum is refused", When: define(lending.DefaultTerms(lending.Tier{Credential: "X", CreditLine: 1, MaxTermMonths: 1, AnnualRateBP: 10001})), WantCode: kernel.CodeInvalid},
		{Name: "defining twice is refused", Given: history(defined), When: define(terms), WantCode: kernel.CodeInvalidState},
		{Name: "the bank revises the terms", Given: history(defined), When: lending.ReviseLoanProduct{ProductID: productID, By: bank, Terms: revised},
			Then: history(lending.LoanProductRevised{ProductID: productID, Terms: revised, At: t0})},
		{Name: "another bank may not revise", Given: history(defined), When: lending.ReviseLoanProduct{ProductID: productID, By: otherBank, Terms: revised}, WantCode: kernel.CodeForbidden},
		{Name: "revising an unknown product is refused", When: lending.ReviseLoanProduct{ProductID: productID, By: bank, Terms: revised}, WantCode: kernel.CodeNotFound},
		{Name: "the bank withdraws the product", Given: history(defined), When: lending.WithdrawLoanProduct{ProductID: productID, By: bank}, Then: history(withdrawn)},
		{Name: "a withdrawn product cannot be revised", Given: history(defined, withdrawn), When: lending.ReviseLoanProduct{ProductID: productID, By: bank, Terms: revised}, WantCode: lending.CodeProductWithdrawn},
	})
}

func TestProductSnapshot(t *testing.T) {
	s := lending.ProductDecider.Fold(history(productDefined))
	if got := s.Snapshot(); got.ProductID != productID || got.Bank != bank || !got.Active || len(got.Terms.Tiers) != 2 {
		t.Fatalf("snapshot of a defined product: %+v", got)
	}
	s = lending.EvolveProduct(s, lending.LoanProductWithdrawn{ProductID: productID, At: t0})
	if s.Snapshot().Active {
		t.Fatal("a withdrawn product's snapshot is active")
	}
	if tier, ok := terms.TierFor("NONE"); !ok || tier != noCred {
		t.Fatalf("TierFor(NONE) = %+v, %v", tier, ok)
	}
}
