package parties_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/api/parties"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/party"
	"github.com/nongjiao/nongjiao/internal/readmodel/partyview"
)

var area = apitest.Area{Register: parties.Register, Projections: partyview.Projections}

var roles = map[string][]auth.Role{
	"registerParty":  {auth.RoleExchange},
	"suspendParty":   {auth.RoleExchange},
	"reinstateParty": {auth.RoleExchange},
	"linkSignIn":     {auth.RoleExchange},
	"unlinkSignIn":   {auth.RoleExchange},
}

func TestRoles(t *testing.T) {
	apitest.New(t, area).CheckRoles(t, roles)
}

const (
	register = `mutation($input: RegisterPartyInput!) { registerParty(input: $input) { partyId } }`
	suspend  = `mutation($input: SuspendPartyInput!) { suspendParty(input: $input) { position } }`
	show     = `query($id: ID!) { party(id: $id) { id kind name identifier roles suspended signIns { issuer subject } } }`
	bankCode = "91350100M000100Y43"
)

func TestTheExchangeRegistersAPartyWhoseTokenThenActs(t *testing.T) {
	h := apitest.New(t, area)
	exchange := h.Token(auth.RoleExchange, uuid.New())
	data := h.MustDo(exchange, register, map[string]any{"input": map[string]any{
		"kind": "BANK", "name": "寿光农村商业银行股份有限公司", "identifier": " 91350100m000100y43 ",
		"signIn": map[string]any{"issuer": "https://id.example", "subject": "ops"},
	}})
	bank := uuid.MustParse(data["registerParty"].(map[string]any)["partyId"].(string))

	got := h.MustDo(exchange, show, map[string]any{"id": bank.String()})["party"].(map[string]any)
	if got["identifier"] != bankCode || got["kind"] != "BANK" || got["suspended"] != false || len(got["signIns"].([]any)) != 1 {
		t.Errorf("the exchange sees %v; want the whole identifier, kind BANK and the sign-in", got)
	}
	other := h.Token(auth.RoleBidder, uuid.New())
	got = h.MustDo(other, show, map[string]any{"id": bank.String()})["party"].(map[string]any)
	if got["identifier"] != party.Mask(bankCode) || got["signIns"] != nil {
		t.Errorf("another party sees %v; want the identifier masked and no sign-ins", got)
	}

	// The registered bank acts (past the gate: its error is about the input).
	bankToken := h.UnregisteredToken(auth.RoleBank, bank)
	r := h.Do(bankToken, `mutation { reinstateParty(input: {partyId: "`+bank.String()+`"}) { position } }`, nil)
	if r.Code() != kernel.CodeForbidden {
		t.Fatalf("a bank reinstating: %+v; want FORBIDDEN", r.Errors)
	}
	// A bank party may not carry another role.
	r = h.Do(h.UnregisteredToken(auth.RoleBidder, bank), register, map[string]any{"input": map[string]any{"kind": "BANK", "name": "x", "identifier": bankCode}})
	if r.Code() != kernel.CodeForbidden {
		t.Fatalf("a bank party as bidder: %+v; want FORBIDDEN", r.Errors)
	}
}

func TestADuplicateIdentifierIsRefusedAndWritesNothing(t *testing.T) {
	h := apitest.New(t, area)
	exchange := h.Token(auth.RoleExchange, uuid.New())
	in := map[string]any{"kind": "BANK", "name": "寿光农村商业银行", "identifier": bankCode}
	h.MustDo(exchange, register, map[string]any{"input": in})
	in["name"] = "另一家银行"
	r := h.Do(exchange, register, map[string]any{"input": in})
	if r.Code() != party.CodeIdentifierTaken || r.Errors[0].Extensions["field"] != "identifier" {
		t.Fatalf("%+v; want IDENTIFIER_TAKEN on identifier", r.Errors)
	}
	in["identifier"] = bankCode[:17] + "0"
	if r := h.Do(exchange, register, map[string]any{"input": in}); r.Code() != party.CodeInvalidIdentifier {
		t.Fatalf("a wrong check character: %+v; want INVALID_IDENTIFIER", r.Errors)
	}
}

