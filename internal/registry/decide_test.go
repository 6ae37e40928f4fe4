package registry

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

var (
	now        = time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	rightsEnd  = time.Date(2057, 12, 31, 16, 0, 0, 0, time.UTC) // second-round contracts end 2057
	asset      = uuid.MustParse("00000000-0000-0000-0000-0000000000a1")
	collective = uuid.MustParse("00000000-0000-0000-0000-0000000000c1")
	company    = uuid.MustParse("00000000-0000-0000-0000-0000000000c2") // the collective's farmland company
	household  = uuid.MustParse("00000000-0000-0000-0000-0000000000b1")
	farmer     = uuid.MustParse("00000000-0000-0000-0000-0000000000f1") // first transferee
	coopFarm   = uuid.MustParse("00000000-0000-0000-0000-0000000000f2") // second transferee
	bank       = uuid.MustParse("00000000-0000-0000-0000-0000000000e1")
	contract1  = uuid.MustParse("00000000-0000-0000-0000-0000000000d1")
	contract2  = uuid.MustParse("00000000-0000-0000-0000-0000000000d2")
	mortgage1  = uuid.MustParse("00000000-0000-0000-0000-000000000011")
	consent1   = uuid.MustParse("00000000-0000-0000-0000-000000000021")
	pkg        = uuid.MustParse("00000000-0000-0000-0000-0000000000a9")
	cert       = Source{Reference: "鲁(2026)寒亭区农村土地承包经营权第0001号", Date: time.Date(2019, 6, 1, 0, 0, 0, 0, time.UTC)}
	paper      = Source{Reference: "DOC-1", Date: time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC)}
	weifang    = Location{Province: "山东省", County: "潍坊市寒亭区", Township: "固堤街道", Village: "东丰村"}
	termStart  = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	termEnd    = time.Date(2036, 3, 1, 0, 0, 0, 0, time.UTC)
)

func registry() *kernel.Registry {
	r := kernel.NewRegistry()
	RegisterEvents(r)
	return r
}

func registerCmd() RegisterAsset {
	return RegisterAsset{
		AssetID: asset, By: collective, Type: kernel.AssetLandManagementRight, Location: weifang,
		Area: 1250, CertificateNo: "370703-0001", RightsEnd: rightsEnd, Title: "东丰村 3 号地块",
		Contractor: household, Holder: household, Source: cert,
	}
}

func registered() AssetRegistered {
	c := registerCmd()
	return AssetRegistered{
		AssetID: asset, Owner: collective, Type: c.Type, Location: weifang, Area: c.Area, CertificateNo: c.CertificateNo,
		RightsEnd: rightsEnd, Title: c.Title, Contractor: household, Holder: household, Source: cert, At: now,
	}
}

func transferred(id uuid.UUID, from, to uuid.UUID, entrusted bool) ManagementRightTransferred {
	return ManagementRightTransferred{AssetID: asset, ContractID: id, Transferor: from, Transferee: to, Form: FormLease,
		Start: termStart, End: termEnd, Source: paper, UnderEntrustment: entrusted, At: now}
}

func transferCmd(id uuid.UUID, from, to uuid.UUID) TransferManagementRight {
	return TransferManagementRight{AssetID: asset, ContractID: id, Transferor: from, Transferee: to, Form: FormLease,
		Start: termStart, End: termEnd, Source: paper}
}

func entrustment() Entrustment {
	return Entrustment{Household: household, Entrustee: company, Collective: collective, Scope: []Form{FormLease, FormShares},
		Start: termStart, End: termEnd, Source: paper}
}

func entrustCmd() EntrustPlot {
	e := entrustment()
	return EntrustPlot{AssetID: asset, By: household, Entrustee: e.Entrustee, Collective: e.Collective, Scope: e.Scope,
		Start: e.Start, End: e.End, Source: paper}
}

func consented(p ConsentPurpose) ConsentRecorded {
	return ConsentRecorded{AssetID: asset, At: now, Consent: Consent{ID: consent1, Contractor: household, Grantee: farmer, Purpose: p, Source: paper}}
}

func mortgage(grantor uuid.UUID) Restriction {
	return Restriction{ID: mortgage1, Kind: RestrictionMortgage, Grantor: grantor, SecuredParty: bank, Amount: kernel.Yuan(200000),
		Start: termStart, End: termEnd, Source: paper}
}

