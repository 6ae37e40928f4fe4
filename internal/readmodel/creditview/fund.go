package creditview

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// fundProjection projects the operation fund (credit_fund) with its claims
// (credit_fund_claim), rent advances (credit_fund_advance) and holdings
// (credit_fund_holding).
type fundProjection struct{}

// Name implements readmodel.Projection.
func (fundProjection) Name() string { return "credit_funds" }

// Version implements readmodel.Projection.
func (fundProjection) Version() int { return 2 }

// Tables implements readmodel.Projection.
func (fundProjection) Tables() []string {
	return []string{"credit_fund", "credit_fund_claim", "credit_fund_advance", "credit_fund_holding"}
}

// Schema implements readmodel.Projection.
func (fundProjection) Schema(readmodel.Dialect) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS credit_fund (
			id TEXT PRIMARY KEY,
			operator TEXT NOT NULL,
			name TEXT NOT NULL,
			share_bp BIGINT NOT NULL,
			initial_capital BIGINT NOT NULL,
			capital BIGINT NOT NULL,
			topped_up BIGINT NOT NULL,
			established_at BIGINT NOT NULL,
			updated_at BIGINT NOT NULL
		)`,
		`CREATE TABLE IF NOT EXISTS credit_fund_claim (
			claim_id TEXT PRIMARY KEY,
			fund_id TEXT NOT NULL,
			seq BIGINT NOT NULL,
			bank TEXT NOT NULL,
			loan_id TEXT NOT NULL,
			asset_id TEXT NOT NULL,
			asset_type TEXT NOT NULL,
			principal_outstanding BIGINT NOT NULL,
			principal_recovered BIGINT NOT NULL,
			net_loss BIGINT NOT NULL,
			share_bp BIGINT NOT NULL,
			payable BIGINT NOT NULL,
			status TEXT NOT NULL,
			reason TEXT NOT NULL,
			paid BIGINT NOT NULL,
			filed_at BIGINT NOT NULL,
			decided_at BIGINT NOT NULL,
			paid_at BIGINT NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS credit_fund_claim_fund ON credit_fund_claim (fund_id, seq)`,
		`CREATE INDEX IF NOT EXISTS credit_fund_claim_bank ON credit_fund_claim (fund_id, bank, seq)`,
		`CREATE TABLE IF NOT EXISTS credit_fund_advance (
			advance_id TEXT PRIMARY KEY,
			fund_id TEXT NOT NULL,
			seq BIGINT NOT NULL,
			farmer TEXT NOT NULL,
			transferee TEXT NOT NULL,
			contract_id TEXT NOT NULL,
			amount BIGINT NOT NULL,
			outstanding BIGINT NOT NULL,
			advanced_at BIGINT NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS credit_fund_advance_fund ON credit_fund_advance (fund_id, seq)`,
		`CREATE TABLE IF NOT EXISTS credit_fund_holding (
			purchase_id TEXT PRIMARY KEY,
			fund_id TEXT NOT NULL,
			seq BIGINT NOT NULL,
			asset_id TEXT NOT NULL,
			loan_id TEXT NOT NULL,
			stage TEXT NOT NULL,
			price BIGINT NOT NULL,
			bought_at BIGINT NOT NULL,
			sold INTEGER NOT NULL,
			proceeds BIGINT NOT NULL,
			sold_at BIGINT NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS credit_fund_holding_fund ON credit_fund_holding (fund_id, seq)`,
	}
}

// Apply implements readmodel.Projection.
func (fundProjection) Apply(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	switch e := env.Event.(type) {
	case fund.FundEstablished:
		_, err := tx.ExecContext(ctx, `INSERT INTO credit_fund (id, operator, name, share_bp, initial_capital, capital, topped_up, established_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5, 0, $6, $6)`, e.FundID.String(), e.Operator.String(), e.Name,
			e.Settings.CompensationShareBP, int64(e.Settings.InitialCapital), readmodel.Micros(e.At))
		return err
	case fund.FundCapitalToppedUp:
		return setFund(ctx, tx, e.FundID, e.CapitalAfter, e.At, `topped_up = topped_up + $4`, int64(e.Amount))
	case fund.FundClaimFiled:
		_, err := tx.ExecContext(ctx, `INSERT INTO credit_fund_claim (claim_id, fund_id, seq, bank, loan_id, asset_id, asset_type,
			principal_outstanding, principal_recovered, net_loss, share_bp, payable, status, reason, paid, filed_at, decided_at, paid_at)
			VALUES ($1, $2, $14, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '', 0, $13, 0, 0)`,
			e.ClaimID.String(), e.FundID.String(), e.Bank.String(), e.LoanID.String(), e.AssetID.String(), string(e.AssetType),
			int64(e.PrincipalOutstanding), int64(e.PrincipalRecovered), int64(e.NetLoss), e.ShareBP, int64(e.Payable),
			string(fund.ClaimFiled), readmodel.Micros(e.At), int64(env.Version))
		return err
	case fund.FundClaimApproved:
		return exec(ctx, tx, `UPDATE credit_fund_claim SET status = $2, decided_at = $3 WHERE claim_id = $1`,
			e.ClaimID, string(fund.ClaimApproved), readmodel.Micros(e.At))
	case fund.FundClaimRejected:
		return exec(ctx, tx, `UPDATE credit_fund_claim SET status = $2, reason = $3, decided_at = $4 WHERE claim_id = $1`,
			e.ClaimID, string(fund.ClaimRejected), e.Reason, readmodel.Micros(e.At))
	case fund.FundClaimPaid:
		if err := exec(ctx, tx, `UPDATE credit_fund_claim SET status = $2, paid = $3, paid_at = $4 WHERE claim_id = $1`,
			e.ClaimID, string(fund.ClaimPaid), int64(e.Amount), readmodel.Micros(e.At)); err != nil {
			return err
		}
		return setFund(ctx, tx, e.FundID, e.CapitalAfter, e.At, "")
	case fund.RentAdvanced:
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_fund_advance (advance_id, fund_id, seq, farmer, transferee, contract_id, amount, outstanding, advanced_at)
			VALUES ($1, $2, $7, $3, $8, $4, $5, $5, $6)`, e.AdvanceID.String(), e.FundID.String(), e.Farmer.String(), e.ContractID.String(),
			int64(e.Amount), readmodel.Micros(e.At), int64(env.Version), e.Transferee.String()); err != nil {
			return err
		}
		return setFund(ctx, tx, e.FundID, e.CapitalAfter, e.At, "")
	case fund.RentAdvanceRepaid:
		if err := exec(ctx, tx, `UPDATE credit_fund_advance SET outstanding = $2 WHERE advance_id = $1`, e.AdvanceID, int64(e.Outstanding)); err != nil {
			return err
		}
		return setFund(ctx, tx, e.FundID, e.CapitalAfter, e.At, "")
	case fund.CollateralBought:
		if _, err := tx.ExecContext(ctx, `INSERT INTO credit_fund_holding (purchase_id, fund_id, seq, asset_id, loan_id, stage, price, bought_at, sold, proceeds, sold_at)
			VALUES ($1, $2, $8, $3, $4, $5, $6, $7, 0, 0, 0)`, e.PurchaseID.String(), e.FundID.String(), e.AssetID.String(), e.LoanID.String(),
			string(e.Stage), int64(e.Price), readmodel.Micros(e.At), int64(env.Version)); err != nil {
			return err
		}
		return setFund(ctx, tx, e.FundID, e.CapitalAfter, e.At, "")
	case fund.HoldingSold:
		if err := exec(ctx, tx, `UPDATE credit_fund_holding SET sold = 1, proceeds = $2, sold_at = $3 WHERE purchase_id = $1`,
			e.PurchaseID, int64(e.Proceeds), readmodel.Micros(e.At)); err != nil {
			return err
		}
		return setFund(ctx, tx, e.FundID, e.CapitalAfter, e.At, "")
	}
	return nil
}

