package listing

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Viewer is who looks at the board (rule 14): the exchange sees every bidder's
// id, a bidder sees its own id, everyone else sees bidder numbers only.
type Viewer struct {
	Exchange bool
	Party    uuid.UUID // the viewing party; uuid.Nil for the anonymous public
}

// Sees reports whether v may see bidder's identity.
func (v Viewer) Sees(bidder uuid.UUID) bool {
	return v.Exchange || (v.Party != uuid.Nil && v.Party == bidder)
}

// Unannounced are the statuses of a listing the public may not see yet: a
// listing is made public by its announcement (rule 10), and until then its
// terms, its members' resolution and the exchange's review are between its
// seller and the exchange.
var Unannounced = []Status{StatusNone, StatusDraft, StatusSubmitted, StatusRejected}

// Public reports whether everyone may see a listing in status s. announced
// says whether any round of it was announced: a listing withdrawn before
// that stays as private as its draft was.
func Public(s Status, announced bool) bool {
	if s == StatusWithdrawn {
		return announced
	}
	return !slices.Contains(Unannounced, s)
}

// Announced reports whether a round of a listing in round round was
// announced, given the end of this round's announcement (zero before it): a
// relisting follows an announced round.
func Announced(announcementEnds time.Time, round int) bool {
	return !announcementEnds.IsZero() || round > 1
}

// SeesListing reports whether v may see a listing that seller offers, in
// status s (announced as for Public): the exchange and the seller always do.
func (v Viewer) SeesListing(seller uuid.UUID, s Status, announced bool) bool {
	return v.Exchange || (v.Party != uuid.Nil && v.Party == seller) || Public(s, announced)
}

// BoardBid is one line of the bid history as a viewer may see it.
type BoardBid struct {
	Seq          int
	BidderNumber int
	BidderID     uuid.UUID // uuid.Nil unless the viewer Sees the bidder
	Amount       kernel.Money
	At           time.Time
}

// BidHistory renders accepted bids, in the order given, for v.
func BidHistory(bids []BidPlaced, v Viewer) []BoardBid {
	out := make([]BoardBid, len(bids))
	for i, b := range bids {
		out[i] = BoardBid{Seq: b.Seq, BidderNumber: b.BidderNumber, Amount: b.Amount, At: b.At}
		if v.Sees(b.BidderID) {
			out[i].BidderID = b.BidderID
		}
	}
	return out
}
