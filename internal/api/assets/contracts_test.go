package assets_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/registry"
	"github.com/nongjiao/nongjiao/internal/transfer"
)

const contractQuery = `query($id: ID!) { transferContract(id: $id) { status transferorId transfereeId collectiveId area form use end
	rentPerMuYear filed filingNo registered registrationNo terminationReason renewalDeclined renewalOffer { end }
	plots { assetId area } instalments { no amount paid overdue } payments { payerId amount } paid outstanding arrears
	mortgages { registrationId } listingId } }`

func (w *world) contract(token, id string) map[string]any {
	w.t.Helper()
	return get(w.MustDo(token, contractQuery, map[string]any{"id": id}), "transferContract")
}

func TestTransferContracts(t *testing.T) {
	backends(t, func(t *testing.T, h *apitest.Harness) {
		w := newWorld(t, h)
		p1 := w.land(w.village, w.household, "一号地", "寒亭区")
		p2 := w.land(w.village, w.household2, "二号地", "寒亭区")
		w.entrust(w.village, p1)
		w.entrust(w.village, p2)

		beyond := lease(w.bidder, p1, 2027, 2041)
		w.refused(w.village, "signTransferContract", "contractId", beyond, transfer.CodeTermExceedsContract)
		building := lease(w.bidder, p1, 2027, 2031)
		building["use"] = "CONSTRUCTION"
		w.refused(w.village, "signTransferContract", "contractId", building, transfer.CodeNonAgriculturalUse)
		w.refused(w.other, "signTransferContract", "contractId", lease(w.bidder, p1, 2027, 2031), kernel.CodeForbidden)
		w.refused(w.bidder2, "signTransferContract", "contractId", lease(w.bidder, p1, 2027, 2031), transfer.CodeNotEntrusted)
		tooMuch := lease(w.bidder, p1, 2027, 2031)
		tooMuch["plots"] = []any{map[string]any{"assetId": p1, "area": "10.01"}}
		w.refused(w.village, "signTransferContract", "contractId", tooMuch, kernel.CodeInvalid)

		four := w.must(w.village, "signTransferContract", "contractId", lease(w.bidder, p1, 2027, 2031))
		five := w.must(w.village, "signTransferContract", "contractId", lease(w.bidder, p2, 2027, 2032))

		w.refused(w.bidder, "registerTransferContract", "contractId", map[string]any{"contractId": four, "registrationNo": "x"}, kernel.CodeForbidden)
		exchange := uuid.New()
		w.tok[exchange] = w.exchange
		w.refused(exchange, "registerTransferContract", "contractId", map[string]any{"contractId": four, "registrationNo": "登记-4"}, transfer.CodeRegistrationTermTooShort)
		w.must(exchange, "registerTransferContract", "contractId", map[string]any{"contractId": five, "registrationNo": "登记-5"})
		w.refused(w.other, "fileTransferContract", "contractId", map[string]any{"contractId": four, "filingNo": "x"}, kernel.CodeForbidden)
		w.must(w.village, "fileTransferContract", "contractId", map[string]any{"contractId": four, "filingNo": "备案-4"})

		w.refused(w.bidder2, "payRent", "contractId", map[string]any{"contractId": four, "amount": "100.00"}, kernel.CodeForbidden)
		w.must(w.bidder, "payRent", "contractId", map[string]any{"contractId": four, "amount": "8000.00"})
		w.must(w.bidder, "payRent", "contractId", map[string]any{"contractId": four, "amount": "1000.00"})
		w.refused(w.bidder, "payRent", "contractId", map[string]any{"contractId": uuid.NewString(), "amount": "1.00"}, kernel.CodeNotFound)
		w.refused(w.bidder, "payRent", "contractId", map[string]any{"contractId": four, "amount": "23000.01"}, transfer.CodeRentOverpaid)

		public := w.contract("", four)
		if public["status"] != "IN_FORCE" || public["filed"] != true || public["filingNo"] != "备案-4" || public["registered"] != false ||
			public["area"] != "10.00" || public["rentPerMuYear"] != "800.00" || public["collectiveId"] != w.village.String() ||
			public["transferorId"] != w.village.String() || public["listingId"] != nil {
			t.Fatalf("contract = %v", public)
		}
		if public["instalments"] != nil || public["payments"] != nil || public["arrears"] != nil {
			t.Fatalf("an anonymous caller sees the rent: %v", public)
		}
		mine := w.contract(w.tok[w.bidder], four)
		is := mine["instalments"].([]any)
		if len(is) != 4 || get(is[0].(map[string]any))["paid"] != "8000.00" || get(is[1].(map[string]any))["paid"] != "1000.00" ||
			mine["paid"] != "9000.00" || mine["outstanding"] != "23000.00" || len(mine["payments"].([]any)) != 2 {
			t.Fatalf("the transferee sees %v", mine)
		}
		if w.contract(w.tok[w.fund], four)["instalments"] == nil {
			t.Fatal("the fund does not see the rent schedule")
		}
		if w.contract(w.Token(auth.RoleBank, uuid.New()), four)["instalments"] != nil {
			t.Fatal("a bank that is no party sees the rent schedule")
		}
		if r := w.contract("", five); r["registered"] != true || r["registrationNo"] != "登记-5" {
			t.Fatalf("registered contract = %v", r)
		}

		renewal := map[string]any{"contractId": five, "end": day(2034, 1, 1), "rentPerMuYear": "900.00", "frequency": "ANNUAL", "respondBy": day(2031, 6, 1)}
		w.refused(w.bidder, "offerRenewal", "contractId", renewal, kernel.CodeForbidden)
		w.must(w.village, "offerRenewal", "contractId", renewal)
		if o := get(w.contract("", five), "renewalOffer"); o["end"] != day(2034, 1, 1) {
			t.Fatalf("offer = %v", o)
		}
		w.refused(w.village, "acceptRenewal", "contractId", map[string]any{"contractId": five, "document": doc("续约")}, kernel.CodeForbidden)
		w.must(w.bidder, "acceptRenewal", "contractId", map[string]any{"contractId": five, "document": doc("续约")})
		if r := w.contract(w.tok[w.village], five); r["end"] != day(2034, 1, 1) || r["renewalOffer"] != nil || len(r["instalments"].([]any)) != 7 {
			t.Fatalf("renewed contract = %v", r)
		}
		w.must(w.bidder, "declineRenewal", "contractId", map[string]any{"contractId": four})
		if w.contract("", four)["renewalDeclined"] != true {
			t.Fatal("the waiver does not show")
		}

		w.advanceUntil(40*24*time.Hour, func() bool { // the first instalment of five falls due unpaid and is marked overdue
			r := w.contract(w.tok[w.bidder], five)
			return r["arrears"] == "8000.00" && get(r["instalments"].([]any)[0].(map[string]any))["overdue"] == true
		})
		terminate := func(id, reason string) map[string]any {
			return map[string]any{"contractId": id, "reason": reason, "document": doc("解除通知")}
		}
		w.refused(w.bidder, "terminateTransferContract", "contractId", terminate(four, "CHANGED_USE"), kernel.CodeForbidden)
		w.refused(w.village, "terminateTransferContract", "contractId", terminate(four, "RENT_UNPAID"), transfer.CodeNotInArrears)
		w.must(w.village, "terminateTransferContract", "contractId", terminate(four, "CHANGED_USE"))
		w.must(w.village, "terminateTransferContract", "contractId", terminate(five, "RENT_UNPAID"))
		if r := w.contract(w.tok[w.bidder], five); r["status"] != "TERMINATED" || r["terminationReason"] != "RENT_UNPAID" || r["outstanding"] != "8000.00" {
			t.Fatalf("terminated contract = %v", r)
		}
		w.refused(w.bidder, "payRent", "contractId", map[string]any{"contractId": five, "amount": "8000.01"}, transfer.CodeRentOverpaid)

		count := func(filter string) int {
			t.Helper()
			d := w.MustDo("", `{ transferContracts(first: 1, filter: `+filter+`) { totalCount edges { node { id } } pageInfo { hasNextPage } } }`, nil)
			c := get(d, "transferContracts")
			if n := int(c["totalCount"].(float64)); n > 1 != get(c, "pageInfo")["hasNextPage"].(bool) {
				t.Fatalf("%s: %d in all but hasNextPage %v", filter, n, get(c, "pageInfo")["hasNextPage"])
			}
			return int(c["totalCount"].(float64))
		}
		for _, tc := range []struct {
			filter string
			want   int
		}{
			{fmt.Sprintf(`{transfereeId: %q}`, w.bidder), 2},
			{fmt.Sprintf(`{partyId: %q}`, w.village), 2},
			{fmt.Sprintf(`{partyId: %q}`, w.other), 0},
			{fmt.Sprintf(`{assetId: %q}`, p1), 1},
			{`{status: IN_FORCE}`, 0},
			{`{status: TERMINATED}`, 2},
		} {
			if got := count(tc.filter); got != tc.want {
				t.Errorf("contracts %s: %d, want %d", tc.filter, got, tc.want)
			}
		}
	})
}

