package listing

import (
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/kernel/decidertest"
)

type cases = []decidertest.Case[Command]

func run(t *testing.T, cs cases) {
	t.Helper()
	decidertest.Run(t, Decider, registry(), t0, cs)
}

// withDetails returns details() changed by f.
func withDetails(f func(*Details)) Details {
	d := details()
	f(&d)
	return d
}

// withListing returns es with the ListingCreated details changed by f.
func withListing(es []kernel.Event, f func(*Details)) []kernel.Event {
	out := cat(es)
	for i, e := range out {
		if c, ok := e.(ListingCreated); ok {
			c.Details = withDetails(f)
			out[i] = c
		}
	}
	return out
}

func TestCreateListing(t *testing.T) {
	encumbered := func(d *Details) { d.Asset.Encumbrances = []Encumbrance{{RegistrationID: mortgage, SecuredParty: bank}} }
	consent := func(d *Details) {
		encumbered(d)
		d.Consents = []Consent{{RegistrationID: mortgage, SecuredParty: bank, Document: "bank consent 2026-017"}}
	}
	disposal := func(d *Details) { encumbered(d); d.Seller, d.DisposalOf = bank, mortgage }
	run(t, cases{
		{Name: "a draft records the public terms and the reserve price apart", When: CreateListing{ListingID: lid, Details: details(), ReservePrice: reserve},
			Then: created()},
		{Name: "collective land ownership is never tradable", When: CreateListing{ListingID: lid, ReservePrice: reserve,
			Details: withDetails(func(d *Details) { d.Asset.Type = kernel.AssetCollectiveLandOwner })}, WantCode: CodeAssetNotTradable},
		{Name: "the household contracting right itself is never tradable", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Asset.Type = kernel.AssetHouseholdContracting })}, WantCode: CodeAssetNotTradable},
		{Name: "rule 1: a term past the end of the right is refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Asset.RightsEnd = t0.AddDate(4, 0, 0) })}, WantCode: CodeTermExceedsContract},
		{Name: "rule 1: a term ending exactly with the right is accepted", When: CreateListing{ListingID: lid, ReservePrice: reserve,
			Details: withDetails(func(d *Details) { d.Asset.RightsEnd = t0.AddDate(5, 0, 0) })},
			Then: ev(ListingCreated{ListingID: lid, Details: withDetails(func(d *Details) { d.Asset.RightsEnd = t0.AddDate(5, 0, 0) }), At: t0},
				ReservePriceSet{ListingID: lid, ReservePrice: reserve, At: t0})},
		{Name: "an encumbered asset without the secured party's consent is refused", When: CreateListing{ListingID: lid,
			Details: withDetails(encumbered)}, WantCode: CodeAssetEncumbered},
		{Name: "a consent without a document does not count", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { consent(d); d.Consents[0].Document = "" })}, WantCode: CodeAssetEncumbered},
		{Name: "a consent from another party does not count", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { consent(d); d.Consents[0].SecuredParty = alice })}, WantCode: CodeAssetEncumbered},
		{Name: "an encumbered asset with the secured party's written consent is listed", When: CreateListing{ListingID: lid,
			Details: withDetails(consent)},
			Then: ev(ListingCreated{ListingID: lid, Details: withDetails(consent), At: t0}, ReservePriceSet{ListingID: lid, At: t0})},
		{Name: "the secured party may list its collateral for disposal", When: CreateListing{ListingID: lid, Details: withDetails(disposal)},
			Then: ev(ListingCreated{ListingID: lid, Details: withDetails(disposal), At: t0}, ReservePriceSet{ListingID: lid, At: t0})},
		{Name: "only the secured party may list a disposal", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { disposal(d); d.Seller = coll })}, WantCode: CodeAssetEncumbered},
		{Name: "a disposal of an unknown registration is refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Seller, d.DisposalOf = bank, mortgage })}, WantCode: kernel.CodeInvalid},
		{Name: "a starting price below the listed price is refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.StartingPrice = listed - 1 })}, WantCode: kernel.CodeInvalid},
		{Name: "a zero increment is refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Increment = 0 })}, WantCode: kernel.CodeInvalid},
		{Name: "a negative reserve is refused", When: CreateListing{ListingID: lid, Details: details(), ReservePrice: -1}, WantCode: kernel.CodeInvalid},
		{Name: "settings without a deposit are refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Settings.DepositPercent = 0 })}, WantCode: kernel.CodeInvalid},
		{Name: "working-day settings are bounded", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Settings.RefundWorkingDays = 367 })}, WantCode: kernel.CodeInvalid},
		{Name: "a title is required", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Title = "" })}, WantCode: kernel.CodeInvalid},
		{Name: "a listing is created once", Given: created(), When: CreateListing{ListingID: lid, Details: details()}, WantCode: kernel.CodeInvalidState},
		{Name: "commands to a listing that does not exist are refused", When: SubmitListing{ListingID: lid, Resolution: resolution}, WantCode: kernel.CodeNotFound},
	})
}