type assetCase = decidertest.Case[Command]

func with[T any](v T, f func(*T)) T { f(&v); return v }

func TestRegisterAsset(t *testing.T) {
	decidertest.Run(t, Decider, registry(), now, []assetCase{
		{Name: "the owning collective registers contracted land", When: registerCmd(), Then: []kernel.Event{registered()}},
		{Name: "collective land ownership is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.Type = kernel.AssetCollectiveLandOwner }), WantCode: CodeAssetNotTradable},
		{Name: "the household contracting right is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.Type = kernel.AssetHouseholdContracting }), WantCode: CodeAssetNotTradable},
		{Name: "an unknown type is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.Type = "MOON_RIGHTS" }), WantCode: kernel.CodeInvalid},
		{Name: "a missing village is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.Location.Village = " " }), WantCode: kernel.CodeInvalid},
		{Name: "a missing province is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.Location.Province = "" }), WantCode: kernel.CodeInvalid},
		{Name: "a zero area is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.Area = 0 }), WantCode: kernel.CodeInvalid},
		{Name: "a missing certificate number is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.CertificateNo = "" }), WantCode: kernel.CodeInvalid},
		{Name: "rights that already ended are refused", When: with(registerCmd(), func(c *RegisterAsset) { c.RightsEnd = now }), WantCode: kernel.CodeInvalid},
		{Name: "a missing title is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.Title = "" }), WantCode: kernel.CodeInvalid},
		{Name: "a missing holder is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.Holder = uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "contracted land without its household is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.Contractor = uuid.Nil }), WantCode: kernel.CodeInvalid},
		{Name: "a missing source document is refused", When: with(registerCmd(), func(c *RegisterAsset) { c.Source.Reference = "" }), WantCode: kernel.CodeInvalid},
		{Name: "registering twice is refused", Given: []kernel.Event{registered()}, When: registerCmd(), WantCode: CodeAlreadyRegistered},
		{Name: "commands to an unregistered asset are refused", When: RecordConsent{AssetID: asset, By: collective}, WantCode: kernel.CodeNotFound},
		{
			Name: "a collective operating asset needs no household",
			When: with(registerCmd(), func(c *RegisterAsset) {
				c.Type, c.Contractor, c.Holder = kernel.AssetCollectiveOperating, uuid.Nil, collective
			}),
			Then: []kernel.Event{with(registered(), func(e *AssetRegistered) {
				e.Type, e.Contractor, e.Holder = kernel.AssetCollectiveOperating, uuid.Nil, collective
			})},
		},
	})
}

func TestRestrictions(t *testing.T) {
	removed := RestrictionRemoved{AssetID: asset, RestrictionID: mortgage1, Source: paper, At: now}
	decidertest.Run(t, Decider, registry(), now, []assetCase{
		{Name: "a household's mortgage is added", Given: []kernel.Event{registered()},
			When: AddRestriction{AssetID: asset, Restriction: mortgage(household)},
			Then: []kernel.Event{RestrictionAdded{AssetID: asset, Restriction: mortgage(household), At: now}}},
		{Name: "the same registration twice is refused", Given: []kernel.Event{registered(), RestrictionAdded{AssetID: asset, Restriction: mortgage(household), At: now}},
			When: AddRestriction{AssetID: asset, Restriction: mortgage(household)}, WantCode: kernel.CodeConflict},
		{Name: "an unknown kind is refused", Given: []kernel.Event{registered()},
			When: AddRestriction{AssetID: asset, Restriction: with(mortgage(household), func(r *Restriction) { r.Kind = "LIEN" })}, WantCode: kernel.CodeInvalid},
		{Name: "a restriction without secured party is refused", Given: []kernel.Event{registered()},
			When: AddRestriction{AssetID: asset, Restriction: with(mortgage(household), func(r *Restriction) { r.SecuredParty = uuid.Nil })}, WantCode: kernel.CodeInvalid},
		{Name: "a restriction ending before it starts is refused", Given: []kernel.Event{registered()},
			When: AddRestriction{AssetID: asset, Restriction: with(mortgage(household), func(r *Restriction) { r.End = r.Start })}, WantCode: kernel.CodeInvalid},
		{Name: "rule 7: a transferee's mortgage without the contractor's consent is refused",
			Given: []kernel.Event{registered(), transferred(contract1, household, farmer, false)},
			When:  AddRestriction{AssetID: asset, Restriction: mortgage(farmer)}, WantCode: CodeMortgageWithoutConsent},
		{Name: "rule 7: a re-transfer consent does not allow a mortgage",
			Given: []kernel.Event{registered(), transferred(contract1, household, farmer, false), consented(ConsentReTransfer)},
			When:  AddRestriction{AssetID: asset, Restriction: mortgage(farmer)}, WantCode: CodeMortgageWithoutConsent},
		{Name: "rule 7: a transferee's mortgage with the recorded consent is added",
			Given: []kernel.Event{registered(), transferred(contract1, household, farmer, false), consented(ConsentMortgage)},
			When:  AddRestriction{AssetID: asset, Restriction: mortgage(farmer)},
			Then:  []kernel.Event{RestrictionAdded{AssetID: asset, Restriction: mortgage(farmer), At: now}}},
		{Name: "a restriction is removed", Given: []kernel.Event{registered(), RestrictionAdded{AssetID: asset, Restriction: mortgage(household), At: now}},
			When: RemoveRestriction{AssetID: asset, RestrictionID: mortgage1, Source: paper}, Then: []kernel.Event{removed}},
		{Name: "removing an unknown restriction is refused", Given: []kernel.Event{registered()},
			When: RemoveRestriction{AssetID: asset, RestrictionID: mortgage1, Source: paper}, WantCode: kernel.CodeNotFound},
	})
}

func TestTransferManagementRight(t *testing.T) {
	entrusted := PlotEntrusted{AssetID: asset, Entrustment: entrustment(), At: now}
	decidertest.Run(t, Decider, registry(), now, []assetCase{
		{Name: "the household leases its plot", Given: []kernel.Event{registered()},
			When: transferCmd(contract1, household, farmer), Then: []kernel.Event{transferred(contract1, household, farmer, false)}},
		{Name: "rule 1: a term beyond the contract right is refused", Given: []kernel.Event{registered()},
			When: with(transferCmd(contract1, household, farmer), func(c *TransferManagementRight) { c.End = rightsEnd.Add(time.Hour) }), WantCode: CodeTermExceedsContract},
		{Name: "rule 1: a re-transfer beyond the transferee's own term is refused",
			Given: []kernel.Event{registered(), transferred(contract1, household, farmer, false), consented(ConsentReTransfer)},
			When:  with(transferCmd(contract2, farmer, coopFarm), func(c *TransferManagementRight) { c.End = termEnd.AddDate(1, 0, 0) }), WantCode: CodeTermExceedsContract},
		{Name: "rule 7: a transferee's re-transfer without consent is refused",
			Given: []kernel.Event{registered(), transferred(contract1, household, farmer, false)},
			When:  transferCmd(contract2, farmer, coopFarm), WantCode: CodeReTransferWithoutConsent},
		{Name: "rule 7: a mortgage consent does not allow a re-transfer",
			Given: []kernel.Event{registered(), transferred(contract1, household, farmer, false), consented(ConsentMortgage)},
			When:  transferCmd(contract2, farmer, coopFarm), WantCode: CodeReTransferWithoutConsent},
		{Name: "rule 7: a transferee re-transfers with the recorded consent",
			Given: []kernel.Event{registered(), transferred(contract1, household, farmer, false), consented(ConsentReTransfer)},
			When:  transferCmd(contract2, farmer, coopFarm), Then: []kernel.Event{transferred(contract2, farmer, coopFarm, false)}},
		{Name: "rule 5: the collective's company transfers under the entrustment", Given: []kernel.Event{registered(), entrusted},
			When: transferCmd(contract1, company, farmer), Then: []kernel.Event{transferred(contract1, company, farmer, true)}},
		{Name: "rule 5: a transfer by someone not entrusted is refused", Given: []kernel.Event{registered()},
			When: transferCmd(contract1, company, farmer), WantCode: CodeNotEntrusted},
		{Name: "rule 5: a revoked entrustment no longer allows a transfer",
			Given: []kernel.Event{registered(), entrusted, EntrustmentRevoked{AssetID: asset, Household: household, Source: paper, At: now}},
			When:  transferCmd(contract1, company, farmer), WantCode: CodeNotEntrusted},
		{Name: "rule 5: a form outside the entrustment's scope is refused", Given: []kernel.Event{registered(), entrusted},
			When: with(transferCmd(contract1, company, farmer), func(c *TransferManagementRight) { c.Form = FormSubContract }), WantCode: CodeEntrustmentDoesNotCover},
		{Name: "rule 5: a term beyond the entrustment is refused", Given: []kernel.Event{registered(), entrusted},
			When: with(transferCmd(contract1, company, farmer), func(c *TransferManagementRight) { c.End = termEnd.AddDate(0, 0, 1) }), WantCode: CodeEntrustmentDoesNotCover},
		{Name: "a stranger cannot transfer a collective asset",
			Given: []kernel.Event{with(registered(), func(e *AssetRegistered) {
				e.Type, e.Contractor, e.Holder = kernel.AssetCollectiveOperating, uuid.Nil, collective
			})},
			When: transferCmd(contract1, company, farmer), WantCode: CodeNotRightHolder},
		{Name: "the same contract twice is refused", Given: []kernel.Event{registered(), transferred(contract1, household, farmer, false)},
			When: transferCmd(contract1, farmer, coopFarm), WantCode: kernel.CodeConflict},
		{Name: "a transfer to oneself is refused", Given: []kernel.Event{registered()},
			When: transferCmd(contract1, household, household), WantCode: kernel.CodeInvalid},
		{Name: "an unknown form is refused", Given: []kernel.Event{registered()},
			When: with(transferCmd(contract1, household, farmer), func(c *TransferManagementRight) { c.Form = "GIFT" }), WantCode: kernel.CodeInvalid},
		{Name: "a transfer without its contract document is refused", Given: []kernel.Event{registered()},
			When: with(transferCmd(contract1, household, farmer), func(c *TransferManagementRight) { c.Source = Source{} }), WantCode: kernel.CodeInvalid},
	})
}

func TestEndManagementRight(t *testing.T) {
	chain := []kernel.Event{registered(), transferred(contract1, household, farmer, false), consented(ConsentReTransfer), transferred(contract2, farmer, coopFarm, false)}
	decidertest.Run(t, Decider, registry(), now, []assetCase{
		{Name: "a terminated contract returns the right to the household, with the right derived from it",
			Given: chain, When: EndManagementRight{AssetID: asset, ContractID: contract1, Reason: EndTerminated},
			Then: []kernel.Event{ManagementRightEnded{AssetID: asset, ContractID: contract1, Reason: EndTerminated, Holder: household, At: now}}},
		{Name: "an expired sub-lease returns the right to the first transferee",
			Given: chain, Now: termEnd, When: EndManagementRight{AssetID: asset, ContractID: contract2, Reason: EndExpired},
			Then: []kernel.Event{ManagementRightEnded{AssetID: asset, ContractID: contract2, Reason: EndExpired, Holder: farmer, At: termEnd}}},
		{Name: "expiry before the end of the term is refused",
			Given: chain, When: EndManagementRight{AssetID: asset, ContractID: contract2, Reason: EndExpired}, WantCode: kernel.CodeInvalidState},
		{Name: "an unknown contract is refused",
			Given: []kernel.Event{registered()}, When: EndManagementRight{AssetID: asset, ContractID: contract1, Reason: EndTerminated}, WantCode: kernel.CodeNotFound},
		{Name: "an unknown reason is refused",
			Given: chain, When: EndManagementRight{AssetID: asset, ContractID: contract1, Reason: "BORED"}, WantCode: kernel.CodeInvalid},
	})
}

func TestEntrustment(t *testing.T) {
	entrusted := PlotEntrusted{AssetID: asset, Entrustment: entrustment(), At: now}
	decidertest.Run(t, Decider, registry(), now, []assetCase{
		{Name: "rule 5: the household entrusts its plot in writing", Given: []kernel.Event{registered()},
			When: entrustCmd(), Then: []kernel.Event{entrusted}},
		{Name: "rule 5: only the contracting household may entrust", Given: []kernel.Event{registered()},
			When: with(entrustCmd(), func(c *EntrustPlot) { c.By = farmer }), WantCode: kernel.CodeForbidden},
		{Name: "rule 5: an entrustment without scope is refused", Given: []kernel.Event{registered()},
			When: with(entrustCmd(), func(c *EntrustPlot) { c.Scope = nil }), WantCode: kernel.CodeInvalid},
		{Name: "rule 5: an entrustment without its letter is refused", Given: []kernel.Event{registered()},
			When: with(entrustCmd(), func(c *EntrustPlot) { c.Source = Source{} }), WantCode: kernel.CodeInvalid},
		{Name: "rule 5: an entrustment beyond the household's contract is refused", Given: []kernel.Event{registered()},
			When: with(entrustCmd(), func(c *EntrustPlot) { c.End = rightsEnd.AddDate(0, 0, 1) }), WantCode: CodeTermExceedsContract},
		{Name: "rule 5: an entrustment to another collective is refused", Given: []kernel.Event{registered()},
			When: with(entrustCmd(), func(c *EntrustPlot) { c.Collective = company }), WantCode: kernel.CodeInvalid},
		{Name: "a second entrustment is refused", Given: []kernel.Event{registered(), entrusted},
			When: entrustCmd(), WantCode: CodeAlreadyEntrusted},
		{Name: "a plot already transferred cannot be entrusted", Given: []kernel.Event{registered(), transferred(contract1, household, farmer, false)},
			When: entrustCmd(), WantCode: kernel.CodeInvalidState},
		{Name: "the household revokes", Given: []kernel.Event{registered(), entrusted},
			When: RevokeEntrustment{AssetID: asset, By: household, Source: paper},
			Then: []kernel.Event{EntrustmentRevoked{AssetID: asset, Household: household, Source: paper, At: now}}},
		{Name: "only the household may revoke", Given: []kernel.Event{registered(), entrusted},
			When: RevokeEntrustment{AssetID: asset, By: company, Source: paper}, WantCode: kernel.CodeForbidden},
		{Name: "revoking with nothing entrusted is refused", Given: []kernel.Event{registered()},
			When: RevokeEntrustment{AssetID: asset, By: household, Source: paper}, WantCode: kernel.CodeInvalidState},
	})
}

func TestRecordConsent(t *testing.T) {
	cmd := RecordConsent{AssetID: asset, By: collective, ConsentID: consent1, Contractor: household, Grantee: farmer, Purpose: ConsentMortgage, Source: paper}
	decidertest.Run(t, Decider, registry(), now, []assetCase{
		{Name: "rule 7: the collective records the household's written consent", Given: []kernel.Event{registered()},
			When: cmd, Then: []kernel.Event{consented(ConsentMortgage)}},
		{Name: "rule 7: consent is recorded only by the collective", Given: []kernel.Event{registered()},
			When: with(cmd, func(c *RecordConsent) { c.By = farmer }), WantCode: kernel.CodeForbidden},
		{Name: "rule 7: only the contracting household consents", Given: []kernel.Event{registered()},
			When: with(cmd, func(c *RecordConsent) { c.Contractor = farmer }), WantCode: kernel.CodeForbidden},
		{Name: "rule 7: consent must be written", Given: []kernel.Event{registered()},
			When: with(cmd, func(c *RecordConsent) { c.Source = Source{} }), WantCode: kernel.CodeInvalid},
		{Name: "an unknown purpose is refused", Given: []kernel.Event{registered()},
			When: with(cmd, func(c *RecordConsent) { c.Purpose = "SELL" }), WantCode: kernel.CodeInvalid},
	})
}

func TestStateAtFoldsHistoryUpToATime(t *testing.T) {
	t1, t2, t3 := now, now.AddDate(0, 1, 0), now.AddDate(1, 0, 0)
	events := []kernel.Event{
		with(registered(), func(e *AssetRegistered) { e.At = t1 }),
		with(transferred(contract1, household, farmer, false), func(e *ManagementRightTransferred) { e.At = t2 }),
		RestrictionAdded{AssetID: asset, Restriction: mortgage(household), At: t2},
		ManagementRightEnded{AssetID: asset, ContractID: contract1, Reason: EndTerminated, Holder: household, At: t3},
	}
	for _, tc := range []struct {
		at         time.Time
		registered bool
		holder     uuid.UUID
		restricted int
	}{
		{t1.Add(-time.Second), false, uuid.Nil, 0},
		{t1, true, household, 0},
		{t2, true, farmer, 1},
		{t3.Add(-time.Second), true, farmer, 1},
		{t3, true, household, 1},
	} {
		s := StateAt(events, tc.at)
		if s.Registered != tc.registered || s.Holder() != tc.holder || len(s.Restrictions) != tc.restricted {
			t.Errorf("at %s: registered %v holder %s restrictions %d; want %v %s %d", tc.at, s.Registered, s.Holder(), len(s.Restrictions), tc.registered, tc.holder, tc.restricted)
		}
	}
}

func TestStateAnswersEncumberedAndConsent(t *testing.T) {
	s := Decider.Fold([]kernel.Event{registered(), transferred(contract1, household, farmer, false), consented(ConsentMortgage),
		RestrictionAdded{AssetID: asset, Restriction: mortgage(farmer), At: now}})
	if !s.Encumbered(termStart) || s.Encumbered(termStart.Add(-time.Second)) || s.Encumbered(termEnd) {
		t.Errorf("Encumbered should hold exactly over the mortgage's term %s–%s", termStart, termEnd)
	}
	if got := s.RestrictionsAt(termStart); len(got) != 1 || got[0].ID != mortgage1 {
		t.Errorf("RestrictionsAt = %v, want the mortgage", got)
	}
	if _, ok := s.ConsentFor(farmer, ConsentMortgage); !ok {
		t.Error("the recorded mortgage consent is not found")
	}
	if _, ok := s.ConsentFor(farmer, ConsentReTransfer); ok {
		t.Error("a mortgage consent answered for a re-transfer")
	}
	if !s.HeldByTransferee() {
		t.Error("a leased plot is held by its transferee")
	}
	cmd, at, ok := s.NextDue()
	if want := (EndManagementRight{AssetID: asset, ContractID: contract1, Reason: EndExpired}); !ok || cmd != want || !at.Equal(termEnd) {
		t.Errorf("NextDue = %v %s %v, want %v at %s", cmd, at, ok, want, termEnd)
	}
	if _, _, ok := Decider.Fold([]kernel.Event{registered()}).NextDue(); ok {
		t.Error("an untransferred asset has nothing due")
	}
}

func TestEvolveLeavesEarlierStatesAlone(t *testing.T) {
	base := Decider.Fold([]kernel.Event{registered(), RestrictionAdded{AssetID: asset, Restriction: mortgage(household), At: now}})
	a := Evolve(base, transferred(contract1, household, farmer, false))
	b := Evolve(base, transferred(contract2, household, coopFarm, false))
	_ = Evolve(base, RestrictionRemoved{AssetID: asset, RestrictionID: mortgage1, At: now})
	if a.Holder() != farmer || b.Holder() != coopFarm || base.Holder() != household || len(base.Restrictions) != 1 {
		t.Fatalf("states share memory: a %s b %s base %s restrictions %d", a.Holder(), b.Holder(), base.Holder(), len(base.Restrictions))
	}
	_ = Evolve(a, ManagementRightExtended{AssetID: asset, ContractID: contract1, PreviousEnd: termEnd, End: rightsEnd, At: now})
	if r, _ := a.CurrentRight(); !r.End.Equal(termEnd) {
		t.Fatalf("extending a later state moved the earlier state's end to %v", r.End)
	}
}

func TestExtendManagementRight(t *testing.T) {
	renewedEnd := termEnd.AddDate(5, 0, 0)
	extend := func(id, by uuid.UUID, end time.Time) ExtendManagementRight {
		return ExtendManagementRight{AssetID: asset, ContractID: id, Transferor: by, End: end, Source: Source{Reference: "RENEWAL-1", Date: now}}
	}
	extended := func(id uuid.UUID, end time.Time) ManagementRightExtended {
		return ManagementRightExtended{AssetID: asset, ContractID: id, PreviousEnd: termEnd, End: end, Source: Source{Reference: "RENEWAL-1", Date: now}, At: now}
	}
	lease := []kernel.Event{registered(), transferred(contract1, household, farmer, false)}
	subLease := append(lease[:2:2], consented(ConsentReTransfer), with(transferred(contract2, farmer, coopFarm, false), func(e *ManagementRightTransferred) {
		e.End = termEnd.AddDate(-1, 0, 0)
	}))
	longEntrustment := PlotEntrusted{AssetID: asset, Entrustment: with(entrustment(), func(e *Entrustment) { e.End = renewedEnd }), At: now}
	entrusted := []kernel.Event{registered(), longEntrustment, transferred(contract1, company, farmer, true)}
	decidertest.Run(t, Decider, registry(), now, []assetCase{
		{Name: "a renewed lease runs to its new end", Given: lease,
			When: extend(contract1, household, renewedEnd), Then: []kernel.Event{extended(contract1, renewedEnd)}},
		{Name: "rule 1: a renewal may end exactly when the contract right ends", Given: lease,
			When: extend(contract1, household, rightsEnd), Then: []kernel.Event{extended(contract1, rightsEnd)}},
		{Name: "rule 1: a renewal a day beyond the contract right is refused", Given: lease,
			When: extend(contract1, household, rightsEnd.AddDate(0, 0, 1)), WantCode: CodeTermExceedsContract},
		{Name: "rule 1: a sub-lease renewed up to the transferee's own term is accepted", Given: subLease,
			When: extend(contract2, farmer, termEnd),
			Then: []kernel.Event{with(extended(contract2, termEnd), func(e *ManagementRightExtended) { e.PreviousEnd = termEnd.AddDate(-1, 0, 0) })}},
		{Name: "rule 1: a sub-lease renewed a day beyond the transferee's own term is refused", Given: subLease,
			When: extend(contract2, farmer, termEnd.AddDate(0, 0, 1)), WantCode: CodeTermExceedsContract},
		{Name: "rule 5: an entrusted lease is renewed within the entrustment", Given: entrusted,
			When: extend(contract1, company, renewedEnd), Then: []kernel.Event{extended(contract1, renewedEnd)}},
		{Name: "rule 5: an entrusted lease renewed a day beyond the entrustment is refused", Given: entrusted,
			When: extend(contract1, company, renewedEnd.AddDate(0, 0, 1)), WantCode: CodeEntrustmentDoesNotCover},
		{Name: "rule 5: a renewal by someone the household has not entrusted is refused", Given: lease,
			When: extend(contract1, company, renewedEnd), WantCode: CodeNotEntrusted},
		{Name: "a renewal must end after the current term", Given: lease,
			When: extend(contract1, household, termEnd), WantCode: kernel.CodeInvalid},
		{Name: "a renewal without its written document is refused", Given: lease,
			When: with(extend(contract1, household, renewedEnd), func(c *ExtendManagementRight) { c.Source = Source{} }), WantCode: kernel.CodeInvalid},
		{Name: "a holding that already ended cannot be renewed",
			Given: append(lease[:2:2], ManagementRightEnded{AssetID: asset, ContractID: contract1, Reason: EndExpired, Holder: household, At: termEnd}),
			When:  extend(contract1, household, renewedEnd), WantCode: kernel.CodeNotFound},
	})
}

// After a renewal the register names the transferee until the new end, and
// the scheduler's expiry moves with it.
func TestAnExtendedHoldingExpiresAtItsNewEnd(t *testing.T) {
	renewedEnd := termEnd.AddDate(5, 0, 0)
	s := Decider.Fold([]kernel.Event{registered(), transferred(contract1, household, farmer, false),
		ManagementRightExtended{AssetID: asset, ContractID: contract1, PreviousEnd: termEnd, End: renewedEnd, Source: paper, At: now}})
	if cmd, at, ok := s.NextDue(); !ok || !at.Equal(renewedEnd) || cmd != (EndManagementRight{AssetID: asset, ContractID: contract1, Reason: EndExpired}) {
		t.Fatalf("next due %v at %v (%v), want the lease's expiry at %v", cmd, at, ok, renewedEnd)
	}
	for _, tc := range []struct {
		at     time.Time
		refuse bool
	}{{termEnd, true}, {termEnd.AddDate(0, 0, 1), true}, {renewedEnd.Add(-time.Nanosecond), true}, {renewedEnd, false}} {
		_, err := Decide(s, EndManagementRight{AssetID: asset, ContractID: contract1, Reason: EndExpired}, tc.at)
		if refused := err != nil; refused != tc.refuse {
			t.Errorf("expiry at %v: err %v, want refused %v", tc.at, err, tc.refuse)
		}
	}
	if s.Holder() != farmer {
		t.Fatalf("holder %v, want the transferee", s.Holder())
	}
}
