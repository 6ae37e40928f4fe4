package transfer

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

var (
	inForce     = []kernel.Event{signed(leaseTerms())}
	firstDue    = start
	overdue1    = RentOverdue{ContractID: id, No: 1, Due: firstDue, Outstanding: kernel.Yuan(10000), At: firstDue}
	terminated  = ContractTerminated{ContractID: id, By: household, Reason: ReasonMutualAgreement, Document: paper, Cancelled: kernel.Yuan(100000), At: signedAt}
	later       = day(2030, 6, 1)
	renewalEnd  = day(2046, 3, 1)
	offerCmd    = OfferRenewal{ContractID: id, By: household, End: renewalEnd, RentPerMuYear: kernel.Yuan(900), Frequency: Annual, RespondBy: day(2035, 12, 1)}
	offered     = RenewalOffered{ContractID: id, End: renewalEnd, RentPerMuYear: kernel.Yuan(900), Frequency: Annual, RespondBy: day(2035, 12, 1), At: day(2035, 9, 1)}
	mortgageFor = Consent{AssetID: plotID, Contractor: household, Grantee: farmer, Purpose: ConsentMortgage, Document: paper}
)

func given(events ...kernel.Event) []kernel.Event {
	return append(append([]kernel.Event{}, inForce...), events...)
}

func TestFilingAndRegistration(t *testing.T) {
	short := terms(func(t *Terms) { t.End = day(2030, 3, 1) })
	fiveYears := terms(func(t *Terms) { t.End = day(2031, 3, 1) })
	decidertest.Run(t, Decider, registry(), signedAt, []tcase{
		{Name: "rule 6: the contract is filed with the collective", Given: inForce, When: FileContract{ContractID: id, By: collective, FilingNo: "东丰备 2026-17"},
			Then: []kernel.Event{ContractFiled{ContractID: id, Collective: collective, FilingNo: "东丰备 2026-17", At: signedAt}}},
		{Name: "rule 6: filing with anyone but the collective is refused", Given: inForce, When: FileContract{ContractID: id, By: farmer, FilingNo: "x"}, WantCode: kernel.CodeForbidden},
		{Name: "filing twice is refused", Given: given(ContractFiled{ContractID: id, Collective: collective, FilingNo: "x", At: signedAt}),
			When: FileContract{ContractID: id, By: collective, FilingNo: "y"}, WantCode: kernel.CodeConflict},
		{Name: "filing without a number is refused", Given: inForce, When: FileContract{ContractID: id, By: collective}, WantCode: kernel.CodeInvalid},
		{Name: "rule 6: a 10-year contract is registered", Given: inForce, When: RegisterContract{ContractID: id, RegistrationNo: "R-1"},
			Then: []kernel.Event{ContractRegistered{ContractID: id, RegistrationNo: "R-1", At: signedAt}}},
		{Name: "rule 6: exactly 5 years is registered", Given: []kernel.Event{ContractSigned{ContractID: id, Terms: fiveYears, Area: 1250, Document: paper, At: signedAt}},
			When: RegisterContract{ContractID: id, RegistrationNo: "R-1"}, Then: []kernel.Event{ContractRegistered{ContractID: id, RegistrationNo: "R-1", At: signedAt}}},
		{Name: "rule 6: 4 years cannot be registered", Given: []kernel.Event{ContractSigned{ContractID: id, Terms: short, Area: 1250, Document: paper, At: signedAt}},
			When: RegisterContract{ContractID: id, RegistrationNo: "R-1"}, WantCode: CodeRegistrationTermTooShort},
		{Name: "registering twice is refused", Given: given(ContractRegistered{ContractID: id, RegistrationNo: "R-1", At: signedAt}),
			When: RegisterContract{ContractID: id, RegistrationNo: "R-2"}, WantCode: kernel.CodeConflict},
		{Name: "a terminated contract is not registered", Given: given(terminated), When: RegisterContract{ContractID: id, RegistrationNo: "R-1"}, WantCode: CodeContractNotInForce},
	})
}