// setFund records the capital after an event, and more columns set from $4 on.
func setFund(ctx context.Context, tx readmodel.Tx, id uuid.UUID, capital kernel.Money, at time.Time, set string, args ...any) error {
	if set != "" {
		set = ", " + set
	}
	return exec(ctx, tx, `UPDATE credit_fund SET capital = $2, updated_at = $3`+set+` WHERE id = $1`, id,
		append([]any{int64(capital), readmodel.Micros(at)}, args...)...)
}

// Fund is the operation fund's figures.
type Fund struct {
	ID                  uuid.UUID
	Operator            uuid.UUID
	Name                string
	CompensationShareBP int
	InitialCapital      kernel.Money
	Capital             kernel.Money // available now
	ToppedUp            kernel.Money // added since establishment
	EstablishedAt       time.Time
}

// FundByID returns the fund, and false when there is none.
func FundByID(ctx context.Context, q readmodel.Querier, id uuid.UUID) (Fund, bool, error) {
	funds, err := readmodel.Collect(ctx, q, func(r readmodel.Scanner) (Fund, error) {
		var (
			f                               Fund
			fid, operator                   string
			initial, capital, topped, estab int64
		)
		err := r.Scan(&fid, &operator, &f.Name, &f.CompensationShareBP, &initial, &capital, &topped, &estab)
		f.ID, f.Operator, f.EstablishedAt = readmodel.ParseID(fid), readmodel.ParseID(operator), readmodel.Time(estab)
		f.InitialCapital, f.Capital, f.ToppedUp = kernel.Money(initial), kernel.Money(capital), kernel.Money(topped)
		return f, err
	}, `SELECT id, operator, name, share_bp, initial_capital, capital, topped_up, established_at FROM credit_fund WHERE id = $1`, id.String())
	if err != nil || len(funds) == 0 {
		return Fund{}, false, err
	}
	return funds[0], true, nil
}