func TestMembersResolution(t *testing.T) {
	byHolder := withListing(created(), func(d *Details) { d.Seller = alice })
	run(t, cases{
		{Name: "rule 4: exactly two thirds of the assembly approves", Given: created(), When: SubmitListing{ListingID: lid, Resolution: resolution},
			Then: ev(ListingSubmitted{ListingID: lid, Resolution: resolution, At: t0})},
		{Name: "rule 4: less than two thirds is refused", Given: created(),
			When: SubmitListing{ListingID: lid, Resolution: Resolution{VotesFor: 39, Total: 60}}, WantCode: CodeResolutionInsufficient},
		{Name: "rule 4: a collective's listing without a resolution is refused", Given: created(),
			When: SubmitListing{ListingID: lid}, WantCode: CodeResolutionRequired},
		{Name: "rule 4: the majority is a setting", Given: withListing(created(), func(d *Details) { d.Settings.ResolutionNumerator, d.Settings.ResolutionDenominator = 3, 4 }),
			When: SubmitListing{ListingID: lid, Resolution: resolution}, WantCode: CodeResolutionInsufficient},
		{Name: "more votes for than voters is refused", Given: created(),
			When: SubmitListing{ListingID: lid, Resolution: Resolution{VotesFor: 61, Total: 60}}, WantCode: kernel.CodeInvalid},
		{Name: "rule 4 does not apply when the seller is not the owning collective", Given: byHolder,
			When: SubmitListing{ListingID: lid}, Then: ev(ListingSubmitted{ListingID: lid, At: t0})},
		{Name: "a submitted listing cannot be submitted again", Given: submitted(),
			When: SubmitListing{ListingID: lid, Resolution: resolution}, WantCode: kernel.CodeInvalidState},
	})
}