func TestRent(t *testing.T) {
	// Terminated in June 2030: instalments 1–5 (50 000 yuan) were due, 6–10 are cancelled.
	endedLater := ContractTerminated{ContractID: id, By: household, Reason: ReasonRentUnpaid, Document: paper, Cancelled: kernel.Yuan(50000), At: later}
	paid1 := RentPaid{ContractID: id, Payer: farmer, Amount: kernel.Yuan(10000), Allocations: []Allocation{{No: 1, Amount: kernel.Yuan(10000)}}, At: signedAt}
	decidertest.Run(t, Decider, registry(), signedAt, []tcase{
		{Name: "a payment goes to the oldest instalments first", Given: inForce, When: PayRent{ContractID: id, Payer: farmer, Amount: kernel.Yuan(15000)},
			Then: []kernel.Event{RentPaid{ContractID: id, Payer: farmer, Amount: kernel.Yuan(15000), Allocations: []Allocation{{No: 1, Amount: kernel.Yuan(10000)}, {No: 2, Amount: kernel.Yuan(5000)}}, At: signedAt}}},
		{Name: "a paid instalment is skipped", Given: given(paid1), When: PayRent{ContractID: id, Payer: farmer, Amount: 1},
			Then: []kernel.Event{RentPaid{ContractID: id, Payer: farmer, Amount: 1, Allocations: []Allocation{{No: 2, Amount: 1}}, At: signedAt}}},
		{Name: "paying more than the whole term's rent is refused", Given: inForce, When: PayRent{ContractID: id, Payer: farmer, Amount: kernel.Yuan(100000) + 1}, WantCode: CodeRentOverpaid},
		{Name: "a zero payment is refused", Given: inForce, When: PayRent{ContractID: id, Payer: farmer}, WantCode: kernel.CodeInvalid},
		{Name: "arrears are still paid after termination", Given: given(overdue1, endedLater), When: PayRent{ContractID: id, Payer: farmer, Amount: kernel.Yuan(10000)},
			Then: []kernel.Event{with(paid1, func(e *RentPaid) { e.At = later })}, Now: later},
		{Name: "rent for after the termination is not owed", Given: given(overdue1, endedLater), Now: later,
			When: PayRent{ContractID: id, Payer: farmer, Amount: kernel.Yuan(50000) + 1}, WantCode: CodeRentOverpaid},
		{Name: "an unpaid instalment is marked overdue when its due date passes", Given: inForce, Now: firstDue, When: MarkRentOverdue{ContractID: id, No: 1},
			Then: []kernel.Event{overdue1}},
		{Name: "a part-paid instalment is overdue for the rest", Given: given(RentPaid{ContractID: id, Payer: farmer, Amount: kernel.Yuan(4000), Allocations: []Allocation{{No: 1, Amount: kernel.Yuan(4000)}}, At: signedAt}),
			Now: firstDue, When: MarkRentOverdue{ContractID: id, No: 1}, Then: []kernel.Event{with(overdue1, func(e *RentOverdue) { e.Outstanding = kernel.Yuan(6000) })}},
		{Name: "marking before the due date is refused", Given: inForce, Now: firstDue.Add(-time.Second), When: MarkRentOverdue{ContractID: id, No: 1}, WantCode: CodeNotYetDue},
		{Name: "a paid instalment is not overdue", Given: given(paid1), Now: firstDue, When: MarkRentOverdue{ContractID: id, No: 1}, WantCode: kernel.CodeInvalidState},
		{Name: "marking twice is refused", Given: given(overdue1), Now: firstDue, When: MarkRentOverdue{ContractID: id, No: 1}, WantCode: kernel.CodeInvalidState},
		{Name: "an unknown instalment is refused", Given: inForce, Now: firstDue, When: MarkRentOverdue{ContractID: id, No: 11}, WantCode: kernel.CodeNotFound},
	})
}

