package transfer

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

func direct(t Terms) SignDirect { return SignDirect{ContractID: id, Terms: t, Document: paper} }

func TestSignDirect(t *testing.T) {
	entrusted := func(scope []Form, until func(*Entrustment)) func(*Terms) {
		return func(t *Terms) {
			e := Entrustment{Entrustee: company, Scope: scope, Start: start, End: end, Document: paper}
			if until != nil {
				until(&e)
			}
			p := householdPlot()
			p.Entrustment = &e
			t.Transferor, t.Plots = company, []Plot{p}
		}
	}
	// retransfer: the farmer, holding until 2036, sub-leases to a cooperative.
	retransfer := func(consents ...Consent) func(*Terms) {
		return func(t *Terms) {
			p := householdPlot()
			p.Holder, p.HolderUntil = farmer, end
			t.Transferor, t.Transferee, t.Plots, t.Consents = farmer, coopFarm, []Plot{p}, consents
		}
	}
	consent := func(purpose ConsentPurpose) Consent {
		return Consent{AssetID: plotID, Contractor: household, Grantee: farmer, Purpose: purpose, Document: paper}
	}
	// collectiveLand: the collective contracts land it holds itself (机动地) to an outsider.
	collectiveLand := func(r *Resolution) func(*Terms) {
		return func(t *Terms) {
			t.Transferor, t.Plots, t.Resolution = collective, []Plot{{AssetID: plotID, Area: 1250, Collective: collective, Holder: collective, ContractEnd: contractEnd}}, r
		}
	}
	resolution := func(votesFor, total int) *Resolution {
		return &Resolution{Body: VillagerRepresentatives, VotesFor: votesFor, Total: total, Document: paper}
	}
	ok := func(f func(*Terms)) []kernel.Event { return []kernel.Event{signed(terms(f))} }
	same := func(*Terms) {}

	decidertest.Run(t, Decider, registry(), signedAt, []tcase{
		{Name: "the household leases its plot with a yearly rent schedule", When: direct(leaseTerms()), Then: ok(same)},
		{Name: "signing twice is refused", Given: []kernel.Event{signed(leaseTerms())}, When: direct(leaseTerms()), WantCode: kernel.CodeConflict},

		{Name: "rule 1: a term beyond the household's contract is refused", When: direct(terms(func(t *Terms) { t.End = contractEnd.AddDate(0, 0, 1) })), WantCode: CodeTermExceedsContract},
		{Name: "rule 1: a term up to the household's contract is accepted", When: direct(terms(func(t *Terms) { t.End = contractEnd; t.Frequency = OneOff })),
			Then: []kernel.Event{with(signed(terms(func(t *Terms) { t.End = contractEnd; t.Frequency = OneOff })), func(e *ContractSigned) {
				// 1 March 2026 to 1 January 2058 (Shanghai) is 382 months at 10 000 yuan a
				// year: 318 333.333… yuan, 31 833 333 fen.
				e.Instalments = []Instalment{{No: 1, Due: start, Amount: 31_833_333}}
			})}},
		{Name: "rule 1: a re-transfer beyond the transferee's own term is refused",
			When: direct(terms(func(t *Terms) { retransfer(consent(ConsentReTransfer))(t); t.End = end.AddDate(1, 0, 0) })), WantCode: CodeTermExceedsContract},

		{Name: "rule 2: a non-agricultural use is refused", When: direct(terms(func(t *Terms) { t.Use = UseConstruction })), WantCode: CodeNonAgriculturalUse},
		{Name: "rule 2: a commercial use is refused", When: direct(terms(func(t *Terms) { t.Use = UseCommercial })), WantCode: CodeNonAgriculturalUse},
		{Name: "rule 2: fish ponds are agricultural", When: direct(terms(func(t *Terms) { t.Use = UseFishery })), Then: ok(func(t *Terms) { t.Use = UseFishery })},
		{Name: "an unknown use is refused", When: direct(terms(func(t *Terms) { t.Use = "" })), WantCode: kernel.CodeInvalid},

		{Name: "rule 4: collective land to an outsider without a resolution is refused", When: direct(terms(collectiveLand(nil))), WantCode: CodeResolutionRequired},
		{Name: "rule 4: 19 of 30 representatives is short of 2/3", When: direct(terms(collectiveLand(resolution(19, 30)))), WantCode: CodeResolutionNotPassed},
		{Name: "rule 4: 20 of 30 representatives is 2/3", When: direct(terms(collectiveLand(resolution(20, 30)))), Then: ok(collectiveLand(resolution(20, 30)))},
		{Name: "rule 4: a member needs no resolution", When: direct(terms(func(t *Terms) { collectiveLand(nil)(t); t.TransfereeIsMember = true })),
			Then: ok(func(t *Terms) { collectiveLand(nil)(t); t.TransfereeIsMember = true })},
		{Name: "rule 4: a package mixing entrusted plots and collective land needs the resolution",
			When: direct(terms(func(t *Terms) {
				entrusted := with(householdPlot(), func(p *Plot) {
					p.AssetID, p.Entrustment = plotID2, &Entrustment{Entrustee: collective, Scope: []Form{FormLease}, Start: start, End: end, Document: paper}
				})
				collectiveLand(nil)(t)
				t.Plots = []Plot{entrusted, t.Plots[0]}
			})), WantCode: CodeResolutionRequired},
		{Name: "rule 4: more votes than voters is refused", When: direct(terms(collectiveLand(resolution(31, 30)))), WantCode: kernel.CodeInvalid},
		{Name: "rule 4: an unminuted resolution is refused", When: direct(terms(collectiveLand(&Resolution{Body: VillagersAssembly, VotesFor: 30, Total: 30}))), WantCode: CodeWrittenContractRequired},

		{Name: "rule 5: the collective's company transfers under the entrustment", When: direct(terms(entrusted([]Form{FormLease}, nil))), Then: ok(entrusted([]Form{FormLease}, nil))},
		{Name: "rule 5: a transfer by someone not entrusted is refused", When: direct(terms(func(t *Terms) { t.Transferor = company })), WantCode: CodeNotEntrusted},
		{Name: "rule 5: a form outside the entrustment's scope is refused", When: direct(terms(entrusted([]Form{FormShares}, nil))), WantCode: CodeEntrustmentDoesNotCover},
		{Name: "rule 5: a term beyond the entrustment is refused",
			When: direct(terms(entrusted([]Form{FormLease}, func(e *Entrustment) { e.End = end.AddDate(-1, 0, 0) }))), WantCode: CodeEntrustmentDoesNotCover},
		{Name: "a stranger cannot transfer collective land", When: direct(terms(func(t *Terms) { collectiveLand(nil)(t); t.Transferor = company })), WantCode: CodeNotRightHolder},

		{Name: "rule 6: an unwritten contract is refused", When: SignDirect{ContractID: id, Terms: leaseTerms()}, WantCode: CodeWrittenContractRequired},

		{Name: "rule 7: a re-transfer without the contractor's consent is refused", When: direct(terms(retransfer())), WantCode: CodeReTransferWithoutConsent},
		{Name: "rule 7: a mortgage consent does not allow a re-transfer", When: direct(terms(retransfer(consent(ConsentMortgage)))), WantCode: CodeReTransferWithoutConsent},
		{Name: "rule 7: a consent for another plot does not count",
			When: direct(terms(retransfer(with(consent(ConsentReTransfer), func(c *Consent) { c.AssetID = plotID2 })))), WantCode: CodeReTransferWithoutConsent},
		{Name: "rule 7: a re-transfer with the recorded consent is signed", When: direct(terms(retransfer(consent(ConsentReTransfer)))),
			Then: ok(retransfer(consent(ConsentReTransfer)))},

		{Name: "the existing transferee's renewal priority bars a newcomer",
			When: direct(terms(func(t *Terms) { t.Plots[0].PriorityHolder = coopFarm })), WantCode: CodeRenewalPriority},
		{Name: "the existing transferee itself may sign",
			When: direct(terms(func(t *Terms) { t.Plots[0].PriorityHolder = farmer })), Then: ok(func(t *Terms) { t.Plots[0].PriorityHolder = farmer })},

		{Name: "a contract without plots is refused", When: direct(terms(func(t *Terms) { t.Plots = nil })), WantCode: kernel.CodeInvalid},
		{Name: "plots of two collectives are refused",
			When: direct(terms(func(t *Terms) {
				t.Plots = append(t.Plots, with(householdPlot(), func(p *Plot) { p.AssetID, p.Collective = plotID2, company }))
			})), WantCode: kernel.CodeInvalid},
		{Name: "the same plot twice is refused", When: direct(terms(func(t *Terms) { t.Plots = append(t.Plots, householdPlot()) })), WantCode: kernel.CodeInvalid},
		{Name: "a transfer to oneself is refused", When: direct(terms(func(t *Terms) { t.Transferee = household })), WantCode: kernel.CodeInvalid},
		{Name: "an unknown form is refused", When: direct(terms(func(t *Terms) { t.Form = "GIFT" })), WantCode: kernel.CodeInvalid},
		{Name: "a negative rent is refused", When: direct(terms(func(t *Terms) { t.RentPerMuYear = -1 })), WantCode: kernel.CodeInvalid},
		{Name: "an unknown frequency is refused", When: direct(terms(func(t *Terms) { t.Frequency = "WEEKLY" })), WantCode: kernel.CodeInvalid},
		{Name: "an empty term is refused", When: direct(terms(func(t *Terms) { t.End = t.Start })), WantCode: kernel.CodeInvalid},
		{Name: "a command to a missing contract is refused", When: Expire{ContractID: id}, WantCode: kernel.CodeNotFound},
	})
}

