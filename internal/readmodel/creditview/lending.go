package creditview

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// lendingProjection projects loan products (credit_product, credit_product_tier) and
// loans (credit_loan, credit_instalment, credit_payment).
type lendingProjection struct{}

// Name implements readmodel.Projection.
func (lendingProjection) Name() string { return "credit_lending" }

// Version implements readmodel.Projection.
func (lendingProjection) Version() int { return 1 }

// Tables implements readmodel.Projection.
func (lendingProjection) Tables() []string {
	return []string{"credit_product", "credit_product_tier", "credit_loan", "credit_instalment", "credit_payment"}
}

// Schema implements readmodel.Projection.
func (lendingProjection) Schema(readmodel.Dialect) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS credit_product (
			id TEXT PRIMARY KEY,
			bank TEXT NOT NULL,
			name TEXT NOT NULL,
			ltv_bp BIGINT NOT NULL,
			default_after_days BIGINT NOT NULL,
			withdrawn INTEGER NOT NULL,
			defined_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS credit_product_bank ON credit_product (bank, defined_at)`,
		`CREATE INDEX IF NOT EXISTS credit_product_defined ON credit_product (defined_at, id)`,
		`CREATE TABLE IF NOT EXISTS credit_product_tier (
			product_id TEXT NOT NULL,
			idx BIGINT NOT NULL,
			credential TEXT NOT NULL,
			credit_line BIGINT NOT NULL,
			max_term_months BIGINT NOT NULL,
			annual_rate_bp BIGINT NOT NULL,
			PRIMARY KEY (product_id, idx)
		)`,
		`CREATE TABLE IF NOT EXISTS credit_loan (
			id TEXT PRIMARY KEY,
			borrower TEXT NOT NULL,
			bank TEXT NOT NULL,
			product_id TEXT NOT NULL,
			product_name TEXT NOT NULL,
			credential TEXT NOT NULL,
			requested BIGINT NOT NULL,
			term_months BIGINT NOT NULL,
			method TEXT NOT NULL,
			annual_rate_bp BIGINT NOT NULL,
			asset_id TEXT NOT NULL,
			asset_type TEXT NOT NULL,
			rights_end BIGINT NOT NULL,
			borrower_is_transferee INTEGER NOT NULL,
			appraised_value BIGINT NOT NULL,
			approved BIGINT NOT NULL,
			max_by_ltv BIGINT NOT NULL,
			matures_on BIGINT NOT NULL,
			registration_id TEXT NOT NULL,
			disbursed_on BIGINT NOT NULL,
			principal_outstanding BIGINT NOT NULL,
			status TEXT NOT NULL,
			reason TEXT NOT NULL,
			overdue_since BIGINT NOT NULL,
			defaulted_at BIGINT NOT NULL,
			defaulted_principal BIGINT NOT NULL,
			claim_principal BIGINT NOT NULL,
			claim_interest BIGINT NOT NULL,
			principal_recovered BIGINT NOT NULL,
			recovered BIGINT NOT NULL,
			written_off BIGINT NOT NULL,
			applied_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS credit_loan_applied ON credit_loan (applied_at, id)`,
		`CREATE INDEX IF NOT EXISTS credit_loan_bank ON credit_loan (bank, applied_at, id)`,
		`CREATE INDEX IF NOT EXISTS credit_loan_borrower ON credit_loan (borrower, applied_at, id)`,
		`CREATE INDEX IF NOT EXISTS credit_loan_asset ON credit_loan (asset_id, applied_at, id)`,
		`CREATE INDEX IF NOT EXISTS credit_loan_status ON credit_loan (status, applied_at, id)`,
		`CREATE TABLE IF NOT EXISTS credit_instalment (
			loan_id TEXT NOT NULL,
			no BIGINT NOT NULL,
			due_date BIGINT NOT NULL,
			days BIGINT NOT NULL,
			principal BIGINT NOT NULL,
			interest BIGINT NOT NULL,
			paid_principal BIGINT NOT NULL,
			paid_interest BIGINT NOT NULL,
			PRIMARY KEY (loan_id, no)
		)`,
		`CREATE TABLE IF NOT EXISTS credit_payment (
			loan_id TEXT NOT NULL,
			version BIGINT NOT NULL,
			kind TEXT NOT NULL,
			source TEXT NOT NULL,
			amount BIGINT NOT NULL,
			principal BIGINT NOT NULL,
			interest BIGINT NOT NULL,
			principal_outstanding BIGINT NOT NULL,
			at BIGINT NOT NULL,
			PRIMARY KEY (loan_id, version)
		)`,
	}
}

// Apply implements readmodel.Projection.
func (lendingProjection) Apply(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	switch e := env.Event.(type) {
	case lending.LoanProductDefined:
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_product (id, bank, name, ltv_bp, default_after_days, withdrawn, defined_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 0, $6, $6)`, e.ProductID.String(), e.Bank.String(), e.Name,
			e.Terms.LTVBP, e.Terms.DefaultAfterDaysOverdue, readmodel.Micros(e.At)); err != nil {
			return err
		}
		return insertTiers(ctx, tx, e.ProductID, e.Terms.Tiers)
	case lending.LoanProductRevised:
		if _, err := tx.ExecContext(ctx, `UPDATE credit_product SET ltv_bp = $2, default_after_days = $3, updated_at = $4 WHERE id = $1`,
			e.ProductID.String(), e.Terms.LTVBP, e.Terms.DefaultAfterDaysOverdue, readmodel.Micros(e.At)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM credit_product_tier WHERE product_id = $1`, e.ProductID.String()); err != nil {
			return err
		}
		return insertTiers(ctx, tx, e.ProductID, e.Terms.Tiers)
	case lending.LoanProductWithdrawn:
		return exec(ctx, tx, `UPDATE credit_product SET withdrawn = 1, updated_at = $2 WHERE id = $1`, e.ProductID, readmodel.Micros(e.At))
	case lending.LoanApplied:
		_, err := tx.ExecContext(ctx, `INSERT INTO credit_loan (id, borrower, bank, product_id, product_name, credential,
			requested, term_months, method, annual_rate_bp, asset_id, asset_type, rights_end, borrower_is_transferee,
			appraised_value, approved, max_by_ltv, matures_on, registration_id, disbursed_on, principal_outstanding, status,
			reason, overdue_since, defaulted_at, defaulted_principal, claim_principal, claim_interest, principal_recovered,
			recovered, written_off, applied_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0, 0, 0, 0, '', 0, 0, $15, '', 0, 0, 0, 0, 0, 0, 0, 0, $16, $16)`,
			e.LoanID.String(), e.Borrower.String(), e.Bank.String(), e.Product.ProductID.String(), e.Product.Name, e.Credential,
			int64(e.Amount), e.TermMonths, string(e.Method), e.Tier.AnnualRateBP, e.Collateral.AssetID.String(),
			string(e.Collateral.AssetType), readmodel.Micros(e.Collateral.RightsEndDate), readmodel.Bool(e.Collateral.BorrowerIsTransferee),
			string(lending.StatusApplied), readmodel.Micros(e.At))
		return err
	case lending.CollateralValued:
		return setLoan(ctx, tx, e.LoanID, e.At, "appraised_value = $3, status = $4", int64(e.Value), string(lending.StatusValued))
	case lending.LoanApproved:
		return setLoan(ctx, tx, e.LoanID, e.At, "approved = $3, max_by_ltv = $4, matures_on = $5, annual_rate_bp = $6, status = $7",
			int64(e.Amount), int64(e.MaxByLTV), readmodel.Micros(e.MaturesOn), e.AnnualRateBP, string(lending.StatusApproved))
	case lending.LoanRejected:
		return setLoan(ctx, tx, e.LoanID, e.At, "reason = $3, status = $4", e.Reason, string(lending.StatusRejected))
	case lending.LoanCollateralRegistered:
		return setLoan(ctx, tx, e.LoanID, e.At, "registration_id = $3, status = $4", e.RegistrationID.String(), string(lending.StatusCollateralRegistered))
	case lending.LoanDisbursed:
		return disbursed(ctx, tx, e)
	case lending.LoanRepaymentReceived:
		return repaid(ctx, tx, env.Version, e)
	case lending.LoanRepaid:
		return setLoan(ctx, tx, e.LoanID, e.At, "status = $3", string(lending.StatusRepaid))
	case lending.LoanOverdue:
		return setLoan(ctx, tx, e.LoanID, e.At, "overdue_since = $3, status = $4", readmodel.Micros(e.At), string(lending.StatusOverdue))
	case lending.LoanOverdueCured:
		return setLoan(ctx, tx, e.LoanID, e.At, "overdue_since = 0, status = $3", string(lending.StatusRepaying))
	case lending.LoanDefaulted:
		return setLoan(ctx, tx, e.LoanID, e.At, "defaulted_at = $3, defaulted_principal = $4, claim_principal = $4, claim_interest = $5, status = $6",
			readmodel.Micros(e.At), int64(e.PrincipalOutstanding), int64(e.InterestOutstanding), string(lending.StatusDefaulted))
	case lending.LoanRecoveryRecorded:
		var fromBorrowerOrDisposal kernel.Money
		if e.Source != lending.RecoveryFund {
			fromBorrowerOrDisposal = e.Principal
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_payment (loan_id, version, kind, source, amount, principal, interest, principal_outstanding, at)
			VALUES ($1, $2, 'RECOVERY', $3, $4, $5, $6, $7, $8)`, e.LoanID.String(), int64(env.Version), string(e.Source),
			int64(e.Amount), int64(e.Principal), int64(e.Interest), int64(e.PrincipalOutstanding), readmodel.Micros(e.At)); err != nil {
			return err
		}
		return setLoan(ctx, tx, e.LoanID, e.At, `claim_principal = $3, claim_interest = $4, recovered = recovered + $5,
			principal_recovered = principal_recovered + $6`, int64(e.PrincipalOutstanding), int64(e.InterestOutstanding),
			int64(e.Amount), int64(fromBorrowerOrDisposal))
	case lending.LoanRecovered:
		return setLoan(ctx, tx, e.LoanID, e.At, "status = $3", string(lending.StatusRecovered))
	case lending.LoanWrittenOff:
		return setLoan(ctx, tx, e.LoanID, e.At, "written_off = $3, status = $4", int64(e.Principal+e.Interest), string(lending.StatusWrittenOff))
	}
	return nil
}

