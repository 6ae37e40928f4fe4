package credit

import (
	"context"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
	"github.com/nongjiao/nongjiao/internal/transfer"
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
			"id":                   {Type: api.NonNull(graphql.ID)},
			"bankId":               {Type: api.NonNull(graphql.ID)},
			"loanId":               {Type: api.NonNull(graphql.ID)},
			"assetId":              {Type: api.NonNull(graphql.ID)},
			"principalOutstanding": {Type: api.NonNull(api.Money), Description: "Unpaid principal at default."},
			"principalRecovered":   {Type: api.NonNull(api.Money), Description: "Recovered since from disposal and the borrower."},
			"netLoss":              {Type: api.NonNull(api.Money)},
			"shareBP":              {Type: api.NonNull(graphql.Int)},
			"payable":              {Type: api.NonNull(api.Money), Description: "floor(netLoss × shareBP / 10000), fixed at filing."},
			"status":               {Type: api.NonNull(claimStatus)},
			"rejectionReason":      {Type: graphql.String},
			"paid":                 {Type: api.NonNull(api.Money)},
			"filedAt":              {Type: api.NonNull(api.DateTime)},
			"decidedAt":            {Type: api.DateTime},
			"paidAt":               {Type: api.DateTime},
		},
	})
	advanceType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "RentAdvance",
		Description: "Rent the fund advanced to a farmer under a transfer contract.",
		Fields: graphql.Fields{
			"id":          {Type: api.NonNull(graphql.ID)},
			"farmerId":    {Type: api.NonNull(graphql.ID)},
			"contractId":  {Type: api.NonNull(graphql.ID)},
			"amount":      {Type: api.NonNull(api.Money)},
			"outstanding": {Type: api.NonNull(api.Money)},
			"advancedAt":  {Type: api.NonNull(api.DateTime)},
		},
	})
	holdingType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "FundHolding",
		Description: "Collateral the fund bought as buyer of last resort.",
		Fields: graphql.Fields{
			"purchaseId": {Type: api.NonNull(graphql.ID)},
			"assetId":    {Type: api.NonNull(graphql.ID)},
			"loanId":     {Type: api.NonNull(graphql.ID)},
			"stage":      {Type: api.NonNull(disposalStage)},
			"price":      {Type: api.NonNull(api.Money)},
			"boughtAt":   {Type: api.NonNull(api.DateTime)},
			"sold":       {Type: api.NonNull(graphql.Boolean)},
			"proceeds":   {Type: api.Money},
			"soldAt":     {Type: api.DateTime},
		},
	})
	fundType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "OperationFund",
		Description: "The rural property operation fund (农村产权运作基金, rule 24).",
		Fields: graphql.Fields{
			"id":                  {Type: api.NonNull(graphql.ID)},
			"operatorId":          {Type: api.NonNull(graphql.ID)},
			"name":                {Type: api.NonNull(graphql.String)},
			"compensationShareBP": {Type: api.NonNull(graphql.Int)},
			"initialCapital":      {Type: api.NonNull(api.Money)},
			"toppedUp":            {Type: api.NonNull(api.Money)},
			"capital":             {Type: api.NonNull(api.Money), Description: "Available now."},
			"establishedAt":       {Type: api.NonNull(api.DateTime)},
			"claims":              lazy(api.ListOf(claimType), "Claims, oldest first; a bank sees only its own."),
			"advances":            lazy(api.ListOf(advanceType), "Rent advances, oldest first (not shown to banks)."),
			"holdings":            lazy(api.ListOf(holdingType), "Collateral bought, oldest first."),
		},
	})
)

func claimNode(c creditview.Claim) map[string]any {
	var reason any
	if c.Reason != "" {
		reason = c.Reason
	}
	return map[string]any{"id": c.ID.String(), "bankId": c.Bank.String(), "loanId": c.LoanID.String(), "assetId": c.AssetID.String(),
		"principalOutstanding": c.PrincipalOutstanding, "principalRecovered": c.PrincipalRecovered, "netLoss": c.NetLoss,
		"shareBP": c.ShareBP, "payable": c.Payable, "status": c.Status, "rejectionReason": reason, "paid": c.Paid,
		"filedAt": c.FiledAt, "decidedAt": c.DecidedAt, "paidAt": c.PaidAt}
}

