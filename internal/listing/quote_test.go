package listing

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

// Every refusal that quotes a deadline, an amount or a count quotes one that
// is accepted when sent back.
func TestQuotedLimitsAreAcceptedWhenSentBack(t *testing.T) {
	now := t0.Add(123 * time.Millisecond) // a clock with sub-second precision
	at := opens.Add(3 * time.Minute)
	instant := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s) // as the API's DateTime reads it
		if err != nil {
			t.Fatalf("quoted %q is not RFC 3339: %v", s, err)
		}
		return v
	}
	money := func(s string) kernel.Money {
		v, err := kernel.ParseMoney(s) // as the API's Money reads it
		if err != nil {
			t.Fatalf("quoted %q is not Money: %v", s, err)
		}
		return v
	}
	review := ReviewListing{ListingID: lid, Approve: true, AnnouncementEnds: annEnds, BiddingOpensAt: opens}
	bid := func(a kernel.Money) PlaceBid { return PlaceBid{ListingID: lid, BidderID: alice, Amount: a} }
	lowest := regexp.MustCompile(`the lowest acceptable bid is (\S+)$`)
	nextBid := regexp.MustCompile(`the next acceptable bid is (\S+)$`)
	withBid := func(c Command, q string) Command { return bid(money(q)) }
	long := details()
	long.TermMonths = 12 * 20
	decidertest.RunSendBack(t, Decider, []decidertest.SendBack[Command]{
		{Name: "ANNOUNCEMENT_TOO_SHORT quotes the earliest accepted end", Given: submitted(), Now: now,
			When: ReviewListing{ListingID: lid, Approve: true, AnnouncementEnds: annEnds.AddDate(0, 0, -1), BiddingOpensAt: opens}, WantCode: CodeAnnouncementTooShort,
			Quote: regexp.MustCompile(`announcementEnds must be (\S+) or later$`),
			With:  func(c Command, q string) Command { r := c.(ReviewListing); r.AnnouncementEnds = instant(q); return r }},
		{Name: "ANNOUNCEMENT_TOO_LONG quotes the latest accepted end", Given: submitted(), Now: now,
			When: ReviewListing{ListingID: lid, Approve: true, AnnouncementEnds: now.AddDate(0, 7, 0), BiddingOpensAt: now.AddDate(1, 0, 0)}, WantCode: CodeAnnouncementTooLong,
			Quote: regexp.MustCompile(`announcementEnds must be (\S+) or earlier$`),
			With:  func(c Command, q string) Command { r := c.(ReviewListing); r.AnnouncementEnds = instant(q); return r }},
		{Name: "bidding opening with the announcement's end quotes the first accepted second", Given: submitted(), Now: now,
			When: func() Command { r := review; r.BiddingOpensAt = annEnds; return r }(), WantCode: kernel.CodeInvalid,
			Quote: regexp.MustCompile(`biddingOpensAt must be (\S+) or later$`),
			With:  func(c Command, q string) Command { r := c.(ReviewListing); r.BiddingOpensAt = instant(q); return r }},
		{Name: "a term past the right quotes the longest term that fits", Given: nil, Now: now,
			When: CreateListing{ListingID: lid, Details: long}, WantCode: CodeTermExceedsContract,
			Quote: regexp.MustCompile(`termMonths may be (\d+) at most$`),
			With: func(c Command, q string) Command {
				cl := c.(CreateListing)
				cl.Details.TermMonths, _ = strconv.Atoi(q)
				return cl
			}},
		{Name: "below the starting price quotes it", Given: auctionOpen(), Now: at,
			When: bid(listed - kernel.Money(1)), WantCode: CodeBidBelowMinimum, Quote: lowest, With: withBid},
		{Name: "below the leader plus one increment quotes the lowest acceptable bid", Given: twoBids(), Now: at,
			When: bid(kernel.Yuan(110_000)), WantCode: CodeBidBelowMinimum, Quote: lowest, With: withBid},
		{Name: "below the starting price with bids quotes the leader plus one increment", Given: twoBids(), Now: at,
			When: bid(kernel.Yuan(99_000)), WantCode: CodeBidBelowMinimum, Quote: lowest, With: withBid},
		{Name: "off the grid quotes the next bid on it", Given: twoBids(), Now: at,
			When: bid(kernel.Yuan(111_000) + 1), WantCode: CodeBidNotOnIncrement, Quote: nextBid, With: withBid},
		{Name: "off the grid below the leader quotes the lowest acceptable bid", Given: twoBids(), Now: at,
			When: bid(listed + increment/2), WantCode: CodeBidNotOnIncrement, Quote: nextBid, With: withBid},
		{Name: "a deposit below the required quotes it", Given: cat(announced(), ev(registeredEv(alice, 1, false))), Now: t0.Add(2 * time.Hour),
			When: ConfirmDeposit{ListingID: lid, BidderID: alice, Amount: deposit - 1}, WantCode: CodeDepositTooLow,
			Quote: regexp.MustCompile(`below the required (\S+)$`),
			With:  func(c Command, q string) Command { d := c.(ConfirmDeposit); d.Amount = money(q); return d }},
	})
}
