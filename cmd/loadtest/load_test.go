package main

import (
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// TestABidsBodyIsTheOneGraphQLBodyWrites: the body a bid writes by hand is,
// byte for byte, the JSON encoding of its query and variables.
func TestABidsBodyIsTheOneGraphQLBodyWrites(t *testing.T) {
	id := uuid.New()
	for _, amount := range []kernel.Money{1, 99, 100, start, start + 7*increment + 1} {
		want := graphQLBody(placeBidOp, map[string]any{"input": map[string]any{"listingId": id.String(), "amount": amount.String()}})
		if got := bidBody(id, amount); string(got) != string(want) {
			t.Errorf("amount %s:\n got %s\nwant %s", amount, got, want)
		}
	}
}
