package listing

import (
	"math"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

func TestBidding(t *testing.T) {
	at := opens.Add(3 * time.Minute)
	top := listed + (math.MaxInt64-listed)/increment*increment // the highest bid on the grid
	withUnqualified := cat(announced(), bidders(), ev(registeredEv(dave, 4, false), depositPaid(dave, 4)), auctionOpen()[len(announced())+len(bidders()):])
	scheduled := auctionOpen()[:len(auctionOpen())-1]
	run(t, cases{
		{Name: "rule 11: the first bid may be the starting price", Given: auctionOpen(), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: listed}, Then: ev(bid(alice, 1, listed, 1, at))},
		{Name: "rule 11: a bid below the starting price is refused", Given: auctionOpen(), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: listed - increment}, WantCode: CodeBidBelowMinimum},
		{Name: "rule 11: a bid off the increment grid is refused", Given: auctionOpen(), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: listed + increment/2}, WantCode: CodeBidNotOnIncrement},
		{Name: "rule 11: a bid below the highest plus one increment is refused", Given: twoBids(), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(110_000)}, WantCode: CodeBidBelowMinimum},
		{Name: "rule 11: an equal bid never leads: the earlier bid keeps the lead", Given: cat(auctionOpen(), ev(bid(alice, 1, listed, 1, opens))), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: bob, Amount: listed}, WantCode: CodeBidBelowMinimum},
		{Name: "rule 11: one increment above the highest leads", Given: twoBids(), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: carol, Amount: kernel.Yuan(111_000)}, Then: ev(bid(carol, 3, kernel.Yuan(111_000), 3, at))},
		{Name: "rule 11: jumps of several increments are allowed", Given: twoBids(), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(150_000)}, Then: ev(bid(alice, 1, kernel.Yuan(150_000), 3, at))},
		{Name: "rule 11: nobody outbids a leader at the top of the money range", Given: cat(auctionOpen(), ev(bid(alice, 1, top, 1, opens))), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: bob, Amount: top}, WantCode: CodeBidBelowMinimum},
		{Name: "a bid by an unregistered bidder is refused", Given: auctionOpen(), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: dave, Amount: listed}, WantCode: CodeBidderNotRegistered},
		{Name: "a bid by a registered but unqualified bidder is refused", Given: withUnqualified, Now: at,
			When: PlaceBid{ListingID: lid, BidderID: dave, Amount: listed}, WantCode: CodeBidderNotQualified},
		{Name: "a bid before bidding opens is refused", Given: scheduled, Now: opens.Add(-time.Second),
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: listed}, WantCode: CodeListingNotOpen},
		{Name: "a bid at the opening time opens bidding even if the scheduler is late", Given: scheduled, Now: opens,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: listed}, Then: ev(BiddingOpened{ListingID: lid, At: opens}, bid(alice, 1, listed, 1, opens))},
		{Name: "a bid during the announcement is refused", Given: cat(announced(), bidders()),
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: listed}, WantCode: CodeListingNotOpen},
		{Name: "a bid at the close time is refused", Given: auctionOpen(), Now: closes,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: listed}, WantCode: CodeAuctionClosed},
		{Name: "a bid after the auction closed is refused", Given: awardedToBob(), Now: closes.Add(time.Hour),
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(200_000)}, WantCode: CodeAuctionClosed},
		{Name: "a bid after an auction without sale is refused", Given: cat(auctionOpen(), noSale(closes, "no bids", r(alice, 1), r(bob, 2), r(carol, 3))), Now: closes,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: listed}, WantCode: CodeAuctionClosed},
		{Name: "a bid while suspended is refused", Given: cat(twoBids(), ev(ListingSuspended{ListingID: lid, Reason: "objection", At: at})), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(111_000)}, WantCode: CodeListingNotOpen},
		{Name: "the scheduler opens bidding", Given: scheduled, Now: opens, When: OpenBidding{ListingID: lid}, Then: ev(BiddingOpened{ListingID: lid, At: opens})},
		{Name: "bidding does not open early", Given: scheduled, Now: opens.Add(-time.Nanosecond), When: OpenBidding{ListingID: lid}, WantCode: CodeNotDue},
	})
}

