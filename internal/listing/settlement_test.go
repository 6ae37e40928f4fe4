package listing

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

func TestSettlement(t *testing.T) {
	due := payDue(priorityEnds)
	pay := priorityEnds.Add(24 * time.Hour)
	paid := cat(awardedToBob(), ev(PaymentConfirmed{ListingID: lid, BidderID: bob, Amount: kernel.Yuan(80_000), At: pay}))
	signed := cat(paid, ev(ContractSigned{ListingID: lid, ContractID: contract, BuyerID: bob, Price: kernel.Yuan(110_000), At: pay}))
	certified := cat(signed, ev(CertificateIssued{ListingID: lid, Number: "WF-2026-000123", At: pay}))
	forfeited := cat(awardedToBob(), ev(DepositForfeited{ListingID: lid, BidderID: bob, BidderNumber: 2, Amount: deposit, To: ForfeitSeller, At: due},
		ListingUnsold{ListingID: lid, Reason: "the buyer did not pay in time", At: due}))
	refunded := cat(awardedToBob(), ev(DepositRefunded{ListingID: lid, BidderID: alice, Amount: deposit, Due: refundDue(priorityEnds), At: pay}))
	run(t, cases{
		{Name: "rule 13: the exchange confirms the balance within 3 working days", Given: awardedToBob(), Now: pay,
			When: ConfirmPayment{ListingID: lid, Amount: kernel.Yuan(80_000)}, Then: paid[len(paid)-1:]},
		{Name: "rule 13: the payment must be the balance after the deposit", Given: awardedToBob(), Now: pay,
			When: ConfirmPayment{ListingID: lid, Amount: kernel.Yuan(110_000)}, WantCode: kernel.CodeInvalid},
		{Name: "rule 13: a payment at or after the deadline is refused", Given: awardedToBob(), Now: due,
			When: ConfirmPayment{ListingID: lid, Amount: kernel.Yuan(80_000)}, WantCode: CodePaymentOverdue},
		{Name: "rule 13: the deposit is not forfeited before the deadline", Given: awardedToBob(), Now: due.Add(-time.Nanosecond),
			When: ForfeitDeposit{ListingID: lid}, WantCode: CodeNotDue},
		{Name: "rule 13: an unpaid winner forfeits the deposit and the listing is unsold", Given: awardedToBob(), Now: due,
			When: ForfeitDeposit{ListingID: lid}, Then: forfeited[len(forfeited)-2:]},
		{Name: "rule 13: a paid winner keeps the deposit", Given: paid, Now: due, When: ForfeitDeposit{ListingID: lid}, WantCode: kernel.CodeInvalidState},
		{Name: "rule 13: a loser's released deposit is refunded with its due date", Given: awardedToBob(), Now: pay,
			When: RefundDeposit{ListingID: lid, BidderID: alice}, Then: refunded[len(refunded)-1:]},
		{Name: "rule 13: a deposit is refunded once", Given: refunded, Now: pay, When: RefundDeposit{ListingID: lid, BidderID: alice}, WantCode: kernel.CodeNotFound},
		{Name: "rule 13: the buyer's deposit is not refunded", Given: awardedToBob(), Now: pay, When: RefundDeposit{ListingID: lid, BidderID: bob}, WantCode: kernel.CodeNotFound},
		{Name: "rule 13: refunds survive relisting", Given: cat(forfeited, ev(ListingRelisted{ListingID: lid, Round: 2, At: due})), Now: due,
			When: RefundDeposit{ListingID: lid, BidderID: carol}, Then: ev(DepositRefunded{ListingID: lid, BidderID: carol, Amount: deposit, Due: refundDue(priorityEnds), At: due})},
		{Name: "rule 13: the contract is signed after payment", Given: paid, Now: pay,
			When: SignContract{ListingID: lid, ContractID: contract}, Then: signed[len(signed)-1:]},
		{Name: "rule 13: no contract before payment", Given: awardedToBob(), When: SignContract{ListingID: lid, ContractID: contract}, WantCode: kernel.CodeInvalidState},
		{Name: "a contract needs its id", Given: paid, When: SignContract{ListingID: lid}, WantCode: kernel.CodeInvalid},
		{Name: "rule 13: the certificate follows the contract", Given: signed, Now: pay,
			When: IssueCertificate{ListingID: lid, Number: "WF-2026-000123"}, Then: certified[len(certified)-1:]},
		{Name: "rule 13: no certificate before the contract", Given: paid, When: IssueCertificate{ListingID: lid, Number: "WF-2026-000123"}, WantCode: kernel.CodeInvalidState},
		{Name: "a certificate needs its number", Given: signed, When: IssueCertificate{ListingID: lid}, WantCode: kernel.CodeInvalid},
		{Name: "rule 13: a certified listing is archived", Given: certified, Now: pay, When: Archive{ListingID: lid}, Then: ev(ListingArchived{ListingID: lid, At: pay})},
		{Name: "rule 13: no archive before the certificate", Given: signed, When: Archive{ListingID: lid}, WantCode: kernel.CodeInvalidState},
		{Name: "rule 10: an unsold listing is relisted as a new round in draft", Given: forfeited, Now: due,
			When: Relist{ListingID: lid}, Then: ev(ListingRelisted{ListingID: lid, Round: 2, At: due})},
		{Name: "rule 10: an unsold listing is ended", Given: forfeited, Now: due,
			When: EndListing{ListingID: lid, Reason: "no buyer"}, Then: ev(ListingEnded{ListingID: lid, Reason: "no buyer", At: due})},
		{Name: "a sold listing is not relisted", Given: paid, When: Relist{ListingID: lid}, WantCode: kernel.CodeInvalidState},
	})
}

