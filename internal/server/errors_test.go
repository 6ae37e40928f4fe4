package server_test

import (
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/demo"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// errorProbe sends mutations to the assembled exchange and checks that every
// error's extensions.field is a field of the input of the mutation sent.
type errorProbe struct {
	*exchangeServer
	inputs map[string]*graphql.FieldDefinition
}

func (x errorProbe) send(token, name string, input map[string]any) gqlResponse {
	x.t.Helper()
	def, ok := x.inputs[name]
	if !ok {
		x.t.Fatalf("no mutation %s", name)
	}
	r := x.do(token, "mutation($input: "+def.Args[0].Type.String()+") { "+name+"(input: $input) { position } }", map[string]any{"input": input}, "")
	paths := api.InputPaths(def.Args[0].Type)
	for _, e := range r.Errors {
		if field, _ := e.Extensions["field"].(string); field != "" && !api.IsInputPath(paths, field) {
			x.t.Errorf("%s: extensions.field %q is not a field of %s (%s: %s)", name, field, def.Args[0].Type, e.Extensions["code"], e.Message)
		}
	}
	return r
}

// refused sends a mutation that must fail with code on field ("" for none)
// and returns the error's message.
func (x errorProbe) refused(token, name string, input map[string]any, code, field string) string {
	x.t.Helper()
	r := x.send(token, name, input)
	if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != code {
		x.t.Fatalf("%s: %+v, want %s", name, r.Errors, code)
	}
	if got, _ := r.Errors[0].Extensions["field"].(string); got != field {
		x.t.Fatalf("%s: extensions.field %q, want %q (%s)", name, got, field, r.Errors[0].Message)
	}
	return r.Errors[0].Message
}

func (x errorProbe) accepted(token, name string, input map[string]any) {
	x.t.Helper()
	if r := x.send(token, name, input); len(r.Errors) > 0 {
		x.t.Fatalf("%s: %+v", name, r.Errors)
	}
}

func quoted(t *testing.T, pattern, message string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(message)
	if m == nil {
		t.Fatalf("%q quotes nothing matching %s", message, pattern)
	}
	return m[1]
}

// On the assembled exchange with the demo loaded: errors a user can act on.
// extensions.field names a field of the input sent, for the errors the user
// reported, one free-text refusal per area and every mutation called by every
// role with a minimal input; quoted limits are accepted when sent back; free
// text is limited in characters.
func TestErrorsNameInputFieldsAndQuoteValuesThatAreAccepted(t *testing.T) {
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	x := errorProbe{exchangeServer: startServer(t, now, seedDemo(t))}
	x.inputs = x.s.Schema.MutationType().Fields()
	exchange := x.token(auth.RoleExchange, demo.Exchange)
	luqing, lvyuan := x.token(auth.RoleBidder, demo.Luqing), x.token(auth.RoleBidder, demo.Lvyuan)
	stranger := x.token(auth.RoleBidder, uuid.New())
	che := x.token(auth.RoleCollective, demo.Chedaoyu)
	bank := x.token(auth.RoleBank, demo.Bank)
	live, announced, submitted := demo.ListingLive.String(), demo.ListingAnnounced.String(), demo.ListingSubmitted.String()

	{ // registerBidder and placeBid name no bidderId
		x.refused(luqing, "registerBidder", map[string]any{"listingId": announced}, "BIDDER_ALREADY_REGISTERED", "")
		x.refused(stranger, "placeBid", map[string]any{"listingId": live, "amount": "605000.00"}, "BIDDER_NOT_REGISTERED", "")
	}

	{ // an id that is not a UUID: graphql-go's ID takes any variable, the resolver says what form ids take
		msg := x.refused(lvyuan, "placeBid", map[string]any{"listingId": "林地-1", "amount": "605000.00"}, kernel.CodeInvalid, "listingId")
		if !strings.Contains(msg, `must be a UUID such as "6f1f3c2e-8a4e-4f7e-9a51-2d0c5b7e9a10", got "林地-1"`) {
			t.Errorf("listingId refusal %q does not show the form of an id", msg)
		}
	}

	{ // a bid's quoted minimum is accepted
		msg := x.refused(lvyuan, "placeBid", map[string]any{"listingId": live, "amount": "600000.00"}, "BID_BELOW_MINIMUM", "amount")
		x.accepted(lvyuan, "placeBid", map[string]any{"listingId": live, "amount": quoted(t, `lowest acceptable bid is (\S+)$`, msg)})
		msg = x.refused(luqing, "placeBid", map[string]any{"listingId": live, "amount": "612345.67"}, "BID_NOT_ON_INCREMENT", "amount")
		x.accepted(luqing, "placeBid", map[string]any{"listingId": live, "amount": quoted(t, `next acceptable bid is (\S+)$`, msg)})
	}

	long := func(n int) string { return strings.Repeat("田", n) }
	{ // the user's report: a 100 KB rejection reason
		x.refused(exchange, "reviewListing", map[string]any{"listingId": submitted, "approve": false, "reason": long(100_000 / 3)}, kernel.CodeTextTooLong, "reason")
	}

	{ // the announcement's quoted earliest end is accepted
		review := map[string]any{"listingId": submitted, "approve": true,
			"announcementEnds": "2026-11-26T08:00:00+08:00", "biddingOpensAt": "2027-01-05T09:30:00+08:00"}
		msg := x.refused(exchange, "reviewListing", review, "ANNOUNCEMENT_TOO_SHORT", "announcementEnds")
		review["announcementEnds"] = quoted(t, `announcementEnds must be (\S+) or later$`, msg)
		x.accepted(exchange, "reviewListing", review)
	}

	{ // free text is limited in characters in every area
		// listings
		x.refused(exchange, "suspendListing", map[string]any{"listingId": live, "reason": long(kernel.MaxReasonRunes + 1)}, kernel.CodeTextTooLong, "reason")
		// cooperatives
		x.refused(che, "foundCooperative", map[string]any{"name": long(kernel.MaxNameRunes + 1)}, kernel.CodeTextTooLong, "name")
		x.accepted(che, "foundCooperative", map[string]any{"name": long(kernel.MaxNameRunes)})
		// credit
		tier := map[string]any{"credential": long(kernel.MaxReferenceRunes + 1), "creditLine": "100000.00", "maxTermMonths": 12, "annualRateBP": 500}
		x.refused(bank, "defineLoanProduct", map[string]any{"name": "贷", "tiers": []any{tier}}, kernel.CodeTextTooLong, "tiers.credential")
		// assets
		asset := map[string]any{"type": "COLLECTIVE_OPERATING", "title": long(kernel.MaxNameRunes), "certificateNo": "QZ-001", "area": "1.00",
			"rightsEnd": "2046-12-31T16:00:00Z", "source": map[string]any{"reference": "登记簿"},
			"location": map[string]any{"province": "山东省", "county": "青州市", "township": "王坟镇", "village": long(kernel.MaxNameRunes + 1)}}
		x.refused(che, "registerAsset", asset, kernel.CodeTextTooLong, "location.village")
		asset["location"].(map[string]any)["village"] = "车道峪村"
		asset["title"] = long(kernel.MaxNameRunes + 1)
		x.refused(che, "registerAsset", asset, kernel.CodeTextTooLong, "title")
		asset["title"] = long(kernel.MaxNameRunes)
		x.accepted(che, "registerAsset", asset)
		// every mutation
		asset["idempotencyKey"] = long(kernel.MaxReferenceRunes + 1)
		x.refused(che, "registerAsset", asset, kernel.CodeTextTooLong, "idempotencyKey")
	}

	{ // every mutation by every role with a minimal input
		parties := map[auth.Role]uuid.UUID{auth.RoleExchange: demo.Exchange, auth.RoleFund: demo.Exchange,
			auth.RoleCollective: demo.Wangjiazhuang, auth.RoleBidder: demo.Fenghe, auth.RoleBank: demo.Bank}
		names := make([]string, 0, len(x.inputs))
		for name := range x.inputs {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			for _, role := range auth.Roles() {
				tok, in := x.token(role, parties[role]), x.inputs[name].Args[0].Type
				x.send(tok, name, apitest.MinimalInput(in).(map[string]any))
				// the same with every string field, optional ones too, past every
				// limit (with a minimal input, establishFund and foundCooperative
				// get as far as their deciders)
				if r := x.send(tok, name, oversized(in, apitest.MinimalInput(in))); len(r.Errors) == 0 {
					t.Errorf("%s as %s accepted text of %d characters", name, role, kernel.MaxDescriptionRunes+1)
				}
			}
		}
	}
}

// oversized sets every String field of the input object value v (of type t),
// and of the input objects inside it, to more characters than any limit
// allows; idempotencyKey and clientMutationId are left out.
func oversized(t graphql.Input, v any) map[string]any {
	obj, _ := graphql.GetNullable(t).(*graphql.InputObject)
	out, _ := v.(map[string]any)
	for name, f := range obj.Fields() {
		if name == "idempotencyKey" || name == "clientMutationId" {
			continue
		}
		switch ft := graphql.GetNullable(f.Type).(type) {
		case *graphql.Scalar:
			if ft == graphql.String {
				out[name] = strings.Repeat("田", kernel.MaxDescriptionRunes+1)
			}
		case *graphql.InputObject:
			if inner, ok := out[name].(map[string]any); ok {
				out[name] = oversized(ft, inner)
			}
		}
	}
	return out
}