// Claim is a bank's claim on the fund.
type Claim struct {
	ID                   uuid.UUID
	FundID               uuid.UUID
	Bank                 uuid.UUID
	LoanID               uuid.UUID
	AssetID              uuid.UUID
	AssetType            kernel.AssetType
	PrincipalOutstanding kernel.Money
	PrincipalRecovered   kernel.Money
	NetLoss              kernel.Money
	ShareBP              int
	Payable              kernel.Money
	Status               fund.ClaimStatus
	Reason               string
	Paid                 kernel.Money
	FiledAt              time.Time
	DecidedAt            time.Time
	PaidAt               time.Time
}

// FundClaims returns the fund's claims in the order filed: only bank's when bank is not uuid.Nil.
func FundClaims(ctx context.Context, q readmodel.Querier, fundID, bank uuid.UUID) ([]Claim, error) {
	where, args := "fund_id = $1", []any{fundID.String()}
	if bank != uuid.Nil {
		where, args = where+" AND bank = $2", append(args, bank.String())
	}
	return readmodel.Collect(ctx, q, func(r readmodel.Scanner) (Claim, error) {
		var (
			c                                          Claim
			id, fid, bank, loan, asset, atype, status  string
			outstanding, recovered, net, payable, paid int64
			filed, decided, paidAt                     int64
		)
		err := r.Scan(&id, &fid, &bank, &loan, &asset, &atype, &outstanding, &recovered, &net, &c.ShareBP, &payable,
			&status, &c.Reason, &paid, &filed, &decided, &paidAt)
		c.ID, c.FundID, c.Bank, c.LoanID, c.AssetID = readmodel.ParseID(id), readmodel.ParseID(fid), readmodel.ParseID(bank), readmodel.ParseID(loan), readmodel.ParseID(asset)
		c.AssetType, c.Status = kernel.AssetType(atype), fund.ClaimStatus(status)
		c.PrincipalOutstanding, c.PrincipalRecovered, c.NetLoss = kernel.Money(outstanding), kernel.Money(recovered), kernel.Money(net)
		c.Payable, c.Paid, c.FiledAt, c.DecidedAt, c.PaidAt = kernel.Money(payable), kernel.Money(paid), readmodel.Time(filed), readmodel.Time(decided), readmodel.Time(paidAt)
		return c, err
	}, `SELECT claim_id, fund_id, bank, loan_id, asset_id, asset_type, principal_outstanding, principal_recovered, net_loss,
		share_bp, payable, status, reason, paid, filed_at, decided_at, paid_at FROM credit_fund_claim
		WHERE `+where+` ORDER BY seq`, args...)
}

