package credit

import (
	"context"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
)

var (
	claimStatus = api.Enum("FundClaimStatus", "Where a claim on the fund is.",
		fund.ClaimFiled, fund.ClaimApproved, fund.ClaimRejected, fund.ClaimPaid)
	disposalStage = api.Enum("DisposalStage", "A step of disposing of defaulted collateral, in the order tried (rule 24).",
		fund.StageListing, fund.StageNegotiated, fund.StageTrusteeship)

	claimType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "FundClaim",
		Description: "A bank's claim for the fund's share of its net principal loss on a defaulted loan (rule 24).",
		Fields: graphql.Fields{
			"id":                   api.Field(api.NonNull(graphql.ID), "", func(c creditview.Claim) any { return c.ID.String() }),
			"bankId":               api.Field(api.NonNull(graphql.ID), "", func(c creditview.Claim) any { return c.Bank.String() }),
			"loanId":               api.Field(api.NonNull(graphql.ID), "", func(c creditview.Claim) any { return c.LoanID.String() }),
			"assetId":              api.Field(api.NonNull(graphql.ID), "", func(c creditview.Claim) any { return c.AssetID.String() }),
			"principalOutstanding": api.Field(api.NonNull(api.Money), "Unpaid principal at default.", func(c creditview.Claim) any { return c.PrincipalOutstanding }),
			"principalRecovered":   api.Field(api.NonNull(api.Money), "Recovered since from disposal and the borrower.", func(c creditview.Claim) any { return c.PrincipalRecovered }),
			"netLoss":              api.Field(api.NonNull(api.Money), "", func(c creditview.Claim) any { return c.NetLoss }),
			"shareBP":              api.Field(api.NonNull(graphql.Int), "", func(c creditview.Claim) any { return c.ShareBP }),
			"payable":              api.Field(api.NonNull(api.Money), "floor(netLoss × shareBP / 10000), fixed at filing.", func(c creditview.Claim) any { return c.Payable }),
			"status":               api.Field(api.NonNull(claimStatus), "", func(c creditview.Claim) any { return c.Status }),
			"rejectionReason":      api.Field(graphql.String, "", func(c creditview.Claim) any { return api.Nullable(c.Reason) }),
			"paid":                 api.Field(api.NonNull(api.Money), "", func(c creditview.Claim) any { return c.Paid }),
			"filedAt":              api.Field(api.NonNull(api.DateTime), "", func(c creditview.Claim) any { return c.FiledAt }),
			"decidedAt":            api.Field(api.DateTime, "", func(c creditview.Claim) any { return c.DecidedAt }),
			"paidAt":               api.Field(api.DateTime, "", func(c creditview.Claim) any { return c.PaidAt }),
		},
	})
	advanceType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "RentAdvance",
		Description: "Rent the fund advanced to a farmer under a transfer contract.",
		Fields: graphql.Fields{
			"id":       api.Field(api.NonNull(graphql.ID), "", func(a creditview.Advance) any { return a.ID.String() }),
			"farmerId": api.Field(api.NonNull(graphql.ID), "The farmer the advance paid.", func(a creditview.Advance) any { return a.Farmer.String() }),
			"transfereeId": api.Field(api.NonNull(graphql.ID), "The contract's transferee, who owes the fund the advance.", func(a creditview.Advance) any {
				return a.Transferee.String()
			}),
			"contractId":  api.Field(api.NonNull(graphql.ID), "", func(a creditview.Advance) any { return a.ContractID.String() }),
			"amount":      api.Field(api.NonNull(api.Money), "", func(a creditview.Advance) any { return a.Amount }),
			"outstanding": api.Field(api.NonNull(api.Money), "", func(a creditview.Advance) any { return a.Outstanding }),
			"advancedAt":  api.Field(api.NonNull(api.DateTime), "", func(a creditview.Advance) any { return a.AdvancedAt }),
		},
	})
	holdingType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "FundHolding",
		Description: "Collateral the fund bought as buyer of last resort.",
		Fields: graphql.Fields{
			"purchaseId": api.Field(api.NonNull(graphql.ID), "", func(h creditview.Holding) any { return h.PurchaseID.String() }),
			"assetId":    api.Field(api.NonNull(graphql.ID), "", func(h creditview.Holding) any { return h.AssetID.String() }),
			"loanId":     api.Field(api.NonNull(graphql.ID), "", func(h creditview.Holding) any { return h.LoanID.String() }),
			"stage":      api.Field(api.NonNull(disposalStage), "", func(h creditview.Holding) any { return h.Stage }),
			"price":      api.Field(api.NonNull(api.Money), "", func(h creditview.Holding) any { return h.Price }),
			"boughtAt":   api.Field(api.NonNull(api.DateTime), "", func(h creditview.Holding) any { return h.BoughtAt }),
			"sold":       api.Field(api.NonNull(graphql.Boolean), "", func(h creditview.Holding) any { return h.Sold }),
			"proceeds":   api.Field(api.Money, "", func(h creditview.Holding) any { return api.Nullable(h.Proceeds) }),
			"soldAt":     api.Field(api.DateTime, "", func(h creditview.Holding) any { return h.SoldAt }),
		},
	})
	fundType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "OperationFund",
		Description: "The rural property operation fund (农村产权运作基金, rule 24).",
		Fields: graphql.Fields{
			"id":                  api.Field(api.NonNull(graphql.ID), "", func(f fundNode) any { return f.ID.String() }),
			"operatorId":          api.Field(api.NonNull(graphql.ID), "", func(f fundNode) any { return f.Operator.String() }),
			"name":                api.Field(api.NonNull(graphql.String), "", func(f fundNode) any { return f.Name }),
			"compensationShareBP": api.Field(api.NonNull(graphql.Int), "", func(f fundNode) any { return f.CompensationShareBP }),
			"initialCapital":      api.Field(api.NonNull(api.Money), "", func(f fundNode) any { return f.InitialCapital }),
			"toppedUp":            api.Field(api.NonNull(api.Money), "", func(f fundNode) any { return f.ToppedUp }),
			"capital":             api.Field(api.NonNull(api.Money), "Available now.", func(f fundNode) any { return f.Capital }),
			"establishedAt":       api.Field(api.NonNull(api.DateTime), "", func(f fundNode) any { return f.EstablishedAt }),
			"claims": api.Load(api.ListOf(claimType), "Claims, oldest first; a bank sees only its own.", func(ctx context.Context, f fundNode) (any, error) {
				return creditview.FundClaims(ctx, f.db, f.ID, f.bank)
			}),
			"advances": api.Load(api.ListOf(advanceType), "Rent advances, oldest first (not shown to banks).", func(ctx context.Context, f fundNode) (any, error) {
				if f.bank != uuid.Nil {
					return nil, kernel.Errorf(kernel.CodeForbidden, "rent advances are not shown to banks")
				}
				return creditview.FundAdvances(ctx, f.db, f.ID)
			}),
			"holdings": api.Load(api.ListOf(holdingType), "Collateral bought, oldest first.", func(ctx context.Context, f fundNode) (any, error) {
				return creditview.FundHoldings(ctx, f.db, f.ID)
			}),
		},
	})
)

