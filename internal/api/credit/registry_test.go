package credit_test

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/collateral"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

const searchByAsset = `query($asset: ID!, $asOf: DateTime) {
	collateralRegistrations(assetId: $asset, asOf: $asOf) {
		id number kind grantorId securedPartyId assetId securedAmount allSums start end registeredAt status effectiveFrom effectiveTo
		history { change reason securedAmount status effectiveFrom effectiveTo }
	}
}`

// notices searches the registry anonymously and returns the notices.
func (e *env) notices(q string, vars map[string]any) []any {
	e.t.Helper()
	return e.query(as{}, q, vars)["collateralRegistrations"].([]any)
}

func numbers(notices []any) []any {
	out := []any{}
	for _, n := range notices {
		out = append(out, field(n, "number"))
	}
	return out
}

func TestCollateralRegistry(t *testing.T) {
	onBothBackends(t, func(t *testing.T, e *env) {
		collective, household, transferee := uuid.New(), uuid.New(), uuid.New()
		bank1, bank2 := as{auth.RoleBank, uuid.New()}, as{auth.RoleBank, uuid.New()}
		plot := e.asset(collective, household, transferee, kernel.AssetLandManagementRight, 20)
		register := func(amount string) map[string]any {
			return map[string]any{"grantorId": transferee.String(), "kind": "MORTGAGE", "assetId": plot.String(),
				"securedAmount": amount, "start": at(e.h.Clock.Now()), "end": at(apitest.Start.AddDate(3, 0, 0))}
		}

		// Rule 7: the transferee mortgages without the contracting household's consent.
		e.refused(bank1, "registerCollateral", register("500000.00"), collateral.CodeWithoutConsent)
		if got := e.notices(searchByAsset, map[string]any{"asset": plot.String()}); len(got) != 0 {
			t.Fatalf("a refused registration shows: %v", got)
		}
		e.consent(plot, collective, household, transferee)
		first := e.must(bank1, "registerCollateral", "registrationId number", register("500000.00"))
		beforeSecond := e.h.Clock.Now().Add(30 * time.Minute)
		e.h.Advance(time.Hour)
		second := e.must(bank2, "registerCollateral", "registrationId number", register("200000.00"))
		e.h.Advance(time.Hour)
		bothAsFiled := e.h.Clock.Now()
		e.h.Advance(time.Hour)

		// Only the secured party changes its notice.
		amend := map[string]any{"registrationId": first["registrationId"], "securedAmount": "600000.00", "reason": "loan increased"}
		e.refused(bank2, "amendCollateral", amend, kernel.CodeForbidden)
		e.refused(bank1, "amendCollateral", map[string]any{"registrationId": first["registrationId"], "grantorId": uuid.NewString(),
			"reason": "right re-transferred"}, collateral.CodeWithoutConsent) // a new grantor needs the contractor's consent too
		e.must(bank1, "amendCollateral", "registrationId", amend)
		amendedAt := e.h.Clock.Now()
		e.h.Advance(time.Hour)
		e.refused(bank1, "dischargeCollateral", map[string]any{"registrationId": second["registrationId"], "reason": "repaid"}, kernel.CodeForbidden)
		e.must(bank2, "dischargeCollateral", "registrationId", map[string]any{"registrationId": second["registrationId"], "reason": "repaid"})
		e.refused(bank2, "continueCollateral", map[string]any{"registrationId": second["registrationId"],
			"end": at(apitest.Start.AddDate(5, 0, 0))}, collateral.CodeDischarged)

		t.Run("now: the discharged notice is gone, the amended one shows its new amount", func(t *testing.T) {
			got := e.notices(searchByAsset, map[string]any{"asset": plot.String()})
			if len(got) != 1 || field(got[0], "number") != first["number"] || field(got[0], "securedAmount") != "600000.00" {
				t.Fatalf("notices now = %v", got)
			}
			if field(got[0], "effectiveFrom") != at(amendedAt) || field(got[0], "effectiveTo") != nil {
				t.Fatalf("current version runs from %v to %v, want %s to null", field(got[0], "effectiveFrom"), field(got[0], "effectiveTo"), at(amendedAt))
			}
			history := field(got[0], "history").([]any)
			if len(history) != 2 || field(history[0], "change") != "REGISTERED" || field(history[0], "effectiveTo") != at(amendedAt) ||
				field(history[1], "change") != "AMENDED" || field(history[1], "reason") != "loan increased" {
				t.Fatalf("history = %v", history)
			}
		})
		t.Run("as of before the amendment and discharge: both notices, as they stood, in priority order", func(t *testing.T) {
			got := e.notices(searchByAsset, map[string]any{"asset": plot.String(), "asOf": at(bothAsFiled)})
			if len(got) != 2 || field(got[0], "number") != first["number"] || field(got[1], "number") != second["number"] {
				t.Fatalf("notices at %s = %v", bothAsFiled, numbers(got))
			}
			if field(got[0], "securedAmount") != "500000.00" || field(got[1], "status") != "REGISTERED" {
				t.Fatalf("notices did not read as they stood: %v", got)
			}
		})
		t.Run("as of before the second registration: only the first", func(t *testing.T) {
			got := e.notices(searchByAsset, map[string]any{"asset": plot.String(), "asOf": at(beforeSecond)})
			if len(got) != 1 || field(got[0], "number") != first["number"] {
				t.Fatalf("notices = %v", numbers(got))
			}
		})
		t.Run("by grantor and by number", func(t *testing.T) {
			got := e.notices(`query($g: ID!) { collateralRegistrations(grantorId: $g) { number } }`, map[string]any{"g": transferee.String()})
			if len(got) != 1 || field(got[0], "number") != first["number"] {
				t.Fatalf("by grantor now = %v", numbers(got))
			}
			byNumber := `query($n: String!, $asOf: DateTime) { collateralRegistrations(registrationNumber: $n, asOf: $asOf) { status securedAmount } }`
			if got := e.notices(byNumber, map[string]any{"n": second["number"]}); len(got) != 1 || field(got[0], "status") != "DISCHARGED" {
				t.Fatalf("by number now = %v", got)
			}
			if got := e.notices(byNumber, map[string]any{"n": second["number"], "asOf": at(bothAsFiled)}); len(got) != 1 || field(got[0], "status") != "REGISTERED" {
				t.Fatalf("by number before the discharge = %v", got)
			}
		})
		t.Run("ordinal search: the earlier registration ranks first whichever is asked first", func(t *testing.T) {
			q := `query($a: String!, $b: String!) { collateralPriority(a: $a, b: $b) { first { number } second { number } } }`
			for _, pair := range [][2]any{{second["number"], first["number"]}, {first["number"], second["number"]}} {
				got := e.query(as{}, q, map[string]any{"a": pair[0], "b": pair[1]})
				if field(got, "collateralPriority.first.number") != first["number"] || field(got, "collateralPriority.second.number") != second["number"] {
					t.Fatalf("priority(%v, %v) = %v", pair[0], pair[1], got)
				}
			}
			r := e.h.Do("", q, map[string]any{"a": first["number"], "b": "DJ-NOPE"})
			if r.Code() != kernel.CodeNotFound {
				t.Fatalf("unknown number: %+v", r.Errors)
			}
		})
		t.Run("a search names exactly one criterion", func(t *testing.T) {
			r := e.h.Do("", `{ collateralRegistrations { number } }`, nil)
			if r.Code() != kernel.CodeInvalid {
				t.Fatalf("no criterion: %+v", r.Errors)
			}
		})
		t.Run("continued before its end date, then expired: continuing after expiry is refused", func(t *testing.T) {
			e.must(bank1, "continueCollateral", "registrationId", map[string]any{"registrationId": first["registrationId"],
				"end": at(apitest.Start.AddDate(4, 0, 0))})
			e.h.Advance(apitest.Start.AddDate(4, 0, 1).Sub(e.h.Clock.Now()))
			e.refused(bank1, "continueCollateral", map[string]any{"registrationId": first["registrationId"],
				"end": at(apitest.Start.AddDate(6, 0, 0))}, collateral.CodeExpired)
			byNumber := `query($n: String!) { collateralRegistrations(registrationNumber: $n) { status history { change } } }`
			got := e.notices(byNumber, map[string]any{"n": first["number"]})
			if field(got[0], "status") != "EXPIRED" || len(field(got[0], "history").([]any)) != 4 {
				t.Fatalf("after expiry: %v", got)
			}
			if got := e.notices(searchByAsset, map[string]any{"asset": plot.String()}); len(got) != 0 {
				t.Fatalf("an expired notice is still in force: %v", numbers(got))
			}
		})
		e.replayRebuildsSameRows()
	})
}

