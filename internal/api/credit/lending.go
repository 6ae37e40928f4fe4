package credit

import (
	"context"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
)

var (
	repaymentMethod = api.Enum("RepaymentMethod", "How a loan's principal is repaid (interest: ACT/365 Fixed, to the fen per instalment).",
		lending.EqualInstalments, lending.EqualPrincipal, lending.InterestOnly)
	loanStatus = api.Enum("LoanStatus", "Where a loan is in its lifecycle (rule 22).",
		lending.StatusApplied, lending.StatusValued, lending.StatusApproved, lending.StatusCollateralRegistered,
		lending.StatusRejected, lending.StatusRepaying, lending.StatusOverdue, lending.StatusRepaid,
		lending.StatusDefaulted, lending.StatusRecovered, lending.StatusWrittenOff)
	recoverySource = api.Enum("RecoverySource", "Where money recovered on a defaulted loan came from.",
		lending.RecoveryDisposal, lending.RecoveryFund, lending.RecoveryBorrower)

	tierType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "LoanTier",
		Description: "What a borrower holding a credential may borrow under a product (rule 23).",
		Fields: graphql.Fields{
			"credential":    api.Field(api.NonNull(graphql.String), "", func(t lending.Tier) any { return t.Credential }),
			"creditLine":    api.Field(api.NonNull(api.Money), "The most one loan may be.", func(t lending.Tier) any { return t.CreditLine }),
			"maxTermMonths": api.Field(api.NonNull(graphql.Int), "", func(t lending.Tier) any { return t.MaxTermMonths }),
			"annualRateBP":  api.Field(api.NonNull(graphql.Int), "Annual interest rate in basis points (435 = 4.35 %).", func(t lending.Tier) any { return t.AnnualRateBP }),
		},
	})
	productType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "LoanProduct",
		Description: "A bank's loan product with tiered terms by borrower credential (rule 23).",
		Fields: graphql.Fields{
			"id":                      api.Field(api.NonNull(graphql.ID), "", func(p creditview.Product) any { return p.ID.String() }),
			"bankId":                  api.Field(api.NonNull(graphql.ID), "", func(p creditview.Product) any { return p.Bank.String() }),
			"name":                    api.Field(api.NonNull(graphql.String), "", func(p creditview.Product) any { return p.Name }),
			"ltvBP":                   api.Field(api.NonNull(graphql.Int), "Loan-to-value cap in basis points of the appraised value.", func(p creditview.Product) any { return p.LTVBP }),
			"defaultAfterDaysOverdue": api.Field(api.NonNull(graphql.Int), "", func(p creditview.Product) any { return p.DefaultAfterDaysOverdue }),
			"withdrawn":               api.Field(api.NonNull(graphql.Boolean), "", func(p creditview.Product) any { return p.Withdrawn }),
			"definedAt":               api.Field(api.NonNull(api.DateTime), "", func(p creditview.Product) any { return p.DefinedAt }),
			"tiers":                   api.Field(api.ListOf(tierType), "", func(p creditview.Product) any { return p.Tiers }),
		},
	})
	instalmentType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "LoanInstalment",
		Description: "One scheduled repayment and what has been paid on it.",
		Fields: graphql.Fields{
			"no":            api.Field(api.NonNull(graphql.Int), "", func(i creditview.Instalment) any { return i.No }),
			"dueDate":       api.Field(api.NonNull(api.DateTime), "The Asia/Shanghai calendar date, as midnight UTC.", func(i creditview.Instalment) any { return i.DueDate }),
			"days":          api.Field(api.NonNull(graphql.Int), "Days of interest (ACT/365 Fixed).", func(i creditview.Instalment) any { return i.Days }),
			"principal":     api.Field(api.NonNull(api.Money), "", func(i creditview.Instalment) any { return i.Principal }),
			"interest":      api.Field(api.NonNull(api.Money), "", func(i creditview.Instalment) any { return i.Interest }),
			"paidPrincipal": api.Field(api.NonNull(api.Money), "", func(i creditview.Instalment) any { return i.PaidPrincipal }),
			"paidInterest":  api.Field(api.NonNull(api.Money), "", func(i creditview.Instalment) any { return i.PaidInterest }),
			"unpaid":        api.Field(api.NonNull(api.Money), "", func(i creditview.Instalment) any { return i.Unpaid() }),
		},
	})
	paymentType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "LoanPayment",
		Description: "Money received on a loan: a repayment, or a recovery after default.",
		Fields: graphql.Fields{
			"kind":                 api.Field(api.NonNull(graphql.String), "REPAYMENT or RECOVERY.", func(p creditview.Payment) any { return p.Kind }),
			"source":               api.Field(api.NonNull(recoverySource), "", func(p creditview.Payment) any { return lending.RecoverySource(p.Source) }),
			"amount":               api.Field(api.NonNull(api.Money), "", func(p creditview.Payment) any { return p.Amount }),
			"principal":            api.Field(api.NonNull(api.Money), "", func(p creditview.Payment) any { return p.Principal }),
			"interest":             api.Field(api.NonNull(api.Money), "", func(p creditview.Payment) any { return p.Interest }),
			"principalOutstanding": api.Field(api.NonNull(api.Money), "Of the schedule after a repayment; of the claim after a recovery.", func(p creditview.Payment) any { return p.PrincipalOutstanding }),
			"at":                   api.Field(api.NonNull(api.DateTime), "", func(p creditview.Payment) any { return p.At }),
		},
	})
	loanType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Loan",
		Description: "A loan secured by a rural property right (rule 22). Seen by its bank, its borrower and the exchange.",
		Fields: graphql.Fields{
			"id":                   api.Field(api.NonNull(graphql.ID), "", func(l loanNode) any { return l.ID.String() }),
			"borrowerId":           api.Field(api.NonNull(graphql.ID), "", func(l loanNode) any { return l.Borrower.String() }),
			"bankId":               api.Field(api.NonNull(graphql.ID), "", func(l loanNode) any { return l.Bank.String() }),
			"productId":            api.Field(api.NonNull(graphql.ID), "", func(l loanNode) any { return l.ProductID.String() }),
			"productName":          api.Field(api.NonNull(graphql.String), "", func(l loanNode) any { return l.ProductName }),
			"credential":           api.Field(api.NonNull(graphql.String), "", func(l loanNode) any { return l.Credential }),
			"requested":            api.Field(api.NonNull(api.Money), "", func(l loanNode) any { return l.Requested }),
			"termMonths":           api.Field(api.NonNull(graphql.Int), "", func(l loanNode) any { return l.TermMonths }),
			"method":               api.Field(api.NonNull(repaymentMethod), "", func(l loanNode) any { return l.Method }),
			"annualRateBP":         api.Field(api.NonNull(graphql.Int), "", func(l loanNode) any { return l.AnnualRateBP }),
			"assetId":              api.Field(api.NonNull(graphql.ID), "The pledged right.", func(l loanNode) any { return l.AssetID.String() }),
			"assetType":            api.Field(api.NonNull(api.AssetType), "", func(l loanNode) any { return l.AssetType }),
			"rightsEnd":            api.Field(api.NonNull(api.DateTime), "When the pledged right ends (rule 9).", func(l loanNode) any { return l.RightsEnd }),
			"borrowerIsTransferee": api.Field(api.NonNull(graphql.Boolean), "", func(l loanNode) any { return l.BorrowerIsTransferee }),
			"appraisedValue":       api.Field(api.Money, "", func(l loanNode) any { return api.Nullable(l.AppraisedValue) }),
			"approved":             api.Field(api.Money, "", func(l loanNode) any { return api.Nullable(l.Approved) }),
			"maxByLTV":             api.Field(api.Money, "Loan-to-value × appraised value at approval.", func(l loanNode) any { return api.Nullable(l.MaxByLTV) }),
			"maturesOn":            api.Field(api.DateTime, "", func(l loanNode) any { return l.MaturesOn }),
			"registrationId":       api.Field(graphql.ID, "The collateral registration securing the loan.", func(l loanNode) any { return api.Nullable(l.RegistrationID) }),
			"disbursedOn":          api.Field(api.DateTime, "", func(l loanNode) any { return l.DisbursedOn }),
			"principalOutstanding": api.Field(api.NonNull(api.Money), "", func(l loanNode) any { return l.PrincipalOutstanding }),
			"status":               api.Field(api.NonNull(loanStatus), "", func(l loanNode) any { return l.Status }),
			"rejectionReason":      api.Field(graphql.String, "", func(l loanNode) any { return api.Nullable(l.Reason) }),
			"overdueSince":         api.Field(api.DateTime, "", func(l loanNode) any { return l.OverdueSince }),
			"defaultedAt":          api.Field(api.DateTime, "", func(l loanNode) any { return l.DefaultedAt }),
			"defaultedPrincipal":   api.Field(api.NonNull(api.Money), "", func(l loanNode) any { return l.DefaultedPrincipal }),
			"claimPrincipal":       api.Field(api.NonNull(api.Money), "Principal still claimed after default.", func(l loanNode) any { return l.ClaimPrincipal }),
			"claimInterest":        api.Field(api.NonNull(api.Money), "Interest still claimed after default.", func(l loanNode) any { return l.ClaimInterest }),
			"principalRecovered":   api.Field(api.NonNull(api.Money), "From disposal and the borrower (the base of a fund claim's net loss).", func(l loanNode) any { return l.PrincipalRecovered }),
			"recovered":            api.Field(api.NonNull(api.Money), "From every source.", func(l loanNode) any { return l.Recovered }),
			"writtenOff":           api.Field(api.NonNull(api.Money), "", func(l loanNode) any { return l.WrittenOff }),
			"appliedAt":            api.Field(api.NonNull(api.DateTime), "", func(l loanNode) any { return l.AppliedAt }),
			"updatedAt":            api.Field(api.NonNull(api.DateTime), "", func(l loanNode) any { return l.UpdatedAt }),
			"schedule": api.Load(api.ListOf(instalmentType), "The repayment schedule, once disbursed.", func(ctx context.Context, l loanNode) (any, error) {
				return l.schedules.Of(ctx, l.ID)
			}),
			"payments": api.Load(api.ListOf(paymentType), "Repayments and recoveries, oldest first.", func(ctx context.Context, l loanNode) (any, error) {
				return l.payments.Of(ctx, l.ID)
			}),
		},
	})
	loanFilter = graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "LoanFilter",
		Fields: graphql.InputObjectConfigFieldMap{
			"bankId":     {Type: graphql.ID},
			"borrowerId": {Type: graphql.ID},
			"assetId":    {Type: graphql.ID},
			"status":     {Type: loanStatus},
		},
	})
	tierInput = graphql.NewInputObject(graphql.InputObjectConfig{
		Name: "LoanTierInput",
		Fields: graphql.InputObjectConfigFieldMap{
			"credential":    {Type: api.NonNull(graphql.String)},
			"creditLine":    {Type: api.NonNull(api.Money)},
			"maxTermMonths": {Type: api.NonNull(graphql.Int)},
			"annualRateBP":  {Type: api.NonNull(graphql.Int)},
		},
	})
)