func TestReview(t *testing.T) {
	rejected := cat(submitted(), ev(ListingRejected{ListingID: lid, Reason: "valuation report missing", At: t0}))
	approve := ReviewListing{ListingID: lid, Approve: true, AnnouncementEnds: annEnds, BiddingOpensAt: opens}
	run(t, cases{
		{Name: "rule 10: approval announces for 7 working days", Given: submitted(), When: approve,
			Then: ev(ListingApproved{ListingID: lid, AnnouncementEnds: annEnds, BiddingOpensAt: opens, At: t0})},
		{Name: "rule 10: an announcement of 6 working days is too short", Given: submitted(),
			When: ReviewListing{ListingID: lid, Approve: true, AnnouncementEnds: annEnds.AddDate(0, 0, -1), BiddingOpensAt: opens}, WantCode: CodeAnnouncementTooShort},
		{Name: "rule 10: an announcement beyond 6 months is too long", Given: submitted(),
			When: ReviewListing{ListingID: lid, Approve: true, AnnouncementEnds: t0.AddDate(0, 6, 1), BiddingOpensAt: t0.AddDate(0, 7, 0)}, WantCode: CodeAnnouncementTooLong},
		{Name: "rule 10: an announcement of exactly 6 months is allowed", Given: submitted(),
			When: ReviewListing{ListingID: lid, Approve: true, AnnouncementEnds: t0.AddDate(0, 6, 0), BiddingOpensAt: t0.AddDate(0, 7, 0)},
			Then: ev(ListingApproved{ListingID: lid, AnnouncementEnds: t0.AddDate(0, 6, 0), BiddingOpensAt: t0.AddDate(0, 7, 0), At: t0})},
		{Name: "bidding must open after the announcement", Given: submitted(),
			When: ReviewListing{ListingID: lid, Approve: true, AnnouncementEnds: annEnds, BiddingOpensAt: annEnds}, WantCode: kernel.CodeInvalid},
		{Name: "rule 10: the exchange rejects with a reason", Given: submitted(),
			When: ReviewListing{ListingID: lid, Reason: "valuation report missing"}, Then: rejected[len(rejected)-1:]},
		{Name: "a rejection needs a reason", Given: submitted(), When: ReviewListing{ListingID: lid}, WantCode: kernel.CodeInvalid},
		{Name: "a draft cannot be reviewed", Given: created(), When: approve, WantCode: kernel.CodeInvalidState},
		{Name: "a rejected listing is revised", Given: rejected, When: ReviseListing{ListingID: lid, Details: details(), ReservePrice: reserve + 100},
			Then: ev(ListingRevised{ListingID: lid, Details: details(), At: t0}, ReservePriceSet{ListingID: lid, ReservePrice: reserve + 100, At: t0})},
		{Name: "a revision is checked like a new listing", Given: rejected, When: ReviseListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Asset.Encumbrances = []Encumbrance{{RegistrationID: mortgage, SecuredParty: bank}} })}, WantCode: CodeAssetEncumbered},
		{Name: "a rejected listing is resubmitted", Given: rejected, When: SubmitListing{ListingID: lid, Resolution: resolution},
			Then: ev(ListingSubmitted{ListingID: lid, Resolution: resolution, At: t0})},
		{Name: "an announced listing cannot be revised", Given: announced(), When: ReviseListing{ListingID: lid, Details: details()}, WantCode: kernel.CodeInvalidState},
	})
}

