package assetview

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// Contract is a land transfer contract.
type Contract struct {
	ID                uuid.UUID
	ListingID         uuid.UUID // uuid.Nil for a contract signed directly
	Status            transfer.Status
	Transferor        uuid.UUID
	Transferee        uuid.UUID
	Collective        uuid.UUID // the collective owning the plots
	Form              transfer.Form
	Use               transfer.Use
	Start             time.Time
	End               time.Time
	RentPerMuYear     kernel.Money
	AnnualRent        kernel.Money  // a whole contract's first-year rent (a lease from an annual-rent award); 0 for a rent per mu
	StepUp            kernel.StepUp // the yearly rent's step-up; zero for none
	Prepaid           kernel.Money  // rent paid through the exchange before signing
	Frequency         transfer.Frequency
	Area              kernel.Area
	Document          transfer.Document
	FilingNo          string
	FiledAt           time.Time
	RegistrationNo    string
	RegisteredAt      time.Time
	TerminationReason transfer.Reason
	TerminatedBy      uuid.UUID
	Cancelled         kernel.Money // rent no longer owed after an early termination
	EndedAt           time.Time
	Offer             *transfer.RenewalOffer
	RenewalDeclined   bool
	Plots             []ContractPlot
	Instalments       []transfer.Instalment
	Payments          []Payment
	Mortgages         []transfer.Mortgage
	CreatedAt         time.Time
	SignedAt          time.Time
	UpdatedAt         time.Time
}

// ContractPlot is one plot a contract covers.
type ContractPlot struct {
	AssetID    uuid.UUID
	Area       kernel.Area
	Contractor uuid.UUID
	Holder     uuid.UUID // the holder when the contract was made
}

// Payment is one rent payment.
type Payment struct {
	Payer  uuid.UUID
	Amount kernel.Money
	At     time.Time
}

// Paid returns the rent paid so far.
func (c Contract) Paid() kernel.Money {
	var m kernel.Money
	for _, i := range c.Instalments {
		m += i.Paid
	}
	return m
}

// Outstanding returns the rent still owed over the whole schedule.
func (c Contract) Outstanding() kernel.Money {
	var m kernel.Money
	for _, i := range c.Instalments {
		m += i.Outstanding()
	}
	return m
}

// Arrears returns the rent due by at and still unpaid.
func (c Contract) Arrears(at time.Time) kernel.Money {
	var m kernel.Money
	for _, i := range c.Instalments {
		if !at.Before(i.Due) {
			m += i.Outstanding()
		}
	}
	return m
}

// IsParty reports whether party is the transferor, the transferee or the owning collective.
func (c Contract) IsParty(party uuid.UUID) bool {
	return party != uuid.Nil && (party == c.Transferor || party == c.Transferee || party == c.Collective)
}

// contractProjection maintains asset_contracts and its child tables from the transfer streams.
type contractProjection struct{}

func (contractProjection) Name() string { return "assetview.contracts" }

func (contractProjection) Version() int { return 2 }

func (contractProjection) Tables() []string {
	return []string{"asset_contracts", "asset_contract_plots", "asset_contract_instalments", "asset_contract_payments", "asset_contract_mortgages"}
}