func TestAntiSniping(t *testing.T) {
	late := closes.Add(-time.Minute)
	extended := cat(twoBids(), ev(bid(alice, 1, kernel.Yuan(111_000), 3, late),
		AuctionExtended{ListingID: lid, PreviousClose: closes, NewClose: late.Add(5 * time.Minute), At: late}))
	again := late.Add(4 * time.Minute)
	short := withListing(twoBids(), func(d *Details) { d.Settings.Extension = 3 * time.Minute })
	run(t, cases{
		{Name: "rule 12: a bid in the free-bidding period does not extend", Given: twoBids(), Now: freeEnds.Add(-time.Second),
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(111_000)}, Then: ev(bid(alice, 1, kernel.Yuan(111_000), 3, freeEnds.Add(-time.Second)))},
		{Name: "rule 12: a bid with exactly N minutes left does not extend", Given: twoBids(), Now: freeEnds,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(111_000)}, Then: ev(bid(alice, 1, kernel.Yuan(111_000), 3, freeEnds))},
		{Name: "rule 12: a bid in the last N minutes restarts the countdown", Given: twoBids(), Now: late,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(111_000)}, Then: extended[len(extended)-2:]},
		{Name: "rule 12: extensions repeat while bids keep coming", Given: extended, Now: again,
			When: PlaceBid{ListingID: lid, BidderID: bob, Amount: kernel.Yuan(112_000)},
			Then: ev(bid(bob, 2, kernel.Yuan(112_000), 4, again), AuctionExtended{ListingID: lid, PreviousClose: late.Add(5 * time.Minute), NewClose: again.Add(5 * time.Minute), At: again})},
		{Name: "rule 12: a bid after the original close but before the extended one is accepted", Given: extended, Now: closes.Add(time.Minute),
			When: PlaceBid{ListingID: lid, BidderID: bob, Amount: kernel.Yuan(112_000)},
			Then: ev(bid(bob, 2, kernel.Yuan(112_000), 4, closes.Add(time.Minute)), AuctionExtended{ListingID: lid, PreviousClose: late.Add(5 * time.Minute), NewClose: closes.Add(6 * time.Minute), At: closes.Add(time.Minute)})},
		{Name: "rule 12: the auction does not close before the extended close", Given: extended, Now: closes,
			When: CloseAuction{ListingID: lid}, WantCode: CodeNotDue},
		{Name: "rule 12: a refused bid does not extend", Given: twoBids(), Now: late,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(110_000)}, WantCode: CodeBidBelowMinimum},
		{Name: "rule 12: the extension is a setting (outside 3 minutes: none)", Given: short, Now: closes.Add(-4 * time.Minute),
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(111_000)}, Then: ev(bid(alice, 1, kernel.Yuan(111_000), 3, closes.Add(-4*time.Minute)))},
		{Name: "rule 12: the extension is a setting (inside 3 minutes: 3 more)", Given: short, Now: closes.Add(-2 * time.Minute),
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(111_000)},
			Then: ev(bid(alice, 1, kernel.Yuan(111_000), 3, closes.Add(-2*time.Minute)), AuctionExtended{ListingID: lid, PreviousClose: closes, NewClose: closes.Add(time.Minute), At: closes.Add(-2 * time.Minute)})},
	})
}

// noSale is an auction closing without a sale.
func noSale(at time.Time, reason string, deposits ...ReleasedDeposit) []kernel.Event {
	bids := 0
	if reason != "no bids" {
		bids = 1
	}
	return ev(AuctionClosed{ListingID: lid, Bids: bids, At: at}, ListingUnsold{ListingID: lid, Reason: reason, At: at}, released(at, deposits...))
}