func exec(ctx context.Context, tx readmodel.Tx, query string, id uuid.UUID, args ...any) error {
	_, err := tx.ExecContext(ctx, query, append([]any{id.String()}, args...)...)
	return err
}

// setLoan updates a loan's columns: set uses $3 onwards; $1 is the id, $2 the time.
func setLoan(ctx context.Context, tx readmodel.Tx, id uuid.UUID, at time.Time, set string, args ...any) error {
	return exec(ctx, tx, `UPDATE credit_loan SET `+set+`, updated_at = $2 WHERE id = $1`, id, append([]any{readmodel.Micros(at)}, args...)...)
}

func insertTiers(ctx context.Context, tx readmodel.Tx, product uuid.UUID, tiers []lending.Tier) error {
	for i, t := range tiers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_product_tier (product_id, idx, credential, credit_line, max_term_months, annual_rate_bp)
			VALUES ($1, $2, $3, $4, $5, $6)`, product.String(), i, t.Credential, int64(t.CreditLine), t.MaxTermMonths, t.AnnualRateBP); err != nil {
			return err
		}
	}
	return nil
}

func disbursed(ctx context.Context, tx readmodel.Tx, e lending.LoanDisbursed) error {
	var matures time.Time
	for _, i := range e.Schedule {
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_instalment (loan_id, no, due_date, days, principal, interest, paid_principal, paid_interest)
			VALUES ($1, $2, $3, $4, $5, $6, 0, 0)`, e.LoanID.String(), i.No, readmodel.Micros(i.DueDate), i.Days, int64(i.Principal), int64(i.Interest)); err != nil {
			return err
		}
		matures = i.DueDate
	}
	return setLoan(ctx, tx, e.LoanID, e.At, "disbursed_on = $3, principal_outstanding = $4, matures_on = $5, method = $6, status = $7",
		readmodel.Micros(e.DisbursedOn), int64(e.Amount), readmodel.Micros(matures), string(e.Method), string(lending.StatusRepaying))
}