func TestASuspendedPartyReadsButDoesNotActUntilReinstated(t *testing.T) {
	h := apitest.New(t, area)
	exchange := h.Token(auth.RoleExchange, uuid.New())
	other, deputy := uuid.New(), uuid.New()
	h.Token(auth.RoleExchange, other)
	otherToken := h.UnregisteredToken(auth.RoleExchange, other)
	h.MustDo(exchange, suspend, map[string]any{"input": map[string]any{"partyId": other.String(), "reason": "audit"}})

	if got := h.MustDo(otherToken, show, map[string]any{"id": other.String()})["party"].(map[string]any); got["suspended"] != true {
		t.Errorf("the suspended party reads %v; want suspended", got)
	}
	deputyIn := map[string]any{"input": map[string]any{"kind": "FUND", "name": "基金", "identifier": apitest.CreditCode(deputy), "partyId": deputy.String()}}
	if r := h.Do(otherToken, register, deputyIn); r.Code() != party.CodeSuspended {
		t.Fatalf("a suspended exchange registering: %+v; want PARTY_SUSPENDED", r.Errors)
	}
	h.MustDo(exchange, `mutation($input: ReinstatePartyInput!) { reinstateParty(input: $input) { position } }`,
		map[string]any{"input": map[string]any{"partyId": other.String()}})
	h.MustDo(otherToken, register, deputyIn)
	if r := h.Do(exchange, suspend, map[string]any{"input": map[string]any{"partyId": uuid.Nil.String(), "reason": "x"}}); r.Code() != party.CodeNotRegistered {
		t.Fatalf("suspending an unregistered party: %+v; want PARTY_NOT_REGISTERED", r.Errors)
	}
}

func TestTheExchangeListsTheRegister(t *testing.T) {
	h := apitest.New(t, area)
	exchange := h.Token(auth.RoleExchange, uuid.New())
	bank, farm := uuid.New(), uuid.New()
	h.Clock.Advance(time.Minute)
	h.Token(auth.RoleBank, bank)
	h.Clock.Advance(time.Minute)
	h.Token(auth.RoleBidder, farm)
	h.MustDo(exchange, suspend, map[string]any{"input": map[string]any{"partyId": farm.String(), "reason": "audit"}})
	list := `query($kind: PartyKind, $suspended: Boolean, $after: String) { parties(first: 1, kind: $kind, suspended: $suspended, after: $after) {
		totalCount edges { node { id kind identifier suspended registeredAt } } pageInfo { hasNextPage endCursor } } }`
	var ids []string
	var after any
	for {
		conn := h.MustDo(exchange, list, map[string]any{"after": after})["parties"].(map[string]any)
		if conn["totalCount"] != 3.0 {
			t.Fatalf("totalCount = %v; want 3", conn["totalCount"])
		}
		for _, e := range conn["edges"].([]any) {
			n := e.(map[string]any)["node"].(map[string]any)
			ids = append(ids, n["id"].(string))
			if id := uuid.MustParse(n["id"].(string)); n["identifier"] != apitest.CreditCode(id) || n["registeredAt"] == nil {
				t.Errorf("%v: want the whole identifier and the registration time", n)
			}
		}
		info := conn["pageInfo"].(map[string]any)
		if info["hasNextPage"] != true {
			break
		}
		after = info["endCursor"]
	}
	if len(ids) != 3 || ids[1] != bank.String() || ids[2] != farm.String() {
		t.Fatalf("pages gave %v; want the exchange, the bank, the farm in the order registered", ids)
	}
	conn := h.MustDo(exchange, list, map[string]any{"suspended": true})["parties"].(map[string]any)
	if conn["totalCount"] != 1.0 || conn["edges"].([]any)[0].(map[string]any)["node"].(map[string]any)["id"] != farm.String() {
		t.Errorf("suspended parties: %v; want the farm alone", conn)
	}
	conn = h.MustDo(exchange, list, map[string]any{"kind": "BANK"})["parties"].(map[string]any)
	if conn["totalCount"] != 1.0 {
		t.Errorf("banks: %v; want one", conn)
	}
	if r := h.Do(h.Token(auth.RoleBank, bank), list, nil); r.Code() != kernel.CodeForbidden {
		t.Errorf("a bank listing the register: %+v; want FORBIDDEN", r.Errors)
	}
}