// Rule 31: a bank cannot file a mortgage on a collective's forest naming a
// grantor who holds nothing there, which would leave the forest encumbered.
func TestMortgageGrantorHoldsTheRight(t *testing.T) {
	e := &env{t: t, h: apitest.New(t, area)}
	collective, stranger, bank := uuid.New(), uuid.New(), as{auth.RoleBank, uuid.New()}
	forest := e.asset(collective, uuid.Nil, collective, kernel.AssetForestRight, 30)
	input := map[string]any{"grantorId": stranger.String(), "kind": "MORTGAGE", "assetId": forest.String(), "securedAmount": "80000.00",
		"start": at(apitest.Start), "end": at(apitest.Start.AddDate(1, 0, 0))}
	e.refused(bank, "registerCollateral", input, collateral.CodeGrantorNotHolder)
	if got := e.notices(searchByAsset, map[string]any{"asset": forest.String()}); len(got) != 0 {
		t.Fatalf("a refused registration shows: %v", got)
	}
	input["grantorId"] = collective.String()
	e.must(bank, "registerCollateral", "registrationId", input)
	input["allSums"] = true        // rule 31: the search shows an all-sums notice and its maximum
	e.h.Clock.Advance(time.Second) // filed later, so it ranks second (rule 8) whatever its number
	e.must(bank, "registerCollateral", "registrationId", input)
	got := e.notices(searchByAsset, map[string]any{"asset": forest.String()})
	if len(got) != 2 || field(got, "0.allSums") != false || field(got, "1.allSums") != true || field(got, "1.securedAmount") != "80000.00" {
		t.Fatalf("notices on the forest: %v", got)
	}
}

