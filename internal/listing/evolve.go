package listing

import (
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Evolve folds one event into the state. It never fails and ignores unknown
// events. It never writes into the slices and maps of s: it copies what it
// changes, so earlier states stay valid.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case ListingCreated:
		s.ID, s.Status, s.Round, s.Details = e.ListingID, StatusDraft, 1, e.Details
	case ReservePriceSet:
		s.ReservePrice = e.ReservePrice
	case ListingRevised:
		s.Status, s.Details = StatusDraft, e.Details
	case ListingSubmitted:
		s.Status, s.Resolution, s.RejectReason = StatusSubmitted, e.Resolution, ""
	case ListingApproved:
		s.Status, s.AnnouncementEnds, s.BiddingOpensAt = StatusAnnounced, e.AnnouncementEnds, e.BiddingOpensAt
	case ListingRejected:
		s.Status, s.RejectReason = StatusRejected, e.Reason
	case ListingWithdrawn:
		s.Status = StatusWithdrawn
	case ListingSuspended:
		s.PrevStatus, s.Status, s.SuspendedAt, s.SuspendReason = s.Status, StatusSuspended, e.At, e.Reason
	case ListingResumed:
		s.Status, s.PrevStatus, s.SuspendedAt, s.SuspendReason = s.PrevStatus, "", time.Time{}, ""
		s.AnnouncementEnds = orKeep(e.AnnouncementEnds, s.AnnouncementEnds)
		s.BiddingOpensAt = orKeep(e.BiddingOpensAt, s.BiddingOpensAt)
		s.NegotiationEnds = orKeep(e.NegotiationEnds, s.NegotiationEnds)
		s.OpensAt = orKeep(e.OpensAt, s.OpensAt)
		s.FreeBiddingEnds = orKeep(e.FreeBiddingEnds, s.FreeBiddingEnds)
		s.ClosesAt = orKeep(e.ClosesAt, s.ClosesAt)
	case BidderRegistered:
		s.index = maps.Clone(s.index)
		if s.index == nil {
			s.index = map[uuid.UUID]int{}
		}
		s.index[e.BidderID] = len(s.Bidders)
		s.Bidders = append(s.Bidders[:len(s.Bidders):len(s.Bidders)], Bidder{ID: e.BidderID, Number: e.BidderNumber,
			IsMember: e.IsMember, DepositDue: e.DepositDue, DepositState: DepositStateDue})
	case DepositConfirmed:
		s = s.updateBidder(e.BidderID, func(b *Bidder) { b.Deposit, b.DepositState = e.Amount, DepositStateHeld })
	case BidderQualified:
		s = s.updateBidder(e.BidderID, func(b *Bidder) { b.Qualified = true })
	case BidderDisqualified:
		s = s.updateBidder(e.BidderID, func(b *Bidder) { b.Qualified, b.Disqualified = false, e.Reason })
	case RegistrationClosed:
		if e.Outcome == OutcomeNegotiation {
			s.Status, s.NegotiatingBidder, s.NegotiationEnds = StatusNegotiating, e.NegotiatingBidder, e.NegotiationEnds
		}
	case AuctionScheduled:
		s.Status, s.OpensAt, s.FreeBiddingEnds, s.ClosesAt = StatusAuctionScheduled, e.OpensAt, e.FreeBiddingEnds, e.ClosesAt
	case ListingUnsold:
		s.NoSale = append(slices.Clip(s.NoSale), s.route())
		s.Status = StatusUnsold
	case BiddingOpened:
		s.Status = StatusAuctionOpen
	case BidPlaced:
		if s.BidCount > 0 && s.Leader.BidderID != e.BidderID {
			s.RunnerUp = s.Leader
		}
		s.Leader = Bid{BidderID: e.BidderID, BidderNumber: e.BidderNumber, Amount: e.Amount, At: e.At}
		s.BidCount = e.Seq
	case AuctionExtended:
		s.ClosesAt = e.NewClose
	case AuctionClosed:
		if e.Sold {
			s.Award = Award{BidderID: e.WinnerID, BidderNumber: e.WinnerNumber, Price: e.Price, Via: ViaAuction}
		}
	case QuoteSubmitted:
		s.Quotes = maps.Clone(s.Quotes)
		if s.Quotes == nil {
			s.Quotes = map[uuid.UUID]Quote{}
		}
		s.Quotes[e.BidderID] = Quote{BidderID: e.BidderID, BidderNumber: e.BidderNumber, Amount: e.Amount, Seq: e.Seq, At: e.At}
		s.QuoteCount = e.Seq
	case QuotesOpened:
		var top [2]Bid // the leader and the runner-up
		for i, q := range e.Quotes[:min(2, len(e.Quotes))] {
			top[i] = Bid{BidderID: q.BidderID, BidderNumber: q.BidderNumber, Amount: q.Amount, At: q.SubmittedAt}
		}
		s.Leader, s.RunnerUp = top[0], top[1]
	case PriorityWindowOpened:
		s.Status, s.PriorityEnds, s.PriorityRight = StatusPriorityWindow, e.Ends, e.Right
		if e.Right == "" {
			s.PriorityRight = RightMember
		}
	case AwardConfirmed:
		s.Status = StatusAwaitingPayment
		s.Award = Award{BidderID: e.BidderID, BidderNumber: e.BidderNumber, Price: e.Price, Via: e.Via,
			DepositApplied: e.DepositApplied, BalanceDue: e.BalanceDue, PaymentDue: e.PaymentDue}
	case DepositsReleased:
		s.Refunds = maps.Clone(s.Refunds)
		if s.Refunds == nil {
			s.Refunds = map[uuid.UUID]Refund{}
		}
		for _, d := range e.Deposits {
			s = s.updateBidder(d.BidderID, func(b *Bidder) { b.DepositState = DepositStateReleased })
			r := s.Refunds[d.BidderID]
			r.Amount += d.Amount
			if e.Due.After(r.Due) {
				r.Due = e.Due
			}
			s.Refunds[d.BidderID] = r
		}
	case DepositRefunded:
		s.Refunds = maps.Clone(s.Refunds)
		delete(s.Refunds, e.BidderID)
	case PaymentConfirmed:
		s.Status, s.PaidAt = StatusPaid, e.At
		s = s.updateBidder(e.BidderID, func(b *Bidder) { b.DepositState = DepositStateApplied })
	case DepositForfeited:
		s = s.updateBidder(e.BidderID, func(b *Bidder) { b.DepositState = DepositStateForfeited })
	case ContractSigned:
		s.Status, s.ContractID = StatusContractSigned, e.ContractID
	case CertificateIssued:
		s.Status, s.CertificateNumber = StatusCertified, e.Number
	case ListingArchived:
		s.Status = StatusArchived
	case ListingRelisted:
		refunds := s.Refunds
		s = State{ID: s.ID, Status: StatusDraft, Round: e.Round, Details: s.Details, ReservePrice: s.ReservePrice, Refunds: refunds, NoSale: s.NoSale}
	case ListingEnded:
		s.Status = StatusEnded
	}
	return s
}

// updateBidder returns s with a copy of Bidders in which f changed the bidder id.
func (s State) updateBidder(id uuid.UUID, f func(*Bidder)) State {
	i, ok := s.index[id]
	if !ok {
		return s
	}
	s.Bidders = slices.Clone(s.Bidders)
	f(&s.Bidders[i])
	return s
}

func orKeep(t, old time.Time) time.Time {
	if t.IsZero() {
		return old
	}
	return t
}

// route is how the round ending now was being sold (see State.NoSale).
func (s State) route() Outcome {
	switch {
	case s.Status == StatusNegotiating || s.Award.Via == ViaNegotiation:
		return OutcomeNegotiation
	case s.Status == StatusAnnounced:
		return OutcomeUnsold
	}
	return OutcomeAuction
}
