package coops_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/api/coops"
	"github.com/nongjiao/nongjiao/internal/api/credit"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/coop"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel/coopview"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
)

var area = apitest.Area{Register: coops.Register, Projections: coopview.Projections}

// creditArea files the collateral registrations that share pledges need.
var creditArea = apitest.Area{Register: credit.Register, Projections: creditview.Projections}

// forEachBackend runs fn against a fresh API (this area and the credit area)
// on SQLite and on PostgreSQL read models.
func forEachBackend(t *testing.T, fn func(t *testing.T, h *apitest.Harness)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, apitest.New(t, area, creditArea)) })
	t.Run("postgres", func(t *testing.T) { fn(t, apitest.NewWithDB(t, t.TempDir(), rmtest.Postgres(t), area, creditArea)) })
}

// coopFixture is a founded cooperative with four members:
// m[0] 100 population + 50 labour-age, m[1] 100 population, m[2] and m[3]
// 10 population each: 270 shares, so the default 10 % cap is 27 shares and the
// 5 % yearly redemption cap 13.
type coopFixture struct {
	t          *testing.T
	h          *apitest.Harness
	collective uuid.UUID
	tok        string // the collective's token
	id         string
	m          []string
}

func newCoop(t *testing.T, h *apitest.Harness) *coopFixture {
	t.Helper()
	f := &coopFixture{t: t, h: h, collective: uuid.New()}
	f.tok = h.Token(auth.RoleCollective, f.collective)
	f.id = f.must(f.tok, "foundCooperative", map[string]any{"name": "东村股份经济合作社"}, "cooperativeId")["cooperativeId"].(string)
	for range 4 {
		out := f.must(f.tok, "admitMember", map[string]any{"cooperativeId": f.id, "household": uuid.NewString()}, "memberId")
		f.m = append(f.m, out["memberId"].(string))
	}
	alloc := func(member, class string, n int) map[string]any {
		return map[string]any{"member": member, "class": class, "shares": n}
	}
	f.must(f.tok, "allocateShares", map[string]any{"cooperativeId": f.id, "allocations": []any{
		alloc(f.m[0], "POPULATION", 100), alloc(f.m[0], "LABOUR_AGE", 50), alloc(f.m[1], "POPULATION", 100),
		alloc(f.m[2], "POPULATION", 10), alloc(f.m[3], "POPULATION", 10),
	}}, "")
	return f
}

// do sends mutation with input as token's holder, selecting position,
// duplicate and the given payload fields.
func (f *coopFixture) do(token, name string, input any, fields string) apitest.Response {
	f.t.Helper()
	q := fmt.Sprintf("mutation($input: %sInput!) { %s(input: $input) { position duplicate %s } }", strings.ToUpper(name[:1])+name[1:], name, fields)
	return f.h.Do(token, q, map[string]any{"input": input})
}

func (f *coopFixture) must(token, mutation string, input map[string]any, fields string) map[string]any {
	f.t.Helper()
	r := f.do(token, mutation, input, fields)
	if len(r.Errors) > 0 {
		f.t.Fatalf("%s: %+v", mutation, r.Errors)
	}
	return r.Data[mutation].(map[string]any)
}

// refused checks that a mutation fails with code (and field, when not "").
func (f *coopFixture) refused(token, mutation string, input map[string]any, code, field string) {
	f.t.Helper()
	r := f.do(token, mutation, input, "")
	if r.Code() != code {
		f.t.Fatalf("%s: errors %+v, want %s", mutation, r.Errors, code)
	}
	if got, _ := r.Errors[0].Extensions["field"].(string); field != "" && got != field {
		f.t.Fatalf("%s: field %q, want %q", mutation, got, field)
	}
}

// query reads the cooperative as token's holder.
func (f *coopFixture) query(token, selection string) apitest.Response {
	f.t.Helper()
	return f.h.Do(token, `query($id: ID!) { cooperative(id: $id) { `+selection+` } }`, map[string]any{"id": f.id})
}