// closedToBob: bob (outsider) leads at 110 000 yuan; carol (member) may match.
func closedToBob() []kernel.Event {
	return cat(twoBids(), ev(
		AuctionClosed{ListingID: lid, Bids: 2, Sold: true, WinnerID: bob, WinnerNumber: 2, Price: kernel.Yuan(110_000), At: closes},
		PriorityWindowOpened{ListingID: lid, Right: RightMember, Price: kernel.Yuan(110_000), Ends: priorityEnds, At: closes},
	))
}

var priorityEnds = kernel.Calendar{}.AddWorkingDays(closes, 1)

func awardToBob(at time.Time) AwardConfirmed {
	return AwardConfirmed{ListingID: lid, BidderID: bob, BidderNumber: 2, Price: kernel.Yuan(110_000), Via: ViaAuction,
		DepositApplied: deposit, BalanceDue: kernel.Yuan(80_000), PaymentDue: payDue(at), At: at}
}

// awardedToBob: nobody used the priority right; bob owes the balance.
func awardedToBob() []kernel.Event {
	return cat(closedToBob(), ev(awardToBob(priorityEnds), released(priorityEnds, r(alice, 1), r(carol, 3))))
}

func TestCloseAuction(t *testing.T) {
	onlyOutsiders := cat(announced(), ev(
		registeredEv(alice, 1, false), depositPaid(alice, 1), qualifiedEv(alice, 1),
		registeredEv(bob, 2, false), depositPaid(bob, 2), qualifiedEv(bob, 2),
		registeredEv(carol, 3, true), depositPaid(carol, 3), BidderDisqualified{ListingID: lid, BidderID: carol, BidderNumber: 3, Reason: "papers", At: t0},
		released(t0, r(carol, 3)),
		RegistrationClosed{ListingID: lid, Qualified: 2, Outcome: OutcomeAuction, At: annEnds},
		AuctionScheduled{ListingID: lid, OpensAt: opens, FreeBiddingEnds: freeEnds, ClosesAt: closes, At: annEnds},
		bid(alice, 1, kernel.Yuan(100_000), 1, opens.Add(time.Minute)),
		bid(bob, 2, kernel.Yuan(110_000), 2, opens.Add(2*time.Minute)),
	))
	carolLeads := cat(twoBids(), ev(bid(carol, 3, kernel.Yuan(120_000), 3, opens.Add(3*time.Minute))))
	run(t, cases{
		{Name: "the auction does not close early", Given: twoBids(), Now: closes.Add(-time.Nanosecond), When: CloseAuction{ListingID: lid}, WantCode: CodeNotDue},
		{Name: "rule 12: no bids, no sale; deposits released", Given: auctionOpen(), Now: closes, When: CloseAuction{ListingID: lid},
			Then: noSale(closes, "no bids", r(alice, 1), r(bob, 2), r(carol, 3))},
		{Name: "rule 12: below the reserve price there is no sale", Given: cat(auctionOpen(), ev(bid(alice, 1, listed, 1, opens))), Now: closes,
			When: CloseAuction{ListingID: lid}, Then: noSale(closes, "reserve price not met", r(alice, 1), r(bob, 2), r(carol, 3))},
		{Name: "rule 3: a non-member's win is provisional while a qualified member may match", Given: twoBids(), Now: closes,
			When: CloseAuction{ListingID: lid}, Then: closedToBob()[len(twoBids()):]},
		{Name: "rule 11: a member's win is confirmed at once; losers' deposits released", Given: carolLeads, Now: closes, When: CloseAuction{ListingID: lid},
			Then: ev(AuctionClosed{ListingID: lid, Bids: 3, Sold: true, WinnerID: carol, WinnerNumber: 3, Price: kernel.Yuan(120_000), At: closes},
				AwardConfirmed{ListingID: lid, BidderID: carol, BidderNumber: 3, Price: kernel.Yuan(120_000), Via: ViaAuction,
					DepositApplied: deposit, BalanceDue: kernel.Yuan(90_000), PaymentDue: payDue(closes), At: closes},
				released(closes, r(alice, 1), r(bob, 2)))},
		{Name: "rule 3: without a qualified member the win is confirmed at once", Given: onlyOutsiders, Now: closes, When: CloseAuction{ListingID: lid},
			Then: ev(AuctionClosed{ListingID: lid, Bids: 2, Sold: true, WinnerID: bob, WinnerNumber: 2, Price: kernel.Yuan(110_000), At: closes},
				awardToBob(closes), released(closes, r(alice, 1)))},
		{Name: "an auction never opened by the scheduler closes without sale", Given: auctionOpen()[:len(auctionOpen())-1], Now: closes,
			When: CloseAuction{ListingID: lid}, Then: noSale(closes, "no bids", r(alice, 1), r(bob, 2), r(carol, 3))},
		{Name: "a closed auction does not close again", Given: closedToBob(), Now: closes, When: CloseAuction{ListingID: lid}, WantCode: kernel.CodeInvalidState},
	})
}