// transferRight moves the management right on asset as the workflow
// does when it sees contract signed.
func transferRight(t *testing.T, h *apitest.Harness, asset, contract string, from, to uuid.UUID, start, end time.Time) {
	t.Helper()
	res, err := h.App.Assets.Handle(context.Background(), registry.TransferManagementRight{
		AssetID: uuid.MustParse(asset), ContractID: uuid.MustParse(contract), Transferor: from, Transferee: to,
		Form: registry.FormLease, Start: start, End: end, Source: registry.Source{Reference: "流转合同"},
	}, app.Meta{CommandID: uuid.New(), Actor: "system:process"})
	if err != nil {
		t.Fatal(err)
	}
	h.WaitFor(fmt.Sprint(res.Position))
}

func TestReTransferAndMortgageNeedTheHouseholdsConsent(t *testing.T) {
	backends(t, func(t *testing.T, h *apitest.Harness) {
		w := newWorld(t, h)
		plot := w.land(w.village, w.household, "一号地", "寒亭区")
		w.entrust(w.village, plot)
		lease1 := w.must(w.village, "signTransferContract", "contractId", lease(w.bidder, plot, 2027, 2031))
		w.Advance(time.Hour)
		beforeTransfer := w.Clock.Now()
		w.Advance(time.Hour)
		transferRight(t, h, plot, lease1, w.village, w.bidder,
			time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC))

		sub := lease(w.bidder2, plot, 2028, 2030)
		sub["form"] = "SUBCONTRACT"
		w.refused(w.bidder, "signTransferContract", "contractId", sub, transfer.CodeReTransferWithoutConsent)
		w.refused(w.bidder, "signTransferContract", "contractId", lease(w.bidder2, plot, 2028, 2032), transfer.CodeTermExceedsContract)
		w.must(w.village, "recordConsent", "consentId", map[string]any{
			"assetId": plot, "granteeId": w.bidder.String(), "purpose": "RE_TRANSFER", "document": doc("同意再流转书"),
		})
		subID := w.must(w.bidder, "signTransferContract", "contractId", sub)
		if r := w.contract("", subID); r["transferorId"] != w.bidder.String() || r["collectiveId"] != w.village.String() {
			t.Fatalf("re-transfer = %v", r)
		}

		mortgage := map[string]any{"contractId": lease1, "registrationId": uuid.NewString(), "securedPartyId": uuid.NewString()}
		w.refused(w.bidder2, "mortgageTransferredRight", "contractId", mortgage, kernel.CodeForbidden)
		w.refused(w.bidder, "mortgageTransferredRight", "contractId", mortgage, transfer.CodeMortgageWithoutConsent)
		w.must(w.village, "recordConsent", "consentId", map[string]any{
			"assetId": plot, "granteeId": w.bidder.String(), "purpose": "MORTGAGE", "document": doc("同意抵押书"),
		})
		w.must(w.bidder, "mortgageTransferredRight", "contractId", mortgage)
		if ms := w.contract("", lease1)["mortgages"].([]any); len(ms) != 1 || get(ms[0].(map[string]any))["registrationId"] != mortgage["registrationId"] {
			t.Fatalf("mortgages = %v", ms)
		}

		q := `query($id: ID!, $at: DateTime) { asset(id: $id, asOf: $at) { holder { holderId contractId } holders { holderId } } }`
		now := get(w.MustDo("", q, map[string]any{"id": plot}), "asset")
		if get(now, "holder")["holderId"] != w.bidder.String() || get(now, "holder")["contractId"] != lease1 || len(now["holders"].([]any)) != 2 {
			t.Fatalf("now = %v", now)
		}
		then := get(w.MustDo("", q, map[string]any{"id": plot, "at": beforeTransfer.Format(time.RFC3339Nano)}), "asset")
		if get(then, "holder")["holderId"] != w.household.String() || len(then["holders"].([]any)) != 1 {
			t.Fatalf("before the transfer = %v", then)
		}
		d := w.MustDo("", fmt.Sprintf(`{ assets(filter: {holderId: %q}) { totalCount } }`, w.bidder), nil)
		if get(d, "assets")["totalCount"] != 1.0 {
			t.Fatalf("holder filter after the transfer: %v", d)
		}
		w.sameAsFold(plot)
	})
}

