package credit_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
)

const loanQuery = `query($id: ID!) { loan(id: $id) {
	id status borrowerId bankId requested approved maxByLTV annualRateBP termMonths method registrationId principalOutstanding
	schedule { no dueDate principal interest paidPrincipal paidInterest unpaid }
	payments { kind source amount principal interest }
} }`

// product has a bank define a product: up to 1,000,000 yuan over 36 months at
// 4.35 % for GREEN_FOOD, 50 % loan-to-value.
func (e *env) product(bank as) string {
	e.t.Helper()
	return e.must(bank, "defineLoanProduct", "productId", map[string]any{"name": "优质贷",
		"tiers": []any{map[string]any{"credential": "GREEN_FOOD", "creditLine": "1000000.00", "maxTermMonths": 36, "annualRateBP": 435}},
	})["productId"].(string)
}

// apply has borrower apply for amount over months against asset.
func (e *env) apply(borrower as, product string, asset uuid.UUID, amount string, months int) string {
	e.t.Helper()
	return e.must(borrower, "applyForLoan", "loanId", map[string]any{"productId": product, "assetId": asset.String(),
		"credential": "GREEN_FOOD", "amount": amount, "termMonths": months, "method": "EQUAL_INSTALMENTS"})["loanId"].(string)
}

// disbursed takes a loan of 250,000 yuan over 12 months from application
// to disbursement, registering its collateral on the way.
func (e *env) disbursed(bank, borrower as, product string, asset uuid.UUID) string {
	e.t.Helper()
	loan := e.apply(borrower, product, asset, "250000.00", 12)
	e.must(bank, "valueCollateral", "loanId", map[string]any{"loanId": loan, "value": "500000.00", "appraiserId": uuid.NewString()})
	e.must(bank, "approveLoan", "loanId", map[string]any{"loanId": loan, "amount": "250000.00"})
	reg := e.must(bank, "registerCollateral", "registrationId", map[string]any{"grantorId": borrower.party.String(), "kind": "MORTGAGE",
		"assetId": asset.String(), "loanId": loan, "securedAmount": "250000.00", "start": at(e.h.Clock.Now()), "end": at(apitest.Start.AddDate(2, 0, 0))})
	e.must(bank, "recordCollateralRegistered", "loanId", map[string]any{"loanId": loan, "registrationId": reg["registrationId"]})
	e.must(bank, "disburseLoan", "loanId", map[string]any{"loanId": loan})
	return loan
}

