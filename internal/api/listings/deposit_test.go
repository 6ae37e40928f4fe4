package listings_test

import (
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
)

// TestDepositDueIsWhatRegistrationAsks: every caller, signed in or not, reads
// on the board the deposit a bidder owes (a fixed sum, or 30 % of the lot's
// listed price rounded up to the fen, a rent per mu counted over the area),
// and a bidder who registers is asked for exactly that sum.
func TestDepositDueIsWhatRegistrationAsks(t *testing.T) {
	x := newExchange(t)
	for _, c := range []struct {
		name  string
		input map[string]any
		want  string
	}{
		{"a fixed deposit", map[string]any{"listedPrice": "100000.00", "deposit": "25000.00"}, "25000.00"},
		{"30 % of a total, a fen's third rounded up", map[string]any{"listedPrice": "100000.01"}, "30000.01"},
		{"30 % of a rent per mu per year over 120 mu", map[string]any{"listedPrice": "333.37", "basis": "RENT_PER_MU_YEAR"}, "12001.32"},
	} {
		t.Run(c.name, func(t *testing.T) {
			input := map[string]any{"assetIds": []string{x.asset(x.coll, "东洼村").String()}, "title": "东洼村荒山",
				"increment": "5.00", "termMonths": 60}
			for k, v := range c.input {
				input[k] = v
			}
			id := get(x.MustDo(x.collTok, createListing, map[string]any{"input": input}), "createListing", "listingId").(string)
			x.announce(id)
			callers := map[string]string{"anonymous": ""}
			for _, role := range auth.Roles() {
				callers[role.String()] = x.Token(role, uuid.New())
			}
			for name, tok := range callers {
				r := x.MustDo(tok, `query($id: ID!) { listing(id: $id) { depositDue } }`, map[string]any{"id": id})
				if got := get(r, "listing", "depositDue"); got != c.want {
					t.Errorf("%s reads depositDue %v, want %s", name, got, c.want)
				}
			}
			r := x.MustDo(x.Token(auth.RoleBidder, uuid.New()), `mutation($id: ID!) { registerBidder(input: {listingId: $id}) { depositDue } }`,
				map[string]any{"id": id})
			if got := get(r, "registerBidder", "depositDue"); got != c.want {
				t.Errorf("registerBidder asks for %v, the board shows %s", got, c.want)
			}
		})
	}
}
