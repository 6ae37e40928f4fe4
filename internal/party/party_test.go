package party_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
	"github.com/nongjiao/nongjiao/internal/party"
)

var (
	bank  = uuid.MustParse("30000000-0000-0000-0000-000000000001")
	other = uuid.MustParse("30000000-0000-0000-0000-000000000002")
	t0    = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)

	bankCode = "91350100M000100Y43"
	person   = "11010519491231002X"
	signIn   = party.SignIn{Issuer: "https://id.example", Subject: "bank-ops"}
)

func registry() *kernel.Registry {
	r := kernel.NewRegistry()
	party.RegisterEvents(r)
	return r
}

func registered() party.PartyRegistered {
	return party.PartyRegistered{Party: bank, Kind: party.Bank, Name: "寿光农村商业银行股份有限公司", Identifier: bankCode, At: t0}
}

func registerBank() party.RegisterParty {
	return party.RegisterParty{Party: bank, Kind: party.Bank, Name: "寿光农村商业银行股份有限公司", Identifier: bankCode}
}

func TestParty(t *testing.T) {
	withSignIn := registerBank()
	withSignIn.SignIn = signIn
	personAsBank := registerBank()
	personAsBank.Identifier = person
	codeAsPerson := registerBank()
	codeAsPerson.Kind = party.Individual
	noName := registerBank()
	noName.Name = ""
	badKind := registerBank()
	badKind.Kind = "ADMIN"
	halfSignIn := registerBank()
	halfSignIn.SignIn = party.SignIn{Issuer: signIn.Issuer}
	suspended := party.PartySuspended{Party: bank, Reason: "licence withdrawn", At: t0}
	decidertest.Run(t, party.Decider, registry(), t0, []decidertest.Case[party.Command]{
		{Name: "an organisation registers with its credit code", When: registerBank(), Then: []kernel.Event{registered()}},
		{Name: "its first sign-in is linked with it", When: withSignIn,
			Then: []kernel.Event{registered(), party.SignInLinked{Party: bank, SignIn: signIn, At: t0}}},
		{Name: "an organisation cannot register with a resident id", When: personAsBank, WantCode: party.CodeInvalidIdentifier},
		{Name: "a person cannot register with a credit code", When: codeAsPerson, WantCode: party.CodeInvalidIdentifier},
		{Name: "a person registers with a resident id", When: party.RegisterParty{Party: other, Kind: party.Individual, Name: "王立新", Identifier: person},
			Then: []kernel.Event{party.PartyRegistered{Party: other, Kind: party.Individual, Name: "王立新", Identifier: person, At: t0}}},
		{Name: "a legal name is needed", When: noName, WantCode: kernel.CodeInvalid},
		{Name: "an unknown kind is refused", When: badKind, WantCode: kernel.CodeInvalid},
		{Name: "a sign-in needs its subject", When: halfSignIn, WantCode: kernel.CodeInvalid},
		{Name: "a party registers once", Given: []kernel.Event{registered()}, When: registerBank(), WantCode: party.CodeAlreadyRegistered},
		{Name: "an unregistered party cannot be suspended", When: party.SuspendParty{Party: bank, Reason: "x"}, WantCode: party.CodeNotRegistered},
		{Name: "suspension says why", Given: []kernel.Event{registered()}, When: party.SuspendParty{Party: bank}, WantCode: kernel.CodeInvalid},
		{Name: "a registered party is suspended", Given: []kernel.Event{registered()}, When: party.SuspendParty{Party: bank, Reason: "licence withdrawn"},
			Then: []kernel.Event{suspended}},
		{Name: "a suspended party is not suspended again", Given: []kernel.Event{registered(), suspended}, When: party.SuspendParty{Party: bank, Reason: "x"},
			WantCode: kernel.CodeInvalidState},
		{Name: "a suspended party is reinstated", Given: []kernel.Event{registered(), suspended}, When: party.ReinstateParty{Party: bank, Reason: "licence renewed"},
			Then: []kernel.Event{party.PartyReinstated{Party: bank, Reason: "licence renewed", At: t0}}},
		{Name: "only a suspended party is reinstated", Given: []kernel.Event{registered()}, When: party.ReinstateParty{Party: bank}, WantCode: kernel.CodeInvalidState},
		{Name: "a sign-in is linked", Given: []kernel.Event{registered()}, When: party.LinkSignIn{Party: bank, SignIn: signIn},
			Then: []kernel.Event{party.SignInLinked{Party: bank, SignIn: signIn, At: t0}}},
		{Name: "linking it again writes nothing", Given: []kernel.Event{registered(), party.SignInLinked{Party: bank, SignIn: signIn, At: t0}},
			When: party.LinkSignIn{Party: bank, SignIn: signIn}, Then: nil},
		{Name: "a sign-in is unlinked", Given: []kernel.Event{registered(), party.SignInLinked{Party: bank, SignIn: signIn, At: t0}},
			When: party.UnlinkSignIn{Party: bank, SignIn: signIn}, Then: []kernel.Event{party.SignInUnlinked{Party: bank, SignIn: signIn, At: t0}}},
		{Name: "only a linked sign-in is unlinked", Given: []kernel.Event{registered()}, When: party.UnlinkSignIn{Party: bank, SignIn: signIn},
			WantCode: kernel.CodeNotFound},
	})
}