func (f *coopFixture) coop(token, selection string) map[string]any {
	f.t.Helper()
	r := f.query(token, selection)
	if len(r.Errors) > 0 {
		f.t.Fatalf("%s: %+v", selection, r.Errors)
	}
	return r.Data["cooperative"].(map[string]any)
}

// holdings returns a holder's shares by class, nil when the caller does not see the line.
func (f *coopFixture) holdings(token, holder string) map[string]float64 {
	f.t.Helper()
	c := f.coop(token, `members(holder: "`+holder+`") { edges { node { holdings { class shares } } } }`)
	edges := c["members"].(map[string]any)["edges"].([]any)
	if len(edges) == 0 {
		return nil
	}
	out := map[string]float64{}
	for _, e := range edges[0].(map[string]any)["node"].(map[string]any)["holdings"].([]any) {
		cs := e.(map[string]any)
		out[cs["class"].(string)] = cs["shares"].(float64)
	}
	return out
}

func nodes(conn any) []map[string]any {
	var out []map[string]any
	for _, e := range conn.(map[string]any)["edges"].([]any) {
		out = append(out, e.(map[string]any)["node"].(map[string]any))
	}
	return out
}

func TestFoundAdmitAllocateAndRead(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *apitest.Harness) {
		f := newCoop(t, h)
		public := f.coop("", `name collective totalShares memberCount sharesByClass { class shares } settings { holdingCapBP redemptionCapBP pledgeTermYears }`)
		if public["name"] != "东村股份经济合作社" || public["collective"] != f.collective.String() || public["totalShares"] != 270.0 || public["memberCount"] != 4.0 {
			t.Fatalf("public view %v", public)
		}
		if fmt.Sprint(public["sharesByClass"]) != "[map[class:POPULATION shares:220] map[class:LABOUR_AGE shares:50] map[class:LAND shares:0]]" {
			t.Fatalf("shares by class %v", public["sharesByClass"])
		}
		if s := public["settings"].(map[string]any); s["holdingCapBP"] != 1000.0 || s["redemptionCapBP"] != 500.0 || s["pledgeTermYears"] != 3.0 {
			t.Fatalf("settings %v", s)
		}

		members := `members(first: 10) { totalCount edges { node { id kind rights votes household admittedAt totalShares freeShares holdings { class shares } } } }`
		if r := f.query("", members); r.Code() != kernel.CodeUnauthenticated {
			t.Fatalf("anonymous read the register: %+v", r.Errors)
		}
		for _, role := range []auth.Role{auth.RoleBidder, auth.RoleFund, auth.RoleCollective} {
			if r := f.query(h.Token(role, uuid.New()), members); r.Code() != kernel.CodeForbidden {
				t.Fatalf("another %s read the register: %+v", role, r.Errors)
			}
		}
		for _, tok := range []string{f.tok, h.Token(auth.RoleExchange, uuid.New())} {
			lines := nodes(f.coop(tok, members)["members"])
			if len(lines) != 5 || lines[0]["kind"] != "COLLECTIVE" || lines[0]["id"] != f.collective.String() {
				t.Fatalf("register %v", lines)
			}
			m0 := lines[1]
			if m0["id"] != f.m[0] || m0["kind"] != "MEMBER" || m0["rights"] != "FULL" || m0["votes"] != true ||
				m0["admittedAt"] != apitest.Start.Format(time.RFC3339) || m0["totalShares"] != 150.0 || m0["freeShares"] != 150.0 {
				t.Fatalf("first member %v", m0)
			}
		}
		if got := f.holdings(f.tok, f.m[0]); got["POPULATION"] != 100 || got["LABOUR_AGE"] != 50 || got["LAND"] != 0 {
			t.Fatalf("holdings by class %v", got)
		}

		// A static register quantifies a class once.
		f.refused(f.tok, "allocateShares", map[string]any{"cooperativeId": f.id, "allocations": []any{
			map[string]any{"member": f.m[2], "class": "POPULATION", "shares": 1}}}, coop.CodeAlreadyAllocated, "allocations[0]")
		// Another collective does not run this cooperative; an unknown one is not found.
		other := h.Token(auth.RoleCollective, uuid.New())
		f.refused(other, "admitMember", map[string]any{"cooperativeId": f.id, "household": uuid.NewString()}, kernel.CodeForbidden, "")
		f.refused(f.tok, "admitMember", map[string]any{"cooperativeId": uuid.NewString(), "household": uuid.NewString()}, kernel.CodeNotFound, "cooperativeId")
	})
}