func TestRelistStartsAFreshRound(t *testing.T) {
	s := Decider.Fold(cat(auctionOpen(), noSale(closes, "no bids", r(alice, 1), r(bob, 2), r(carol, 3)),
		ev(ListingRelisted{ListingID: lid, Round: 2, At: closes})))
	if s.Status != StatusDraft || s.Round != 2 || len(s.Bidders) != 0 || s.BidCount != 0 || !s.ClosesAt.IsZero() {
		t.Fatalf("relisted state keeps the old round: %+v", s)
	}
	if len(s.Refunds) != 3 || s.ReservePrice != reserve || s.Details.Title != details().Title {
		t.Fatalf("relisted state lost refunds or terms: %+v", s)
	}
	// The new round needs a new resolution, review and announcement.
	if _, err := Decide(s, RegisterBidder{ListingID: lid, BidderID: alice}, closes); kernel.ErrorCode(err) != kernel.CodeInvalidState {
		t.Fatalf("registration in a relisted draft: %v", err)
	}
}

func TestWithdrawAndSuspend(t *testing.T) {
	withDeposits := cat(announced(), ev(registeredEv(alice, 1, false), depositPaid(alice, 1), registeredEv(bob, 2, false)))
	wed := time.Date(2026, 3, 4, 2, 0, 0, 0, time.UTC)
	mon := time.Date(2026, 3, 9, 2, 0, 0, 0, time.UTC)
	suspendedAnn := cat(announced(), ev(ListingSuspended{ListingID: lid, Reason: "a household objects", At: wed}))
	sniped := closes.Add(-time.Minute)
	suspendedLive := cat(twoBids(), ev(ListingSuspended{ListingID: lid, Reason: "system fault", At: sniped}))
	scheduled := auctionOpen()[:len(auctionOpen())-1]
	run(t, cases{
		{Name: "rule 10: the seller withdraws during the announcement; deposits are released", Given: withDeposits, Now: wed,
			When: WithdrawListing{ListingID: lid, By: coll, Reason: "sold the plan"},
			Then: ev(ListingWithdrawn{ListingID: lid, By: coll, Reason: "sold the plan", At: wed}, released(wed, r(alice, 1)))},
		{Name: "only the seller may withdraw", Given: announced(), When: WithdrawListing{ListingID: lid, By: alice}, WantCode: kernel.CodeForbidden},
		{Name: "a draft may be withdrawn", Given: created(), When: WithdrawListing{ListingID: lid, By: coll},
			Then: ev(ListingWithdrawn{ListingID: lid, By: coll, At: t0})},
		{Name: "rule 10: a scheduled auction may be withdrawn before it opens", Given: scheduled, Now: opens.Add(-time.Second),
			When: WithdrawListing{ListingID: lid, By: coll},
			Then: ev(ListingWithdrawn{ListingID: lid, By: coll, At: opens.Add(-time.Second)}, released(opens.Add(-time.Second), r(alice, 1), r(bob, 2), r(carol, 3)))},
		{Name: "rule 10: no withdrawal once the bidding time has come", Given: scheduled, Now: opens,
			When: WithdrawListing{ListingID: lid, By: coll}, WantCode: CodeBiddingStarted},
		{Name: "rule 10: no withdrawal during bidding", Given: twoBids(), Now: opens.Add(5 * time.Minute),
			When: WithdrawListing{ListingID: lid, By: coll}, WantCode: CodeBiddingStarted},
		{Name: "rule 10: no withdrawal of a suspended live auction", Given: suspendedLive, Now: sniped,
			When: WithdrawListing{ListingID: lid, By: coll}, WantCode: CodeBiddingStarted},
		{Name: "a withdrawn listing stays withdrawn", Given: cat(created(), ev(ListingWithdrawn{ListingID: lid, By: coll, At: t0})),
			When: WithdrawListing{ListingID: lid, By: coll}, WantCode: kernel.CodeInvalidState},
		{Name: "rule 10: an objection suspends the announcement", Given: announced(), Now: wed,
			When: SuspendListing{ListingID: lid, Reason: "a household objects"}, Then: suspendedAnn[len(suspendedAnn)-1:]},
		{Name: "a suspension needs the objection", Given: announced(), When: SuspendListing{ListingID: lid}, WantCode: kernel.CodeInvalid},
		{Name: "a draft cannot be suspended", Given: created(), When: SuspendListing{ListingID: lid, Reason: "x"}, WantCode: kernel.CodeInvalidState},
		{Name: "rule 10: resuming keeps the announcement's remaining working days", Given: suspendedAnn, Now: mon,
			When: ResumeListing{ListingID: lid},
			// Suspended on Wed 4 March with 5 working days left (5, 6, 9, 10, 11 March); resumed Mon 9 March: ends Mon 16 March.
			Then: ev(ListingResumed{ListingID: lid, AnnouncementEnds: time.Date(2026, 3, 16, 15, 59, 59, 999999999, time.UTC),
				BiddingOpensAt: opens.AddDate(0, 0, 5), At: mon})},
		{Name: "rule 12: resuming a live auction moves its close by the pause, with at least one extension left", Given: suspendedLive, Now: sniped.Add(time.Hour),
			When: ResumeListing{ListingID: lid},
			Then: ev(ListingResumed{ListingID: lid, OpensAt: opens, FreeBiddingEnds: freeEnds.Add(time.Hour), ClosesAt: sniped.Add(time.Hour + 5*time.Minute), At: sniped.Add(time.Hour)})},
		{Name: "resuming a scheduled auction moves all its times by the pause", Given: cat(scheduled, ev(ListingSuspended{ListingID: lid, Reason: "x", At: annEnds})),
			Now: annEnds.Add(48 * time.Hour), When: ResumeListing{ListingID: lid},
			Then: ev(ListingResumed{ListingID: lid, OpensAt: opens.Add(48 * time.Hour), FreeBiddingEnds: freeEnds.Add(48 * time.Hour), ClosesAt: closes.Add(48 * time.Hour), At: annEnds.Add(48 * time.Hour)})},
		{Name: "only a suspended listing resumes", Given: announced(), When: ResumeListing{ListingID: lid}, WantCode: kernel.CodeInvalidState},
		{Name: "a suspended announcement does not close", Given: suspendedAnn, Now: annEnds, When: CloseRegistration{ListingID: lid}, WantCode: kernel.CodeInvalidState},
	})
}