func TestCanActRefusesUnregisteredAndSuspendedParties(t *testing.T) {
	if code := kernel.ErrorCode(party.State{}.CanAct()); code != party.CodeNotRegistered {
		t.Errorf("unregistered: %s; want PARTY_NOT_REGISTERED", code)
	}
	s := party.Decider.Fold([]kernel.Event{registered(), party.PartySuspended{Party: bank, Reason: "x", At: t0}})
	if code := kernel.ErrorCode(s.CanAct()); code != party.CodeSuspended {
		t.Errorf("suspended: %s; want PARTY_SUSPENDED", code)
	}
	s = party.Evolve(s, party.PartyReinstated{Party: bank, At: t0})
	if err := s.CanAct(); err != nil {
		t.Errorf("reinstated: %v", err)
	}
}

func TestKeys(t *testing.T) {
	claimed := party.KeyClaimed{Key: party.IdentifierKey(bankCode), Party: bank, At: t0}
	signInClaimed := party.KeyClaimed{Key: party.SignInKey(signIn), Party: bank, At: t0}
	decidertest.Run(t, party.KeyDecider, registry(), t0, []decidertest.Case[party.KeyCommand]{
		{Name: "a free identifier is claimed", When: party.ClaimIdentifier{Identifier: bankCode, Party: bank}, Then: []kernel.Event{claimed}},
		{Name: "its holder claiming it again writes nothing", Given: []kernel.Event{claimed}, When: party.ClaimIdentifier{Identifier: bankCode, Party: bank}},
		{Name: "another party cannot claim it", Given: []kernel.Event{claimed}, When: party.ClaimIdentifier{Identifier: bankCode, Party: other},
			WantCode: party.CodeIdentifierTaken},
		{Name: "another party cannot claim a sign-in", Given: []kernel.Event{signInClaimed}, When: party.ClaimSignIn{SignIn: signIn, Party: other},
			WantCode: party.CodeSignInTaken},
		{Name: "a released sign-in is free", Given: []kernel.Event{signInClaimed, party.KeyReleased{Key: signInClaimed.Key, Party: bank, At: t0}},
			When: party.ClaimSignIn{SignIn: signIn, Party: other}, Then: []kernel.Event{party.KeyClaimed{Key: signInClaimed.Key, Party: other, At: t0}}},
		{Name: "only the holder releases a sign-in", Given: []kernel.Event{signInClaimed}, When: party.ReleaseSignIn{SignIn: signIn, Party: other},
			WantCode: kernel.CodeNotFound},
	})
	if party.SignInKey(party.SignIn{Issuer: "https://a", Subject: "b"}) == party.SignInKey(party.SignIn{Issuer: "https://b", Subject: "b"}) {
		t.Error("one subject at two issuers has one key")
	}
}

func TestEveryFreeTextFieldHasALimit(t *testing.T) {
	decidertest.TextLimits(t, party.Decider, []party.Command{
		party.RegisterParty{}, party.SuspendParty{}, party.ReinstateParty{}, party.LinkSignIn{}, party.UnlinkSignIn{},
	})
	decidertest.TextLimits(t, party.KeyDecider, []party.KeyCommand{party.ClaimIdentifier{}, party.ClaimSignIn{}, party.ReleaseSignIn{}})
}