func TestFoundingIsIdempotentPerKey(t *testing.T) {
	h := apitest.New(t, area)
	tok := h.Token(auth.RoleCollective, uuid.New())
	f := &coopFixture{t: t, h: h}
	in := map[string]any{"name": "西村", "idempotencyKey": "found-1", "settings": map[string]any{"holdingCapBP": 2000}}
	first := f.must(tok, "foundCooperative", in, "cooperativeId")
	again := f.must(tok, "foundCooperative", in, "cooperativeId")
	if first["cooperativeId"] != again["cooperativeId"] || first["duplicate"] != false || again["duplicate"] != true || first["position"] != again["position"] {
		t.Fatalf("first %v, retry %v", first, again)
	}
	f.id = first["cooperativeId"].(string)
	if s := f.coop("", "settings { holdingCapBP redemptionCapBP }")["settings"].(map[string]any); s["holdingCapBP"] != 2000.0 || s["redemptionCapBP"] != 500.0 {
		t.Fatalf("settings %v: the given cap with the other defaults", s)
	}
	f.refused(tok, "foundCooperative", map[string]any{"name": "x", "settings": map[string]any{"holdingCapBP": 0}}, kernel.CodeInvalid, "settings.holdingCapBP")
}

func TestTransfers(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *apitest.Harness) {
		f := newCoop(t, h)
		transfer := func(from, to string, n int) map[string]any {
			return map[string]any{"cooperativeId": f.id, "from": from, "to": to, "class": "POPULATION", "shares": n, "price": "850.00"}
		}
		f.must(f.tok, "transferShares", transfer(f.m[0], f.m[2], 17), "cooperativeId") // m[2] reaches the cap: 27
		if got := f.holdings(f.tok, f.m[2]); got["POPULATION"] != 27 {
			t.Fatalf("recipient holds %v", got)
		}
		f.refused(f.tok, "transferShares", transfer(f.m[0], f.m[2], 1), coop.CodeHoldingCapExceeded, "shares")
		f.refused(f.tok, "transferShares", transfer(f.m[0], uuid.NewString(), 1), coop.CodeTransferToNonMember, "to")
		f.refused(f.tok, "transferShares", transfer(f.m[3], f.m[2], 11), coop.CodeInsufficientShares, "shares")
		f.refused(h.Token(auth.RoleCollective, uuid.New()), "transferShares", transfer(f.m[0], f.m[3], 1), kernel.CodeForbidden, "")
		if got := f.holdings(f.tok, f.m[0]); got["POPULATION"] != 83 {
			t.Fatalf("a refused transfer moved shares: the giver holds %v", got)
		}
		// The exchange, as the trading platform, records a transfer too.
		f.must(h.Token(auth.RoleExchange, uuid.New()), "transferShares", transfer(f.m[0], f.m[3], 5), "")

		hist := nodes(f.coop(f.tok, `history(holder: "`+f.m[3]+`") { edges { node { kind from to class shares price } } }`)["history"])
		if len(hist) != 2 || hist[0]["kind"] != "ALLOCATION" || hist[0]["from"] != nil ||
			fmt.Sprint(hist[1]) != fmt.Sprint(map[string]any{"kind": "TRANSFER", "from": f.m[0], "to": f.m[3], "class": "POPULATION", "shares": 5.0, "price": "850.00"}) {
			t.Fatalf("history of m[3]: %v", hist)
		}
	})
}