func TestTerminate(t *testing.T) {
	cause := func(by uuid.UUID, r Reason) Terminate {
		return Terminate{ContractID: id, By: by, Reason: r, Document: paper}
	}
	// Terminated in June 2030: the instalments of March 2031–2035 (5 × 10 000 yuan) are cancelled.
	ended := func(by uuid.UUID, r Reason) ContractTerminated {
		return ContractTerminated{ContractID: id, By: by, Reason: r, Document: paper, Cancelled: kernel.Yuan(50000), At: later}
	}
	idleSince := later.AddDate(-IdleYears, 0, 0)
	decidertest.Run(t, Decider, registry(), later, []tcase{
		{Name: "rule 2: the household terminates for a changed use", Given: inForce, When: cause(household, ReasonChangedUse), Then: []kernel.Event{ended(household, ReasonChangedUse)}},
		{Name: "rule 2: the collective terminates for serious damage", Given: inForce, When: cause(collective, ReasonSeriousDamage), Then: []kernel.Event{ended(collective, ReasonSeriousDamage)}},
		{Name: "rule 2: land idle 2 consecutive years", Given: inForce, When: with(cause(household, ReasonLandIdle), func(c *Terminate) { c.IdleSince = idleSince }),
			Then: []kernel.Event{with(ended(household, ReasonLandIdle), func(e *ContractTerminated) { e.IdleSince = idleSince })}},
		{Name: "rule 2: land idle less than 2 years is refused", Given: inForce,
			When: with(cause(household, ReasonLandIdle), func(c *Terminate) { c.IdleSince = idleSince.Add(time.Hour) }), WantCode: CodeIdleTooShort},
		{Name: "rule 2: idle land without its date is refused", Given: inForce, When: cause(household, ReasonLandIdle), WantCode: CodeIdleTooShort},
		{Name: "rule 2: the transferee cannot terminate for cause", Given: inForce, When: cause(farmer, ReasonChangedUse), WantCode: kernel.CodeForbidden},
		{Name: "termination for cause needs the written notice", Given: inForce, When: Terminate{ContractID: id, By: household, Reason: ReasonSeriousDamage}, WantCode: CodeWrittenContractRequired},
		{Name: "the transferee ends it by mutual agreement", Given: inForce, When: cause(farmer, ReasonMutualAgreement), Then: []kernel.Event{ended(farmer, ReasonMutualAgreement)}},
		{Name: "the collective is no party to a mutual agreement", Given: inForce, When: cause(collective, ReasonMutualAgreement), WantCode: kernel.CodeForbidden},
		{Name: "overdue rent is cause", Given: given(overdue1), When: cause(household, ReasonRentUnpaid), Then: []kernel.Event{ended(household, ReasonRentUnpaid)}},
		{Name: "rent not overdue is no cause", Given: inForce, When: cause(household, ReasonRentUnpaid), WantCode: CodeNotInArrears},
		{Name: "an unknown reason is refused", Given: inForce, When: cause(household, "BORED"), WantCode: kernel.CodeInvalid},
		{Name: "a terminated contract is not terminated again", Given: given(terminated), When: cause(household, ReasonChangedUse), WantCode: CodeContractNotInForce},
	})
}