func TestBidderRegistration(t *testing.T) {
	day1 := t0.Add(time.Hour)
	oddPrice := withListing(announced(), func(d *Details) { d.ListedPrice, d.StartingPrice = 10_000_001, 10_000_001 })
	withAlice := cat(announced(), ev(registeredEv(alice, 1, false)))
	paid := cat(withAlice, ev(depositPaid(alice, 1)))
	run(t, cases{
		{Name: "rule 10: the first bidder is number 1 and owes 30% of the listed price", Given: announced(), Now: day1,
			When: RegisterBidder{ListingID: lid, BidderID: alice}, Then: ev(registeredEv(alice, 1, false))},
		{Name: "rule 10: numbers follow registration order", Given: withAlice, Now: day1,
			When: RegisterBidder{ListingID: lid, BidderID: carol, IsMember: true}, Then: ev(BidderRegistered{ListingID: lid, BidderID: carol, BidderNumber: 2, IsMember: true, DepositDue: deposit, At: day1})},
		{Name: "rule 10: the deposit is rounded up to the fen, never below 30%", Given: oddPrice, Now: day1,
			When: RegisterBidder{ListingID: lid, BidderID: alice}, Then: ev(BidderRegistered{ListingID: lid, BidderID: alice, BidderNumber: 1, DepositDue: 3_000_001, At: day1})},
		{Name: "a bidder registers once", Given: withAlice, When: RegisterBidder{ListingID: lid, BidderID: alice}, WantCode: CodeBidderAlreadyRegistered},
		{Name: "registration closes with the announcement", Given: announced(), Now: annEnds, When: RegisterBidder{ListingID: lid, BidderID: alice}, WantCode: CodeRegistrationClosed},
		{Name: "the seller may not register", Given: announced(), When: RegisterBidder{ListingID: lid, BidderID: coll}, WantCode: kernel.CodeForbidden},
		{Name: "no registration before the announcement", Given: submitted(), When: RegisterBidder{ListingID: lid, BidderID: alice}, WantCode: kernel.CodeInvalidState},
		{Name: "rule 10: the exchange confirms the deposit", Given: withAlice, Now: t0.Add(2 * time.Hour),
			When: ConfirmDeposit{ListingID: lid, BidderID: alice, Amount: deposit}, Then: ev(depositPaid(alice, 1))},
		{Name: "rule 10: a deposit below 30% is refused", Given: withAlice,
			When: ConfirmDeposit{ListingID: lid, BidderID: alice, Amount: deposit - 1}, WantCode: CodeDepositTooLow},
		{Name: "a deposit is confirmed once", Given: paid, When: ConfirmDeposit{ListingID: lid, BidderID: alice, Amount: deposit}, WantCode: kernel.CodeInvalidState},
		{Name: "a deposit of an unregistered bidder is refused", Given: withAlice,
			When: ConfirmDeposit{ListingID: lid, BidderID: dave, Amount: deposit}, WantCode: CodeBidderNotRegistered},
		{Name: "rule 10: qualification needs a confirmed deposit", Given: withAlice,
			When: QualifyBidder{ListingID: lid, BidderID: alice, Qualified: true}, WantCode: CodeDepositNotConfirmed},
		{Name: "rule 10: the exchange qualifies a bidder", Given: paid, Now: t0.Add(3 * time.Hour),
			When: QualifyBidder{ListingID: lid, BidderID: alice, Qualified: true}, Then: ev(qualifiedEv(alice, 1))},
		{Name: "a bidder is qualified once", Given: cat(paid, ev(qualifiedEv(alice, 1))),
			When: QualifyBidder{ListingID: lid, BidderID: alice, Qualified: true}, WantCode: kernel.CodeInvalidState},
		{Name: "rule 13: disqualification releases the deposit for refund", Given: paid,
			When: QualifyBidder{ListingID: lid, BidderID: alice, Reason: "forged identity papers"},
			Then: ev(BidderDisqualified{ListingID: lid, BidderID: alice, BidderNumber: 1, Reason: "forged identity papers", At: t0},
				DepositsReleased{ListingID: lid, Deposits: []ReleasedDeposit{{BidderID: alice, BidderNumber: 1, Amount: deposit}}, Due: refundDue(t0), At: t0})},
		{Name: "disqualification without a deposit releases nothing", Given: withAlice,
			When: QualifyBidder{ListingID: lid, BidderID: alice, Reason: "no papers"},
			Then: ev(BidderDisqualified{ListingID: lid, BidderID: alice, BidderNumber: 1, Reason: "no papers", At: t0})},
		{Name: "a disqualification needs a reason", Given: paid, When: QualifyBidder{ListingID: lid, BidderID: alice}, WantCode: kernel.CodeInvalid},
		{Name: "qualifying an unregistered bidder is refused", Given: paid,
			When: QualifyBidder{ListingID: lid, BidderID: dave, Qualified: true}, WantCode: CodeBidderNotRegistered},
	})
}