func (contractProjection) Schema(readmodel.Dialect) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS asset_contracts (
			id TEXT PRIMARY KEY, listing_id TEXT NOT NULL, status TEXT NOT NULL, transferor TEXT NOT NULL, transferee TEXT NOT NULL,
			collective TEXT NOT NULL, form TEXT NOT NULL, land_use TEXT NOT NULL, start_at BIGINT NOT NULL, end_at BIGINT NOT NULL,
			rent BIGINT NOT NULL, frequency TEXT NOT NULL, area BIGINT NOT NULL, document_ref TEXT NOT NULL, document_signed BIGINT NOT NULL,
			filing_no TEXT NOT NULL, filed_at BIGINT NOT NULL, registration_no TEXT NOT NULL, registered_at BIGINT NOT NULL,
			termination_reason TEXT NOT NULL, terminated_by TEXT NOT NULL, cancelled BIGINT NOT NULL, ended_at BIGINT NOT NULL,
			offer_end BIGINT NOT NULL, offer_rent BIGINT NOT NULL, offer_frequency TEXT NOT NULL, offer_respond_by BIGINT NOT NULL,
			renewal_declined INTEGER NOT NULL, created_at BIGINT NOT NULL, signed_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
			annual_rent BIGINT NOT NULL DEFAULT 0, step_up_years INTEGER NOT NULL DEFAULT 0, step_up_percent BIGINT NOT NULL DEFAULT 0,
			prepaid BIGINT NOT NULL DEFAULT 0)`,
		`CREATE INDEX IF NOT EXISTS asset_contracts_created ON asset_contracts (created_at, id)`,
		`CREATE INDEX IF NOT EXISTS asset_contracts_collective ON asset_contracts (collective, created_at, id)`,
		`CREATE INDEX IF NOT EXISTS asset_contracts_transferor ON asset_contracts (transferor, created_at, id)`,
		`CREATE INDEX IF NOT EXISTS asset_contracts_transferee ON asset_contracts (transferee, created_at, id)`,
		`CREATE TABLE IF NOT EXISTS asset_contract_plots (
			contract_id TEXT NOT NULL, asset_id TEXT NOT NULL, area BIGINT NOT NULL, contractor TEXT NOT NULL, holder TEXT NOT NULL,
			PRIMARY KEY (contract_id, asset_id))`,
		`CREATE INDEX IF NOT EXISTS asset_contract_plots_asset ON asset_contract_plots (asset_id)`,
		`CREATE TABLE IF NOT EXISTS asset_contract_instalments (
			contract_id TEXT NOT NULL, no BIGINT NOT NULL, due BIGINT NOT NULL, amount BIGINT NOT NULL, paid BIGINT NOT NULL,
			overdue INTEGER NOT NULL, PRIMARY KEY (contract_id, no))`,
		`CREATE TABLE IF NOT EXISTS asset_contract_payments (
			contract_id TEXT NOT NULL, seq BIGINT NOT NULL, payer TEXT NOT NULL, amount BIGINT NOT NULL, at BIGINT NOT NULL,
			PRIMARY KEY (contract_id, seq))`,
		`CREATE TABLE IF NOT EXISTS asset_contract_mortgages (
			contract_id TEXT NOT NULL, registration_id TEXT NOT NULL, secured_party TEXT NOT NULL, at BIGINT NOT NULL,
			PRIMARY KEY (contract_id, registration_id))`,
	}
}

// contractStreams begins the name of every transfer contract's stream.
var contractStreams = transfer.Decider.Category + "-"

func (contractProjection) Apply(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	id, ok := strings.CutPrefix(env.Stream, contractStreams)
	if !ok {
		return nil
	}
	exec := func(query string, args ...any) error {
		_, err := tx.ExecContext(ctx, query, args...)
		return err
	}
	var err error
	var at time.Time
	switch e := env.Event.(type) {
	case transfer.ContractDrafted:
		at, err = e.At, upsertContract(ctx, tx, id, e.ListingID, transfer.StatusDrafted, e.Terms, transfer.Document{}, e.At, time.Time{})
	case transfer.ContractSigned:
		at = e.At
		if err = upsertContract(ctx, tx, id, e.ListingID, transfer.StatusInForce, e.Terms, e.Document, e.At, e.At); err == nil {
			err = insertInstalments(ctx, tx, id, e.Instalments)
		}
	case transfer.ContractFiled:
		at, err = e.At, exec(`UPDATE asset_contracts SET filing_no = $2, filed_at = $3 WHERE id = $1`, id, e.FilingNo, readmodel.Micros(e.At))
	case transfer.ContractRegistered:
		at, err = e.At, exec(`UPDATE asset_contracts SET registration_no = $2, registered_at = $3 WHERE id = $1`, id, e.RegistrationNo, readmodel.Micros(e.At))
	case transfer.RentPaid:
		at = e.At
		for _, a := range e.Allocations {
			if err = exec(`UPDATE asset_contract_instalments SET paid = paid + $3 WHERE contract_id = $1 AND no = $2`, id, a.No, int64(a.Amount)); err != nil {
				return err
			}
		}
		err = exec(`INSERT INTO asset_contract_payments (contract_id, seq, payer, amount, at) VALUES ($1, $2, $3, $4, $5)`,
			id, int64(env.Version), e.Payer.String(), int64(e.Amount), readmodel.Micros(e.At))
	case transfer.RentOverdue:
		at, err = e.At, exec(`UPDATE asset_contract_instalments SET overdue = 1 WHERE contract_id = $1 AND no = $2`, id, e.No)
	case transfer.ContractTerminated:
		at = e.At
		if err = exec(`UPDATE asset_contracts SET status = $2, termination_reason = $3, terminated_by = $4, cancelled = $5, ended_at = $6
			WHERE id = $1`, id, string(transfer.StatusTerminated), string(e.Reason), e.By.String(), int64(e.Cancelled), readmodel.Micros(e.At)); err == nil {
			err = exec(`UPDATE asset_contract_instalments SET amount = paid WHERE contract_id = $1 AND due > $2`, id, readmodel.Micros(e.At))
		}
	case transfer.RenewalOffered:
		at, err = e.At, exec(`UPDATE asset_contracts SET offer_end = $2, offer_rent = $3, offer_frequency = $4, offer_respond_by = $5
			WHERE id = $1`, id, readmodel.Micros(e.End), int64(e.RentPerMuYear), string(e.Frequency), readmodel.Micros(e.RespondBy))
	case transfer.ContractRenewed:
		at = e.At
		if err = exec(`UPDATE asset_contracts SET end_at = $2, rent = $3, frequency = $4, offer_end = 0, offer_rent = 0,
			annual_rent = 0, step_up_years = 0, step_up_percent = 0,
			offer_frequency = '', offer_respond_by = 0 WHERE id = $1`, id, readmodel.Micros(e.End), int64(e.RentPerMuYear), string(e.Frequency)); err == nil {
			err = insertInstalments(ctx, tx, id, e.Instalments)
		}
	case transfer.RenewalDeclined:
		at, err = e.At, exec(`UPDATE asset_contracts SET renewal_declined = 1 WHERE id = $1`, id)
	case transfer.ContractExpired:
		at, err = e.At, exec(`UPDATE asset_contracts SET status = $2, ended_at = $3 WHERE id = $1`, id, string(transfer.StatusExpired), readmodel.Micros(e.At))
	case transfer.RightMortgaged:
		at, err = e.At, exec(`INSERT INTO asset_contract_mortgages (contract_id, registration_id, secured_party, at) VALUES ($1, $2, $3, $4)`,
			id, e.RegistrationID.String(), e.SecuredParty.String(), readmodel.Micros(e.At))
	default:
		return nil
	}
	if err != nil {
		return err
	}
	return exec(`UPDATE asset_contracts SET updated_at = $2 WHERE id = $1`, id, readmodel.Micros(at))
}

func upsertContract(ctx context.Context, tx readmodel.Tx, id string, listing uuid.UUID, status transfer.Status, t transfer.Terms,
	doc transfer.Document, at, signed time.Time) error {
	collective := uuid.Nil
	if len(t.Plots) > 0 {
		collective = t.Plots[0].Collective
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO asset_contracts (id, listing_id, status, transferor, transferee, collective, form,
		land_use, start_at, end_at, rent, frequency, area, document_ref, document_signed, filing_no, filed_at, registration_no,
		registered_at, termination_reason, terminated_by, cancelled, ended_at, offer_end, offer_rent, offer_frequency,
		offer_respond_by, renewal_declined, created_at, signed_at, updated_at, annual_rent, step_up_years, step_up_percent, prepaid)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '', 0, '', 0, '', '', 0, 0, 0, 0, '', 0, 0, $16, $17, $16,
			$18, $19, $20, $21)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, document_ref = excluded.document_ref,
		document_signed = excluded.document_signed, signed_at = excluded.signed_at`,
		id, readmodel.IDText(listing), string(status), t.Transferor.String(), t.Transferee.String(), readmodel.IDText(collective), string(t.Form),
		string(t.Use), readmodel.Micros(t.Start), readmodel.Micros(t.End), int64(t.RentPerMuYear), string(t.Frequency), int64(t.Area()),
		doc.Reference, readmodel.Micros(doc.Signed), readmodel.Micros(at), readmodel.Micros(signed),
		int64(t.AnnualRent), t.StepUp.EveryYears, t.StepUp.Percent, int64(t.Prepaid)); err != nil {
		return err
	}
	for _, p := range t.Plots {
		if _, err := tx.ExecContext(ctx, `INSERT INTO asset_contract_plots (contract_id, asset_id, area, contractor, holder)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (contract_id, asset_id) DO NOTHING`,
			id, p.AssetID.String(), int64(p.Area), readmodel.IDText(p.Contractor), p.Holder.String()); err != nil {
			return err
		}
	}
	return nil
}