// loanNode is a loan with its page's schedules and payments, each loaded in
// one query when asked for.
type loanNode struct {
	creditview.Loan
	schedules *api.Batch[creditview.Instalment]
	payments  *api.Batch[creditview.Payment]
}

// loanNodes makes the nodes of one page of loans.
func (a area) loanNodes(loans []creditview.Loan) []loanNode {
	id := func(l creditview.Loan) uuid.UUID { return l.ID }
	schedules := api.PageBatch(loans, id, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]creditview.Instalment, error) {
		return creditview.Schedules(ctx, a.DB, ids)
	})
	payments := api.PageBatch(loans, id, func(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID][]creditview.Payment, error) {
		return creditview.Payments(ctx, a.DB, ids)
	})
	out := make([]loanNode, len(loans))
	for i, l := range loans {
		out[i] = loanNode{Loan: l, schedules: schedules, payments: payments}
	}
	return out
}

// loanViewer returns who may see which loans: the exchange all (uuid.Nil
// twice), a bank its own, a borrower (bidder or collective) its own.
func loanViewer(ctx context.Context) (bank, borrower uuid.UUID, err error) {
	p, err := api.Require(ctx, auth.RoleExchange, auth.RoleBank, auth.RoleBidder, auth.RoleCollective)
	switch {
	case err != nil:
		return uuid.Nil, uuid.Nil, err
	case p.Role == auth.RoleBank:
		return p.Party, uuid.Nil, nil
	case p.Role == auth.RoleExchange:
		return uuid.Nil, uuid.Nil, nil
	}
	return uuid.Nil, p.Party, nil
}