func TestLoanLifecycle(t *testing.T) {
	onBothBackends(t, func(t *testing.T, e *env) {
		collective := uuid.New()
		bank, otherBank := as{auth.RoleBank, uuid.New()}, as{auth.RoleBank, uuid.New()}
		farmer, neighbour := as{auth.RoleBidder, uuid.New()}, as{auth.RoleBidder, uuid.New()}
		exchange := as{auth.RoleExchange, uuid.New()}
		product := e.product(bank)
		orchard := e.asset(collective, uuid.Nil, farmer.party, kernel.AssetCollectiveOperating, 20)

		e.refused(neighbour, "applyForLoan", map[string]any{"productId": product, "assetId": orchard.String(), "credential": "GREEN_FOOD",
			"amount": "1000.00", "termMonths": 12, "method": "EQUAL_INSTALMENTS"}, kernel.CodeForbidden)
		e.refused(farmer, "applyForLoan", map[string]any{"productId": product, "assetId": orchard.String(), "credential": "GREEN_FOOD",
			"amount": "1000000.01", "termMonths": 12, "method": "EQUAL_INSTALMENTS"}, lending.CodeCreditLineExceeded)
		loan := e.apply(farmer, product, orchard, "300000.00", 12)
		e.refused(bank, "approveLoan", map[string]any{"loanId": loan, "amount": "250000.00"}, lending.CodeNotValued)
		e.refused(otherBank, "valueCollateral", map[string]any{"loanId": loan, "value": "500000.00", "appraiserId": uuid.NewString()}, kernel.CodeForbidden)
		e.must(bank, "valueCollateral", "loanId", map[string]any{"loanId": loan, "value": "500000.00", "appraiserId": uuid.NewString()})
		e.refused(bank, "approveLoan", map[string]any{"loanId": loan, "amount": "250000.01"}, lending.CodeLTVExceeded)
		e.must(bank, "approveLoan", "loanId", map[string]any{"loanId": loan, "amount": "250000.00"})
		e.refused(bank, "disburseLoan", map[string]any{"loanId": loan}, lending.CodeCollateralNotRegistered)

		otherReg := e.must(otherBank, "registerCollateral", "registrationId", map[string]any{"grantorId": farmer.party.String(), "kind": "MORTGAGE",
			"assetId": orchard.String(), "securedAmount": "1000.00", "start": at(e.h.Clock.Now()), "end": at(apitest.Start.AddDate(2, 0, 0))})
		e.refused(bank, "recordCollateralRegistered", map[string]any{"loanId": loan, "registrationId": otherReg["registrationId"]}, kernel.CodeInvalid)
		forLoan := map[string]any{"grantorId": farmer.party.String(), "kind": "MORTGAGE", "loanId": loan, "assetId": uuid.NewString(),
			"securedAmount": "250000.00", "start": at(e.h.Clock.Now()), "end": at(apitest.Start.AddDate(2, 0, 0))}
		e.refused(bank, "registerCollateral", forLoan, kernel.CodeInvalid) // not the loan's asset
		forLoan["assetId"] = orchard.String()
		e.refused(otherBank, "registerCollateral", forLoan, kernel.CodeForbidden)
		reg := e.must(bank, "registerCollateral", "registrationId", forLoan)
		if reg["registrationId"] != loan {
			t.Fatalf("the notice securing loan %s has id %v", loan, reg["registrationId"])
		}
		e.must(bank, "recordCollateralRegistered", "loanId", map[string]any{"loanId": loan, "registrationId": reg["registrationId"]})
		e.must(bank, "disburseLoan", "loanId", map[string]any{"loanId": loan})

		got := field(e.query(farmer, loanQuery, map[string]any{"id": loan}), "loan")
		if field(got, "status") != "REPAYING" || field(got, "approved") != "250000.00" || field(got, "maxByLTV") != "250000.00" ||
			field(got, "registrationId") != reg["registrationId"] || field(got, "annualRateBP") != 435.0 {
			t.Fatalf("loan after disbursement = %v", got)
		}
		schedule := field(got, "schedule").([]any)
		var principal kernel.Money
		for _, i := range schedule {
			m, err := kernel.ParseMoney(field(i, "principal").(string))
			if err != nil {
				t.Fatal(err)
			}
			principal += m
		}
		if len(schedule) != 12 || principal != kernel.Yuan(250000) {
			t.Fatalf("schedule has %d instalments of %s principal in all", len(schedule), principal)
		}
		first, _ := kernel.ParseMoney(field(schedule, "0.principal").(string))
		interest, _ := kernel.ParseMoney(field(schedule, "0.interest").(string))

		e.refused(neighbour, "repayLoan", map[string]any{"loanId": loan, "amount": "100.00"}, kernel.CodeForbidden)
		e.refused(farmer, "repayLoan", map[string]any{"loanId": loan, "amount": "300000.00"}, lending.CodeOverpayment)
		e.must(farmer, "repayLoan", "loanId", map[string]any{"loanId": loan, "amount": (first + interest).String()})
		got = field(e.query(bank, loanQuery, map[string]any{"id": loan}), "loan")
		if field(got, "schedule.0.unpaid") != "0.00" || field(got, "payments.0.amount") != (first+interest).String() ||
			field(got, "payments.0.interest") != interest.String() || field(got, "principalOutstanding") != (kernel.Yuan(250000)-first).String() {
			t.Fatalf("after the first instalment: %v", got)
		}

		t.Run("term beyond the pledged right is refused at approval (rule 9)", func(t *testing.T) {
			e.h.Advance(time.Hour)
			shortRight := e.asset(collective, uuid.Nil, farmer.party, kernel.AssetFarmFacility, 1)
			long := e.apply(farmer, product, shortRight, "10000.00", 24)
			e.must(bank, "valueCollateral", "loanId", map[string]any{"loanId": long, "value": "500000.00", "appraiserId": uuid.NewString()})
			e.refused(bank, "approveLoan", map[string]any{"loanId": long, "amount": "10000.00"}, lending.CodeTermExceedsRight)
			e.must(bank, "rejectLoan", "loanId", map[string]any{"loanId": long, "reason": "term"})
		})

		t.Run("each sees only its own loans", func(t *testing.T) {
			list := `query($f: LoanFilter, $first: Int, $after: String) { loans(filter: $f, first: $first, after: $after) {
				totalCount pageInfo { hasNextPage endCursor } edges { node { id bankId status } } } }`
			count := func(c as, vars map[string]any) float64 {
				return field(e.query(c, list, vars), "loans.totalCount").(float64)
			}
			if n := count(otherBank, nil); n != 0 {
				t.Fatalf("another bank sees %v loans", n)
			}
			if n := count(otherBank, map[string]any{"f": map[string]any{"bankId": bank.party.String()}}); n != 0 {
				t.Fatalf("another bank sees %v loans by filtering on the lender", n)
			}
			if r := e.h.Do(e.token(otherBank), loanQuery, map[string]any{"id": loan}); r.Code() != kernel.CodeForbidden {
				t.Fatalf("another bank reads the loan: %+v", r.Errors)
			}
			if n := count(neighbour, nil); n != 0 {
				t.Fatalf("another borrower sees %v loans", n)
			}
			if n := count(bank, nil); n != 2 {
				t.Fatalf("the bank sees %v loans, want 2", n)
			}
			if n := count(farmer, map[string]any{"f": map[string]any{"status": "REPAYING"}}); n != 1 {
				t.Fatalf("the borrower sees %v repaying loans, want 1", n)
			}
			if r := e.h.Do(e.token(as{auth.RoleFund, uuid.New()}), list, nil); r.Code() != kernel.CodeForbidden {
				t.Fatalf("the fund lists loans: %+v", r.Errors)
			}
			page1 := e.query(exchange, list, map[string]any{"first": 1})
			if field(page1, "loans.pageInfo.hasNextPage") != true || field(page1, "loans.totalCount") != 2.0 {
				t.Fatalf("first page = %v", page1)
			}
			page2 := e.query(exchange, list, map[string]any{"first": 1, "after": field(page1, "loans.pageInfo.endCursor")})
			if field(page2, "loans.pageInfo.hasNextPage") != false || field(page2, "loans.edges.0.node.id") == field(page1, "loans.edges.0.node.id") {
				t.Fatalf("second page = %v after %v", page2, page1)
			}
			if field(page1, "loans.edges.0.node.id") == loan {
				t.Fatalf("the newest application is not first")
			}
		})

		t.Run("products are public, revised and withdrawn by their bank", func(t *testing.T) {
			q := `query($bank: ID, $all: Boolean) { loanProducts(bankId: $bank, includeWithdrawn: $all) { id ltvBP withdrawn tiers { credential creditLine maxTermMonths } } }`
			e.refused(otherBank, "withdrawLoanProduct", map[string]any{"productId": product}, kernel.CodeForbidden)
			e.must(bank, "reviseLoanProduct", "productId", map[string]any{"productId": product, "tiers": []any{
				map[string]any{"credential": "NONE", "creditLine": "50000.00", "maxTermMonths": 12, "annualRateBP": 600},
				map[string]any{"credential": "GREEN_FOOD", "creditLine": "800000.00", "maxTermMonths": 36, "annualRateBP": 435},
			}})
			got := e.query(as{}, q, map[string]any{"bank": bank.party.String()})["loanProducts"].([]any)
			if len(got) != 1 || field(got, "0.ltvBP") != 5000.0 || field(got, "0.tiers.1.creditLine") != "800000.00" {
				t.Fatalf("products = %v", got)
			}
			e.must(bank, "withdrawLoanProduct", "productId", map[string]any{"productId": product})
			if got := e.query(as{}, q, nil)["loanProducts"].([]any); len(got) != 0 {
				t.Fatalf("a withdrawn product is on offer: %v", got)
			}
			if got := e.query(as{}, q, map[string]any{"all": true})["loanProducts"].([]any); len(got) != 1 || field(got, "0.withdrawn") != true {
				t.Fatalf("with withdrawn ones: %v", got)
			}
			e.refused(farmer, "applyForLoan", map[string]any{"productId": product, "assetId": orchard.String(), "credential": "GREEN_FOOD",
				"amount": "1000.00", "termMonths": 12, "method": "EQUAL_INSTALMENTS"}, lending.CodeProductWithdrawn)
		})
		e.replayRebuildsSameRows()
	})
}

