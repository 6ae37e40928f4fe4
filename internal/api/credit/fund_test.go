package credit_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
)

const fundQuery = `query($id: ID!) { fund(id: $id) {
	name capital compensationShareBP toppedUp
	claims { id bankId loanId netLoss payable status paid rejectionReason }
	holdings { purchaseId assetId stage price sold proceeds }
} }`

func TestDefaultAndFund(t *testing.T) {
	onBothBackends(t, func(t *testing.T, e *env) {
		collective := uuid.New()
		bank, otherBank := as{auth.RoleBank, uuid.New()}, as{auth.RoleBank, uuid.New()}
		farmer, operator := as{auth.RoleBidder, uuid.New()}, as{auth.RoleFund, uuid.New()}
		orchard := e.asset(collective, uuid.Nil, farmer.party, kernel.AssetCollectiveOperating, 20)
		loan := e.disbursed(bank, farmer, e.product(bank), orchard)

		// Nothing is paid: the scheduler marks the loan overdue after the first due date.
		e.h.Advance(40 * 24 * time.Hour)
		if s := field(e.query(bank, loanQuery, map[string]any{"id": loan}), "loan.status"); s != "OVERDUE" {
			t.Fatalf("status after 40 days = %v", s)
		}
		e.refused(bank, "declareLoanDefault", map[string]any{"loanId": loan}, lending.CodeNotYetDue)
		e.h.Clock.Advance(90 * 24 * time.Hour) // time passes; the bank, not the scheduler, declares the default
		e.refused(otherBank, "declareLoanDefault", map[string]any{"loanId": loan}, kernel.CodeForbidden)
		e.must(bank, "declareLoanDefault", "loanId", map[string]any{"loanId": loan})
		defaulted := field(e.query(bank, `query($id: ID!) { loan(id: $id) { status defaultedPrincipal claimInterest } }`, map[string]any{"id": loan}), "loan")
		if field(defaulted, "status") != "DEFAULTED" || field(defaulted, "defaultedPrincipal") != "250000.00" {
			t.Fatalf("after default: %v", defaulted)
		}

		// The collateral sold for 100,000 yuan on the exchange.
		e.must(bank, "recordLoanRecovery", "loanId", map[string]any{"loanId": loan, "source": "DISPOSAL", "amount": "100000.00"})

		fundID := e.must(operator, "establishFund", "fundId", map[string]any{"name": "寒亭区农村产权运作基金", "initialCapital": "1000000.00"})["fundId"].(string)
		e.refused(as{auth.RoleFund, uuid.New()}, "topUpFund", map[string]any{"fundId": fundID, "amount": "1.00", "source": "x"}, kernel.CodeForbidden)
		e.must(operator, "topUpFund", "fundId", map[string]any{"fundId": fundID, "amount": "500000.00", "source": "county budget"})

		// The claim waits for the disposal to end: while the mortgage is in
		// force it is refused; the bank then releases the collateral.
		e.refused(bank, "fileFundClaim", map[string]any{"fundId": fundID, "loanId": loan}, fund.CodeDisposalNotFinished)
		e.must(bank, "dischargeCollateral", "registrationId", map[string]any{"registrationId": loan, "reason": "disposed of"})
		e.refused(otherBank, "fileFundClaim", map[string]any{"fundId": fundID, "loanId": loan}, kernel.CodeForbidden)
		rejected := e.must(bank, "fileFundClaim", "claimId", map[string]any{"fundId": fundID, "loanId": loan})["claimId"]
		e.must(operator, "rejectFundClaim", "fundId", map[string]any{"fundId": fundID, "claimId": rejected, "reason": "documents missing"})
		claim := e.must(bank, "fileFundClaim", "claimId", map[string]any{"fundId": fundID, "loanId": loan})["claimId"]
		e.refused(bank, "fileFundClaim", map[string]any{"fundId": fundID, "loanId": loan}, fund.CodeClaimAlreadyFiled)
		e.refused(operator, "payFundClaim", map[string]any{"fundId": fundID, "claimId": claim}, fund.CodeClaimNotApproved)
		e.must(operator, "approveFundClaim", "fundId", map[string]any{"fundId": fundID, "claimId": claim})
		e.must(operator, "payFundClaim", "fundId", map[string]any{"fundId": fundID, "claimId": claim})
		e.refused(operator, "payFundClaim", map[string]any{"fundId": fundID, "claimId": claim}, fund.CodeClaimAlreadyPaid)

		// 20 % of the net principal loss of 150,000 yuan.
		got := field(e.query(operator, fundQuery, map[string]any{"id": fundID}), "fund")
		if field(got, "capital") != "1470000.00" || field(got, "toppedUp") != "500000.00" || len(field(got, "claims").([]any)) != 2 ||
			field(got, "claims.0.status") != "REJECTED" || field(got, "claims.0.rejectionReason") != "documents missing" ||
			field(got, "claims.1.netLoss") != "150000.00" || field(got, "claims.1.payable") != "30000.00" ||
			field(got, "claims.1.status") != "PAID" || field(got, "claims.1.paid") != "30000.00" {
			t.Fatalf("fund after paying the claim: %v", got)
		}
		if got := field(e.query(otherBank, fundQuery, map[string]any{"id": fundID}), "fund.claims").([]any); len(got) != 0 {
			t.Fatalf("another bank sees claims: %v", got)
		}
		if got := field(e.query(bank, fundQuery, map[string]any{"id": fundID}), "fund.claims").([]any); len(got) != 2 {
			t.Fatalf("the bank sees %d of its claims", len(got))
		}
		if r := e.h.Do(e.token(bank), `query($id: ID!) { fund(id: $id) { advances { id } } }`, map[string]any{"id": fundID}); r.Code() != kernel.CodeForbidden {
			t.Fatalf("a bank reads rent advances: %+v", r.Errors)
		}
		if r := e.h.Do(e.token(farmer), fundQuery, map[string]any{"id": fundID}); r.Code() != kernel.CodeForbidden {
			t.Fatalf("a bidder reads the fund: %+v", r.Errors)
		}

		// The fund's payment is recorded on the loan; the rest is written off.
		e.must(bank, "recordLoanRecovery", "loanId", map[string]any{"loanId": loan, "source": "FUND_CLAIM", "amount": "30000.00"})
		e.must(bank, "writeOffLoan", "loanId", map[string]any{"loanId": loan})
		after := field(e.query(farmer, `query($id: ID!) { loan(id: $id) { status recovered principalRecovered claimPrincipal writtenOff } }`,
			map[string]any{"id": loan}), "loan")
		if field(after, "status") != "WRITTEN_OFF" || field(after, "recovered") != "130000.00" || field(after, "principalRecovered") != "100000.00" ||
			field(after, "claimPrincipal") != "120000.00" {
			t.Fatalf("loan after recoveries and write-off: %v", after)
		}

		t.Run("the fund buys only a defaulted loan's collateral, in disposal order", func(t *testing.T) {
			buy := map[string]any{"fundId": fundID, "loanId": loan, "price": "90000.00"}
			e.refused(operator, "buyCollateral", buy, fund.CodeLoanNotDefaulted) // written off, its notice released
			repaying := e.disbursed(bank, farmer, e.product(bank), e.asset(collective, uuid.Nil, farmer.party, kernel.AssetCollectiveOperating, 20))
			buy["loanId"] = repaying
			e.refused(operator, "buyCollateral", buy, fund.CodeLoanNotDefaulted)
		})
		t.Run("rent advances", func(t *testing.T) {
			household, tenant := uuid.New(), uuid.New()
			plot := e.asset(collective, household, household, kernel.AssetLandManagementRight, 20)
			contract := e.leaseTo(plot, collective, household, tenant)
			e.refused(operator, "advanceRent", map[string]any{"fundId": fundID, "contractId": uuid.NewString(), "amount": "10000.00"}, kernel.CodeNotFound)
			// The first year's 10,000.00 is in arrears: a fen more is refused.
			e.refused(operator, "advanceRent", map[string]any{"fundId": fundID, "contractId": contract.String(), "amount": "10000.01"}, fund.CodeAdvanceExceedsRent)
			advance := e.must(operator, "advanceRent", "advanceId", map[string]any{"fundId": fundID, "contractId": contract.String(), "amount": "10000.00"})["advanceId"]
			e.refused(operator, "recordRentAdvanceRepayment", map[string]any{"fundId": fundID, "advanceId": advance, "amount": "10000.01"}, fund.CodeOverpayment)
			e.must(operator, "recordRentAdvanceRepayment", "fundId", map[string]any{"fundId": fundID, "advanceId": advance, "amount": "4000.00"})
			got := field(e.query(operator, `query($id: ID!) { fund(id: $id) { capital advances { farmerId transfereeId amount outstanding } } }`, map[string]any{"id": fundID}), "fund")
			if field(got, "advances.0.outstanding") != "6000.00" || field(got, "advances.0.farmerId") != household.String() ||
				field(got, "advances.0.transfereeId") != tenant.String() || field(got, "capital") != "1464000.00" {
				t.Fatalf("after an advance and a repayment: %v", got)
			}
		})
		e.replayRebuildsSameRows()
	})
}