func TestResumeRestoresTheStep(t *testing.T) {
	s := Decider.Fold(cat(twoBids(), ev(ListingSuspended{ListingID: lid, Reason: "x", At: opens.Add(10 * time.Minute)},
		ListingResumed{ListingID: lid, OpensAt: opens, FreeBiddingEnds: freeEnds.Add(time.Hour), ClosesAt: closes.Add(time.Hour), At: opens.Add(70 * time.Minute)})))
	if s.Status != StatusAuctionOpen || !s.ClosesAt.Equal(closes.Add(time.Hour)) || s.PrevStatus != "" || s.Leader.BidderID != bob {
		t.Fatalf("resumed state: %+v", s)
	}
}

func TestNextDue(t *testing.T) {
	for _, tc := range []struct {
		name  string
		given []kernel.Event
		cmd   Command
		at    time.Time
	}{
		{"the announcement ends: close registration", announced(), CloseRegistration{ListingID: lid}, annEnds},
		{"one bidder: end the negotiation", negotiating(), CloseNegotiation{ListingID: lid}, negotiationEnds},
		{"bidding time: open bidding", auctionOpen()[:len(auctionOpen())-1], OpenBidding{ListingID: lid}, opens},
		{"live: close the auction", twoBids(), CloseAuction{ListingID: lid}, closes},
		{"extended: close at the new close", cat(twoBids(), ev(AuctionExtended{ListingID: lid, PreviousClose: closes, NewClose: closes.Add(4 * time.Minute)})), CloseAuction{ListingID: lid}, closes.Add(4 * time.Minute)},
		{"priority window: close it", closedToBob(), ClosePriorityWindow{ListingID: lid}, priorityEnds},
		{"awaiting payment: forfeit at the deadline", awardedToBob(), ForfeitDeposit{ListingID: lid}, payDue(priorityEnds)},
		{"draft: nothing", created(), nil, time.Time{}},
		{"suspended: nothing", cat(announced(), ev(ListingSuspended{ListingID: lid, Reason: "x", At: t0})), nil, time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := Decider.Fold(tc.given)
			cmd, at, ok := s.NextDue()
			if ok != (tc.cmd != nil) || !reflect.DeepEqual(cmd, tc.cmd) || !at.Equal(tc.at) {
				t.Fatalf("NextDue() = %#v, %s, %v; want %#v, %s", cmd, at, ok, tc.cmd, tc.at)
			}
			if !ok {
				return
			}
			// Due means due: refused a moment early, accepted on time.
			if _, err := Decide(s, cmd, at.Add(-time.Nanosecond)); kernel.ErrorCode(err) != CodeNotDue {
				t.Fatalf("%T a moment early: %v", cmd, err)
			}
			if _, err := Decide(s, cmd, at); err != nil {
				t.Fatalf("%T when due: %v", cmd, err)
			}
		})
	}
}