func TestRedemptionIsCappedPerShanghaiYear(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *apitest.Harness) {
		f := newCoop(t, h)
		redeem := func(n int) map[string]any {
			return map[string]any{"cooperativeId": f.id, "holder": f.m[1], "class": "POPULATION", "shares": n, "price": "10.00"}
		}
		f.must(f.tok, "redeemShares", redeem(13), "")
		if got := f.holdings(f.tok, f.collective.String()); got["POPULATION"] != 13 {
			t.Fatalf("the collective's line holds %v", got)
		}
		f.refused(f.tok, "redeemShares", redeem(1), coop.CodeRedemptionCapExceeded, "shares")
		f.refused(h.Token(auth.RoleExchange, uuid.New()), "redeemShares", redeem(1), kernel.CodeForbidden, "")
		// 1 January 00:00 in Shanghai is 31 December 16:00 UTC: a new year's cap.
		h.Advance(time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC).Sub(h.Clock.Now()))
		f.must(f.tok, "redeemShares", redeem(1), "")
		if got := f.holdings(f.tok, f.m[1]); got["POPULATION"] != 86 {
			t.Fatalf("the member holds %v after redeeming 14", got)
		}
	})
}

// registerPledge files a share-pledge notice through the credit area, as the
// bank does before it pledges, and returns the registration id.
func registerPledge(f *coopFixture, bankTok, member string, shares int) string {
	f.t.Helper()
	now := f.h.Clock.Now()
	return f.must(bankTok, "registerCollateral", map[string]any{"kind": "SHARE_PLEDGE", "grantorId": member, "assetId": f.id,
		"memberId": member, "shares": shares, "securedAmount": "50000.00",
		"start": now.Format(time.RFC3339), "end": now.AddDate(3, 0, 0).Format(time.RFC3339)}, "registrationId")["registrationId"].(string)
}