// lendingQueries adds loan products and loans.
func (a area) lendingQueries(b *api.Builder) {
	b.Query("loanProducts", &graphql.Field{
		Type:        api.ListOf(productType),
		Description: "The loan products on offer (public), oldest first.",
		Args: graphql.FieldConfigArgument{
			"bankId":           {Type: graphql.ID, Description: "Only this bank's products."},
			"includeWithdrawn": {Type: graphql.Boolean, DefaultValue: false},
		},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			bank, err := api.OptionalID(p.Args, "bankId")
			if err != nil {
				return nil, err
			}
			withdrawn := api.Arg[bool](p.Args, "includeWithdrawn")
			return creditview.Products(p.Context, a.DB, bank, withdrawn)
		},
	})
	b.Query("loans", &graphql.Field{
		Type: api.NonNull(api.Connection(loanType)),
		Description: "Loans, newest application first. The exchange sees all; a bank only its own; a borrower (bidder or " +
			"collective) only its own, whatever the filter says.",
		Args: api.ConnectionArgs(graphql.FieldConfigArgument{"filter": {Type: loanFilter}}),
		Resolve: func(p graphql.ResolveParams) (any, error) {
			bank, borrower, err := loanViewer(p.Context)
			if err != nil {
				return nil, err
			}
			f, err := readLoanFilter(p.Args)
			if err != nil {
				return nil, err
			}
			if bank != uuid.Nil {
				f.Bank = bank
			}
			if borrower != uuid.Nil {
				f.Borrower = borrower
			}
			return api.Connect(p.Args, 2, func(pg readmodel.Page) (readmodel.Result[loanNode], error) {
				res, err := creditview.Loans(p.Context, a.DB, f, pg)
				return readmodel.Result[loanNode]{Rows: a.loanNodes(res.Rows), HasNext: res.HasNext, Total: res.Total}, err
			}, func(l loanNode) readmodel.Cursor { return l.Cursor() }, func(l loanNode) any { return l })
		},
	})
	b.Query("loan", &graphql.Field{
		Type:        loanType,
		Description: "One loan with its schedule and payments; null when there is none. FORBIDDEN for another bank's or borrower's loan.",
		Args:        graphql.FieldConfigArgument{"id": {Type: api.NonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			bank, borrower, err := loanViewer(p.Context)
			if err != nil {
				return nil, err
			}
			id, err := api.ID(p.Args, "id")
			if err != nil {
				return nil, err
			}
			l, ok, err := creditview.LoanByID(p.Context, a.DB, id)
			if err != nil || !ok {
				return nil, err
			}
			if (bank != uuid.Nil && l.Bank != bank) || (borrower != uuid.Nil && l.Borrower != borrower) {
				return nil, kernel.Errorf(kernel.CodeForbidden, "this belongs to another party")
			}
			return a.loanNodes([]creditview.Loan{l})[0], nil
		},
	})
}

