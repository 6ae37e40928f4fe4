package process

import (
	"time"

	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
	"github.com/nongjiao/nongjiao/internal/lending"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/process/workflow"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

// flowOf is w as the table runner takes it: the commands without their ids
// (the recorded CommandSent events carry those).
func flowOf[F any](w workflow.Workflow[F]) decidertest.Flow[workflow.State, workflow.Input[F]] {
	return decidertest.Flow[workflow.State, workflow.Input[F]]{
		Evolve: workflow.Evolve,
		Step: func(s workflow.State, in workflow.Input[F]) ([]kernel.Event, []kernel.Command) {
			events, outs := w.Step(s, in)
			var cmds []kernel.Command
			for _, o := range outs {
				cmds = append(cmds, o.Command)
			}
			return events, cmds
		},
	}
}

// sent is what instance of w records when it sends cmd for step of t.
func sent(w string, instance uuid.UUID, t workflow.Trigger, step string, cmd kernel.Command) workflow.CommandSent {
	return workflow.CommandSent{Workflow: w, Instance: instance, Trigger: t.ID, Step: step,
		CommandID: workflow.CommandID(t.ID, step), Command: workflow.CommandName(cmd), Aggregate: cmd.AggregateID()}
}

func TestLoanWorkflow(t *testing.T) {
	approval := workflow.Trigger{ID: uuid.MustParse("00000000-0000-0000-0001-000000000001"), Stream: "loan-" + loanID.String(), Position: 10,
		Event: lending.LoanApproved{LoanID: loanID}}
	registration := workflow.Trigger{ID: uuid.MustParse("00000000-0000-0000-0001-000000000002"), Stream: "collateral-" + loanID.String(), Position: 11,
		Event: collateral.CollateralRegistered{RegistrationID: loanID}}
	loan := lending.State{ID: loanID, Status: lending.StatusApproved, Bank: bank, Borrower: farmer, Collateral: lending.Collateral{AssetID: assetID}}
	notice := collateral.State{ID: loanID, Status: collateral.StatusRegistered, SecuredParty: bank, Grantor: farmer,
		Collateral: collateral.Collateral{Kind: collateral.KindMortgage, Asset: assetID}}
	securing := collateral.SecureLoan{RegistrationID: loanID, LoanID: loanID, Bank: bank, Borrower: farmer, Asset: assetID, Waiting: true}
	recording := notice
	recording.Loans = []collateral.SecuredLoan{{LoanID: loanID}}
	record := lending.RecordCollateralRegistered{LoanID: loanID, RegistrationID: loanID}
	otherBanks := notice
	otherBanks.SecuredParty = appraiser
	in := func(t workflow.Trigger, n collateral.State) workflow.Input[loanFacts] {
		return workflow.Input[loanFacts]{Instance: loanID, Trigger: t, Facts: loanFacts{Loan: loan, Notice: n, Securing: securing}}
	}
	decidertest.RunFlow(t, flowOf(loanFlow.Workflow), app.Registry(), []decidertest.FlowCase[workflow.Input[loanFacts]]{
		{Name: "an approval whose notice is in force asks the notice to secure the loan first",
			When: in(approval, notice),
			Then: []kernel.Event{sent("loan", loanID, approval, "secure-loan", securing)}, Send: []kernel.Command{securing}},
		{Name: "once the notice secures the loan, the loan records the notice",
			Given: []kernel.Event{sent("loan", loanID, approval, "secure-loan", securing)},
			When:  in(approval, recording),
			Then:  []kernel.Event{sent("loan", loanID, approval, linkStep, record)}, Send: []kernel.Command{record}},
		{Name: "an approval before its notice sends nothing", When: in(approval, collateral.State{})},
		{Name: "a notice of another bank does not secure the loan", When: in(registration, otherBanks)},
		{Name: "the second of approval and registration sends nothing once the loan is linked",
			Given: []kernel.Event{sent("loan", loanID, approval, "secure-loan", securing), sent("loan", loanID, approval, linkStep, record)},
			When:  in(registration, recording)},
		{Name: "a handled trigger, delivered again, sends nothing",
			Given: []kernel.Event{loanFlow.Handled(loanID, approval)},
			When:  in(approval, notice)},
	})
}

func TestDisposalWorkflow(t *testing.T) {
	other := uuid.MustParse("00000000-0000-0000-0000-00000000d006") // a later notice, of another lender, securing no loan here
	paid := workflow.Trigger{ID: uuid.MustParse("00000000-0000-0000-0002-000000000001"), Stream: "listing-" + firstSale.String(), Position: 40,
		Event: listing.PaymentConfirmed{ListingID: firstSale}}
	forfeited := workflow.Trigger{ID: uuid.MustParse("00000000-0000-0000-0002-000000000002"), Stream: "listing-" + firstSale.String(), Position: 30,
		Event: listing.DepositForfeited{ListingID: firstSale, Amount: kernel.Yuan(5_000)}}
	first := collateral.State{ID: loanID, Status: collateral.StatusRegistered, SecuredParty: bank}
	second := collateral.State{ID: other, Status: collateral.StatusRegistered, SecuredParty: appraiser}
	loan := lending.State{ID: loanID, Status: lending.StatusDefaulted, RegistrationID: loanID}
	sold := &sale{Ranked: []collateral.State{first, second}, Loans: []lending.State{loan, {}}, Discharge: true, Why: "sold",
		Payouts: []collateral.Payout{{To: bank, Registration: loanID, Amount: kernel.Yuan(80_000)}, {To: appraiser, Registration: other, Amount: kernel.Yuan(20_000)}}}
	claim := fund.DefaultedLoan{LoanID: loanID, Bank: bank, Defaulted: true, PrincipalOutstanding: kernel.Yuan(100_000), PrincipalRecovered: kernel.Yuan(80_000)}
	facts := disposalFacts{Sale: sold, Claims: []fund.DefaultedLoan{claim}, Fund: fundID}

	recovery := lending.RecordRecovery{LoanID: loanID, Source: lending.RecoveryDisposal, Amount: kernel.Yuan(80_000)}
	dischargeFirst := collateral.DischargeCollateral{RegistrationID: loanID, By: bank, Reason: "sold"}
	dischargeSecond := collateral.DischargeCollateral{RegistrationID: other, By: appraiser, Reason: "sold"}
	file := fund.FileFundClaim{FundID: fundID, ClaimID: workflow.NewID(paid.ID, "fund-claim/"+loanID.String()), By: bank, Loan: claim}
	phaseOne := []kernel.Event{
		sent("disposal", loanID, paid, "recovery/"+loanID.String(), recovery),
		sent("disposal", loanID, paid, "discharge/"+loanID.String(), dischargeFirst),
		sent("disposal", loanID, paid, "discharge/"+other.String(), dischargeSecond),
	}
	deposit := *sold
	deposit.Discharge = false
	depositRecovery := recovery
	in := func(t workflow.Trigger, f disposalFacts) workflow.Input[disposalFacts] {
		return workflow.Input[disposalFacts]{Instance: loanID, Trigger: t, Facts: f}
	}
	decidertest.RunFlow(t, flowOf(disposalFlow.Workflow), app.Registry(), []decidertest.FlowCase[workflow.Input[disposalFacts]]{
		{Name: "a sale pays the secured loan by rank and discharges every ranked notice, the claim waiting",
			When: in(paid, facts), Then: phaseOne, Send: []kernel.Command{recovery, dischargeFirst, dischargeSecond}},
		{Name: "once those are sent, the claim for the remaining loss is filed",
			Given: phaseOne, When: in(paid, facts),
			Then: []kernel.Event{sent("disposal", loanID, paid, "fund-claim/"+loanID.String(), file)}, Send: []kernel.Command{file}},
		{Name: "a sale handled in part before a crash sends only the rest, the claim still waiting",
			Given: phaseOne[:1], When: in(paid, facts),
			Then: phaseOne[1:], Send: []kernel.Command{dischargeFirst, dischargeSecond}},
		{Name: "a forfeited deposit is a recovery, and the notices stay",
			When: in(forfeited, disposalFacts{Sale: &deposit}),
			Then: []kernel.Event{sent("disposal", loanID, forfeited, "recovery/"+loanID.String(), depositRecovery)}, Send: []kernel.Command{depositRecovery}},
		{Name: "a sale handled already sends nothing",
			Given: []kernel.Event{disposalFlow.Handled(loanID, paid)}, When: in(paid, facts)},
	})
}

func TestAwardAndContractWorkflows(t *testing.T) {
	paid := workflow.Trigger{ID: uuid.MustParse("00000000-0000-0000-0003-000000000001"), Stream: "listing-" + firstSale.String(), Position: 5,
		Event: listing.PaymentConfirmed{ListingID: firstSale}}
	terms := transfer.Terms{Transferor: collective, Transferee: farmer, Form: transfer.FormLease, Use: transfer.UseCropping, Frequency: transfer.OneOff,
		Start: t0, End: rightsEnd, Plots: []transfer.Plot{{AssetID: assetID}}}
	draft := transfer.DraftFromAward{ContractID: workflow.NewID(paid.ID, "contract"), ListingID: firstSale, Terms: terms}
	award := func(f awardFacts) workflow.Input[awardFacts] {
		return workflow.Input[awardFacts]{Instance: firstSale, Trigger: paid, Facts: f}
	}
	decidertest.RunFlow(t, flowOf(awardFlow.Workflow), app.Registry(), []decidertest.FlowCase[workflow.Input[awardFacts]]{
		{Name: "a paid award of land drafts its contract", When: award(awardFacts{Paid: true, Land: true, Terms: terms}),
			Then: []kernel.Event{sent("award", firstSale, paid, "draft-contract", draft)}, Send: []kernel.Command{draft}},
		{Name: "a contract drafted already is not drafted again", When: award(awardFacts{Paid: true, Land: true, Contract: true, Terms: terms})},
		{Name: "no land contract covers the asset", When: award(awardFacts{Paid: true, Terms: terms})},
		{Name: "a listing no longer paid is signed already", When: award(awardFacts{Land: true, Terms: terms})},
	})

	contract := draft.ContractID
	second := uuid.MustParse("00000000-0000-0000-0000-00000000a002")
	signedTerms := terms
	signedTerms.Plots = []transfer.Plot{{AssetID: assetID}, {AssetID: second}}
	signed := workflow.Trigger{ID: uuid.MustParse("00000000-0000-0000-0003-000000000002"), Stream: "transfer-" + contract.String(), Position: 7,
		Event: transfer.ContractSigned{ContractID: contract, ListingID: firstSale, Terms: signedTerms, Document: transfer.Document{Reference: "合同 1", Signed: t0}}}
	sign := listing.SignContract{ListingID: firstSale, ContractID: contract}
	move := registry.TransferManagementRight{AssetID: second, ContractID: contract, Transferor: collective, Transferee: farmer,
		Form: registry.Form(transfer.FormLease), Start: t0, End: rightsEnd, Source: registry.Source{Reference: "合同 1", Date: t0}}
	held := map[uuid.UUID]registry.ManagementRight{assetID: {Holder: farmer, ContractID: contract, End: rightsEnd}}
	decidertest.RunFlow(t, flowOf(contractFlow.Workflow), app.Registry(), []decidertest.FlowCase[workflow.Input[contractFacts]]{
		{Name: "a signed contract marks the paid listing signed and moves each plot's right not moved yet",
			When: workflow.Input[contractFacts]{Instance: contract, Trigger: signed, Facts: contractFacts{ListingPaid: true, Held: held}},
			Then: []kernel.Event{sent("contract", contract, signed, "sign-listing", sign), sent("contract", contract, signed, "transfer-right/"+second.String(), move)},
			Send: []kernel.Command{sign, move}},
	})
}

func TestNoticeWorkflow(t *testing.T) {
	pledged := uuid.MustParse("00000000-0000-0000-0000-00000000d008") // a share pledge notice, with a loan of the same id
	registered := func(id uuid.UUID, col collateral.Collateral, at time.Time) workflow.Trigger {
		return workflow.Trigger{ID: uuid.NewSHA1(id, []byte("registered")), Stream: "collateral-" + id.String(), Position: 20,
			Event: collateral.CollateralRegistered{RegistrationID: id, Number: "DJ-1", Grantor: household, SecuredParty: bank,
				Collateral: col, SecuredAmount: kernel.Yuan(30_000), Start: t0, At: at}}
	}
	mortgage := collateral.Collateral{Kind: collateral.KindMortgage, Asset: assetID}
	shares := collateral.Collateral{Kind: collateral.KindSharePledge, Asset: coopID, Member: member, Shares: 60}
	// 01:00 on 2 March in Shanghai, while it is still 1 March in UTC.
	earlyMorning := time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC)
	onMortgage, onShares := registered(loanID, mortgage, t0), registered(pledged, shares, earlyMorning)
	restrict := registry.AddRestriction{AssetID: assetID, Restriction: registry.Restriction{ID: loanID, Kind: registry.RestrictionMortgage,
		Grantor: household, SecuredParty: bank, Amount: kernel.Yuan(30_000), Start: t0, Source: registry.Source{Reference: "DJ-1", Date: t0}}}
	loan := lending.State{ID: pledged, Status: lending.StatusApproved, Bank: bank, TermMonths: 12}
	pledge := coop.PledgeShares{CoopID: coopID, PledgeID: pledged, Holder: member, Pledgee: bank, Shares: 60, RegistrationNumber: "DJ-1",
		LoanMaturity: time.Date(2027, 3, 2, 0, 0, 0, 0, kernel.Shanghai).UTC()}
	scheduled := loan
	scheduled.Schedule = []lending.ScheduledInstalment{{Instalment: lending.Instalment{No: 1, DueDate: time.Date(2027, 2, 20, 0, 0, 0, 0, time.UTC)}}}
	bySchedule := pledge
	bySchedule.LoanMaturity = scheduled.Schedule[0].DueDate
	otherBank := loan
	otherBank.Bank = appraiser

	mortgageNotice := collateral.State{ID: loanID, Status: collateral.StatusRegistered, Number: "DJ-1", SecuredParty: bank, Collateral: mortgage}
	sharesNotice := collateral.State{ID: pledged, Status: collateral.StatusDischarged, Number: "DJ-1", SecuredParty: bank, Collateral: shares}
	discharged := func(id uuid.UUID) workflow.Trigger {
		return workflow.Trigger{ID: uuid.NewSHA1(id, []byte("discharged")), Stream: "collateral-" + id.String(), Position: 30,
			Event: collateral.CollateralDischarged{RegistrationID: id, By: bank, At: t0.Add(time.Hour)}}
	}
	expired := workflow.Trigger{ID: uuid.NewSHA1(pledged, []byte("expired")), Stream: "collateral-" + pledged.String(), Position: 30,
		Event: collateral.CollateralExpired{RegistrationID: pledged, At: t0.Add(time.Hour)}}
	lift := registry.RemoveRestriction{AssetID: assetID, RestrictionID: loanID, Source: registry.Source{Reference: "DJ-1", Date: t0.Add(time.Hour)}}
	release := coop.ReleasePledge{CoopID: coopID, PledgeID: pledged, By: bank}
	in := func(id uuid.UUID, t workflow.Trigger, f noticeFacts) workflow.Input[noticeFacts] {
		return workflow.Input[noticeFacts]{Instance: id, Trigger: t, Facts: f}
	}
	decidertest.RunFlow(t, flowOf(noticeFlow.Workflow), app.Registry(), []decidertest.FlowCase[workflow.Input[noticeFacts]]{
		{Name: "a mortgage restricts its asset", When: in(loanID, onMortgage, noticeFacts{}),
			Then: []kernel.Event{sent("notice", loanID, onMortgage, "add-restriction", restrict)}, Send: []kernel.Command{restrict}},
		{Name: "an asset restricted already is not restricted again", When: in(loanID, onMortgage, noticeFacts{Restricted: true})},
		{Name: "a share pledge of a loan before its schedule runs to the Shanghai date of registration plus the term",
			When: in(pledged, onShares, noticeFacts{Loan: loan}),
			Then: []kernel.Event{sent("notice", pledged, onShares, "pledge-shares", pledge)}, Send: []kernel.Command{pledge}},
		{Name: "a share pledge of a scheduled loan runs to its last instalment", When: in(pledged, onShares, noticeFacts{Loan: scheduled}),
			Then: []kernel.Event{sent("notice", pledged, onShares, "pledge-shares", bySchedule)}, Send: []kernel.Command{bySchedule}},
		{Name: "a share pledge notice of another bank than the loan's is left to the bank", When: in(pledged, onShares, noticeFacts{Loan: otherBank})},
		{Name: "a share pledge recorded already is not pledged again", When: in(pledged, onShares, noticeFacts{Loan: loan, Pledged: true})},
		{Name: "a discharged mortgage lifts its restriction", When: in(loanID, discharged(loanID), noticeFacts{Notice: mortgageNotice, Restricted: true}),
			Then: []kernel.Event{sent("notice", loanID, discharged(loanID), "remove-restriction", lift)}, Send: []kernel.Command{lift}},
		{Name: "a restriction lifted already is not lifted again", When: in(loanID, discharged(loanID), noticeFacts{Notice: mortgageNotice})},
		{Name: "a discharged share pledge is released", When: in(pledged, discharged(pledged), noticeFacts{Notice: sharesNotice, Pledged: true}),
			Then: []kernel.Event{sent("notice", pledged, discharged(pledged), "release-pledge", release)}, Send: []kernel.Command{release}},
		{Name: "an expired share pledge expires on the cooperative's own schedule", When: in(pledged, expired, noticeFacts{Notice: sharesNotice, Pledged: true})},
	})
}