// Advance is rent the fund advanced to a farmer.
type Advance struct {
	ID          uuid.UUID
	Farmer      uuid.UUID
	Transferee  uuid.UUID // who owes the fund the advance
	ContractID  uuid.UUID
	Amount      kernel.Money
	Outstanding kernel.Money
	AdvancedAt  time.Time
}

// FundAdvances returns the fund's rent advances in the order made.
func FundAdvances(ctx context.Context, q readmodel.Querier, fundID uuid.UUID) ([]Advance, error) {
	return readmodel.Collect(ctx, q, func(r readmodel.Scanner) (Advance, error) {
		var (
			a                                Advance
			id, farmer, transferee, contract string
			amount, outstanding, at          int64
		)
		err := r.Scan(&id, &farmer, &transferee, &contract, &amount, &outstanding, &at)
		a.ID, a.Farmer, a.Transferee, a.ContractID = readmodel.ParseID(id), readmodel.ParseID(farmer), readmodel.ParseID(transferee), readmodel.ParseID(contract)
		a.Amount, a.Outstanding, a.AdvancedAt = kernel.Money(amount), kernel.Money(outstanding), readmodel.Time(at)
		return a, err
	}, `SELECT advance_id, farmer, transferee, contract_id, amount, outstanding, advanced_at FROM credit_fund_advance
		WHERE fund_id = $1 ORDER BY seq`, fundID.String())
}

// Holding is collateral the fund bought as buyer of last resort.
type Holding struct {
	PurchaseID uuid.UUID
	AssetID    uuid.UUID
	LoanID     uuid.UUID
	Stage      fund.DisposalStage
	Price      kernel.Money
	BoughtAt   time.Time
	Sold       bool
	Proceeds   kernel.Money
	SoldAt     time.Time
}

// FundHoldings returns what the fund bought, in purchase order.
func FundHoldings(ctx context.Context, q readmodel.Querier, fundID uuid.UUID) ([]Holding, error) {
	return readmodel.Collect(ctx, q, func(r readmodel.Scanner) (Holding, error) {
		var (
			h                               Holding
			id, asset, loan, stage          string
			price, bought, proceeds, soldAt int64
			sold                            int
		)
		err := r.Scan(&id, &asset, &loan, &stage, &price, &bought, &sold, &proceeds, &soldAt)
		h.PurchaseID, h.AssetID, h.LoanID, h.Stage = readmodel.ParseID(id), readmodel.ParseID(asset), readmodel.ParseID(loan), fund.DisposalStage(stage)
		h.Price, h.BoughtAt, h.Sold, h.Proceeds, h.SoldAt = kernel.Money(price), readmodel.Time(bought), sold == 1, kernel.Money(proceeds), readmodel.Time(soldAt)
		return h, err
	}, `SELECT purchase_id, asset_id, loan_id, stage, price, bought_at, sold, proceeds, sold_at FROM credit_fund_holding
		WHERE fund_id = $1 ORDER BY seq`, fundID.String())
}
