package credit

import (
	"context"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

var (
	repaymentMethod = enum("RepaymentMethod", "How a loan's principal is repaid (interest: ACT/365 Fixed, to the fen per instalment).",
		lending.EqualInstalments, lending.EqualPrincipal, lending.InterestOnly)
	loanStatus = enum("LoanStatus", "Where a loan is in its lifecycle (rule 22).",
		lending.StatusApplied, lending.StatusValued, lending.StatusApproved, lending.StatusCollateralRegistered,
		lending.StatusRejected, lending.StatusRepaying, lending.StatusOverdue, lending.StatusRepaid,
		lending.StatusDefaulted, lending.StatusRecovered, lending.StatusWrittenOff)
	recoverySource = enum("RecoverySource", "Where money recovered on a defaulted loan came from.",
		lending.RecoveryDisposal, lending.RecoveryFund, lending.RecoveryBorrower)

	tierType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "LoanTier",
		Description: "What a borrower holding a credential may borrow under a product (rule 23).",
		Fields: graphql.Fields{
			"credential":    {Type: nonNull(graphql.String)},
			"creditLine":    {Type: nonNull(api.Money), Description: "The most one loan may be."},
			"maxTermMonths": {Type: nonNull(graphql.Int)},
			"annualRateBP":  {Type: nonNull(graphql.Int), Description: "Annual interest rate in basis points (435 = 4.35 %)."},
		},
	})
	productType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "LoanProduct",
		Description: "A bank's loan product with tiered terms by borrower credential (rule 23).",
		Fields: graphql.Fields{
			"id":                      {Type: nonNull(graphql.ID)},
			"bankId":                  {Type: nonNull(graphql.ID)},
			"name":                    {Type: nonNull(graphql.String)},
			"ltvBP":                   {Type: nonNull(graphql.Int), Description: "Loan-to-value cap in basis points of the appraised value."},
			"defaultAfterDaysOverdue": {Type: nonNull(graphql.Int)},
			"withdrawn":               {Type: nonNull(graphql.Boolean)},
			"definedAt":               {Type: nonNull(api.DateTime)},
			"tiers":                   {Type: listOf(tierType)},
		},
	})
	instalmentType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "LoanInstalment",
		Description: "One scheduled repayment and what has been paid on it.",
		Fields: graphql.Fields{
			"no":            {Type: nonNull(graphql.Int)},
			"dueDate":       {Type: nonNull(api.DateTime), Description: "The Asia/Shanghai calendar date, as midnight UTC."},
			"days":          {Type: nonNull(graphql.Int), Description: "Days of interest (ACT/365 Fixed)."},
			"principal":     {Type: nonNull(api.Money)},
			"interest":      {Type: nonNull(api.Money)},
			"paidPrincipal": {Type: nonNull(api.Money)},
			"paidInterest":  {Type: nonNull(api.Money)},
			"unpaid":        {Type: nonNull(api.Money)},
		},
	})
	paymentType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "LoanPayment",
		Description: "Money received on a loan: a repayment, or a recovery after default.",
		Fields: graphql.Fields{
			"kind":                 {Type: nonNull(graphql.String), Description: "REPAYMENT or RECOVERY."},
			"source":               {Type: nonNull(recoverySource)},
			"amount":               {Type: nonNull(api.Money)},
			"principal":            {Type: nonNull(api.Money)},
			"interest":             {Type: nonNull(api.Money)},
			"principalOutstanding": {Type: nonNull(api.Money), Description: "Of the schedule after a repayment; of the claim after a recovery."},
			"at":                   {Type: nonNull(api.DateTime)},
		},
	})
	loanType = graphql.NewObject(graphql.ObjectConfig{
		Name:        "Loan",
		Description: "A loan secured by a rural property right (rule 22). Seen by its bank, its borrower and the exchange.",
		Fields: graphql.Fields{
			"id":                   {Type: nonNull(graphql.ID)},
			"borrowerId":           {Type: nonNull(graphql.ID)},
			"bankId":               {Type: nonNull(graphql.ID)},
			"productId":            {Type: nonNull(graphql.ID)},
			"productName":          {Type: nonNull(graphql.String)},
			"credential":           {Type: nonNull(graphql.String)},
			"requested":            {Type: nonNull(api.Money)},
			"termMonths":           {Type: nonNull(graphql.Int)},
			"method":               {Type: nonNull(repaymentMethod)},
			"annualRateBP":         {Type: nonNull(graphql.Int)},
			"assetId":              {Type: nonNull(graphql.ID), Description: "The pledged right."},
			"assetType":            {Type: nonNull(graphql.String)},
			"rightsEnd":            {Type: nonNull(api.DateTime), Description: "When the pledged right ends (rule 9)."},
			"borrowerIsTransferee": {Type: nonNull(graphql.Boolean)},
			"appraisedValue":       {Type: api.Money},
			"approved":             {Type: api.Money},
			"maxByLTV":             {Type: api.Money, Description: "Loan-to-value × appraised value at approval."},
			"maturesOn":            {Type: api.DateTime},
			"registrationId":       {Type: graphql.ID, Description: "The collateral registration securing the loan."},
			"disbursedOn":          {Type: api.DateTime},
			"principalOutstanding": {Type: nonNull(api.Money)},
			"status":               {Type: nonNull(loanStatus)},
			"rejectionReason":      {Type: graphql.String},
			"overdueSince":         {Type: api.DateTime},
			"defaultedAt":          {Type: api.DateTime},
			"defaultedPrincipal":   {Type: nonNull(api.Money)},
			"claimPrincipal":       {Type: nonNull(api.Money), Description: "Principal still claimed after default."},
			"claimInterest":        {Type: nonNull(api.Money), Description: "Interest still claimed after default."},
			"principalRecovered":   {Type: nonNull(api.Money), Description: "From disposal and the borrower (the base of a fund claim's net loss)."},
			"recovered":            {Type: nonNull(api.Money), Description: "From every source."},
			"writtenOff":           {Type: nonNull(api.Money)},
			"appliedAt":            {Type: nonNull(api.DateTime)},
			"updatedAt":            {Type: nonNull(api.DateTime)},
			"schedule":             lazy(listOf(instalmentType), "The repayment schedule, once disbursed."),
			"payments":             lazy(listOf(paymentType), "Repayments and recoveries, oldest first."),
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
			"credential":    {Type: nonNull(graphql.String)},
			"creditLine":    {Type: nonNull(api.Money)},
			"maxTermMonths": {Type: nonNull(graphql.Int)},
			"annualRateBP":  {Type: nonNull(graphql.Int)},
		},
	})
)