// A transferee borrows only with the contractor's consent (rule 7) and only
// while its rent is paid (rule 9); both facts come from the asset registry and
// the transfer contract.
func TestTransfereeBorrower(t *testing.T) {
	e := &env{t: t, h: apitest.New(t, area)}
	collective, household := uuid.New(), uuid.New()
	bank, tenant := as{auth.RoleBank, uuid.New()}, as{auth.RoleBidder, uuid.New()}
	product := e.product(bank)
	plot := e.asset(collective, household, household, kernel.AssetLandManagementRight, 20)
	e.leaseTo(plot, collective, household, tenant.party)
	value := func(loan string) {
		e.must(bank, "valueCollateral", "loanId", map[string]any{"loanId": loan, "value": "500000.00", "appraiserId": uuid.NewString()})
	}

	withoutConsent := e.apply(tenant, product, plot, "10000.00", 12)
	value(withoutConsent)
	e.refused(bank, "approveLoan", map[string]any{"loanId": withoutConsent, "amount": "10000.00"}, lending.CodeConsentRequired)

	e.consent(plot, collective, household, tenant.party)
	paid := e.apply(tenant, product, plot, "10000.00", 12)
	value(paid)
	e.must(bank, "approveLoan", "loanId", map[string]any{"loanId": paid, "amount": "10000.00"})

	e.h.Advance(2 * time.Hour) // the first year's rent falls due unpaid
	inArrears := e.apply(tenant, product, plot, "10000.00", 12)
	value(inArrears)
	e.refused(bank, "approveLoan", map[string]any{"loanId": inArrears, "amount": "10000.00"}, lending.CodeRentNotPaid)
}