func TestRenewalAndExpiry(t *testing.T) {
	at := day(2035, 9, 1)
	renewed := ContractRenewed{ContractID: id, PreviousEnd: end, End: renewalEnd, RentPerMuYear: kernel.Yuan(900), Frequency: Annual,
		Instalments: annual(10, kernel.Yuan(11250), end, 11), Document: paper, At: at}
	decidertest.Run(t, Decider, registry(), at, []tcase{
		{Name: "the transferor offers the transferee a renewal", Given: inForce, When: offerCmd, Then: []kernel.Event{offered}},
		{Name: "only the transferor offers", Given: inForce, When: with(offerCmd, func(c *OfferRenewal) { c.By = farmer }), WantCode: kernel.CodeForbidden},
		{Name: "rule 1: a renewal beyond the contract right is refused", Given: inForce,
			When: with(offerCmd, func(c *OfferRenewal) { c.End = contractEnd.AddDate(0, 0, 1) }), WantCode: CodeTermExceedsContract},
		{Name: "a renewal that does not extend the term is refused", Given: inForce, When: with(offerCmd, func(c *OfferRenewal) { c.End = end }), WantCode: kernel.CodeInvalid},
		{Name: "a deadline after the term ends is refused", Given: inForce, When: with(offerCmd, func(c *OfferRenewal) { c.RespondBy = end.Add(time.Second) }), WantCode: kernel.CodeInvalid},
		{Name: "a second offer while one is open is refused", Given: given(offered), When: offerCmd, WantCode: kernel.CodeInvalidState},
		{Name: "the transferee accepts in writing: the term and schedule extend", Given: given(offered),
			When: AcceptRenewal{ContractID: id, By: farmer, Document: paper}, Then: []kernel.Event{renewed}},
		{Name: "accepting after the deadline is refused", Given: given(offered), Now: day(2035, 12, 2),
			When: AcceptRenewal{ContractID: id, By: farmer, Document: paper}, WantCode: CodeRenewalOfferLapsed},
		{Name: "accepting without an offer is refused", Given: inForce, When: AcceptRenewal{ContractID: id, By: farmer, Document: paper}, WantCode: kernel.CodeInvalidState},
		{Name: "rule 6: an unwritten renewal is refused", Given: given(offered), When: AcceptRenewal{ContractID: id, By: farmer}, WantCode: CodeWrittenContractRequired},
		{Name: "only the transferee accepts", Given: given(offered), When: AcceptRenewal{ContractID: id, By: coopFarm, Document: paper}, WantCode: kernel.CodeForbidden},
		{Name: "the transferee waives its priority", Given: given(offered), When: DeclineRenewal{ContractID: id, By: farmer},
			Then: []kernel.Event{RenewalDeclined{ContractID: id, By: farmer, At: at}}},
		{Name: "only the transferee waives", Given: inForce, When: DeclineRenewal{ContractID: id, By: household}, WantCode: kernel.CodeForbidden},
		{Name: "the contract expires at the end of its term", Given: inForce, Now: end, When: Expire{ContractID: id},
			Then: []kernel.Event{ContractExpired{ContractID: id, At: end}}},
		{Name: "expiry before the end is refused", Given: inForce, Now: end.Add(-time.Second), When: Expire{ContractID: id}, WantCode: CodeNotYetDue},
		{Name: "a renewed contract does not expire at the old end", Given: given(offered, renewed), Now: end, When: Expire{ContractID: id}, WantCode: CodeNotYetDue},
		{Name: "an expired contract is not renewed", Given: given(ContractExpired{ContractID: id, At: end}), When: offerCmd, WantCode: CodeContractNotInForce},
	})
}

func TestMortgageRight(t *testing.T) {
	cmd := MortgageRight{ContractID: id, By: farmer, RegistrationID: reg1, SecuredParty: bank, Consents: []Consent{mortgageFor}}
	decidertest.Run(t, Decider, registry(), later, []tcase{
		{Name: "rule 7: the transferee mortgages with the contractor's consent", Given: inForce, When: cmd,
			Then: []kernel.Event{RightMortgaged{ContractID: id, RegistrationID: reg1, SecuredParty: bank, Consents: []Consent{mortgageFor}, At: later}}},
		{Name: "rule 7: a mortgage without consent is refused", Given: inForce, When: with(cmd, func(c *MortgageRight) { c.Consents = nil }), WantCode: CodeMortgageWithoutConsent},
		{Name: "rule 7: a re-transfer consent does not allow a mortgage", Given: inForce,
			When: with(cmd, func(c *MortgageRight) {
				c.Consents = []Consent{with(mortgageFor, func(c *Consent) { c.Purpose = ConsentReTransfer })}
			}), WantCode: CodeMortgageWithoutConsent},
		{Name: "rule 7: an unwritten consent does not count", Given: inForce,
			When: with(cmd, func(c *MortgageRight) {
				c.Consents = []Consent{with(mortgageFor, func(c *Consent) { c.Document = Document{} })}
			}), WantCode: CodeMortgageWithoutConsent},
		{Name: "only the transferee mortgages", Given: inForce, When: with(cmd, func(c *MortgageRight) { c.By = household }), WantCode: kernel.CodeForbidden},
		{Name: "the same registration twice is refused", Given: given(RightMortgaged{ContractID: id, RegistrationID: reg1, SecuredParty: bank, At: later}), When: cmd, WantCode: kernel.CodeConflict},
	})
}