func TestCloseRegistration(t *testing.T) {
	aliceOnly := cat(announced(), ev(registeredEv(alice, 1, false), depositPaid(alice, 1), qualifiedEv(alice, 1),
		registeredEv(bob, 2, false), depositPaid(bob, 2)))
	two := cat(aliceOnly, ev(qualifiedEv(bob, 2)))
	schedule := func(at, from time.Time) AuctionScheduled {
		return AuctionScheduled{ListingID: lid, OpensAt: from, FreeBiddingEnds: from.Add(30 * time.Minute), ClosesAt: from.Add(35 * time.Minute), At: at}
	}
	operating := func(d *Details) { d.Asset.Type = kernel.AssetCollectiveOperating }
	run(t, cases{
		{Name: "registration does not close before the announcement ends", Given: two, Now: annEnds.Add(-time.Second),
			When: CloseRegistration{ListingID: lid}, WantCode: CodeNotDue},
		{Name: "rule 10: no qualified bidder leaves the listing unsold and releases deposits",
			Given: cat(announced(), ev(registeredEv(alice, 1, false), depositPaid(alice, 1))), Now: annEnds, When: CloseRegistration{ListingID: lid},
			Then: ev(RegistrationClosed{ListingID: lid, Outcome: OutcomeUnsold, At: annEnds},
				ListingUnsold{ListingID: lid, Reason: "no qualified bidder", At: annEnds}, released(annEnds, r(alice, 1)))},
		{Name: "rule 10: one qualified bidder goes to negotiated transfer", Given: aliceOnly, Now: annEnds, When: CloseRegistration{ListingID: lid},
			Then: ev(RegistrationClosed{ListingID: lid, Qualified: 1, Outcome: OutcomeNegotiation, NegotiatingBidder: alice, NegotiationEnds: negotiationEnds, At: annEnds},
				released(annEnds, r(bob, 2)))},
		{Name: "rule 10: two qualified bidders go to live bidding at the announced time", Given: two, Now: annEnds, When: CloseRegistration{ListingID: lid},
			Then: ev(RegistrationClosed{ListingID: lid, Qualified: 2, Outcome: OutcomeAuction, At: annEnds}, schedule(annEnds, opens))},
		{Name: "a late close opens bidding no earlier than itself", Given: two, Now: opens.Add(time.Hour), When: CloseRegistration{ListingID: lid},
			Then: ev(RegistrationClosed{ListingID: lid, Qualified: 2, Outcome: OutcomeAuction, At: opens.Add(time.Hour)},
				schedule(opens.Add(time.Hour), opens.Add(time.Hour)))},
		{Name: "rule 10: collective operating assets need 3 qualified bidders for an auction",
			Given: withListing(two, operating), Now: annEnds, When: CloseRegistration{ListingID: lid},
			Then: ev(RegistrationClosed{ListingID: lid, Qualified: 2, Outcome: OutcomeUnsold, At: annEnds},
				ListingUnsold{ListingID: lid, Reason: "fewer qualified bidders than an auction needs", At: annEnds},
				released(annEnds, r(alice, 1), r(bob, 2)))},
		{Name: "rule 10: collective operating assets with 3 qualified bidders are auctioned",
			Given: withListing(cat(announced(), bidders()), operating), Now: annEnds, When: CloseRegistration{ListingID: lid},
			Then: ev(RegistrationClosed{ListingID: lid, Qualified: 3, Outcome: OutcomeAuction, At: annEnds}, schedule(annEnds, opens))},
		{Name: "rule 10: the auction minimum is a setting",
			Given: withListing(two, func(d *Details) { d.Settings.MinBidders = 3 }), Now: annEnds, When: CloseRegistration{ListingID: lid},
			Then: ev(RegistrationClosed{ListingID: lid, Qualified: 2, Outcome: OutcomeUnsold, At: annEnds},
				ListingUnsold{ListingID: lid, Reason: "fewer qualified bidders than an auction needs", At: annEnds},
				released(annEnds, r(alice, 1), r(bob, 2)))},
		{Name: "an auction releases the deposits of bidders left unqualified",
			Given: cat(two, ev(registeredEv(carol, 3, true), depositPaid(carol, 3))), Now: annEnds, When: CloseRegistration{ListingID: lid},
			Then: ev(RegistrationClosed{ListingID: lid, Qualified: 2, Outcome: OutcomeAuction, At: annEnds}, schedule(annEnds, opens),
				released(annEnds, r(carol, 3)))},
	})
}

