package listing

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Rules 10, 26 and 27's local settings at their edges and one unit past
// them: a deposit of 1–100 % (its least share 0–100 %), a quote window of
// some time, working-day periods of 1–366 days, an announcement of at most
// 12 months, at least two bidders, a resolution share of at most the whole.
func TestListingSettingsAtTheirEdges(t *testing.T) {
	for name, c := range map[string]struct {
		change func(*Settings)
		ok     bool
	}{
		"a deposit of the whole price":                 {func(s *Settings) { s.DepositPercent = 100 }, true},
		"a deposit above the price":                    {func(s *Settings) { s.DepositPercent = 101 }, false},
		"a deposit of 1 %":                             {func(s *Settings) { s.DepositPercent = 1 }, true},
		"no deposit":                                   {func(s *Settings) { s.DepositPercent = 0 }, false},
		"a least deposit share of nothing":             {func(s *Settings) { s.MinDepositPercent = 0 }, true},
		"a negative least deposit share":               {func(s *Settings) { s.MinDepositPercent = -1 }, false},
		"a least deposit share of the whole price":     {func(s *Settings) { s.MinDepositPercent = 100 }, true},
		"a least deposit share above the price":        {func(s *Settings) { s.MinDepositPercent = 101 }, false},
		"a quote window of a nanosecond":               {func(s *Settings) { s.QuoteWindow = time.Nanosecond }, true},
		"no quote window":                              {func(s *Settings) { s.QuoteWindow = 0 }, false},
		"an announcement of one working day":           {func(s *Settings) { s.MinAnnouncementWorkingDays = 1 }, true},
		"an announcement of 366 working days":          {func(s *Settings) { s.MinAnnouncementWorkingDays = 366 }, true},
		"an announcement of 367 working days":          {func(s *Settings) { s.MinAnnouncementWorkingDays = 367 }, false},
		"an announcement of no working days":           {func(s *Settings) { s.MinAnnouncementWorkingDays = 0 }, false},
		"announcements of up to 12 months":             {func(s *Settings) { s.MaxAnnouncementMonths = 12 }, true},
		"announcements of up to 13 months":             {func(s *Settings) { s.MaxAnnouncementMonths = 13 }, false},
		"announcements of up to no months":             {func(s *Settings) { s.MaxAnnouncementMonths = 0 }, false},
		"an auction of two bidders":                    {func(s *Settings) { s.MinBidders = 2 }, true},
		"an auction of one bidder":                     {func(s *Settings) { s.MinBidders = 1 }, false},
		"an operating-asset auction of two bidders":    {func(s *Settings) { s.MinBiddersCollectiveOperating = 2 }, true},
		"an operating-asset auction of one bidder":     {func(s *Settings) { s.MinBiddersCollectiveOperating = 1 }, false},
		"no free bidding":                              {func(s *Settings) { s.FreeBidding = 0 }, true},
		"negative free bidding":                        {func(s *Settings) { s.FreeBidding = -time.Nanosecond }, false},
		"a timed round of a nanosecond":                {func(s *Settings) { s.TimedRound = time.Nanosecond }, true},
		"no timed round":                               {func(s *Settings) { s.TimedRound = 0 }, false},
		"an extension of a nanosecond":                 {func(s *Settings) { s.Extension = time.Nanosecond }, true},
		"no extension":                                 {func(s *Settings) { s.Extension = 0 }, false},
		"a negotiation of 366 working days":            {func(s *Settings) { s.NegotiationWorkingDays = 366 }, true},
		"a negotiation of 367 working days":            {func(s *Settings) { s.NegotiationWorkingDays = 367 }, false},
		"a priority window of no working days":         {func(s *Settings) { s.PriorityWindowWorkingDays = 0 }, false},
		"a priority window of 366 working days":        {func(s *Settings) { s.PriorityWindowWorkingDays = 366 }, true},
		"a priority window of 367 working days":        {func(s *Settings) { s.PriorityWindowWorkingDays = 367 }, false},
		"payment within no working days":               {func(s *Settings) { s.PaymentWorkingDays = 0 }, false},
		"payment within 367 working days":              {func(s *Settings) { s.PaymentWorkingDays = 367 }, false},
		"refunds within no working days":               {func(s *Settings) { s.RefundWorkingDays = 0 }, false},
		"refunds within 367 working days":              {func(s *Settings) { s.RefundWorkingDays = 367 }, false},
		"a resolution of the whole assembly":           {func(s *Settings) { s.ResolutionNumerator, s.ResolutionDenominator = 3, 3 }, true},
		"a resolution of more than the whole assembly": {func(s *Settings) { s.ResolutionNumerator, s.ResolutionDenominator = 4, 3 }, false},
		"a resolution of nobody":                       {func(s *Settings) { s.ResolutionNumerator = 0 }, false},
	} {
		st := DefaultSettings()
		c.change(&st)
		if err := st.validate(); (err == nil) != c.ok || (err != nil && kernel.ErrorCode(err) != kernel.CodeInvalid) {
			t.Errorf("%s: %v, want accepted %v", name, err, c.ok)
		}
	}
}