func readLoanFilter(args map[string]any) (creditview.LoanFilter, error) {
	in, _ := args["filter"].(map[string]any)
	var f creditview.LoanFilter
	var err error
	if f.Bank, err = api.OptionalID(in, "bankId"); err != nil {
		return f, err
	}
	if f.Borrower, err = api.OptionalID(in, "borrowerId"); err != nil {
		return f, err
	}
	if f.Asset, err = api.OptionalID(in, "assetId"); err != nil {
		return f, err
	}
	f.Status = api.Arg[lending.Status](in, "status")
	return f, nil
}

// terms reads a product's terms; omitted numbers keep those of base.
func terms(in map[string]any, base lending.Terms) lending.Terms {
	t := lending.Terms{LTVBP: base.LTVBP, DefaultAfterDaysOverdue: base.DefaultAfterDaysOverdue}
	if v, ok := in["ltvBP"].(int); ok {
		t.LTVBP = v
	}
	if v, ok := in["defaultAfterDaysOverdue"].(int); ok {
		t.DefaultAfterDaysOverdue = v
	}
	for _, m := range api.Args[map[string]any](in, "tiers") {
		t.Tiers = append(t.Tiers, lending.Tier{Credential: api.Arg[string](m, "credential"), CreditLine: api.Arg[kernel.Money](m, "creditLine"),
			MaxTermMonths: api.Arg[int](m, "maxTermMonths"), AnnualRateBP: api.Arg[int](m, "annualRateBP")})
	}
	return t
}

// productIn is the input field naming the product a mutation acts on.
var productIn = graphql.InputObjectConfigFieldMap{"productId": {Type: api.NonNull(graphql.ID)}}