func TestPledges(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *apitest.Harness) {
		f := newCoop(t, h)
		bank, bank2 := uuid.New(), uuid.New()
		bankTok, bank2Tok := h.Token(auth.RoleBank, bank), h.Token(auth.RoleBank, bank2)
		maturity := h.Clock.Now().AddDate(0, 6, 0).Format(time.RFC3339)
		pledge := func(reg string, n int, key string) map[string]any {
			return map[string]any{"cooperativeId": f.id, "holder": f.m[0], "shares": n, "registrationId": reg,
				"loanMaturity": maturity, "idempotencyKey": key}
		}
		reg := registerPledge(f, bankTok, f.m[0], 100)
		first := f.must(bankTok, "pledgeShares", pledge(reg, 100, "p1"), "pledgeId")
		again := f.must(bankTok, "pledgeShares", pledge(reg, 100, "p1"), "pledgeId")
		if first["pledgeId"] != reg || again["pledgeId"] != reg || again["duplicate"] != true {
			t.Fatalf("a retried pledge gave %v, first %v", again, first)
		}

		// Only free shares can be pledged, moved or redeemed; m[0] has 50 left.
		reg2 := registerPledge(f, bankTok, f.m[0], 60)
		f.refused(bankTok, "pledgeShares", pledge(reg2, 60, ""), coop.CodeSharesPledged, "shares")
		f.refused(f.tok, "transferShares", map[string]any{"cooperativeId": f.id, "from": f.m[0], "to": f.m[2], "class": "POPULATION", "shares": 60}, coop.CodeSharesPledged, "shares")
		// The registration is checked: its secured party, its coverage, what it encumbers.
		f.refused(bank2Tok, "pledgeShares", pledge(reg2, 10, ""), kernel.CodeForbidden, "registrationId")
		f.refused(bankTok, "pledgeShares", pledge(reg, 1, ""), kernel.CodeInvalidState, "registrationId") // one pledge per notice
		f.refused(bankTok, "pledgeShares", pledge(reg2, 61, ""), kernel.CodeInvalid, "shares")
		f.refused(bankTok, "pledgeShares", pledge(registerPledge(f, bankTok, f.m[1], 10), 10, ""), kernel.CodeInvalid, "registrationId")
		f.refused(bankTok, "pledgeShares", pledge(uuid.NewString(), 10, ""), kernel.CodeNotFound, "registrationId")
		f.refused(bankTok, "pledgeShares", map[string]any{"cooperativeId": f.id, "holder": f.m[0], "shares": 10, "registrationId": reg2,
			"loanMaturity": h.Clock.Now().AddDate(2, 0, 0).Format(time.RFC3339)}, coop.CodePledgedLoanTermExceeded, "loanMaturity")

		// The pledgee sees the pledgor's line and its own pledge; another bank sees neither.
		lines := nodes(f.coop(bankTok, `members { edges { node { id pledgedShares freeShares } } }`)["members"])
		if len(lines) != 1 || lines[0]["id"] != f.m[0] || lines[0]["pledgedShares"] != 100.0 || lines[0]["freeShares"] != 50.0 {
			t.Fatalf("the pledgee sees %v", lines)
		}
		for _, m := range nodes(f.coop(bankTok, `history { edges { node { from to } } }`)["history"]) {
			if m["from"] != f.m[0] && m["to"] != f.m[0] {
				t.Fatalf("the pledgee sees another holder's movement %v", m)
			}
		}
		if c := f.coop(bank2Tok, `members { totalCount } pledges { totalCount } history { totalCount }`); fmt.Sprint(c) != "map[history:map[totalCount:0] members:map[totalCount:0] pledges:map[totalCount:0]]" {
			t.Fatalf("another bank sees %v", c)
		}
		p := nodes(f.coop(f.tok, `pledges { edges { node { id holder pledgee shares status registrationNumber registeredUntil } } }`)["pledges"])
		if len(p) != 1 || p[0]["id"] != first["pledgeId"] || p[0]["pledgee"] != bank.String() || p[0]["status"] != "ACTIVE" ||
			p[0]["registeredUntil"] != h.Clock.Now().AddDate(3, 0, 0).Format(time.RFC3339) || !strings.HasPrefix(p[0]["registrationNumber"].(string), "DJ-") {
			t.Fatalf("pledges %v", p)
		}

		// The pledge secures no loan in default, so the bank may not sell the shares.
		f.refused(bankTok, "enforceSharePledge", map[string]any{"cooperativeId": f.id, "pledgeId": first["pledgeId"], "buyer": f.m[2], "price": "100.00"},
			coop.CodeLoanNotDefaulted, "")
		release := map[string]any{"cooperativeId": f.id, "pledgeId": first["pledgeId"]}
		f.refused(bank2Tok, "releasePledge", release, kernel.CodeForbidden, "") // the caller is not an input field
		f.must(bankTok, "releasePledge", release, "")
		if c := f.coop(bankTok, `members { totalCount } pledges(status: RELEASED) { totalCount }`); fmt.Sprint(c) != "map[members:map[totalCount:0] pledges:map[totalCount:1]]" {
			t.Fatalf("after the release the bank sees %v", c)
		}
		f.must(f.tok, "transferShares", map[string]any{"cooperativeId": f.id, "from": f.m[0], "to": f.m[2], "class": "POPULATION", "shares": 17}, "")
	})
}