// A listing's terms need a seller, an asset with its collective, a price and
// a term of at least a fen and a month.
func TestListingTermsAtTheirEdges(t *testing.T) {
	for name, c := range map[string]struct {
		change func(*Details)
		ok     bool
	}{
		"a listed price of a fen":   {func(d *Details) { d.ListedPrice, d.StartingPrice, d.Increment = 1, 1, 1 }, true},
		"a listed price of nothing": {func(d *Details) { d.ListedPrice, d.StartingPrice = 0, 0 }, false},
		"a term of one month":       {func(d *Details) { d.TermMonths = 1 }, true},
		"a term of no months":       {func(d *Details) { d.TermMonths = 0 }, false},
		"no seller":                 {func(d *Details) { d.Seller = uuid.Nil }, false},
		"no asset":                  {func(d *Details) { d.Asset.AssetIDs = nil }, false},
		"no owning collective":      {func(d *Details) { d.Asset.OwningCollective = uuid.Nil }, false},
	} {
		d := details()
		c.change(&d)
		if err := validateTerms(d, 0, t0); (err == nil) != c.ok {
			t.Errorf("%s: %v, want accepted %v", name, err, c.ok)
		}
	}
}

// Rule 12 at the reserve: a leading bid of exactly the reserve price is a
// sale (the existing table pins a bid below it). Rule 10: in a negotiation
// only the negotiating bidder agrees a price, even another qualified one is refused.
func TestReserveAndNegotiationBoundaries(t *testing.T) {
	at := annEnds.Add(24 * time.Hour)
	twoQualified := cat(announced(), ev(registeredEv(alice, 1, false), depositPaid(alice, 1), qualifiedEv(alice, 1),
		registeredEv(bob, 2, false), depositPaid(bob, 2), qualifiedEv(bob, 2),
		RegistrationClosed{ListingID: lid, Qualified: 1, Outcome: OutcomeNegotiation, NegotiatingBidder: alice, NegotiationEnds: negotiationEnds, At: annEnds}))
	run(t, cases{
		{Name: "rule 12: a leading bid of exactly the reserve price is a sale", Given: cat(auctionOpen(), ev(bid(carol, 3, reserve, 1, opens))), Now: closes,
			When: CloseAuction{ListingID: lid},
			Then: ev(AuctionClosed{ListingID: lid, Bids: 1, Sold: true, WinnerID: carol, WinnerNumber: 3, Price: reserve, At: closes},
				AwardConfirmed{ListingID: lid, BidderID: carol, BidderNumber: 3, Price: reserve, Via: ViaAuction,
					DepositApplied: deposit, BalanceDue: reserve - deposit, PaymentDue: payDue(closes), At: closes},
				released(closes, r(alice, 1), r(bob, 2)))},
		{Name: "rule 10: another qualified bidder does not agree the negotiated price", Given: twoQualified, Now: at,
			When: AgreeNegotiatedPrice{ListingID: lid, BidderID: bob, Price: listed}, WantCode: kernel.CodeInvalid},
	})
}

// Rule 12's timed round starts at the instant free bidding ends: with a
// four-minute timed round (shorter than the five-minute extension), a bid at
// exactly that instant extends the close, and one a nanosecond earlier, still
// in free bidding, does not.
func TestTimedRoundStartsWhenFreeBiddingEnds(t *testing.T) {
	shortRound := auctionOpen()
	created := shortRound[0].(ListingCreated)
	created.Details.Settings.TimedRound = 4 * time.Minute
	shortRound[0] = created
	shortClose := freeEnds.Add(4 * time.Minute)
	shortRound[len(shortRound)-2] = AuctionScheduled{ListingID: lid, OpensAt: opens, FreeBiddingEnds: freeEnds, ClosesAt: shortClose, At: annEnds}
	first := kernel.Yuan(100_000)
	run(t, cases{
		{Name: "rule 12: a bid at the instant free bidding ends extends the close", Given: shortRound, Now: freeEnds,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: first},
			Then: ev(bid(alice, 1, first, 1, freeEnds), AuctionExtended{ListingID: lid, PreviousClose: shortClose, NewClose: freeEnds.Add(5 * time.Minute), At: freeEnds})},
		{Name: "rule 12: a nanosecond earlier, in free bidding, it does not", Given: shortRound, Now: freeEnds.Add(-time.Nanosecond),
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: first},
			Then: ev(bid(alice, 1, first, 1, freeEnds.Add(-time.Nanosecond)))},
	})
}

// Rule 13 with the runner-up offer: a runner-up whose last bid is exactly
// the reserve price is offered the lot the winner did not pay for.
func TestRunnerUpAtExactlyTheReserve(t *testing.T) {
	given := withListing(cat(auctionOpen(), ev(
		bid(alice, 1, reserve, 1, opens.Add(time.Minute)),
		bid(bob, 2, kernel.Yuan(110_000), 2, opens.Add(2*time.Minute)),
	)), func(d *Details) { d.Unpaid = UnpaidRunnerUp })
	awarded := play(t, given, at(closes, CloseAuction{ListingID: lid}), at(priorityEnds, ClosePriorityWindow{ListingID: lid}))
	due := payDue(priorityEnds)
	run(t, cases{
		{Name: "rule 13: the runner-up at exactly the reserve is offered the lot", Given: awarded, Now: due,
			When: ForfeitDeposit{ListingID: lid}, Then: ev(
				DepositForfeited{ListingID: lid, BidderID: bob, BidderNumber: 2, Amount: deposit, To: ForfeitSeller, At: due},
				AwardConfirmed{ListingID: lid, BidderID: alice, BidderNumber: 1, Price: reserve, Via: ViaRunnerUp,
					DepositApplied: deposit, BalanceDue: reserve - deposit, PaymentDue: payDue(due), At: due})},
	})
}