// A retried registration with the same idempotency key writes nothing and
// answers with the same registration and number.
func TestRetriedRegistrationIsOneRegistration(t *testing.T) {
	e := &env{t: t, h: apitest.New(t, area)}
	holder, bank := uuid.New(), as{auth.RoleBank, uuid.New()}
	plot := e.asset(uuid.New(), uuid.Nil, holder, kernel.AssetFarmFacility, 10)
	input := map[string]any{"grantorId": holder.String(), "kind": "MORTGAGE", "assetId": plot.String(), "securedAmount": "1000.00",
		"start": at(apitest.Start), "end": at(apitest.Start.AddDate(1, 0, 0)), "idempotencyKey": "reg-1"}
	first := e.must(bank, "registerCollateral", "registrationId number", input)
	again := e.must(bank, "registerCollateral", "registrationId number", input)
	if again["duplicate"] != true || first["duplicate"] != false || again["registrationId"] != first["registrationId"] ||
		again["number"] != first["number"] || again["position"] != first["position"] {
		t.Fatalf("first %v, retry %v", first, again)
	}
	if got := e.notices(searchByAsset, map[string]any{"asset": plot.String()}); len(got) != 1 {
		t.Fatalf("%d notices after a retry", len(got))
	}
}

// A share pledge is a notice against one member's shares in a cooperative
// (rule 18), by a member on the register holding at least the shares pledged
// (rule 31).
func TestSharePledgeNotice(t *testing.T) {
	e := &env{t: t, h: apitest.New(t, area)}
	cooperative, member, bank := uuid.New(), uuid.New(), as{auth.RoleBank, uuid.New()}
	e.cooperative(cooperative, member, 100)
	pledge := map[string]any{"grantorId": member.String(), "kind": "SHARE_PLEDGE", "assetId": cooperative.String(),
		"shares": 100, "securedAmount": "20000.00", "start": at(apitest.Start), "end": at(apitest.Start.AddDate(3, 0, 0))}
	delete(pledge, "memberId")
	e.refused(bank, "registerCollateral", pledge, kernel.CodeInvalid)
	pledge["memberId"] = uuid.NewString()
	e.refused(bank, "registerCollateral", pledge, kernel.CodeInvalid) // a member pledges only its own shares
	stranger := uuid.NewString()
	pledge["memberId"], pledge["grantorId"] = stranger, stranger
	e.refused(bank, "registerCollateral", pledge, collateral.CodeGrantorNotHolder) // not on the register
	pledge["memberId"], pledge["grantorId"], pledge["shares"] = member.String(), member.String(), 101
	e.refused(bank, "registerCollateral", pledge, collateral.CodeSharesNotHeld) // one share more than held
	pledge["shares"] = 100                                                      // exactly what the member holds
	e.must(bank, "registerCollateral", "registrationId", pledge)

	q := `query($asset: ID!, $member: ID) { collateralRegistrations(assetId: $asset, memberId: $member) { kind memberId shares securedAmount } }`
	got := e.notices(q, map[string]any{"asset": cooperative.String(), "member": member.String()})
	if len(got) != 1 || field(got, "0.kind") != "SHARE_PLEDGE" || field(got, "0.shares") != 100.0 || field(got, "0.memberId") != member.String() {
		t.Fatalf("pledges on the member's shares = %v", got)
	}
	if got := e.notices(q, map[string]any{"asset": cooperative.String()}); len(got) != 0 {
		t.Fatalf("a pledge of shares shows as a mortgage of the cooperative: %v", got)
	}
}