func TestContractWorkflowFollowsRenewalAndEnd(t *testing.T) {
	contract := uuid.MustParse("00000000-0000-0000-0000-00000000d009")
	newEnd := t0.AddDate(10, 0, 0)
	renewed := workflow.Trigger{ID: uuid.NewSHA1(contract, []byte("renewed")), Stream: "transfer-" + contract.String(), Position: 50,
		Event: transfer.ContractRenewed{ContractID: contract, End: newEnd, Document: transfer.Document{Reference: "续约 1", Signed: t0}}}
	terminated := workflow.Trigger{ID: uuid.NewSHA1(contract, []byte("terminated")), Stream: "transfer-" + contract.String(), Position: 60,
		Event: transfer.ContractTerminated{ContractID: contract}}
	c := transfer.State{ID: contract, Terms: transfer.Terms{Transferor: household, Plots: []transfer.Plot{{AssetID: assetID}}}}
	heldUntil := func(end time.Time) contractFacts {
		return contractFacts{Contract: c, Held: map[uuid.UUID]registry.ManagementRight{assetID: {Holder: farmer, ContractID: contract, End: end}}}
	}
	extend := registry.ExtendManagementRight{AssetID: assetID, ContractID: contract, Transferor: household, End: newEnd,
		Source: registry.Source{Reference: "续约 1", Date: t0}}
	end := registry.EndManagementRight{AssetID: assetID, ContractID: contract, Reason: registry.EndTerminated}
	in := func(t workflow.Trigger, f contractFacts) workflow.Input[contractFacts] {
		return workflow.Input[contractFacts]{Instance: contract, Trigger: t, Facts: f}
	}
	decidertest.RunFlow(t, flowOf(contractFlow.Workflow), app.Registry(), []decidertest.FlowCase[workflow.Input[contractFacts]]{
		{Name: "a renewal extends a holding ending a second before the renewal's end",
			When: in(renewed, heldUntil(newEnd.Add(-time.Second))),
			Then: []kernel.Event{sent("contract", contract, renewed, "extend-right/"+assetID.String(), extend)}, Send: []kernel.Command{extend}},
		{Name: "a holding running to the renewal's end is extended already", When: in(renewed, heldUntil(newEnd))},
		{Name: "a termination ends the holding", When: in(terminated, heldUntil(newEnd)),
			Then: []kernel.Event{sent("contract", contract, terminated, "end-right/"+assetID.String(), end)}, Send: []kernel.Command{end}},
		{Name: "a plot whose register holds nothing from the contract is left alone", When: in(terminated, contractFacts{Contract: c})},
	})
}