func TestAwardedContractIsSignedByItsParties(t *testing.T) {
	backends(t, func(t *testing.T, h *apitest.Harness) {
		w := newWorld(t, h)
		plot := w.land(w.village, w.household, "一号地", "寒亭区")
		w.entrust(w.village, plot)
		id, listing := uuid.New(), uuid.New()
		res, err := h.App.Transfers.Handle(context.Background(), transfer.DraftFromAward{ContractID: id, ListingID: listing, Terms: transfer.Terms{
			Transferor: w.village, Transferee: w.bidder, Form: transfer.FormLease, Use: transfer.UseCropping,
			Start: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
			RentPerMuYear: kernel.Yuan(900), Frequency: transfer.Annual,
			Plots: []transfer.Plot{{AssetID: uuid.MustParse(plot), Area: 1000, Collective: w.village, Contractor: w.household, Holder: w.household,
				ContractEnd: time.Date(2040, 12, 31, 0, 0, 0, 0, time.UTC), Entrustment: &transfer.Entrustment{Entrustee: w.village,
					Scope: []transfer.Form{transfer.FormLease}, Start: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2036, 12, 31, 0, 0, 0, 0, time.UTC)}}},
		}}, app.Meta{CommandID: uuid.New(), Actor: "system:process"})
		if err != nil {
			t.Fatal(err)
		}
		h.WaitFor(fmt.Sprint(res.Position))
		if r := w.contract("", id.String()); r["status"] != "DRAFTED" || r["listingId"] != listing.String() {
			t.Fatalf("drafted = %v", r)
		}
		sign := map[string]any{"contractId": id.String(), "document": doc("成交合同")}
		w.refused(w.bidder2, "signAwardedTransferContract", "contractId", sign, kernel.CodeForbidden)
		w.refused(w.bidder, "signAwardedTransferContract", "contractId", map[string]any{"contractId": uuid.NewString(), "document": doc("x")}, kernel.CodeNotFound)
		w.must(w.bidder, "signAwardedTransferContract", "contractId", sign)
		if r := w.contract(w.tok[w.bidder], id.String()); r["status"] != "IN_FORCE" || len(r["instalments"].([]any)) != 3 {
			t.Fatalf("signed = %v", r)
		}
	})
}