func TestNextDue(t *testing.T) {
	s := Decider.Fold(inForce)
	cmd, at, ok := s.NextDue()
	if !ok || cmd != (MarkRentOverdue{ContractID: id, No: 1}) || !at.Equal(firstDue) {
		t.Fatalf("NextDue = %v %s %v, want the first instalment at %s", cmd, at, ok, firstDue)
	}
	prepaid, err := Decide(s, PayRent{ContractID: id, Payer: farmer, Amount: s.Outstanding()}, signedAt)
	if err != nil {
		t.Fatal(err)
	}
	s = Decider.Fold(given(prepaid...))
	if cmd, at, ok = s.NextDue(); !ok || cmd != (Expire{ContractID: id}) || !at.Equal(end) {
		t.Fatalf("NextDue of a prepaid contract = %v %s %v, want expiry at %s", cmd, at, ok, end)
	}
	s = Decider.Fold(given(overdue1))
	if cmd, at, _ = s.NextDue(); cmd != (MarkRentOverdue{ContractID: id, No: 2}) || !at.Equal(day(2027, 3, 1)) {
		t.Fatalf("after instalment 1 was marked overdue, NextDue = %v at %s, want instalment 2 on 1 March 2027", cmd, at)
	}
	if _, _, ok = Decider.Fold(given(terminated)).NextDue(); ok {
		t.Fatal("a terminated contract has something due")
	}
}

func TestRenewalPriority(t *testing.T) {
	for _, tc := range []struct {
		name   string
		events []kernel.Event
		at     time.Time
		want   bool
	}{
		{"in force", inForce, later, true},
		{"expired without an offer", given(ContractExpired{ContractID: id, At: end}), end, true},
		{"offer open", given(offered), day(2035, 12, 1), true},
		{"offer lapsed", given(offered), day(2035, 12, 2), false},
		{"declined", given(RenewalDeclined{ContractID: id, By: farmer, At: later}), later, false},
		{"terminated", given(terminated), later, false},
	} {
		holder, ok := Decider.Fold(tc.events).PriorityHolder(tc.at)
		if ok != tc.want || (ok && holder != farmer) {
			t.Errorf("%s: PriorityHolder = %s %v, want %v", tc.name, holder, ok, tc.want)
		}
	}
}

func TestArrears(t *testing.T) {
	s := Decider.Fold(given(RentPaid{ContractID: id, Payer: farmer, Amount: kernel.Yuan(4000), Allocations: []Allocation{{No: 1, Amount: kernel.Yuan(4000)}}, At: signedAt}))
	if got := s.Arrears(firstDue.Add(-time.Second)); got != 0 {
		t.Errorf("arrears before the first due date = %s", got)
	}
	if got := s.Arrears(firstDue.AddDate(1, 0, 1)); got != kernel.Yuan(16000) {
		t.Errorf("arrears after the second due date = %s, want 16000.00", got)
	}
	if s.InArrears() {
		t.Error("InArrears before any instalment was marked overdue")
	}
	if got := s.Outstanding(); got != kernel.Yuan(96000) {
		t.Errorf("outstanding = %s, want 96000.00", got)
	}
}