// fundNode is the fund as one viewer sees it: bank is the viewing bank
// (uuid.Nil for the fund role and the exchange), whose own claims alone it sees.
type fundNode struct {
	creditview.Fund
	db   *readmodel.DB
	bank uuid.UUID
}

// fundQueries adds the operation fund.
func (a area) fundQueries(b *api.Builder) {
	b.Query("fund", &graphql.Field{
		Type:        fundType,
		Description: "The operation fund, or null. The fund role and the exchange see everything; a bank sees the fund's figures and its own claims.",
		Args:        graphql.FieldConfigArgument{"id": {Type: api.NonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			viewer, err := api.Require(p.Context, auth.RoleFund, auth.RoleExchange, auth.RoleBank)
			if err != nil {
				return nil, err
			}
			id, err := api.ID(p.Args, "id")
			if err != nil {
				return nil, err
			}
			f, ok, err := creditview.FundByID(p.Context, a.DB, id)
			if err != nil || !ok {
				return nil, err
			}
			var bank uuid.UUID
			if viewer.Role == auth.RoleBank {
				bank = viewer.Party
			}
			return fundNode{Fund: f, db: a.DB, bank: bank}, nil
		},
	})
}

// claimMutations are a bank's claims on the fund.
func (a area) claimMutations() api.Mutations[fund.Command] {
	return api.Mutations[fund.Command]{Handler: a.App.Funds, Rows: []api.Mutation[fund.Command]{
		{
			Name: "fileFundClaim",
			Description: "A bank claims the fund's share of the net principal loss its defaulted loan is left with once the collateral's disposal has ended " +
				"(rule 24; DISPOSAL_NOT_FINISHED while the notice securing it is in force); the figures come from the loan.",
			Roles: bank,
			Input: graphql.InputObjectConfigFieldMap{
				"fundId": {Type: api.NonNull(graphql.ID)},
				"loanId": {Type: api.NonNull(graphql.ID)},
			},
			Output: graphql.Fields{"claimId": {Type: api.NonNull(graphql.ID)}},
			Decode: func(ctx context.Context, c api.Call) (fund.Command, error) {
				got, err := api.IDs(c.Input, "fundId", "loanId")
				if err != nil {
					return nil, err
				}
				loan, err := a.App.Facts().DefaultedLoan(ctx, got[1])
				if err != nil {
					return nil, err
				}
				if err := api.RequireParty(c.Principal, loan.Bank, false); err != nil {
					return nil, err
				}
				return fund.FileFundClaim{FundID: got[0], ClaimID: c.NewID("claim"), By: c.Principal.Party, Loan: loan}, nil
			},
			Payload: api.Created[fund.Command]("claimId", func(c fund.FileFundClaim) uuid.UUID { return c.ClaimID }),
		},
	}}
}

// fundIn is the input field naming the fund a mutation acts on.
var fundIn = graphql.InputObjectConfigFieldMap{"fundId": {Type: api.NonNull(graphql.ID)}}

// fundMutations are the fund operator's commands.
func (a area) fundMutations() api.Mutations[fund.Command] {
	return api.Mutations[fund.Command]{Handler: a.App.Funds, ID: "fundId", Rows: []api.Mutation[fund.Command]{
		{
			Name:        "establishFund",
			Description: "The fund's operator establishes the fund (defaults: 20 % of the net principal loss, 10,000,000.00 yuan).",
			Roles:       fundRole,
			Input: graphql.InputObjectConfigFieldMap{
				"name":                {Type: api.NonNull(graphql.String)},
				"compensationShareBP": {Type: graphql.Int},
				"initialCapital":      {Type: api.Money},
			},
			Decode: func(_ context.Context, c api.Call) (fund.Command, error) {
				settings := fund.DefaultSettings()
				if v, ok := c.Input["compensationShareBP"].(int); ok {
					settings.CompensationShareBP = v
				}
				if v, ok := c.Input["initialCapital"].(kernel.Money); ok {
					settings.InitialCapital = v
				}
				return fund.EstablishFund{FundID: c.NewID("fund"), By: c.Principal.Party, Name: api.Arg[string](c.Input, "name"),
					Settings: settings}, nil
			},
		}, {
			Name:        "topUpFund",
			Description: "The operator adds capital.",
			Roles:       fundRole,
			Input:       api.Inputs(fundIn, graphql.InputObjectConfigFieldMap{"amount": {Type: api.NonNull(api.Money)}, "source": {Type: api.NonNull(graphql.String)}}),
			Decode: api.On("fundId", func(_ context.Context, c api.Call, f uuid.UUID) (fund.Command, error) {
				return fund.TopUpCapital{FundID: f, By: c.Principal.Party, Amount: api.Arg[kernel.Money](c.Input, "amount"), Source: api.Arg[string](c.Input, "source")}, nil
			}),
		}, {
			Name:        "approveFundClaim",
			Description: "The operator accepts a filed claim.",
			Roles:       fundRole,
			Input:       api.Inputs(fundIn, claimIn),
			Decode: api.On("fundId", func(_ context.Context, c api.Call, f uuid.UUID) (fund.Command, error) {
				claim, err := api.ID(c.Input, "claimId")
				return fund.ApproveFundClaim{FundID: f, ClaimID: claim, By: c.Principal.Party}, err
			}),
		}, {
			Name:        "rejectFundClaim",
			Description: "The operator refuses a filed claim; the loan may be claimed again.",
			Roles:       fundRole,
			Input:       api.Inputs(fundIn, claimIn, graphql.InputObjectConfigFieldMap{"reason": {Type: api.NonNull(graphql.String)}}),
			Decode: api.On("fundId", func(_ context.Context, c api.Call, f uuid.UUID) (fund.Command, error) {
				claim, err := api.ID(c.Input, "claimId")
				return fund.RejectFundClaim{FundID: f, ClaimID: claim, By: c.Principal.Party, Reason: api.Arg[string](c.Input, "reason")}, err
			}),
		}, {
			Name:        "payFundClaim",
			Description: "The operator pays an approved claim out of capital, once (CLAIM_ALREADY_PAID after).",
			Roles:       fundRole,
			Input:       api.Inputs(fundIn, claimIn),
			Decode: api.On("fundId", func(_ context.Context, c api.Call, f uuid.UUID) (fund.Command, error) {
				claim, err := api.ID(c.Input, "claimId")
				return fund.PayFundClaim{FundID: f, ClaimID: claim, By: c.Principal.Party}, err
			}),
		}, {
			Name: "advanceRent",
			Description: "The operator advances rent in arrears under a transfer contract: the fund pays the contract's instalments to the farmer " +
				"and the transferee owes the fund (ADVANCE_EXCEEDS_ARREARS above the rent due and unpaid).",
			Roles:  fundRole,
			Input:  api.Inputs(fundIn, graphql.InputObjectConfigFieldMap{"contractId": {Type: api.NonNull(graphql.ID)}, "amount": {Type: api.NonNull(api.Money)}}),
			Output: graphql.Fields{"advanceId": {Type: api.NonNull(graphql.ID)}},
			Decode: api.On("fundId", func(ctx context.Context, c api.Call, f uuid.UUID) (fund.Command, error) {
				id, err := api.ID(c.Input, "contractId")
				if err != nil {
					return nil, err
				}
				contract, err := a.App.Facts().RentContract(ctx, id)
				return fund.AdvanceRent{FundID: f, AdvanceID: c.NewID("advanceId"), By: c.Principal.Party, Contract: contract,
					Amount: api.Arg[kernel.Money](c.Input, "amount")}, err
			}),
			Payload: api.Created[fund.Command]("advanceId", func(c fund.AdvanceRent) uuid.UUID { return c.AdvanceID }),
		}, {
			Name:        "recordRentAdvanceRepayment",
			Description: "The operator records money the transferee paid back on a rent advance.",
			Roles:       fundRole,
			Input:       api.Inputs(fundIn, graphql.InputObjectConfigFieldMap{"advanceId": {Type: api.NonNull(graphql.ID)}, "amount": {Type: api.NonNull(api.Money)}}),
			Decode: api.On("fundId", func(_ context.Context, c api.Call, f uuid.UUID) (fund.Command, error) {
				advance, err := api.ID(c.Input, "advanceId")
				return fund.RecordAdvanceRepayment{FundID: f, AdvanceID: advance, By: c.Principal.Party, Amount: api.Arg[kernel.Money](c.Input, "amount")}, err
			}),
		}, {
			Name: "buyCollateral",
			Description: "The operator takes into trusteeship the collateral of a defaulted loan, still under its notice, whose disposal listing " +
				"did not sell it and whose negotiated transfer in a later round failed too (rule 24: listing → negotiated transfer → trusteeship; " +
				"DISPOSAL_ORDER_NOT_FOLLOWED, LOAN_NOT_DEFAULTED, COLLATERAL_RELEASED otherwise). The price is paid by rank and the right moves to the fund.",
			Roles:  fundRole,
			Input:  api.Inputs(fundIn, graphql.InputObjectConfigFieldMap{"loanId": {Type: api.NonNull(graphql.ID)}, "price": {Type: api.NonNull(api.Money)}}),
			Output: graphql.Fields{"purchaseId": {Type: api.NonNull(graphql.ID)}},
			Decode: api.On("fundId", func(ctx context.Context, c api.Call, f uuid.UUID) (fund.Command, error) {
				loanID, err := api.ID(c.Input, "loanId")
				if err != nil {
					return nil, err
				}
				loan, unsold, err := a.App.Facts().CollateralPurchase(ctx, loanID)
				return fund.BuyCollateral{FundID: f, PurchaseID: c.NewID("purchaseId"), By: c.Principal.Party, Loan: loan, Unsold: unsold,
					Price: api.Arg[kernel.Money](c.Input, "price")}, err
			}),
			Payload: api.Created[fund.Command]("purchaseId", func(c fund.BuyCollateral) uuid.UUID { return c.PurchaseID }),
		},
	}}
}

// claimIn is the input field naming a claim on the fund.
var claimIn = graphql.InputObjectConfigFieldMap{"claimId": {Type: api.NonNull(graphql.ID)}}