func insertInstalments(ctx context.Context, tx readmodel.Tx, id string, is []transfer.Instalment) error {
	for _, i := range is {
		if _, err := tx.ExecContext(ctx, `INSERT INTO asset_contract_instalments (contract_id, no, due, amount, paid, overdue)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, i.No, readmodel.Micros(i.Due), int64(i.Amount), int64(i.Paid), readmodel.Bool(i.Overdue)); err != nil {
			return err
		}
	}
	return nil
}

// ContractFilter selects contracts; zero fields do not filter.
type ContractFilter struct {
	Collective uuid.UUID
	Transferor uuid.UUID
	Transferee uuid.UUID
	Party      uuid.UUID // transferor, transferee or collective
	AssetID    uuid.UUID // contracts covering this plot
	Status     transfer.Status
}

// Contract returns one contract with its plots, schedule and payments, or NOT_FOUND.
func (r Reader) Contract(ctx context.Context, id uuid.UUID) (Contract, error) {
	return one(id, "transfer contract", func(w *readmodel.Where, limit int) ([]Contract, error) { return r.contracts(ctx, w, limit) })
}

// Contracts returns a page of the contracts f selects, oldest first, and how many match.
func (r Reader) Contracts(ctx context.Context, f ContractFilter, p readmodel.Page) (readmodel.Result[Contract], error) {
	var w readmodel.Where
	for _, c := range []struct {
		col string
		id  uuid.UUID
	}{{"collective", f.Collective}, {"transferor", f.Transferor}, {"transferee", f.Transferee}} {
		if c.id != uuid.Nil {
			w.Add(c.col+" = ?", c.id.String())
		}
	}
	if f.Party != uuid.Nil {
		s := f.Party.String()
		w.Add("(transferor = ? OR transferee = ? OR collective = ?)", s, s, s)
	}
	if f.AssetID != uuid.Nil {
		w.Add("id IN (SELECT contract_id FROM asset_contract_plots WHERE asset_id = ?)", f.AssetID.String())
	}
	if f.Status != "" {
		w.Add("status = ?", string(f.Status))
	}
	return readmodel.Paged(ctx, r.DB, "asset_contracts", &w, byCreation, p, func(limit int) ([]Contract, error) { return r.contracts(ctx, &w, limit) })
}

// Cursor returns the contract's place in the Contracts list.
func (c Contract) Cursor() readmodel.Cursor {
	return readmodel.CursorOf(readmodel.Micros(c.CreatedAt), c.ID)
}

func (r Reader) contracts(ctx context.Context, w *readmodel.Where, limit int) ([]Contract, error) {
	rows, err := r.DB.QueryContext(ctx, fmt.Sprintf(`SELECT id, listing_id, status, transferor, transferee, collective, form, land_use,
		start_at, end_at, rent, frequency, area, document_ref, document_signed, filing_no, filed_at, registration_no, registered_at,
		termination_reason, terminated_by, cancelled, ended_at, offer_end, offer_rent, offer_frequency, offer_respond_by,
		renewal_declined, created_at, signed_at, updated_at, annual_rent, step_up_years, step_up_percent, prepaid FROM asset_contracts%s ORDER BY %s LIMIT %d`, w.String(), byCreation.OrderBy(), limit), w.Args()...)
	if err != nil {
		return nil, err
	}
	var out []Contract
	index := map[string]int{}
	var ids []string
	for rows.Next() {
		var c Contract
		var id, listing, status, transferor, transferee, collective, form, use, frequency, reason, by, offerFreq string
		var start, end, rent, area, docSigned, filed, registered, cancelled, ended, offerEnd, offerRent, offerBy, created, signed, updated int64
		var declined int
		var annual, prepaid int64
		if err := rows.Scan(&id, &listing, &status, &transferor, &transferee, &collective, &form, &use, &start, &end, &rent, &frequency,
			&area, &c.Document.Reference, &docSigned, &c.FilingNo, &filed, &c.RegistrationNo, &registered, &reason, &by, &cancelled,
			&ended, &offerEnd, &offerRent, &offerFreq, &offerBy, &declined, &created, &signed, &updated,
			&annual, &c.StepUp.EveryYears, &c.StepUp.Percent, &prepaid); err != nil {
			rows.Close()
			return nil, err
		}
		c.ID, c.ListingID, c.Status = readmodel.ParseID(id), readmodel.ParseID(listing), transfer.Status(status)
		c.Transferor, c.Transferee, c.Collective = readmodel.ParseID(transferor), readmodel.ParseID(transferee), readmodel.ParseID(collective)
		c.Form, c.Use, c.Frequency, c.TerminationReason = transfer.Form(form), transfer.Use(use), transfer.Frequency(frequency), transfer.Reason(reason)
		c.Start, c.End, c.RentPerMuYear, c.Area = readmodel.Time(start), readmodel.Time(end), kernel.Money(rent), kernel.Area(area)
		c.Document.Signed, c.FiledAt, c.RegisteredAt, c.TerminatedBy = readmodel.Time(docSigned), readmodel.Time(filed), readmodel.Time(registered), readmodel.ParseID(by)
		c.Cancelled, c.EndedAt, c.RenewalDeclined = kernel.Money(cancelled), readmodel.Time(ended), declined == 1
		c.AnnualRent, c.Prepaid = kernel.Money(annual), kernel.Money(prepaid)
		c.CreatedAt, c.SignedAt, c.UpdatedAt = readmodel.Time(created), readmodel.Time(signed), readmodel.Time(updated)
		if offerEnd != 0 {
			c.Offer = &transfer.RenewalOffer{End: readmodel.Time(offerEnd), RentPerMuYear: kernel.Money(offerRent),
				Frequency: transfer.Frequency(offerFreq), RespondBy: readmodel.Time(offerBy)}
		}
		index[id] = len(out)
		ids = append(ids, id)
		out = append(out, c)
	}
	if err := closeRows(rows); err != nil || len(out) == 0 {
		return out, err
	}
	return out, r.contractChildren(ctx, out, index, ids)
}

// contractChildren loads the plots, instalments, payments and mortgages of
// out (indexed by id), one query per table.
func (r Reader) contractChildren(ctx context.Context, out []Contract, index map[string]int, ids []string) error {
	rows, err := r.queryIn(ctx, `SELECT contract_id, asset_id, area, contractor, holder FROM asset_contract_plots
		%s ORDER BY contract_id, asset_id`, "contract_id", ids)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, asset, contractor, holder string
		var area int64
		if err := rows.Scan(&id, &asset, &area, &contractor, &holder); err != nil {
			rows.Close()
			return err
		}
		c := &out[index[id]]
		c.Plots = append(c.Plots, ContractPlot{AssetID: readmodel.ParseID(asset), Area: kernel.Area(area), Contractor: readmodel.ParseID(contractor), Holder: readmodel.ParseID(holder)})
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if rows, err = r.queryIn(ctx, `SELECT contract_id, no, due, amount, paid, overdue FROM asset_contract_instalments
		%s ORDER BY contract_id, no`, "contract_id", ids); err != nil {
		return err
	}
	for rows.Next() {
		var id string
		var i transfer.Instalment
		var due, amount, paid int64
		var overdue int
		if err := rows.Scan(&id, &i.No, &due, &amount, &paid, &overdue); err != nil {
			rows.Close()
			return err
		}
		i.Due, i.Amount, i.Paid, i.Overdue = readmodel.Time(due), kernel.Money(amount), kernel.Money(paid), overdue == 1
		c := &out[index[id]]
		c.Instalments = append(c.Instalments, i)
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if rows, err = r.queryIn(ctx, `SELECT contract_id, payer, amount, at FROM asset_contract_payments
		%s ORDER BY contract_id, seq`, "contract_id", ids); err != nil {
		return err
	}
	for rows.Next() {
		var id, payer string
		var amount, at int64
		if err := rows.Scan(&id, &payer, &amount, &at); err != nil {
			rows.Close()
			return err
		}
		c := &out[index[id]]
		c.Payments = append(c.Payments, Payment{Payer: readmodel.ParseID(payer), Amount: kernel.Money(amount), At: readmodel.Time(at)})
	}
	if err := closeRows(rows); err != nil {
		return err
	}
	if rows, err = r.queryIn(ctx, `SELECT contract_id, registration_id, secured_party FROM asset_contract_mortgages
		%s ORDER BY contract_id, at`, "contract_id", ids); err != nil {
		return err
	}
	for rows.Next() {
		var id, reg, secured string
		if err := rows.Scan(&id, &reg, &secured); err != nil {
			rows.Close()
			return err
		}
		c := &out[index[id]]
		c.Mortgages = append(c.Mortgages, transfer.Mortgage{RegistrationID: readmodel.ParseID(reg), SecuredParty: readmodel.ParseID(secured)})
	}
	return closeRows(rows)
}
