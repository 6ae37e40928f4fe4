package credit_test

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/auth"
)

// roles is who may call each mutation of the area; party checks come after
// (a bank acts only on its own registrations and loans, a borrower as itself).
var roles = map[string][]auth.Role{
	"registerCollateral":         {auth.RoleBank},
	"amendCollateral":            {auth.RoleBank},
	"continueCollateral":         {auth.RoleBank},
	"dischargeCollateral":        {auth.RoleBank},
	"defineLoanProduct":          {auth.RoleBank},
	"reviseLoanProduct":          {auth.RoleBank},
	"withdrawLoanProduct":        {auth.RoleBank},
	"applyForLoan":               {auth.RoleBidder, auth.RoleCollective},
	"valueCollateral":            {auth.RoleBank},
	"approveLoan":                {auth.RoleBank},
	"rejectLoan":                 {auth.RoleBank},
	"recordCollateralRegistered": {auth.RoleBank},
	"disburseLoan":               {auth.RoleBank},
	"repayLoan":                  {auth.RoleBidder, auth.RoleCollective, auth.RoleBank},
	"declareLoanDefault":         {auth.RoleBank},
	"recordLoanRecovery":         {auth.RoleBank},
	"writeOffLoan":               {auth.RoleBank},
	"establishFund":              {auth.RoleFund},
	"topUpFund":                  {auth.RoleFund},
	"fileFundClaim":              {auth.RoleBank},
	"approveFundClaim":           {auth.RoleFund},
	"rejectFundClaim":            {auth.RoleFund},
	"payFundClaim":               {auth.RoleFund},
	"advanceRent":                {auth.RoleFund},
	"recordRentAdvanceRepayment": {auth.RoleFund},
	"buyCollateral":              {auth.RoleFund},
}

func TestRoles(t *testing.T) {
	apitest.New(t, area).CheckRoles(t, roles)
}