func registerFund(b *api.Builder, d api.Deps) {
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
			f, ok, err := creditview.FundByID(p.Context, d.DB, id)
			if err != nil || !ok {
				return nil, err
			}
			var bank uuid.UUID
			if viewer.Role == auth.RoleBank {
				bank = viewer.Party
			}
			ctx := p.Context
			return map[string]any{
				"id": f.ID.String(), "operatorId": f.Operator.String(), "name": f.Name, "compensationShareBP": f.CompensationShareBP,
				"initialCapital": f.InitialCapital, "toppedUp": f.ToppedUp, "capital": f.Capital, "establishedAt": f.EstablishedAt,
				"claims": thunk(func() (any, error) {
					claims, err := creditview.FundClaims(ctx, d.DB, id, bank)
					return nodes(claims, err, claimNode)
				}),
				"advances": thunk(func() (any, error) {
					if bank != uuid.Nil {
						return nil, kernel.Errorf(kernel.CodeForbidden, "rent advances are not shown to banks")
					}
					advances, err := creditview.FundAdvances(ctx, d.DB, id)
					return nodes(advances, err, func(a creditview.Advance) map[string]any {
						return map[string]any{"id": a.ID.String(), "farmerId": a.Farmer.String(), "contractId": a.ContractID.String(),
							"amount": a.Amount, "outstanding": a.Outstanding, "advancedAt": a.AdvancedAt}
					})
				}),
				"holdings": thunk(func() (any, error) {
					holdings, err := creditview.FundHoldings(ctx, d.DB, id)
					return nodes(holdings, err, func(h creditview.Holding) map[string]any {
						return map[string]any{"purchaseId": h.PurchaseID.String(), "assetId": h.AssetID.String(), "loanId": h.LoanID.String(),
							"stage": h.Stage, "price": h.Price, "boughtAt": h.BoughtAt, "sold": h.Sold, "proceeds": api.Nullable(h.Proceeds), "soldAt": h.SoldAt}
					})
				}),
			}, nil
		},
	})
	claimMutations(d).Register(b)
	fundMutations(d).Register(b)
}

// claimMutations are a bank's claims on the fund.
func claimMutations(d api.Deps) api.Mutations[fund.Command] {
	return api.Mutations[fund.Command]{Handler: d.App.Funds, Rows: []api.Mutation[fund.Command]{{
		Name:        "fileFundClaim",
		Description: "A bank claims the fund's share of its net principal loss on its defaulted loan; the figures come from the loan (rule 24).",
		Roles:       bank,
		Input: graphql.InputObjectConfigFieldMap{
			"fundId": {Type: api.NonNull(graphql.ID)},
			"loanId": {Type: api.NonNull(graphql.ID)},
		},
		Output: graphql.Fields{"claimId": {Type: api.NonNull(graphql.ID)}},
		Decode: func(ctx context.Context, call api.Call) (fund.Command, error) {
			got, err := api.IDs(call.Input, "fundId", "loanId")
			if err != nil {
				return nil, err
			}
			loan, err := readLoan(ctx, d, got[1])
			if err != nil {
				return nil, err
			}
			if err := api.RequireParty(call.Principal, loan.bank, false); err != nil {
				return nil, err
			}
			return fund.FileFundClaim{FundID: got[0], ClaimID: call.NewID("claim"), By: call.Principal.Party,
				Loan: fund.DefaultedLoan{LoanID: got[1], Bank: loan.bank, AssetID: loan.asset, AssetType: loan.assetType,
					Defaulted: loan.status == lending.StatusDefaulted, PrincipalOutstanding: loan.defaultedPrincipal,
					PrincipalRecovered: loan.principalRecovered}}, nil
		},
		Payload: func(cmd fund.Command, _ app.Result) map[string]any {
			return map[string]any{"claimId": cmd.(fund.FileFundClaim).ClaimID.String()}
		},
	}}}
}

// fundIn is the input field naming the fund a mutation acts on.
var fundIn = graphql.InputObjectConfigFieldMap{"fundId": {Type: api.NonNull(graphql.ID)}}