// termsIn are the input fields of a product's terms.
var termsIn = graphql.InputObjectConfigFieldMap{
	"tiers":                   {Type: api.ListOf(tierInput)},
	"ltvBP":                   {Type: graphql.Int, Description: "Loan-to-value cap in basis points (default 5000 when defining, unchanged when revising)."},
	"defaultAfterDaysOverdue": {Type: graphql.Int, Description: "Default 90 when defining, unchanged when revising."},
}

// productMutations are a bank's loan products.
func (a area) productMutations() api.Mutations[lending.ProductCommand] {
	return api.Mutations[lending.ProductCommand]{Handler: a.App.Products, ID: "productId", Rows: []api.Mutation[lending.ProductCommand]{
		{
			Name:        "defineLoanProduct",
			Description: "A bank defines a loan product with tiers by borrower credential (rule 23).",
			Roles:       bank,
			Input:       api.Inputs(termsIn, graphql.InputObjectConfigFieldMap{"name": {Type: api.NonNull(graphql.String)}}),
			Decode: func(_ context.Context, c api.Call) (lending.ProductCommand, error) {
				return lending.DefineLoanProduct{ProductID: c.NewID("product"), By: c.Principal.Party,
					Name: api.Arg[string](c.Input, "name"), Terms: terms(c.Input, lending.DefaultTerms())}, nil
			},
		}, {
			Name:        "reviseLoanProduct",
			Description: "The product's bank replaces its tiers (and optionally LTV and default days); loans applied for keep their terms.",
			Roles:       bank,
			Input:       api.Inputs(termsIn, productIn),
			Decode: api.On("productId", func(ctx context.Context, c api.Call, id uuid.UUID) (lending.ProductCommand, error) {
				current, err := api.Inspect(ctx, a.App.Products, id, func(s lending.ProductState) lending.Terms {
					return lending.Terms{LTVBP: s.Terms.LTVBP, DefaultAfterDaysOverdue: s.Terms.DefaultAfterDaysOverdue}
				})
				return lending.ReviseLoanProduct{ProductID: id, By: c.Principal.Party, Terms: terms(c.Input, current)}, err
			}),
		}, {
			Name:        "withdrawLoanProduct",
			Description: "The product's bank stops taking applications for it.",
			Roles:       bank,
			Input:       productIn,
			Decode: api.On("productId", func(_ context.Context, c api.Call, id uuid.UUID) (lending.ProductCommand, error) {
				return lending.WithdrawLoanProduct{ProductID: id, By: c.Principal.Party}, nil
			}),
		},
	}}
}

// loanFacts is what resolvers read of a loan before acting on it.
type loanFacts struct {
	exists         bool
	bank, borrower uuid.UUID
	status         lending.Status
	asset          uuid.UUID
}

func (a area) readLoan(ctx context.Context, id uuid.UUID) (loanFacts, error) {
	f, err := api.Inspect(ctx, a.App.Loans, id, func(s lending.State) loanFacts {
		return loanFacts{exists: s.Exists(), bank: s.Bank, borrower: s.Borrower, status: s.Status, asset: s.Collateral.AssetID}
	})
	if err == nil && !f.exists {
		err = kernel.FieldErrorf(kernel.CodeNotFound, "loanId", "no loan %s", id)
	}
	return f, err
}

// loanIn is the input field naming the loan a mutation acts on.
var loanIn = graphql.InputObjectConfigFieldMap{"loanId": {Type: api.NonNull(graphql.ID)}}

