package listing

import (
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