func TestMemberPriority(t *testing.T) {
	at := closes.Add(time.Hour)
	run(t, cases{
		{Name: "rule 3: a qualified member matches the winning price and takes the award", Given: closedToBob(), Now: at,
			When: ExerciseMemberPriority{ListingID: lid, BidderID: carol},
			Then: ev(MemberPriorityExercised{ListingID: lid, BidderID: carol, BidderNumber: 3, Price: kernel.Yuan(110_000), At: at},
				AwardConfirmed{ListingID: lid, BidderID: carol, BidderNumber: 3, Price: kernel.Yuan(110_000), Via: ViaMemberPriority,
					DepositApplied: deposit, BalanceDue: kernel.Yuan(80_000), PaymentDue: payDue(at), At: at},
				released(at, r(alice, 1), r(bob, 2)))},
		{Name: "rule 3: a non-member has no priority", Given: closedToBob(), Now: at,
			When: ExerciseMemberPriority{ListingID: lid, BidderID: alice}, WantCode: CodeNotAMember},
		{Name: "rule 3: an unregistered member has no priority", Given: closedToBob(), Now: at,
			When: ExerciseMemberPriority{ListingID: lid, BidderID: dave}, WantCode: CodeBidderNotRegistered},
		{Name: "rule 3: the priority right ends with the window", Given: closedToBob(), Now: priorityEnds,
			When: ExerciseMemberPriority{ListingID: lid, BidderID: carol}, WantCode: CodePriorityWindowClosed},
		{Name: "rule 3: the priority right is used once", Given: cat(closedToBob(), ev(MemberPriorityExercised{ListingID: lid, BidderID: carol, BidderNumber: 3, Price: kernel.Yuan(110_000), At: at},
			AwardConfirmed{ListingID: lid, BidderID: carol, BidderNumber: 3, Price: kernel.Yuan(110_000), Via: ViaMemberPriority, At: at})), Now: at,
			When: ExerciseMemberPriority{ListingID: lid, BidderID: carol}, WantCode: kernel.CodeInvalidState},
		{Name: "rule 3: the window does not close early", Given: closedToBob(), Now: priorityEnds.Add(-time.Nanosecond),
			When: ClosePriorityWindow{ListingID: lid}, WantCode: CodeNotDue},
		{Name: "rule 3: unused, the window confirms the auction winner", Given: closedToBob(), Now: priorityEnds,
			When: ClosePriorityWindow{ListingID: lid}, Then: awardedToBob()[len(closedToBob()):]},
		{Name: "rule 3: the window length is a setting", Given: withListing(twoBids(), func(d *Details) { d.Settings.PriorityWindowWorkingDays = 2 }), Now: closes,
			When: CloseAuction{ListingID: lid}, Then: ev(closedToBob()[len(twoBids())],
				PriorityWindowOpened{ListingID: lid, Right: RightMember, Price: kernel.Yuan(110_000), Ends: kernel.Calendar{}.AddWorkingDays(closes, 2), At: closes})},
	})
}
