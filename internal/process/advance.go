package process

import (
	"context"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/process/workflow"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// The advance workflow pays the rent the operation fund advances (rule 24);
// its instance is the advance:
//
//	fund.RentAdvanced → transfer.PayRent by the fund, on the contract's oldest
//	                    unpaid instalments: the farmer is paid and the arrears clear
//
// The transferee then owes the fund the advance; the fund's operator records
// what it pays back (recordRentAdvanceRepayment).
var advanceFlow = definition[struct{}]{
	on:       []kernel.Event{fund.RentAdvanced{}},
	Workflow: workflow.Workflow[struct{}]{Name: "advance", Decide: decideAdvance},
	route: func(_ context.Context, _ *managers, t trigger) (uuid.UUID, bool, error) {
		e, ok := t.Event.(fund.RentAdvanced)
		return e.AdvanceID, ok, nil
	},
	gather: func(context.Context, *managers, trigger) (struct{}, error) { return struct{}{}, nil },
}

func decideAdvance(_ workflow.State, t workflow.Trigger, _ struct{}) []workflow.Send {
	e, ok := t.Event.(fund.RentAdvanced)
	if !ok {
		return nil
	}
	return []workflow.Send{{Step: "pay-advanced-rent", Command: transfer.PayRent{ContractID: e.ContractID, Payer: e.FundID, Amount: e.Amount}}}
}
