package listing

import (
	"testing"

	"github.com/google/uuid"
)

// TestOnlyTheSellerAndTheExchangeSeeAListingBeforeItsAnnouncement: a
// listing is public from its announcement on (rule 10), and a listing
// withdrawn before any announcement stays private; the seller and the
// exchange see every listing.
func TestOnlyTheSellerAndTheExchangeSeeAListingBeforeItsAnnouncement(t *testing.T) {
	seller := uuid.New()
	viewers := map[string]Viewer{"the public": {}, "another party": {Party: uuid.New()}, "the seller": {Party: seller},
		"the exchange": {Exchange: true, Party: uuid.New()}}
	for _, c := range []struct {
		status    Status
		announced bool
		public    bool
	}{
		{StatusDraft, false, false}, {StatusSubmitted, false, false}, {StatusRejected, false, false},
		{StatusDraft, true, false}, // relisted: the new round's terms are not announced yet
		{StatusAnnounced, true, true}, {StatusAuctionOpen, true, true}, {StatusUnsold, true, true}, {StatusEnded, true, true},
		{StatusWithdrawn, false, false}, {StatusWithdrawn, true, true},
	} {
		if got := Public(c.status, c.announced); got != c.public {
			t.Errorf("Public(%s, announced %v) = %v, want %v", c.status, c.announced, got, c.public)
		}
		for who, v := range viewers {
			want := c.public || who == "the seller" || who == "the exchange"
			if got := v.SeesListing(seller, c.status, c.announced); got != want {
				t.Errorf("%s sees a listing %s (announced %v): %v, want %v", who, c.status, c.announced, got, want)
			}
		}
	}
}

// TestAListingIsAnnouncedOnceARoundWas: the announcement's end marks this
// round's announcement, and a relisting follows an announced round.
func TestAListingIsAnnouncedOnceARoundWas(t *testing.T) {
	for _, c := range []struct {
		s    State
		want bool
	}{{State{Round: 1}, false}, {State{Round: 1, AnnouncementEnds: t0}, true}, {State{Round: 2}, true}} {
		if got := c.s.Announced(); got != c.want {
			t.Errorf("round %d, announcement ends %v: Announced() = %v, want %v", c.s.Round, c.s.AnnouncementEnds, got, c.want)
		}
	}
}