func TestRenewalPriorityOutlivesTheContract(t *testing.T) {
	backends(t, func(t *testing.T, h *apitest.Harness) {
		w := newWorld(t, h)
		kept := w.land(w.village, w.household, "一号地", "寒亭区")
		waived := w.land(w.village, w.household2, "二号地", "寒亭区")
		start, end := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2029, 1, 1, 0, 0, 0, 0, time.UTC)
		for _, plot := range []string{kept, waived} {
			w.entrust(w.village, plot)
			id := w.must(w.village, "signTransferContract", "contractId", lease(w.bidder, plot, 2027, 2029))
			transferRight(t, h, plot, id, w.village, w.bidder, start, end)
			if plot == waived {
				w.must(w.bidder, "declineRenewal", "contractId", map[string]any{"contractId": id})
			}
		}
		w.advanceUntil(end.Add(24*time.Hour).Sub(w.Clock.Now()), func() bool { // both contracts expire; the rights return to the households
			d := w.MustDo("", `{ transferContracts(filter: {status: EXPIRED}) { totalCount } assets(filter: {holderId: "`+w.bidder.String()+`"}) { totalCount } }`, nil)
			return get(d, "transferContracts")["totalCount"] == 2.0 && get(d, "assets")["totalCount"] == 0.0
		})
		w.sameAsFold(kept) // with a holding that expired
		w.refused(w.village, "signTransferContract", "contractId", lease(w.bidder2, kept, 2029, 2033), transfer.CodeRenewalPriority)
		w.must(w.village, "signTransferContract", "contractId", lease(w.bidder2, waived, 2029, 2033))
		w.must(w.village, "signTransferContract", "contractId", lease(w.bidder, kept, 2029, 2033))
	})
}