func repaid(ctx context.Context, tx readmodel.Tx, version uint64, e lending.LoanRepaymentReceived) error {
	var principal, interest kernel.Money
	for _, a := range e.Allocations {
		principal, interest = principal+a.Principal, interest+a.Interest
		if _, err := tx.ExecContext(ctx, `UPDATE credit_instalment SET paid_principal = paid_principal + $3, paid_interest = paid_interest + $4
			WHERE loan_id = $1 AND no = $2`, e.LoanID.String(), a.Instalment, int64(a.Principal), int64(a.Interest)); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO credit_payment (loan_id, version, kind, source, amount, principal, interest, principal_outstanding, at)
		VALUES ($1, $2, 'REPAYMENT', 'BORROWER', $3, $4, $5, $6, $7)`, e.LoanID.String(), int64(version), int64(e.Amount),
		int64(principal), int64(interest), int64(e.PrincipalOutstanding), readmodel.Micros(e.At)); err != nil {
		return err
	}
	return setLoan(ctx, tx, e.LoanID, e.At, "principal_outstanding = $3", int64(e.PrincipalOutstanding))
}

// Product is a loan product with its tiers.
type Product struct {
	ID                      uuid.UUID
	Bank                    uuid.UUID
	Name                    string
	LTVBP                   int
	DefaultAfterDaysOverdue int
	Withdrawn               bool
	DefinedAt               time.Time
	Tiers                   []lending.Tier
}

// Products returns the loan products, oldest first: a bank's only when bank
// is not uuid.Nil, withdrawn ones only when withdrawn is set.
func Products(ctx context.Context, q readmodel.Querier, bank uuid.UUID, withdrawn bool) ([]Product, error) {
	where, args := "1 = 1", []any{}
	if bank != uuid.Nil {
		where, args = "p.bank = $1", append(args, bank.String())
	}
	if !withdrawn {
		where += " AND p.withdrawn = 0"
	}
	type row struct {
		p Product
		t lending.Tier
	}
	rows, err := readmodel.Collect(ctx, q, func(r readmodel.Scanner) (row, error) {
		var (
			x               row
			id, bank        string
			withdrawn       int
			defined, credit int64
		)
		err := r.Scan(&id, &bank, &x.p.Name, &x.p.LTVBP, &x.p.DefaultAfterDaysOverdue, &withdrawn, &defined,
			&x.t.Credential, &credit, &x.t.MaxTermMonths, &x.t.AnnualRateBP)
		x.p.ID, x.p.Bank, x.p.Withdrawn, x.p.DefinedAt, x.t.CreditLine = readmodel.ParseID(id), readmodel.ParseID(bank), withdrawn == 1, readmodel.Time(defined), kernel.Money(credit)
		return x, err
	}, `SELECT p.id, p.bank, p.name, p.ltv_bp, p.default_after_days, p.withdrawn, p.defined_at,
		t.credential, t.credit_line, t.max_term_months, t.annual_rate_bp
		FROM credit_product p JOIN credit_product_tier t ON t.product_id = p.id
		WHERE `+where+` ORDER BY p.defined_at, p.id, t.idx`, args...)
	var out []Product
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].ID != r.p.ID {
			out = append(out, r.p)
		}
		last := &out[len(out)-1]
		last.Tiers = append(last.Tiers, r.t)
	}
	return out, err
}

// Loan is a loan as the read model holds it.
type Loan struct {
	ID                   uuid.UUID
	Borrower             uuid.UUID
	Bank                 uuid.UUID
	ProductID            uuid.UUID
	ProductName          string
	Credential           string
	Requested            kernel.Money
	TermMonths           int
	Method               lending.RepaymentMethod
	AnnualRateBP         int
	AssetID              uuid.UUID
	AssetType            kernel.AssetType
	RightsEnd            time.Time
	BorrowerIsTransferee bool
	AppraisedValue       kernel.Money
	Approved             kernel.Money
	MaxByLTV             kernel.Money
	MaturesOn            time.Time
	RegistrationID       uuid.UUID
	DisbursedOn          time.Time
	PrincipalOutstanding kernel.Money
	Status               lending.Status
	Reason               string
	OverdueSince         time.Time
	DefaultedAt          time.Time
	DefaultedPrincipal   kernel.Money
	ClaimPrincipal       kernel.Money
	ClaimInterest        kernel.Money
	PrincipalRecovered   kernel.Money // from disposal and the borrower, not the fund
	Recovered            kernel.Money // from every source
	WrittenOff           kernel.Money
	AppliedAt            time.Time
	UpdatedAt            time.Time
}

const loanColumns = `id, borrower, bank, product_id, product_name, credential, requested, term_months, method,
	annual_rate_bp, asset_id, asset_type, rights_end, borrower_is_transferee, appraised_value, approved, max_by_ltv,
	matures_on, registration_id, disbursed_on, principal_outstanding, status, reason, overdue_since, defaulted_at,
	defaulted_principal, claim_principal, claim_interest, principal_recovered, recovered, written_off, applied_at, updated_at`

func scanLoan(r readmodel.Scanner) (Loan, error) {
	var (
		l                                                                   Loan
		id, borrower, bank, product, method, asset, atype, reg, status      string
		transferee                                                          int
		requested, rightsEnd, appraised, approved, maxLTV, matures          int64
		disbursed, outstanding, overdue, defaulted, defPrincipal            int64
		claimP, claimI, recoveredP, recovered, writtenOff, applied, updated int64
	)
	err := r.Scan(&id, &borrower, &bank, &product, &l.ProductName, &l.Credential, &requested, &l.TermMonths, &method,
		&l.AnnualRateBP, &asset, &atype, &rightsEnd, &transferee, &appraised, &approved, &maxLTV,
		&matures, &reg, &disbursed, &outstanding, &status, &l.Reason, &overdue, &defaulted,
		&defPrincipal, &claimP, &claimI, &recoveredP, &recovered, &writtenOff, &applied, &updated)
	l.ID, l.Borrower, l.Bank, l.ProductID, l.AssetID, l.RegistrationID = readmodel.ParseID(id), readmodel.ParseID(borrower), readmodel.ParseID(bank), readmodel.ParseID(product), readmodel.ParseID(asset), readmodel.ParseID(reg)
	l.Method, l.AssetType, l.Status, l.BorrowerIsTransferee = lending.RepaymentMethod(method), kernel.AssetType(atype), lending.Status(status), transferee == 1
	l.Requested, l.AppraisedValue, l.Approved, l.MaxByLTV = kernel.Money(requested), kernel.Money(appraised), kernel.Money(approved), kernel.Money(maxLTV)
	l.PrincipalOutstanding, l.DefaultedPrincipal, l.ClaimPrincipal, l.ClaimInterest = kernel.Money(outstanding), kernel.Money(defPrincipal), kernel.Money(claimP), kernel.Money(claimI)
	l.PrincipalRecovered, l.Recovered, l.WrittenOff = kernel.Money(recoveredP), kernel.Money(recovered), kernel.Money(writtenOff)
	l.RightsEnd, l.MaturesOn, l.DisbursedOn, l.OverdueSince = readmodel.Time(rightsEnd), readmodel.Time(matures), readmodel.Time(disbursed), readmodel.Time(overdue)
	l.DefaultedAt, l.AppliedAt, l.UpdatedAt = readmodel.Time(defaulted), readmodel.Time(applied), readmodel.Time(updated)
	return l, err
}

// LoanFilter narrows Loans; zero fields match everything.
type LoanFilter struct {
	Bank     uuid.UUID
	Borrower uuid.UUID
	Asset    uuid.UUID
	Status   lending.Status
}

// newestLoans orders loans newest application first.
var newestLoans = readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("applied_at"), readmodel.ID("id")}, Desc: true}

// Cursor returns the loan's place in the Loans list.
func (l Loan) Cursor() readmodel.Cursor {
	return readmodel.CursorOf(readmodel.Micros(l.AppliedAt), l.ID)
}

// Loans returns a page of the loans f selects, newest application first,
// and how many match in all.
func Loans(ctx context.Context, q readmodel.Querier, f LoanFilter, p readmodel.Page) (readmodel.Result[Loan], error) {
	l := readmodel.List{Columns: loanColumns, From: "credit_loan", Order: newestLoans}
	for _, c := range []struct {
		col string
		id  uuid.UUID
	}{{"bank", f.Bank}, {"borrower", f.Borrower}, {"asset_id", f.Asset}} {
		if c.id != uuid.Nil {
			l.Where.Add(c.col+" = ?", c.id.String())
		}
	}
	if f.Status != lending.StatusNone {
		l.Where.Add("status = ?", string(f.Status))
	}
	return readmodel.Fetch(ctx, q, l, p, scanLoan)
}

// LoanByID returns the loan, and false when there is none.
func LoanByID(ctx context.Context, q readmodel.Querier, id uuid.UUID) (Loan, bool, error) {
	loans, err := readmodel.Collect(ctx, q, scanLoan, `SELECT `+loanColumns+` FROM credit_loan WHERE id = $1`, id.String())
	if err != nil || len(loans) == 0 {
		return Loan{}, false, err
	}
	return loans[0], true, nil
}

// Instalment is one scheduled repayment with what has been paid on it.
type Instalment struct {
	LoanID uuid.UUID
	lending.ScheduledInstalment
}

// Schedules returns the schedules of the loans ids, instalments in order.
func Schedules(ctx context.Context, q readmodel.Querier, ids []uuid.UUID) (map[uuid.UUID][]Instalment, error) {
	return groupIn(ctx, q, func(r readmodel.Scanner) (Instalment, error) {
		var (
			i                                Instalment
			id                               string
			due, principal, interest, pp, pi int64
		)
		err := r.Scan(&id, &i.No, &due, &i.Days, &principal, &interest, &pp, &pi)
		i.LoanID, i.DueDate = readmodel.ParseID(id), readmodel.Time(due)
		i.Principal, i.Interest, i.PaidPrincipal, i.PaidInterest = kernel.Money(principal), kernel.Money(interest), kernel.Money(pp), kernel.Money(pi)
		return i, err
	}, func(i Instalment) uuid.UUID { return i.LoanID }, `SELECT loan_id, no, due_date, days, principal, interest,
		paid_principal, paid_interest FROM credit_instalment%s ORDER BY loan_id, no`, "loan_id", ids)
}

// Payment is money received on a loan: a repayment, or a recovery after default.
type Payment struct {
	LoanID               uuid.UUID
	Kind                 string // REPAYMENT or RECOVERY
	Source               string // BORROWER for repayments; the recovery source otherwise
	Amount               kernel.Money
	Principal            kernel.Money
	Interest             kernel.Money
	PrincipalOutstanding kernel.Money // after the payment
	At                   time.Time
}

// Payments returns the payments on the loans ids, oldest first.
func Payments(ctx context.Context, q readmodel.Querier, ids []uuid.UUID) (map[uuid.UUID][]Payment, error) {
	return groupIn(ctx, q, func(r readmodel.Scanner) (Payment, error) {
		var (
			p                                            Payment
			id                                           string
			amount, principal, interest, outstanding, at int64
		)
		err := r.Scan(&id, &p.Kind, &p.Source, &amount, &principal, &interest, &outstanding, &at)
		p.LoanID, p.At = readmodel.ParseID(id), readmodel.Time(at)
		p.Amount, p.Principal, p.Interest, p.PrincipalOutstanding = kernel.Money(amount), kernel.Money(principal), kernel.Money(interest), kernel.Money(outstanding)
		return p, err
	}, func(p Payment) uuid.UUID { return p.LoanID }, `SELECT loan_id, kind, source, amount, principal, interest,
		principal_outstanding, at FROM credit_payment%s ORDER BY loan_id, version`, "loan_id", ids)
}