// byBank decodes a bank's step on one of its loans, named by loanId.
func (a area) byBank(build func(ctx context.Context, c api.Call, loan loanFacts, id uuid.UUID) (lending.Command, error)) func(context.Context, api.Call) (lending.Command, error) {
	return api.On("loanId", func(ctx context.Context, c api.Call, id uuid.UUID) (lending.Command, error) {
		loan, err := a.readLoan(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := api.RequireParty(c.Principal, loan.bank, false); err != nil {
			return nil, err
		}
		return build(ctx, c, loan, id)
	})
}

// loanMutations are a loan's life: the borrower's application and
// repayments, the bank's steps.
func (a area) loanMutations() api.Mutations[lending.Command] {
	return api.Mutations[lending.Command]{Handler: a.App.Loans, ID: "loanId", Rows: []api.Mutation[lending.Command]{
		{
			Name: "applyForLoan",
			Description: "A borrower (a bidder or collective, as itself) applies for a loan against a right it holds. The asset's " +
				"type and the right's end date come from the registry and, for a transferee, the rent status from its transfer contract " +
				"(rule 9) and the contractor's recorded consent (rule 7). A member may pledge its shares: assetId names the cooperative, " +
				"and the loan runs at most the cooperative's pledged-loan term (rule 18, PLEDGED_LOAN_TERM_EXCEEDED). The credential " +
				"picks the product's tier (rule 23).",
			Roles: []auth.Role{auth.RoleBidder, auth.RoleCollective},
			Input: graphql.InputObjectConfigFieldMap{
				"productId":  {Type: api.NonNull(graphql.ID)},
				"assetId":    {Type: api.NonNull(graphql.ID), Description: "The right pledged, which the borrower must hold, or the cooperative whose shares it pledges."},
				"credential": {Type: api.NonNull(graphql.String)},
				"amount":     {Type: api.NonNull(api.Money)},
				"termMonths": {Type: api.NonNull(graphql.Int)},
				"method":     {Type: api.NonNull(repaymentMethod)},
			},
			Decode: func(ctx context.Context, c api.Call) (lending.Command, error) {
				in := c.Input
				got, err := api.IDs(in, "productId", "assetId")
				if err != nil {
					return nil, err
				}
				product, err := api.Inspect(ctx, a.App.Products, got[0], lending.ProductState.Snapshot)
				if err != nil {
					return nil, err
				}
				if product.ProductID == uuid.Nil {
					return nil, kernel.FieldErrorf(kernel.CodeNotFound, "productId", "no loan product %s", got[0])
				}
				col, err := a.App.Facts().LoanCollateral(ctx, got[1], c.Principal.Party)
				if err != nil {
					return nil, err
				}
				return lending.ApplyForLoan{LoanID: c.NewID("loan"), Borrower: c.Principal.Party, Bank: product.Bank,
					Product: product, Credential: api.Arg[string](in, "credential"), Amount: api.Arg[kernel.Money](in, "amount"),
					TermMonths: api.Arg[int](in, "termMonths"), Method: api.Arg[lending.RepaymentMethod](in, "method"), Collateral: col}, nil
			},
		}, {
			Name:        "repayLoan",
			Description: "The borrower pays, or its bank records a payment received: oldest instalment first, interest before principal (OVERPAYMENT above what is owed).",
			Roles:       []auth.Role{auth.RoleBidder, auth.RoleCollective, auth.RoleBank},
			Input:       api.Inputs(loanIn, graphql.InputObjectConfigFieldMap{"amount": {Type: api.NonNull(api.Money)}}),
			Decode: api.On("loanId", func(ctx context.Context, c api.Call, id uuid.UUID) (lending.Command, error) {
				loan, err := a.readLoan(ctx, id)
				if err != nil {
					return nil, err
				}
				party := loan.borrower
				if c.Principal.Role == auth.RoleBank {
					party = loan.bank
				}
				if err := api.RequireParty(c.Principal, party, false); err != nil {
					return nil, err
				}
				return lending.RepayLoan{LoanID: id, Amount: api.Arg[kernel.Money](c.Input, "amount")}, nil
			}),
		}, {
			Name:        "valueCollateral",
			Description: "The loan's bank records an appraisal of the collateral (a later one replaces it).",
			Roles:       bank,
			Input:       api.Inputs(loanIn, graphql.InputObjectConfigFieldMap{"value": {Type: api.NonNull(api.Money)}, "appraiserId": {Type: api.NonNull(graphql.ID)}}),
			Decode: a.byBank(func(_ context.Context, c api.Call, _ loanFacts, id uuid.UUID) (lending.Command, error) {
				appraiser, err := api.ID(c.Input, "appraiserId")
				return lending.ValueCollateral{LoanID: id, By: c.Principal.Party, Value: api.Arg[kernel.Money](c.Input, "value"), Appraiser: appraiser}, err
			}),
		}, {
			Name: "approveLoan",
			Description: "The loan's bank approves an amount up to the request: LTV_EXCEEDED above loan-to-value × appraised value " +
				"(rule 22), TERM_EXCEEDS_RIGHT when the loan would outlast the right and RENT_NOT_PAID for a transferee in arrears (rule 9), " +
				"CONSENT_REQUIRED without the contractor's consent (rule 7).",
			Roles: bank,
			Input: api.Inputs(loanIn, graphql.InputObjectConfigFieldMap{"amount": {Type: api.NonNull(api.Money)}}),
			Decode: a.byBank(func(_ context.Context, c api.Call, _ loanFacts, id uuid.UUID) (lending.Command, error) {
				return lending.ApproveLoan{LoanID: id, By: c.Principal.Party, Amount: api.Arg[kernel.Money](c.Input, "amount")}, nil
			}),
		}, {
			Name:        "rejectLoan",
			Description: "The loan's bank declines an application before approval.",
			Roles:       bank,
			Input:       api.Inputs(loanIn, graphql.InputObjectConfigFieldMap{"reason": {Type: api.NonNull(graphql.String)}}),
			Decode: a.byBank(func(_ context.Context, c api.Call, _ loanFacts, id uuid.UUID) (lending.Command, error) {
				return lending.RejectLoan{LoanID: id, By: c.Principal.Party, Reason: api.Arg[string](c.Input, "reason")}, nil
			}),
		}, {
			Name: "disburseLoan",
			Description: "The loan's bank pays the loan out today and fixes its schedule; COLLATERAL_NOT_REGISTERED before the " +
				"collateral registration is recorded (rule 22), TERM_EXCEEDS_RIGHT if the loan would now outlast the right (rule 9), " +
				"PLEDGE_NOT_RECORDED for a loan secured by shares whose pledge the cooperative has not recorded (rule 18).",
			Roles: bank,
			Input: loanIn,
			Decode: a.byBank(func(ctx context.Context, c api.Call, _ loanFacts, id uuid.UUID) (lending.Command, error) {
				return a.App.Facts().Disbursal(ctx, lending.DisburseLoan{LoanID: id, By: c.Principal.Party})
			}),
		}, {
			Name:        "declareLoanDefault",
			Description: "The loan's bank declares the loan in default once an instalment has been overdue for the product's days (NOT_YET_DUE before).",
			Roles:       bank,
			Input:       loanIn,
			Decode: a.byBank(func(_ context.Context, _ api.Call, _ loanFacts, id uuid.UUID) (lending.Command, error) {
				return lending.DeclareDefault{LoanID: id}, nil
			}),
		}, {
			Name:        "recordLoanRecovery",
			Description: "The loan's bank records money recovered on the defaulted loan: principal first, then interest.",
			Roles:       bank,
			Input:       api.Inputs(loanIn, graphql.InputObjectConfigFieldMap{"source": {Type: api.NonNull(recoverySource)}, "amount": {Type: api.NonNull(api.Money)}}),
			Decode: a.byBank(func(_ context.Context, c api.Call, _ loanFacts, id uuid.UUID) (lending.Command, error) {
				return lending.RecordRecovery{LoanID: id, Source: api.Arg[lending.RecoverySource](c.Input, "source"), Amount: api.Arg[kernel.Money](c.Input, "amount")}, nil
			}),
		}, {
			Name:        "writeOffLoan",
			Description: "The loan's bank writes off what recoveries left of the defaulted loan.",
			Roles:       bank,
			Input:       loanIn,
			Decode: a.byBank(func(_ context.Context, c api.Call, _ loanFacts, id uuid.UUID) (lending.Command, error) {
				return lending.WriteOff{LoanID: id, By: c.Principal.Party}, nil
			}),
		}, {
			Name: "recordCollateralRegistered",
			Description: "The loan's bank records the registration securing the approved loan (normally the " +
				"process manager does when registerCollateral names the loan). The registration must be in force, the bank's own, " +
				"granted by the borrower and over the loan's asset (INVALID_INPUT otherwise); it records the loan first, and secures " +
				"no other loan unless it was filed as an all-sums notice (rule 31: NOTICE_SECURES_ANOTHER_LOAN; " +
				"ALL_SUMS_MAXIMUM_EXCEEDED above its maximum).",
			Roles: bank,
			Input: api.Inputs(loanIn, graphql.InputObjectConfigFieldMap{"registrationId": {Type: api.NonNull(graphql.ID)}}),
			Decode: a.byBank(func(ctx context.Context, c api.Call, _ loanFacts, id uuid.UUID) (lending.Command, error) {
				reg, err := api.ID(c.Input, "registrationId")
				if err != nil {
					return nil, err
				}
				return a.App.SecureLoan(ctx, reg, id, c.Meta)
			}),
		},
	}}
}
