package credit

import (
	"context"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

var (
	claimStatus = enum("FundClaimStatus", "Where a claim on the fund is.",
		fund.ClaimFiled, fund.ClaimApproved, fund.ClaimRejected, fund.ClaimPaid)
	disposalStage = enum("DisposalStage", "A step of disposing of defaulted collateral, in the order tried (rule 24).",
		fund.StageListing, fund.StageNegotiated, fund.StageTrusteeship)

	claimType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "FundClaim",
		Description: "A bank's claim for the fund's share of its net principal loss on a defaulted loan (rule 24).",
		Fields: graphql.Fields{
			"id":                   {Type: nonNull(graphql.ID)},
			"bankId":               {Type: nonNull(graphql.ID)},
			"loanId":               {Type: nonNull(graphql.ID)},
			"assetId":              {Type: nonNull(graphql.ID)},
			"principalOutstanding": {Type: nonNull(api.Money), Description: "Unpaid principal at default."},
			"principalRecovered":   {Type: nonNull(api.Money), Description: "Recovered since from disposal and the borrower."},
			"netLoss":              {Type: nonNull(api.Money)},
			"shareBP":              {Type: nonNull(graphql.Int)},
			"payable":              {Type: nonNull(api.Money), Description: "floor(netLoss × shareBP / 10000), fixed at filing."},
			"status":               {Type: nonNull(claimStatus)},
			"rejectionReason":      {Type: graphql.String},
			"paid":                 {Type: nonNull(api.Money)},
			"filedAt":              {Type: nonNull(api.DateTime)},
			"decidedAt":            {Type: api.DateTime},
			"paidAt":               {Type: api.DateTime},
		},
	})
	advanceType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "RentAdvance",
		Description: "Rent the fund advanced to a farmer under a transfer contract.",
		Fields: graphql.Fields{
			"id":          {Type: nonNull(graphql.ID)},
			"farmerId":    {Type: nonNull(graphql.ID)},
			"contractId":  {Type: nonNull(graphql.ID)},
			"amount":      {Type: nonNull(api.Money)},
			"outstanding": {Type: nonNull(api.Money)},
			"advancedAt":  {Type: nonNull(api.DateTime)},
		},
	})
	holdingType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "FundHolding",
		Description: "Collateral the fund bought as buyer of last resort.",
		Fields: graphql.Fields{
			"purchaseId": {Type: nonNull(graphql.ID)},
			"assetId":    {Type: nonNull(graphql.ID)},
			"loanId":     {Type: nonNull(graphql.ID)},
			"stage":      {Type: nonNull(disposalStage)},
			"price":      {Type: nonNull(api.Money)},
			"boughtAt":   {Type: nonNull(api.DateTime)},
			"sold":       {Type: nonNull(graphql.Boolean)},
			"proceeds":   {Type: api.Money},
			"soldAt":     {Type: api.DateTime},
		},
	})
	fundType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "OperationFund",
		Description: "The rural property operation fund (农村产权运作基金, rule 24).",
		Fields: graphql.Fields{
			"id":                  {Type: nonNull(graphql.ID)},
			"operatorId":          {Type: nonNull(graphql.ID)},
			"name":                {Type: nonNull(graphql.String)},
			"compensationShareBP": {Type: nonNull(graphql.Int)},
			"initialCapital":      {Type: nonNull(api.Money)},
			"toppedUp":            {Type: nonNull(api.Money)},
			"capital":             {Type: nonNull(api.Money), Description: "Available now."},
			"establishedAt":       {Type: nonNull(api.DateTime)},
			"claims":              lazy(listOf(claimType), "Claims, oldest first; a bank sees only its own."),
			"advances":            lazy(listOf(advanceType), "Rent advances, oldest first (not shown to banks)."),
			"holdings":            lazy(listOf(holdingType), "Collateral bought, oldest first."),
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
		Args:        graphql.FieldConfigArgument{"id": {Type: nonNull(graphql.ID)}},
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
							"stage": h.Stage, "price": h.Price, "boughtAt": h.BoughtAt, "sold": h.Sold, "proceeds": optionalMoney(h.Proceeds), "soldAt": h.SoldAt}
					})
				}),
			}, nil
		},
	})

	b.Mutation(api.MutationSpec{
		Name:        "fileFundClaim",
		Description: "A bank claims the fund's share of its net principal loss on its defaulted loan; the figures come from the loan (rule 24).",
		Roles:       []auth.Role{auth.RoleBank},
		Input: graphql.InputObjectConfigFieldMap{
			"fundId": {Type: nonNull(graphql.ID)},
			"loanId": {Type: nonNull(graphql.ID)},
		},
		Output: graphql.Fields{"claimId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, call api.Call) (api.Payload, error) {
			got, err := ids(call.Input, "fundId", "loanId")
			if err != nil {
				return api.Payload{}, err
			}
			loan, err := readLoan(ctx, d, got[1])
			if err != nil {
				return api.Payload{}, err
			}
			if err := api.RequireParty(call.Principal, loan.bank, false); err != nil {
				return api.Payload{}, err
			}
			claim := call.NewID("claim")
			return via(d.App.Funds)(ctx, fund.FileFundClaim{FundID: got[0], ClaimID: claim, By: call.Principal.Party,
				Loan: fund.DefaultedLoan{LoanID: got[1], Bank: loan.bank, AssetID: loan.asset, AssetType: loan.assetType,
					Defaulted: loan.status == lending.StatusDefaulted, PrincipalOutstanding: loan.defaultedPrincipal,
					PrincipalRecovered: loan.principalRecovered}}, call, map[string]any{"claimId": claim.String()})
		},
	})

	fundRole := []auth.Role{auth.RoleFund}
	b.Mutation(api.MutationSpec{
		Name:        "establishFund",
		Description: "The fund's operator establishes the fund (defaults: 20 % of the net principal loss, 10,000,000.00 yuan).",
		Roles:       fundRole,
		Input: graphql.InputObjectConfigFieldMap{
			"name":                {Type: nonNull(graphql.String)},
			"compensationShareBP": {Type: graphql.Int},
			"initialCapital":      {Type: api.Money},
		},
		Output: graphql.Fields{"fundId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, call api.Call) (api.Payload, error) {
			settings := fund.DefaultSettings()
			if v, ok := call.Input["compensationShareBP"].(int); ok {
				settings.CompensationShareBP = v
			}
			if v, ok := call.Input["initialCapital"].(kernel.Money); ok {
				settings.InitialCapital = v
			}
			id := call.NewID("fund")
			return via(d.App.Funds)(ctx, fund.EstablishFund{FundID: id, By: call.Principal.Party, Name: str(call.Input, "name"),
				Settings: settings}, call, map[string]any{"fundId": id.String()})
		},
	})

	// operatorSteps are the fund operator's commands on an existing fund.
	type step struct {
		name, description string
		input             graphql.InputObjectConfigFieldMap
		created           string // the output field of an id the step creates, "" for none
		command           func(ctx context.Context, call api.Call, fundID, created uuid.UUID) (fund.Command, error)
	}
	for _, s := range []step{
		{"topUpFund", "The operator adds capital.",
			graphql.InputObjectConfigFieldMap{"amount": {Type: nonNull(api.Money)}, "source": {Type: nonNull(graphql.String)}}, "",
			func(_ context.Context, call api.Call, f, _ uuid.UUID) (fund.Command, error) {
				return fund.TopUpCapital{FundID: f, By: call.Principal.Party, Amount: money(call.Input, "amount"), Source: str(call.Input, "source")}, nil
			}},
		{"approveFundClaim", "The operator accepts a filed claim.",
			graphql.InputObjectConfigFieldMap{"claimId": {Type: nonNull(graphql.ID)}}, "",
			func(_ context.Context, call api.Call, f, _ uuid.UUID) (fund.Command, error) {
				claim, err := api.ID(call.Input, "claimId")
				return fund.ApproveFundClaim{FundID: f, ClaimID: claim, By: call.Principal.Party}, err
			}},
		{"rejectFundClaim", "The operator refuses a filed claim; the loan may be claimed again.",
			graphql.InputObjectConfigFieldMap{"claimId": {Type: nonNull(graphql.ID)}, "reason": {Type: nonNull(graphql.String)}}, "",
			func(_ context.Context, call api.Call, f, _ uuid.UUID) (fund.Command, error) {
				claim, err := api.ID(call.Input, "claimId")
				return fund.RejectFundClaim{FundID: f, ClaimID: claim, By: call.Principal.Party, Reason: str(call.Input, "reason")}, err
			}},
		{"payFundClaim", "The operator pays an approved claim out of capital, once (CLAIM_ALREADY_PAID after).",
			graphql.InputObjectConfigFieldMap{"claimId": {Type: nonNull(graphql.ID)}}, "",
			func(_ context.Context, call api.Call, f, _ uuid.UUID) (fund.Command, error) {
				claim, err := api.ID(call.Input, "claimId")
				return fund.PayFundClaim{FundID: f, ClaimID: claim, By: call.Principal.Party}, err
			}},
		{"advanceRent", "The operator advances rent due under a transfer contract to a farmer.",
			graphql.InputObjectConfigFieldMap{"farmerId": {Type: nonNull(graphql.ID)}, "contractId": {Type: nonNull(graphql.ID)},
				"amount": {Type: nonNull(api.Money)}}, "advanceId",
			func(ctx context.Context, call api.Call, f, advance uuid.UUID) (fund.Command, error) {
				got, err := ids(call.Input, "farmerId", "contractId")
				if err != nil {
					return nil, err
				}
				exists, err := inspect(ctx, d.App.Transfers, got[1], func(s transfer.State) bool { return s.Status != "" })
				if err == nil && !exists {
					err = kernel.FieldErrorf(kernel.CodeNotFound, "contractId", "no transfer contract %s", got[1])
				}
				return fund.AdvanceRent{FundID: f, AdvanceID: advance, By: call.Principal.Party, Farmer: got[0], ContractID: got[1],
					Amount: money(call.Input, "amount")}, err
			}},
		{"recordRentAdvanceRepayment", "The operator records money paid back on a rent advance.",
			graphql.InputObjectConfigFieldMap{"advanceId": {Type: nonNull(graphql.ID)}, "amount": {Type: nonNull(api.Money)}}, "",
			func(_ context.Context, call api.Call, f, _ uuid.UUID) (fund.Command, error) {
				advance, err := api.ID(call.Input, "advanceId")
				return fund.RecordAdvanceRepayment{FundID: f, AdvanceID: advance, By: call.Principal.Party, Amount: money(call.Input, "amount")}, err
			}},
		{"buyCollateral", "The operator buys a defaulted loan's collateral that did not sell, at a disposal stage whose earlier " +
			"stages are all named in unsold (rule 24: listing → negotiated transfer → trusteeship; DISPOSAL_ORDER_NOT_FOLLOWED otherwise).",
			graphql.InputObjectConfigFieldMap{"loanId": {Type: nonNull(graphql.ID)}, "stage": {Type: nonNull(disposalStage)},
				"unsold": {Type: listOf(disposalStage), Description: "The stages already tried without a sale."},
				"price":  {Type: nonNull(api.Money)}}, "purchaseId",
			func(ctx context.Context, call api.Call, f, purchase uuid.UUID) (fund.Command, error) {
				loanID, err := api.ID(call.Input, "loanId")
				if err != nil {
					return nil, err
				}
				loan, err := readLoan(ctx, d, loanID)
				if err != nil {
					return nil, err
				}
				stage, _ := call.Input["stage"].(fund.DisposalStage)
				var unsold []fund.DisposalStage
				for _, u := range call.Input["unsold"].([]any) {
					unsold = append(unsold, u.(fund.DisposalStage))
				}
				return fund.BuyCollateral{FundID: f, PurchaseID: purchase, By: call.Principal.Party, AssetID: loan.asset, LoanID: loanID,
					Stage: stage, Unsold: unsold, Price: money(call.Input, "price")}, nil
			}},
		{"sellFundHolding", "The operator records the sale of collateral the fund bought; the proceeds return to capital.",
			graphql.InputObjectConfigFieldMap{"purchaseId": {Type: nonNull(graphql.ID)}, "proceeds": {Type: nonNull(api.Money)}}, "",
			func(_ context.Context, call api.Call, f, _ uuid.UUID) (fund.Command, error) {
				purchase, err := api.ID(call.Input, "purchaseId")
				return fund.SellHolding{FundID: f, PurchaseID: purchase, By: call.Principal.Party, Proceeds: money(call.Input, "proceeds")}, err
			}},
	} {
		s.input["fundId"] = &graphql.InputObjectFieldConfig{Type: nonNull(graphql.ID)}
		output := graphql.Fields{"fundId": {Type: nonNull(graphql.ID)}}
		if s.created != "" {
			output[s.created] = &graphql.Field{Type: nonNull(graphql.ID)}
		}
		b.Mutation(api.MutationSpec{
			Name: s.name, Description: s.description, Roles: fundRole, Input: s.input, Output: output,
			Run: func(ctx context.Context, call api.Call) (api.Payload, error) {
				id, err := api.ID(call.Input, "fundId")
				if err != nil {
					return api.Payload{}, err
				}
				var created uuid.UUID
				fields := map[string]any{"fundId": id.String()}
				if s.created != "" {
					created = call.NewID(s.created)
					fields[s.created] = created.String()
				}
				cmd, err := s.command(ctx, call, id, created)
				if err != nil {
					return api.Payload{}, err
				}
				return via(d.App.Funds)(ctx, cmd, call, fields)
			},
		})
	}
}
