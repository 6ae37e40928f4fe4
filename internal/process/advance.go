package process

import (
	"context"

	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// The advance manager pays the rent the operation fund advances (rule 24):
//
//	fund.RentAdvanced → transfer.PayRent by the fund, on the contract's oldest
//	                    unpaid instalments: the farmer is paid and the arrears clear
//
// The transferee then owes the fund the advance; the fund's operator records
// what it pays back (recordRentAdvanceRepayment).

// onAdvance reacts to the fund category for the advance manager.
func (m *managers) onAdvance(ctx context.Context, t trigger) error {
	e, ok := t.Event.(fund.RentAdvanced)
	if !ok {
		return nil
	}
	cmd, meta := transfer.PayRent{ContractID: e.ContractID, Payer: e.FundID, Amount: e.Amount}, t.meta("pay-advanced-rent")
	return exec(ctx, m, m.app.Transfers, transfer.Command(cmd), meta)
}