func TestDraftFromAwardThenSign(t *testing.T) {
	drafted := ContractDrafted{ContractID: id, ListingID: listing, Terms: leaseTerms(), At: signedAt}
	decidertest.Run(t, Decider, registry(), signedAt, []tcase{
		{Name: "an award drafts the contract", When: DraftFromAward{ContractID: id, ListingID: listing, Terms: leaseTerms()}, Then: []kernel.Event{drafted}},
		{Name: "an award without its listing is refused", When: DraftFromAward{ContractID: id, Terms: leaseTerms()}, WantCode: kernel.CodeInvalid},
		{Name: "rule 2: an award for a non-agricultural use is refused",
			When: DraftFromAward{ContractID: id, ListingID: listing, Terms: terms(func(t *Terms) { t.Use = UseIndustrial })}, WantCode: CodeNonAgriculturalUse},
		{Name: "the parties sign the drafted contract", Given: []kernel.Event{drafted}, When: SignContract{ContractID: id, Document: paper},
			Then: []kernel.Event{with(signed(leaseTerms()), func(e *ContractSigned) { e.ListingID = listing })}},
		{Name: "rule 6: signing without the written contract is refused", Given: []kernel.Event{drafted}, When: SignContract{ContractID: id}, WantCode: CodeWrittenContractRequired},
		{Name: "signing a signed contract again is refused", Given: []kernel.Event{signed(leaseTerms())}, When: SignContract{ContractID: id, Document: paper}, WantCode: kernel.CodeInvalidState},
		{Name: "signing a missing draft is refused", When: SignContract{ContractID: id, Document: paper}, WantCode: kernel.CodeNotFound},
		{Name: "rent cannot be paid on a draft", Given: []kernel.Event{drafted}, When: PayRent{ContractID: id, Payer: farmer, Amount: 1}, WantCode: CodeContractNotInForce},
		{Name: "a draft is not filed", Given: []kernel.Event{drafted}, When: FileContract{ContractID: id, By: collective, FilingNo: "F-1"}, WantCode: CodeContractNotInForce},
	})
}