// negotiationEnds: 5 working days after the announcement ends on Wed 11 March: Wed 18 March.
var negotiationEnds = time.Date(2026, 3, 18, 15, 59, 59, 999999999, time.UTC)

func negotiating() []kernel.Event {
	return cat(announced(), ev(registeredEv(alice, 1, false), depositPaid(alice, 1), qualifiedEv(alice, 1),
		RegistrationClosed{ListingID: lid, Qualified: 1, Outcome: OutcomeNegotiation, NegotiatingBidder: alice, NegotiationEnds: negotiationEnds, At: annEnds}))
}

func TestNegotiation(t *testing.T) {
	at := annEnds.Add(24 * time.Hour)
	thu := time.Date(2026, 3, 12, 2, 0, 0, 0, time.UTC)
	tue := time.Date(2026, 3, 17, 2, 0, 0, 0, time.UTC)
	run(t, cases{
		{Name: "rule 10: a negotiated price below the listed price is refused", Given: negotiating(), Now: at,
			When: AgreeNegotiatedPrice{ListingID: lid, BidderID: alice, Price: listed - 1}, WantCode: CodePriceBelowListed},
		{Name: "rule 10: the only bidder buys at the listed price or more", Given: negotiating(), Now: at,
			When: AgreeNegotiatedPrice{ListingID: lid, BidderID: alice, Price: listed},
			Then: ev(NegotiatedPriceAgreed{ListingID: lid, BidderID: alice, BidderNumber: 1, Price: listed, At: at},
				AwardConfirmed{ListingID: lid, BidderID: alice, BidderNumber: 1, Price: listed, Via: ViaNegotiation,
					DepositApplied: deposit, BalanceDue: listed - deposit, PaymentDue: payDue(at), At: at})},
		{Name: "only the negotiating bidder may agree", Given: negotiating(), Now: at,
			When: AgreeNegotiatedPrice{ListingID: lid, BidderID: dave, Price: listed}, WantCode: CodeBidderNotRegistered},
		{Name: "no agreement after the negotiation period", Given: negotiating(), Now: negotiationEnds,
			When: AgreeNegotiatedPrice{ListingID: lid, BidderID: alice, Price: listed}, WantCode: CodeNegotiationClosed},
		{Name: "the negotiation does not end early", Given: negotiating(), Now: negotiationEnds.Add(-time.Nanosecond),
			When: CloseNegotiation{ListingID: lid}, WantCode: CodeNotDue},
		{Name: "rule 10: a negotiation without agreement leaves the listing unsold", Given: negotiating(), Now: negotiationEnds,
			When: CloseNegotiation{ListingID: lid},
			Then: ev(ListingUnsold{ListingID: lid, Reason: "no price agreed", At: negotiationEnds}, released(negotiationEnds, r(alice, 1)))},
		{Name: "a suspended negotiation keeps its remaining working days", Now: tue,
			Given: cat(negotiating(), ev(ListingSuspended{ListingID: lid, Reason: "objection", At: thu})), When: ResumeListing{ListingID: lid},
			// Suspended Thu 12 March with 4 working days left (13, 16, 17, 18); resumed Tue 17 March: ends Mon 23 March.
			Then: ev(ListingResumed{ListingID: lid, NegotiationEnds: time.Date(2026, 3, 23, 15, 59, 59, 999999999, time.UTC), At: tue})},
		{Name: "there is no bidding in a negotiation", Given: negotiating(), Now: at,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: listed}, WantCode: CodeListingNotOpen},
		{Name: "no negotiation during an auction", Given: auctionOpen(), Now: opens,
			When: AgreeNegotiatedPrice{ListingID: lid, BidderID: alice, Price: listed}, WantCode: kernel.CodeInvalidState},
	})
}