// Rule 18 over the API: a member applies against its shares in the
// cooperative, for at most the cooperative's pledged-loan term.
func TestASharesLoanRunsAtMostTheCooperativesTerm(t *testing.T) {
	e := &env{t: t, h: apitest.New(t, area)}
	cooperative, bank := uuid.New(), as{auth.RoleBank, uuid.New()}
	member, outsider := as{auth.RoleBidder, uuid.New()}, as{auth.RoleBidder, uuid.New()}
	e.cooperative(cooperative, member.party, 100)
	product := e.product(bank)
	apply := func(months int) map[string]any {
		return map[string]any{"productId": product, "assetId": cooperative.String(), "credential": "GREEN_FOOD",
			"amount": "10000.00", "termMonths": months, "method": "EQUAL_INSTALMENTS"}
	}
	e.refused(member, "applyForLoan", apply(13), lending.CodePledgedLoanTermExceeded)
	e.refused(outsider, "applyForLoan", apply(12), kernel.CodeForbidden)
	loan := e.must(member, "applyForLoan", "loanId", apply(12))["loanId"].(string)
	if got := field(e.query(member, loanQuery, map[string]any{"id": loan}), "loan.status"); got != "APPLIED" {
		t.Fatalf("the 12-month loan on shares is %v", got)
	}
}