func TestDividendPayoutsSumExactlyToTheAmount(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *apitest.Harness) {
		f := newCoop(t, h)
		f.must(f.tok, "redeemShares", map[string]any{"cooperativeId": f.id, "holder": f.m[1], "class": "POPULATION", "shares": 7}, "")
		const declared = "1000.01"
		d := f.must(f.tok, "declareDividend", map[string]any{"cooperativeId": f.id, "amount": declared}, "dividendId")
		id := d["dividendId"].(string)

		public := nodes(f.coop("", `dividends { edges { node { id amount totalShares payoutCount status } } }`)["dividends"])
		if fmt.Sprint(public) != fmt.Sprint([]map[string]any{{"id": id, "amount": declared, "totalShares": 270.0, "payoutCount": 5.0, "status": "DECLARED"}}) {
			t.Fatalf("public dividends %v", public)
		}
		payouts := `dividend(id: "` + id + `") { payouts(first: 2%s) { totalCount pageInfo { hasNextPage endCursor } edges { node { holder shares amount } } } }`
		if r := f.query("", fmt.Sprintf(payouts, "")); r.Code() != kernel.CodeUnauthenticated {
			t.Fatalf("anonymous read the payouts: %+v", r.Errors)
		}

		amount, _ := kernel.ParseMoney(declared)
		var sum kernel.Money
		seen, after := 0, ""
		for {
			conn := f.coop(f.tok, fmt.Sprintf(payouts, after))["dividend"].(map[string]any)["payouts"].(map[string]any)
			for _, p := range nodes(conn) {
				got, err := kernel.ParseMoney(p["amount"].(string))
				if err != nil {
					t.Fatal(err)
				}
				// Within a fen of the exact share: |got × total − amount × shares| < total.
				diff := got.Fen()*270 - amount.Fen()*int64(p["shares"].(float64))
				if diff <= -270 || diff >= 270 {
					t.Errorf("payout %v is a fen or more from the exact share", p)
				}
				sum += got
				seen++
			}
			info := conn["pageInfo"].(map[string]any)
			if info["hasNextPage"] != true {
				break
			}
			after = fmt.Sprintf(`, after: %q`, info["endCursor"])
		}
		if seen != 5 || sum != amount {
			t.Fatalf("%d payouts sum to %s, declared %s", seen, sum, declared)
		}

		f.refused(h.Token(auth.RoleCollective, uuid.New()), "payDividend", map[string]any{"cooperativeId": f.id, "dividendId": id}, kernel.CodeForbidden, "")
		f.must(f.tok, "payDividend", map[string]any{"cooperativeId": f.id, "dividendId": id}, "")
		f.refused(f.tok, "payDividend", map[string]any{"cooperativeId": f.id, "dividendId": id}, kernel.CodeInvalidState, "dividendId")
		paid := f.coop("", `dividend(id: "`+id+`") { status paidAt }`)["dividend"].(map[string]any)
		if paid["status"] != "PAID" || paid["paidAt"] != h.Clock.Now().Format(time.RFC3339) {
			t.Fatalf("paid dividend %v", paid)
		}
	})
}

func TestInheritanceAndReversion(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *apitest.Harness) {
		f := newCoop(t, h)
		died := h.Clock.Now().Add(-time.Hour).Format(time.RFC3339)
		f.must(f.tok, "recordDeath", map[string]any{"cooperativeId": f.id, "holder": f.m[3], "diedOn": died}, "")
		heir := uuid.NewString()
		inherit := map[string]any{"cooperativeId": f.id, "deceased": f.m[3], "heir": heir}
		f.refused(f.tok, "inheritShares", inherit, kernel.CodeInvalid, "heirHousehold")
		inherit["heirHousehold"] = uuid.NewString()
		f.must(f.tok, "inheritShares", inherit, "")

		line := nodes(f.coop(f.tok, `members(holder: "`+heir+`") { edges { node { kind rights votes totalShares admittedAt } } }`)["members"])
		if fmt.Sprint(line) != fmt.Sprint([]map[string]any{{"kind": "OUTSIDE_HEIR", "rights": "INCOME_ONLY", "votes": false, "totalShares": 10.0, "admittedAt": nil}}) {
			t.Fatalf("the outside heir's line %v", line)
		}
		f.refused(f.tok, "transferShares", map[string]any{"cooperativeId": f.id, "from": f.m[2], "to": heir, "class": "POPULATION", "shares": 1}, coop.CodeTransferToNonMember, "to")
		if c := f.coop("", "memberCount"); c["memberCount"] != 3.0 {
			t.Fatalf("member count %v after a death", c)
		}

		// Nobody claims m[2]'s shares: after the 12-month claim period the scheduler reverts them.
		f.must(f.tok, "recordDeath", map[string]any{"cooperativeId": f.id, "holder": f.m[2], "diedOn": died}, "")
		h.Advance(366 * 24 * time.Hour)
		f.tok = h.Token(auth.RoleCollective, f.collective) // the first one expired
		if got := f.holdings(f.tok, f.collective.String()); got["POPULATION"] != 10 {
			t.Fatalf("the collective holds %v after the reversion", got)
		}
		hist := nodes(f.coop(f.tok, `history(holder: "`+f.m[2]+`") { edges { node { kind to shares } } }`)["history"])
		if len(hist) != 2 || fmt.Sprint(hist[1]) != fmt.Sprint(map[string]any{"kind": "REVERSION", "to": f.collective.String(), "shares": 10.0}) {
			t.Fatalf("history %v", hist)
		}
	})
}

