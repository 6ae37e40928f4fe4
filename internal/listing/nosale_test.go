package listing

import (
	"slices"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// TestNoSaleRecordsHowEachRoundFailed: a round with no qualified bidder, an
// auction without a bid and a negotiation without a price each end unsold and
// are named in State.NoSale, in order, across relisting; a sale adds nothing.
func TestNoSaleRecordsHowEachRoundFailed(t *testing.T) {
	then := func(history []kernel.Event, c Command, at time.Time) []kernel.Event {
		t.Helper()
		es, err := Decide(Decider.Fold(history), c, at)
		if err != nil {
			t.Fatalf("%T: %v", c, err)
		}
		return cat(history, es)
	}
	noBidders := then(announced(), CloseRegistration{ListingID: lid}, annEnds)
	noBids := then(auctionOpen(), CloseAuction{ListingID: lid}, closes)
	one := cat(announced(), ev(registeredEv(alice, 1, false), depositPaid(alice, 1), qualifiedEv(alice, 1)))
	negotiating := then(one, CloseRegistration{ListingID: lid}, annEnds)
	noPrice := then(negotiating, CloseNegotiation{ListingID: lid}, Decider.Fold(negotiating).NegotiationEnds)
	relisted := then(noBidders, Relist{ListingID: lid}, annEnds)
	agreed := then(negotiating, AgreeNegotiatedPrice{ListingID: lid, BidderID: alice, Price: listed}, annEnds.Add(time.Hour))
	unpaid := then(agreed, ForfeitDeposit{ListingID: lid}, Decider.Fold(agreed).Award.PaymentDue)
	for _, c := range []struct {
		name    string
		history []kernel.Event
		want    []Outcome
	}{
		{"too few qualified bidders", noBidders, []Outcome{OutcomeUnsold}},
		{"no bid at auction", noBids, []Outcome{OutcomeAuction}},
		{"no price agreed in negotiation", noPrice, []Outcome{OutcomeNegotiation}},
		{"a negotiated buyer who does not pay", unpaid, []Outcome{OutcomeNegotiation}},
		{"a relisting keeps the earlier rounds", relisted, []Outcome{OutcomeUnsold}},
		{"a round under way adds nothing", negotiating, nil},
		{"a sale adds nothing", agreed, nil},
	} {
		if got := Decider.Fold(c.history).NoSale; !slices.Equal(got, c.want) {
			t.Errorf("%s: NoSale = %v, want %v", c.name, got, c.want)
		}
	}
}