// fundMutations are the fund operator's commands.
func fundMutations(d api.Deps) api.Mutations[fund.Command] {
	return api.Mutations[fund.Command]{Handler: d.App.Funds, ID: "fundId", Rows: []api.Mutation[fund.Command]{{
		Name:        "establishFund",
		Description: "The fund's operator establishes the fund (defaults: 20 % of the net principal loss, 10,000,000.00 yuan).",
		Roles:       fundRole,
		Input: graphql.InputObjectConfigFieldMap{
			"name":                {Type: api.NonNull(graphql.String)},
			"compensationShareBP": {Type: graphql.Int},
			"initialCapital":      {Type: api.Money},
		},
		Decode: func(_ context.Context, call api.Call) (fund.Command, error) {
			settings := fund.DefaultSettings()
			if v, ok := call.Input["compensationShareBP"].(int); ok {
				settings.CompensationShareBP = v
			}
			if v, ok := call.Input["initialCapital"].(kernel.Money); ok {
				settings.InitialCapital = v
			}
			return fund.EstablishFund{FundID: call.NewID("fund"), By: call.Principal.Party, Name: api.Arg[string](call.Input, "name"),
				Settings: settings}, nil
		},
	}, {
		Name:        "topUpFund",
		Description: "The operator adds capital.",
		Roles:       fundRole,
		Input:       api.Inputs(fundIn, graphql.InputObjectConfigFieldMap{"amount": {Type: api.NonNull(api.Money)}, "source": {Type: api.NonNull(graphql.String)}}),
		Decode: api.On("fundId", func(_ context.Context, call api.Call, f uuid.UUID) (fund.Command, error) {
			return fund.TopUpCapital{FundID: f, By: call.Principal.Party, Amount: api.Arg[kernel.Money](call.Input, "amount"), Source: api.Arg[string](call.Input, "source")}, nil
		}),
	}, {
		Name:        "approveFundClaim",
		Description: "The operator accepts a filed claim.",
		Roles:       fundRole,
		Input:       api.Inputs(fundIn, claimIn),
		Decode: api.On("fundId", func(_ context.Context, call api.Call, f uuid.UUID) (fund.Command, error) {
			claim, err := api.ID(call.Input, "claimId")
			return fund.ApproveFundClaim{FundID: f, ClaimID: claim, By: call.Principal.Party}, err
		}),
	}, {
		Name:        "rejectFundClaim",
		Description: "The operator refuses a filed claim; the loan may be claimed again.",
		Roles:       fundRole,
		Input:       api.Inputs(fundIn, claimIn, graphql.InputObjectConfigFieldMap{"reason": {Type: api.NonNull(graphql.String)}}),
		Decode: api.On("fundId", func(_ context.Context, call api.Call, f uuid.UUID) (fund.Command, error) {
			claim, err := api.ID(call.Input, "claimId")
			return fund.RejectFundClaim{FundID: f, ClaimID: claim, By: call.Principal.Party, Reason: api.Arg[string](call.Input, "reason")}, err
		}),
	}, {
		Name:        "payFundClaim",
		Description: "The operator pays an approved claim out of capital, once (CLAIM_ALREADY_PAID after).",
		Roles:       fundRole,
		Input:       api.Inputs(fundIn, claimIn),
		Decode: api.On("fundId", func(_ context.Context, call api.Call, f uuid.UUID) (fund.Command, error) {
			claim, err := api.ID(call.Input, "claimId")
			return fund.PayFundClaim{FundID: f, ClaimID: claim, By: call.Principal.Party}, err
		}),
	}, {
		Name:        "advanceRent",
		Description: "The operator advances rent due under a transfer contract to a farmer.",
		Roles:       fundRole,
		Input: api.Inputs(fundIn, graphql.InputObjectConfigFieldMap{"farmerId": {Type: api.NonNull(graphql.ID)}, "contractId": {Type: api.NonNull(graphql.ID)},
			"amount": {Type: api.NonNull(api.Money)}}),
		Output: graphql.Fields{"advanceId": {Type: api.NonNull(graphql.ID)}},
		Decode: api.On("fundId", func(ctx context.Context, call api.Call, f uuid.UUID) (fund.Command, error) {
			got, err := api.IDs(call.Input, "farmerId", "contractId")
			if err != nil {
				return nil, err
			}
			exists, err := inspect(ctx, d.App.Transfers, got[1], func(s transfer.State) bool { return s.Status != "" })
			if err == nil && !exists {
				err = kernel.FieldErrorf(kernel.CodeNotFound, "contractId", "no transfer contract %s", got[1])
			}
			return fund.AdvanceRent{FundID: f, AdvanceID: call.NewID("advanceId"), By: call.Principal.Party, Farmer: got[0], ContractID: got[1],
				Amount: api.Arg[kernel.Money](call.Input, "amount")}, err
		}),
		Payload: func(cmd fund.Command, _ app.Result) map[string]any {
			return map[string]any{"advanceId": cmd.(fund.AdvanceRent).AdvanceID.String()}
		},
	}, {
		Name:        "recordRentAdvanceRepayment",
		Description: "The operator records money paid back on a rent advance.",
		Roles:       fundRole,
		Input:       api.Inputs(fundIn, graphql.InputObjectConfigFieldMap{"advanceId": {Type: api.NonNull(graphql.ID)}, "amount": {Type: api.NonNull(api.Money)}}),
		Decode: api.On("fundId", func(_ context.Context, call api.Call, f uuid.UUID) (fund.Command, error) {
			advance, err := api.ID(call.Input, "advanceId")
			return fund.RecordAdvanceRepayment{FundID: f, AdvanceID: advance, By: call.Principal.Party, Amount: api.Arg[kernel.Money](call.Input, "amount")}, err
		}),
	}, {
		Name: "buyCollateral",
		Description: "The operator buys a defaulted loan's collateral that did not sell, at a disposal stage whose earlier " +
			"stages are all named in unsold (rule 24: listing → negotiated transfer → trusteeship; DISPOSAL_ORDER_NOT_FOLLOWED otherwise).",
		Roles: fundRole,
		Input: api.Inputs(fundIn, graphql.InputObjectConfigFieldMap{"loanId": {Type: api.NonNull(graphql.ID)}, "stage": {Type: api.NonNull(disposalStage)},
			"unsold": {Type: api.ListOf(disposalStage), Description: "The stages already tried without a sale."},
			"price":  {Type: api.NonNull(api.Money)}}),
		Output: graphql.Fields{"purchaseId": {Type: api.NonNull(graphql.ID)}},
		Decode: api.On("fundId", func(ctx context.Context, call api.Call, f uuid.UUID) (fund.Command, error) {
			loanID, err := api.ID(call.Input, "loanId")
			if err != nil {
				return nil, err
			}
			loan, err := readLoan(ctx, d, loanID)
			if err != nil {
				return nil, err
			}
			return fund.BuyCollateral{FundID: f, PurchaseID: call.NewID("purchaseId"), By: call.Principal.Party, AssetID: loan.asset, LoanID: loanID,
				Stage: api.Arg[fund.DisposalStage](call.Input, "stage"), Unsold: api.Args[fund.DisposalStage](call.Input, "unsold"),
				Price: api.Arg[kernel.Money](call.Input, "price")}, nil
		}),
		Payload: func(cmd fund.Command, _ app.Result) map[string]any {
			return map[string]any{"purchaseId": cmd.(fund.BuyCollateral).PurchaseID.String()}
		},
	}, {
		Name:        "sellFundHolding",
		Description: "The operator records the sale of collateral the fund bought; the proceeds return to capital.",
		Roles:       fundRole,
		Input:       api.Inputs(fundIn, graphql.InputObjectConfigFieldMap{"purchaseId": {Type: api.NonNull(graphql.ID)}, "proceeds": {Type: api.NonNull(api.Money)}}),
		Decode: api.On("fundId", func(_ context.Context, call api.Call, f uuid.UUID) (fund.Command, error) {
			purchase, err := api.ID(call.Input, "purchaseId")
			return fund.SellHolding{FundID: f, PurchaseID: purchase, By: call.Principal.Party, Proceeds: api.Arg[kernel.Money](call.Input, "proceeds")}, err
		}),
	}}}
}

// claimIn is the input field naming a claim on the fund.
var claimIn = graphql.InputObjectConfigFieldMap{"claimId": {Type: api.NonNull(graphql.ID)}}
