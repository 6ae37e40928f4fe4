package listings_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
)

const sealedQuery = `query($id: ID!) { listing(id: $id) {
	status highestBid bidCount leadingBidderNumber leadingBidderId
	sale { basis method revisable quoteCount fixedDeposit }
	quotes { rank bidderNumber bidderId amount }
	bids(first: 10) { totalCount edges { node { amount } } }
	award { bidderNumber price }
} }`

// TestSealedQuotesStaySealed: no caller, whatever its role (the exchange and
// the quoting bidders included), reads a quote before the opening; at the
// opening every final quote is published in rank order with bidder numbers.
func TestSealedQuotesStaySealed(t *testing.T) {
	x := newExchange(t)
	alice, bob := uuid.New(), uuid.New()
	aliceTok, bobTok := x.Token(auth.RoleBidder, alice), x.Token(auth.RoleBidder, bob)
	input := map[string]any{
		"assetIds": []string{x.asset(x.coll, "东洼村").String()}, "title": "东洼村荒山一次性报价", "listedPrice": "100000.00",
		"increment": "1000.00", "reservePrice": "90000.00", "termMonths": 60, "method": "SEALED", "deposit": "20000.00",
	}
	input["deposit"] = "19999.99"
	x.refuse(x.collTok, "createListing", input, "DEPOSIT_BELOW_REQUIRED") // 20 % of the listed price at least
	input["deposit"] = "20000.00"
	id := get(x.MustDo(x.collTok, createListing, map[string]any{"input": input}), "createListing", "listingId").(string)
	x.announce(id)
	for _, b := range []struct {
		id  uuid.UUID
		tok string
	}{{alice, aliceTok}, {bob, bobTok}} {
		r := x.MustDo(b.tok, `mutation($id: ID!) { registerBidder(input: {listingId: $id}) { depositDue position } }`, map[string]any{"id": id})
		if get(r, "registerBidder", "depositDue") != "20000.00" {
			t.Fatalf("registerBidder = %v, want the fixed deposit", r)
		}
		x.must(x.exTok, "confirmDeposit", map[string]any{"listingId": id, "bidderId": b.id.String(), "amount": "20000.00"})
		x.must(x.exTok, "qualifyBidder", map[string]any{"listingId": id, "bidderId": b.id.String(), "qualified": true})
	}
	x.advanceTo(biddingOpens)
	x.refuse(aliceTok, "placeBid", map[string]any{"listingId": id, "amount": "100000.00"}, "WRONG_SALE_METHOD")
	x.must(aliceTok, "submitQuote", map[string]any{"listingId": id, "amount": "123456.78"})
	x.must(bobTok, "submitQuote", map[string]any{"listingId": id, "amount": "118765.43"})
	x.refuse(aliceTok, "submitQuote", map[string]any{"listingId": id, "amount": "130000.00"}, "QUOTE_ALREADY_SUBMITTED")

	callers := map[string]string{"anonymous": "", "alice (quoted)": aliceTok, "bob (quoted)": bobTok}
	for _, role := range auth.Roles() {
		callers[role.String()] = x.Token(role, uuid.New())
	}
	for name, tok := range callers {
		t.Run("before the opening, "+name+" reads no quote", func(t *testing.T) {
			r := x.MustDo(tok, sealedQuery, map[string]any{"id": id})
			body, _ := json.Marshal(r)
			if strings.Contains(string(body), "123456.78") || strings.Contains(string(body), "118765.43") {
				t.Fatalf("a sealed quote leaked: %s", body)
			}
			if qs := get(r, "listing", "quotes").([]any); len(qs) != 0 || get(r, "listing", "highestBid") != nil ||
				get(r, "listing", "sale", "quoteCount") != 2.0 || get(r, "listing", "sale", "method") != "SEALED" {
				t.Fatalf("sealed listing = %s", body)
			}
		})
	}

	closes := biddingOpens.Add(6 * time.Hour) // the default quote window
	x.advanceTo(closes)
	x.refuse(bobTok, "submitQuote", map[string]any{"listingId": id, "amount": "130000.00"}, "AUCTION_CLOSED")
	r := x.MustDo("", sealedQuery, map[string]any{"id": id})
	qs := get(r, "listing", "quotes").([]any)
	if len(qs) != 2 || get(qs[0], "amount") != "123456.78" || get(qs[0], "bidderNumber") != 1.0 || get(qs[0], "bidderId") != nil ||
		get(qs[1], "amount") != "118765.43" || get(qs[1], "rank") != 2.0 || get(r, "listing", "award", "price") != "123456.78" {
		t.Fatalf("after the opening = %v", r)
	}
	if mine := x.MustDo(bobTok, sealedQuery, map[string]any{"id": id}); get(mine, "listing", "quotes", 1, "bidderId") != bob.String() {
		t.Fatalf("bob does not see his own quote's id: %v", mine)
	}
}