func TestNextRefundDue(t *testing.T) {
	later := closes.Add(72 * time.Hour)
	s := Decider.Fold(cat(awardedToBob(), ev(released(later, r(bob, 2)))))
	// alice and carol are due at refundDue(priorityEnds); bob later; alice sorts before carol.
	id, got, ok := s.NextRefundDue()
	if !ok || id != alice || got != (Refund{Amount: deposit, Due: refundDue(priorityEnds)}) {
		t.Fatalf("NextRefundDue() = %s, %+v, %v", id, got, ok)
	}
	s = Evolve(s, DepositRefunded{ListingID: lid, BidderID: alice})
	s = Evolve(s, DepositRefunded{ListingID: lid, BidderID: carol})
	if id, got, ok = s.NextRefundDue(); !ok || id != bob || got.Due != refundDue(later) {
		t.Fatalf("after two refunds: %s, %+v, %v", id, got, ok)
	}
	if _, _, ok = Evolve(s, DepositRefunded{ListingID: lid, BidderID: bob}).NextRefundDue(); ok {
		t.Fatal("a refund is due after all were paid")
	}
}

func TestBoardMasksBidders(t *testing.T) {
	bids := []BidPlaced{bid(alice, 1, listed, 1, opens), bid(bob, 2, listed+increment, 2, opens.Add(time.Minute))}
	ids := func(v Viewer) []uuid.UUID {
		var out []uuid.UUID
		for _, b := range BidHistory(bids, v) {
			out = append(out, b.BidderID)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		viewer Viewer
		want   []uuid.UUID
	}{
		{"rule 14: the exchange sees every bidder", Viewer{Exchange: true}, []uuid.UUID{alice, bob}},
		{"rule 14: a bidder sees only itself", Viewer{Party: bob}, []uuid.UUID{uuid.Nil, bob}},
		{"rule 14: the public sees numbers only", Viewer{}, []uuid.UUID{uuid.Nil, uuid.Nil}},
		{"rule 14: the seller sees numbers only", Viewer{Party: coll}, []uuid.UUID{uuid.Nil, uuid.Nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(tc.viewer); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ids = %v, want %v", got, tc.want)
			}
			for i, b := range BidHistory(bids, tc.viewer) {
				if b.BidderNumber != bids[i].BidderNumber || b.Amount != bids[i].Amount || b.Seq != bids[i].Seq {
					t.Fatalf("line %d = %+v, want number, amount and seq of %+v", i, b, bids[i])
				}
			}
		})
	}
}

// TestReserveStaysConfidential walks a whole sale and checks that the reserve
// price appears in no event but the confidential one.
func TestReserveStaysConfidential(t *testing.T) {
	reg := registry()
	needle := strconv.FormatInt(reserve.Fen(), 10)
	confidential := 0
	for _, e := range cat(awardedToBob(), ev(PaymentConfirmed{ListingID: lid, BidderID: bob, Amount: kernel.Yuan(80_000), At: closes})) {
		_, data, err := reg.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		if IsConfidential(e) {
			confidential++
			continue
		}
		if strings.Contains(string(data), needle) {
			t.Fatalf("%s leaks the reserve price: %s", e.EventType(), data)
		}
	}
	if confidential != 1 {
		t.Fatalf("%d confidential events, want the one ReservePriceSet", confidential)
	}
	if _, data, _ := reg.Encode(created()[0]); strings.Contains(string(data), "Reserve") {
		t.Fatalf("ListingCreated carries a reserve field: %s", data)
	}
}