func productNode(p creditview.Product) map[string]any {
	tiers := make([]map[string]any, len(p.Tiers))
	for i, t := range p.Tiers {
		tiers[i] = map[string]any{"credential": t.Credential, "creditLine": t.CreditLine, "maxTermMonths": t.MaxTermMonths, "annualRateBP": t.AnnualRateBP}
	}
	return map[string]any{"id": p.ID.String(), "bankId": p.Bank.String(), "name": p.Name, "ltvBP": p.LTVBP,
		"defaultAfterDaysOverdue": p.DefaultAfterDaysOverdue, "withdrawn": p.Withdrawn, "definedAt": p.DefinedAt, "tiers": tiers}
}

func instalmentNode(i creditview.Instalment) map[string]any {
	return map[string]any{"no": i.No, "dueDate": i.DueDate, "days": i.Days, "principal": i.Principal, "interest": i.Interest,
		"paidPrincipal": i.PaidPrincipal, "paidInterest": i.PaidInterest, "unpaid": i.Unpaid()}
}

func paymentNode(p creditview.Payment) map[string]any {
	return map[string]any{"kind": p.Kind, "source": lending.RecoverySource(p.Source), "amount": p.Amount, "principal": p.Principal,
		"interest": p.Interest, "principalOutstanding": p.PrincipalOutstanding, "at": p.At}
}

// optionalMoney renders an amount not yet known as null.
func optionalMoney(m kernel.Money) any {
	if m == 0 {
		return nil
	}
	return m
}