func TestCooperativesFilterAndPages(t *testing.T) {
	h := apitest.New(t, area)
	a, b := uuid.New(), uuid.New()
	f := &coopFixture{t: t, h: h}
	var mine []any
	for i, col := range []uuid.UUID{a, b, a} {
		out := f.must(h.Token(auth.RoleCollective, col), "foundCooperative", map[string]any{"name": fmt.Sprint("coop ", i)}, "cooperativeId")
		if col == a {
			mine = append(mine, out["cooperativeId"])
		}
	}
	q := `query($c: ID, $after: String) { cooperatives(filter: {collective: $c}, first: 1, after: $after) {
		totalCount pageInfo { hasNextPage endCursor } edges { node { id collective } } } }`
	var got []any
	var after any
	for {
		conn := h.MustDo("", q, map[string]any{"c": a.String(), "after": after})["cooperatives"].(map[string]any)
		if conn["totalCount"] != 2.0 {
			t.Fatalf("totalCount %v", conn["totalCount"])
		}
		for _, n := range nodes(conn) {
			got = append(got, n["id"])
		}
		info := conn["pageInfo"].(map[string]any)
		if info["hasNextPage"] != true {
			break
		}
		after = info["endCursor"]
	}
	if fmt.Sprint(got) != fmt.Sprint(mine) {
		t.Fatalf("pages gave %v, want %v in founding order", got, mine)
	}
	if all := h.MustDo("", `{ cooperatives { totalCount } }`, nil)["cooperatives"].(map[string]any); all["totalCount"] != 3.0 {
		t.Fatalf("unfiltered %v", all)
	}
	if r := h.Do("", q, map[string]any{"after": "garbage"}); r.Code() != kernel.CodeInvalid {
		t.Fatalf("a bad cursor: %+v", r.Errors)
	}
}

// roles is who may call each mutation of the area; party checks come after
// (a collective acts only on its own cooperatives, a bank on its own pledges).
var roles = map[string][]auth.Role{
	"foundCooperative":   {auth.RoleCollective},
	"admitMember":        {auth.RoleCollective},
	"allocateShares":     {auth.RoleCollective},
	"transferShares":     {auth.RoleCollective, auth.RoleExchange},
	"redeemShares":       {auth.RoleCollective},
	"recordDeath":        {auth.RoleCollective},
	"inheritShares":      {auth.RoleCollective},
	"pledgeShares":       {auth.RoleBank},
	"releasePledge":      {auth.RoleBank},
	"enforceSharePledge": {auth.RoleBank},
	"declareDividend":    {auth.RoleCollective},
	"payDividend":        {auth.RoleCollective},
}

func TestRoles(t *testing.T) {
	apitest.New(t, area).CheckRoles(t, roles)
}