// loanNodes renders loans; schedules and payments load in one query each, when asked for.
func loanNodes(ctx context.Context, d api.Deps, loans []creditview.Loan) []any {
	loanIDs := make([]uuid.UUID, len(loans))
	for i, l := range loans {
		loanIDs[i] = l.ID
	}
	schedules := newBatch(func() (map[uuid.UUID][]creditview.Instalment, error) { return creditview.Schedules(ctx, d.DB, loanIDs) })
	payments := newBatch(func() (map[uuid.UUID][]creditview.Payment, error) { return creditview.Payments(ctx, d.DB, loanIDs) })
	out := make([]any, len(loans))
	for i, l := range loans {
		reason := any(nil)
		if l.Reason != "" {
			reason = l.Reason
		}
		out[i] = map[string]any{
			"id": l.ID.String(), "borrowerId": l.Borrower.String(), "bankId": l.Bank.String(), "productId": l.ProductID.String(),
			"productName": l.ProductName, "credential": l.Credential, "requested": l.Requested, "termMonths": l.TermMonths,
			"method": l.Method, "annualRateBP": l.AnnualRateBP, "assetId": l.AssetID.String(), "assetType": string(l.AssetType),
			"rightsEnd": l.RightsEnd, "borrowerIsTransferee": l.BorrowerIsTransferee, "appraisedValue": optionalMoney(l.AppraisedValue),
			"approved": optionalMoney(l.Approved), "maxByLTV": optionalMoney(l.MaxByLTV), "maturesOn": l.MaturesOn,
			"registrationId": idOrNull(l.RegistrationID), "disbursedOn": l.DisbursedOn, "principalOutstanding": l.PrincipalOutstanding,
			"status": l.Status, "rejectionReason": reason, "overdueSince": l.OverdueSince, "defaultedAt": l.DefaultedAt,
			"defaultedPrincipal": l.DefaultedPrincipal, "claimPrincipal": l.ClaimPrincipal, "claimInterest": l.ClaimInterest,
			"principalRecovered": l.PrincipalRecovered, "recovered": l.Recovered, "writtenOff": l.WrittenOff,
			"appliedAt": l.AppliedAt, "updatedAt": l.UpdatedAt,
			"schedule": of(schedules, l.ID, instalmentNode), "payments": of(payments, l.ID, paymentNode),
		}
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

func registerLending(b *api.Builder, d api.Deps) {
	b.Query("loanProducts", &graphql.Field{
		Type:        listOf(productType),
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
			withdrawn, _ := p.Args["includeWithdrawn"].(bool)
			products, err := creditview.Products(p.Context, d.DB, bank, withdrawn)
			return nodes(products, err, productNode)
		},
	})
	b.Query("loans", &graphql.Field{
		Type: nonNull(api.Connection(loanType)),
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
			limit, err := api.PageSize(p.Args)
			if err != nil {
				return nil, err
			}
			after, err := api.DecodeCursor(p.Args, 2)
			if err != nil {
				return nil, err
			}
			res, err := creditview.Loans(p.Context, d.DB, f, readmodel.Page{First: limit, After: after})
			if err != nil {
				return nil, err
			}
			page := api.Page{Nodes: loanNodes(p.Context, d, res.Rows), HasNext: res.HasNext, TotalCount: res.Total}
			for _, l := range res.Rows {
				page.Cursors = append(page.Cursors, api.EncodeCursor(l.Cursor()...))
			}
			return page.Resolve(), nil
		},
	})
	b.Query("loan", &graphql.Field{
		Type:        loanType,
		Description: "One loan with its schedule and payments; null when there is none. FORBIDDEN for another bank's or borrower's loan.",
		Args:        graphql.FieldConfigArgument{"id": {Type: nonNull(graphql.ID)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			bank, borrower, err := loanViewer(p.Context)
			if err != nil {
				return nil, err
			}
			id, err := api.ID(p.Args, "id")
			if err != nil {
				return nil, err
			}
			l, ok, err := creditview.LoanByID(p.Context, d.DB, id)
			if err != nil || !ok {
				return nil, err
			}
			if (bank != uuid.Nil && l.Bank != bank) || (borrower != uuid.Nil && l.Borrower != borrower) {
				return nil, kernel.Errorf(kernel.CodeForbidden, "this belongs to another party")
			}
			return loanNodes(p.Context, d, []creditview.Loan{l})[0], nil
		},
	})
	registerProducts(b, d)
	registerLoanMutations(b, d)
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
	f.Status, _ = in["status"].(lending.Status)
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
	list, _ := in["tiers"].([]any)
	for _, x := range list {
		m, _ := x.(map[string]any)
		t.Tiers = append(t.Tiers, lending.Tier{Credential: str(m, "credential"), CreditLine: money(m, "creditLine"),
			MaxTermMonths: number(m, "maxTermMonths"), AnnualRateBP: number(m, "annualRateBP")})
	}
	return t
}

func registerProducts(b *api.Builder, d api.Deps) {
	bank := []auth.Role{auth.RoleBank}
	termsInput := graphql.InputObjectConfigFieldMap{
		"tiers":                   {Type: listOf(tierInput)},
		"ltvBP":                   {Type: graphql.Int, Description: "Loan-to-value cap in basis points (default 5000 when defining, unchanged when revising)."},
		"defaultAfterDaysOverdue": {Type: graphql.Int, Description: "Default 90 when defining, unchanged when revising."},
	}
	withTerms := func(extra graphql.InputObjectConfigFieldMap) graphql.InputObjectConfigFieldMap {
		for k, v := range termsInput {
			extra[k] = v
		}
		return extra
	}
	b.Mutation(api.MutationSpec{
		Name:        "defineLoanProduct",
		Description: "A bank defines a loan product with tiers by borrower credential (rule 23).",
		Roles:       bank,
		Input:       withTerms(graphql.InputObjectConfigFieldMap{"name": {Type: nonNull(graphql.String)}}),
		Output:      graphql.Fields{"productId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, call api.Call) (api.Payload, error) {
			id := call.NewID("product")
			return via(d.App.Products)(ctx, lending.DefineLoanProduct{ProductID: id, By: call.Principal.Party,
				Name: str(call.Input, "name"), Terms: terms(call.Input, lending.DefaultTerms())}, call, map[string]any{"productId": id.String()})
		},
	})
	b.Mutation(api.MutationSpec{
		Name:        "reviseLoanProduct",
		Description: "The product's bank replaces its tiers (and optionally LTV and default days); loans applied for keep their terms.",
		Roles:       bank,
		Input:       withTerms(graphql.InputObjectConfigFieldMap{"productId": {Type: nonNull(graphql.ID)}}),
		Output:      graphql.Fields{"productId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, call api.Call) (api.Payload, error) {
			id, err := api.ID(call.Input, "productId")
			if err != nil {
				return api.Payload{}, err
			}
			current, err := inspect(ctx, d.App.Products, id, func(s lending.ProductState) lending.Terms {
				return lending.Terms{LTVBP: s.Terms.LTVBP, DefaultAfterDaysOverdue: s.Terms.DefaultAfterDaysOverdue}
			})
			if err != nil {
				return api.Payload{}, err
			}
			return via(d.App.Products)(ctx, lending.ReviseLoanProduct{ProductID: id, By: call.Principal.Party,
				Terms: terms(call.Input, current)}, call, map[string]any{"productId": id.String()})
		},
	})
	b.Mutation(api.MutationSpec{
		Name:        "withdrawLoanProduct",
		Description: "The product's bank stops taking applications for it.",
		Roles:       bank,
		Input:       graphql.InputObjectConfigFieldMap{"productId": {Type: nonNull(graphql.ID)}},
		Output:      graphql.Fields{"productId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, call api.Call) (api.Payload, error) {
			id, err := api.ID(call.Input, "productId")
			if err != nil {
				return api.Payload{}, err
			}
			return via(d.App.Products)(ctx, lending.WithdrawLoanProduct{ProductID: id, By: call.Principal.Party}, call,
				map[string]any{"productId": id.String()})
		},
	})
}

// loanFacts is what resolvers read of a loan before acting on it.
type loanFacts struct {
	exists             bool
	bank, borrower     uuid.UUID
	status             lending.Status
	asset              uuid.UUID
	assetType          kernel.AssetType
	defaultedPrincipal kernel.Money
	principalRecovered kernel.Money
}

func readLoan(ctx context.Context, d api.Deps, id uuid.UUID) (loanFacts, error) {
	f, err := inspect(ctx, d.App.Loans, id, func(s lending.State) loanFacts {
		return loanFacts{exists: s.Exists(), bank: s.Bank, borrower: s.Borrower, status: s.Status, asset: s.Collateral.AssetID,
			assetType: s.Collateral.AssetType, defaultedPrincipal: s.DefaultedPrincipal, principalRecovered: s.PrincipalRecovered}
	})
	if err == nil && !f.exists {
		err = kernel.FieldErrorf(kernel.CodeNotFound, "loanId", "no loan %s", id)
	}
	return f, err
}

// collateralFacts reads what an application needs to know of the pledged
// right (rules 7 and 9): its type, end date and holder from the asset
// registry and, for a transferee, the rent status of its transfer contract.
func collateralFacts(ctx context.Context, d api.Deps, asset, borrower uuid.UUID) (lending.Collateral, error) {
	type facts struct {
		registered bool
		holder     uuid.UUID
		contract   uuid.UUID
		col        lending.Collateral
	}
	f, err := inspect(ctx, d.App.Assets, asset, func(s registry.State) facts {
		right, _ := s.CurrentRight()
		_, consent := s.ConsentFor(borrower, registry.ConsentMortgage)
		return facts{registered: s.Registered, holder: s.Holder(), contract: right.ContractID, col: lending.Collateral{
			AssetID: asset, AssetType: s.Type, RightsEndDate: right.End, BorrowerIsTransferee: s.HeldByTransferee(),
			ContractorConsent: consent}}
	})
	switch {
	case err != nil:
		return lending.Collateral{}, err
	case !f.registered:
		return lending.Collateral{}, kernel.FieldErrorf(kernel.CodeNotFound, "assetId", "no asset %s in the registry", asset)
	case f.holder != borrower:
		return lending.Collateral{}, kernel.FieldErrorf(kernel.CodeForbidden, "assetId", "the borrower does not hold the management right of asset %s", asset)
	}
	if f.col.BorrowerIsTransferee && f.contract != uuid.Nil {
		paid, err := inspect(ctx, d.App.Transfers, f.contract, func(s transfer.State) bool {
			return s.Status == transfer.StatusInForce && !s.InArrears()
		})
		if err != nil {
			return lending.Collateral{}, err
		}
		f.col.RentPaidAsAgreed = paid
	}
	return f.col, nil
}

// loanMutation is a bank's step on one of its loans.
type loanMutation struct {
	name, description string
	input             graphql.InputObjectConfigFieldMap
	command           func(call api.Call, loan uuid.UUID) (lending.Command, error)
}

func registerLoanMutations(b *api.Builder, d api.Deps) {
	b.Mutation(api.MutationSpec{
		Name: "applyForLoan",
		Description: "A borrower (a bidder or collective, as itself) applies for a loan against a right it holds. The asset's " +
			"type and the right's end date come from the registry and, for a transferee, the rent status from its transfer contract " +
			"(rule 9) and the contractor's recorded consent (rule 7). The credential picks the product's tier (rule 23).",
		Roles: []auth.Role{auth.RoleBidder, auth.RoleCollective},
		Input: graphql.InputObjectConfigFieldMap{
			"productId":  {Type: nonNull(graphql.ID)},
			"assetId":    {Type: nonNull(graphql.ID), Description: "The right pledged; the borrower must hold it."},
			"credential": {Type: nonNull(graphql.String)},
			"amount":     {Type: nonNull(api.Money)},
			"termMonths": {Type: nonNull(graphql.Int)},
			"method":     {Type: nonNull(repaymentMethod)},
		},
		Output: graphql.Fields{"loanId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, call api.Call) (api.Payload, error) {
			in := call.Input
			got, err := ids(in, "productId", "assetId")
			if err != nil {
				return api.Payload{}, err
			}
			product, err := inspect(ctx, d.App.Products, got[0], lending.ProductState.Snapshot)
			if err != nil {
				return api.Payload{}, err
			}
			if product.ProductID == uuid.Nil {
				return api.Payload{}, kernel.FieldErrorf(kernel.CodeNotFound, "productId", "no loan product %s", got[0])
			}
			col, err := collateralFacts(ctx, d, got[1], call.Principal.Party)
			if err != nil {
				return api.Payload{}, err
			}
			method, _ := in["method"].(lending.RepaymentMethod)
			id := call.NewID("loan")
			return via(d.App.Loans)(ctx, lending.ApplyForLoan{LoanID: id, Borrower: call.Principal.Party, Bank: product.Bank,
				Product: product, Credential: str(in, "credential"), Amount: money(in, "amount"), TermMonths: number(in, "termMonths"),
				Method: method, Collateral: col}, call, map[string]any{"loanId": id.String()})
		},
	})
	b.Mutation(api.MutationSpec{
		Name:        "repayLoan",
		Description: "The borrower pays, or its bank records a payment received: oldest instalment first, interest before principal (OVERPAYMENT above what is owed).",
		Roles:       []auth.Role{auth.RoleBidder, auth.RoleCollective, auth.RoleBank},
		Input: graphql.InputObjectConfigFieldMap{
			"loanId": {Type: nonNull(graphql.ID)},
			"amount": {Type: nonNull(api.Money)},
		},
		Output: graphql.Fields{"loanId": {Type: nonNull(graphql.ID)}},
		Run: func(ctx context.Context, call api.Call) (api.Payload, error) {
			id, err := api.ID(call.Input, "loanId")
			if err != nil {
				return api.Payload{}, err
			}
			loan, err := readLoan(ctx, d, id)
			if err != nil {
				return api.Payload{}, err
			}
			party := loan.borrower
			if call.Principal.Role == auth.RoleBank {
				party = loan.bank
			}
			if err := api.RequireParty(call.Principal, party, false); err != nil {
				return api.Payload{}, err
			}
			return via(d.App.Loans)(ctx, lending.RepayLoan{LoanID: id, Amount: money(call.Input, "amount")}, call,
				map[string]any{"loanId": id.String()})
		},
	})
	loanID := graphql.InputObjectConfigFieldMap{"loanId": {Type: nonNull(graphql.ID)}}
	withLoan := func(extra graphql.InputObjectConfigFieldMap) graphql.InputObjectConfigFieldMap {
		extra["loanId"] = loanID["loanId"]
		return extra
	}
	for _, m := range []loanMutation{
		{"valueCollateral", "The loan's bank records an appraisal of the collateral (a later one replaces it).",
			withLoan(graphql.InputObjectConfigFieldMap{"value": {Type: nonNull(api.Money)}, "appraiserId": {Type: nonNull(graphql.ID)}}),
			func(call api.Call, loan uuid.UUID) (lending.Command, error) {
				appraiser, err := api.ID(call.Input, "appraiserId")
				return lending.ValueCollateral{LoanID: loan, By: call.Principal.Party, Value: money(call.Input, "value"), Appraiser: appraiser}, err
			}},
		{"approveLoan", "The loan's bank approves an amount up to the request: LTV_EXCEEDED above loan-to-value × appraised value " +
			"(rule 22), TERM_EXCEEDS_RIGHT when the loan would outlast the right and RENT_NOT_PAID for a transferee in arrears (rule 9), " +
			"CONSENT_REQUIRED without the contractor's consent (rule 7).",
			withLoan(graphql.InputObjectConfigFieldMap{"amount": {Type: nonNull(api.Money)}}),
			func(call api.Call, loan uuid.UUID) (lending.Command, error) {
				return lending.ApproveLoan{LoanID: loan, By: call.Principal.Party, Amount: money(call.Input, "amount")}, nil
			}},
		{"rejectLoan", "The loan's bank declines an application before approval.",
			withLoan(graphql.InputObjectConfigFieldMap{"reason": {Type: nonNull(graphql.String)}}),
			func(call api.Call, loan uuid.UUID) (lending.Command, error) {
				return lending.RejectLoan{LoanID: loan, By: call.Principal.Party, Reason: str(call.Input, "reason")}, nil
			}},
		{"disburseLoan", "The loan's bank pays the loan out today and fixes its schedule; COLLATERAL_NOT_REGISTERED before the " +
			"collateral registration is recorded (rule 22), TERM_EXCEEDS_RIGHT if the loan would now outlast the right (rule 9).",
			withLoan(graphql.InputObjectConfigFieldMap{}),
			func(call api.Call, loan uuid.UUID) (lending.Command, error) {
				return lending.DisburseLoan{LoanID: loan, By: call.Principal.Party}, nil
			}},
		{"declareLoanDefault", "The loan's bank declares the loan in default once an instalment has been overdue for the product's days (NOT_YET_DUE before).",
			withLoan(graphql.InputObjectConfigFieldMap{}),
			func(call api.Call, loan uuid.UUID) (lending.Command, error) {
				return lending.DeclareDefault{LoanID: loan}, nil
			}},
		{"recordLoanRecovery", "The loan's bank records money recovered on the defaulted loan: principal first, then interest.",
			withLoan(graphql.InputObjectConfigFieldMap{"source": {Type: nonNull(recoverySource)}, "amount": {Type: nonNull(api.Money)}}),
			func(call api.Call, loan uuid.UUID) (lending.Command, error) {
				source, _ := call.Input["source"].(lending.RecoverySource)
				return lending.RecordRecovery{LoanID: loan, Source: source, Amount: money(call.Input, "amount")}, nil
			}},
		{"writeOffLoan", "The loan's bank writes off what recoveries left of the defaulted loan.",
			withLoan(graphql.InputObjectConfigFieldMap{}),
			func(call api.Call, loan uuid.UUID) (lending.Command, error) {
				return lending.WriteOff{LoanID: loan, By: call.Principal.Party}, nil
			}},
		{"recordCollateralRegistered", "The loan's bank records the registration securing the approved loan (normally the " +
			"process manager does when registerCollateral names the loan). The registration must be in force, the bank's own, " +
			"granted by the borrower and over the loan's asset.",
			withLoan(graphql.InputObjectConfigFieldMap{"registrationId": {Type: nonNull(graphql.ID)}}),
			func(call api.Call, loan uuid.UUID) (lending.Command, error) {
				reg, err := api.ID(call.Input, "registrationId")
				return lending.RecordCollateralRegistered{LoanID: loan, RegistrationID: reg}, err
			}},
	} {
		b.Mutation(api.MutationSpec{
			Name: m.name, Description: m.description, Roles: []auth.Role{auth.RoleBank}, Input: m.input,
			Output: graphql.Fields{"loanId": {Type: nonNull(graphql.ID)}},
			Run: func(ctx context.Context, call api.Call) (api.Payload, error) {
				id, err := api.ID(call.Input, "loanId")
				if err != nil {
					return api.Payload{}, err
				}
				loan, err := readLoan(ctx, d, id)
				if err != nil {
					return api.Payload{}, err
				}
				if err := api.RequireParty(call.Principal, loan.bank, false); err != nil {
					return api.Payload{}, err
				}
				cmd, err := m.command(call, id)
				if err != nil {
					return api.Payload{}, err
				}
				if rec, ok := cmd.(lending.RecordCollateralRegistered); ok {
					if err := checkSecures(ctx, d, rec.RegistrationID, loan); err != nil {
						return api.Payload{}, err
					}
				}
				return via(d.App.Loans)(ctx, cmd, call, map[string]any{"loanId": id.String()})
			},
		})
	}
}

// checkSecures checks that a registration secures the loan: in force now,
// filed by the loan's bank, granted by the borrower, over the loan's asset.
func checkSecures(ctx context.Context, d api.Deps, reg uuid.UUID, loan loanFacts) error {
	s, err := inspect(ctx, d.App.Collateral, reg, func(s collateral.State) collateral.State { return s })
	switch {
	case err != nil:
		return err
	case !s.EffectiveAt(d.Clock.Now()):
		return kernel.FieldErrorf(kernel.CodeInvalid, "registrationId", "registration %s is not in force", reg)
	case s.SecuredParty != loan.bank || s.Grantor != loan.borrower || s.Collateral.Asset != loan.asset:
		return kernel.FieldErrorf(kernel.CodeInvalid, "registrationId", "registration %s is not the borrower's security over the loan's asset for its bank", reg)
	}
	return nil
}
