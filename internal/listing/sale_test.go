package listing

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// play decides cmds in turn on given, each at its time, and returns given with
// every event they emitted; any refusal fails tb.
func play(tb testing.TB, given []kernel.Event, steps ...timed) []kernel.Event {
	tb.Helper()
	out := cat(given)
	s := Decider.Fold(out)
	for _, st := range steps {
		evs, err := Decide(s, st.cmd, st.at)
		if err != nil {
			tb.Fatalf("%T at %s: %v", st.cmd, st.at, err)
		}
		for _, e := range evs {
			s = Evolve(s, e)
		}
		out = append(out, evs...)
	}
	return out
}

// timed is a command sent at a time.
type timed struct {
	cmd Command
	at  time.Time
}

func at(t time.Time, c Command) timed { return timed{cmd: c, at: t} }

// opened returns the auction of a listing whose details f changed, open with
// alice, bob and carol (member) qualified.
func opened(f func(*Details)) []kernel.Event {
	return withListing(auctionOpen(), f)
}

func TestPriceBases(t *testing.T) {
	annual := func(d *Details) {
		d.Basis, d.ListedPrice, d.StartingPrice, d.Increment, d.TermMonths = BasisAnnualRent, kernel.Yuan(161_078), kernel.Yuan(161_078), kernel.Yuan(500), 36
		d.Deposit = kernel.Yuan(50_000)
	}
	run(t, cases{
		{Name: "rule 25: an annual-rent listing with a fixed deposit and a yearly step-up is drafted", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) {
				annual(d)
				d.Rent = Rent{Frequency: SemiAnnual, StepUp: kernel.StepUp{EveryYears: 2, Percent: 5}}
			})},
			Then: ev(ListingCreated{ListingID: lid, Details: withDetails(func(d *Details) {
				annual(d)
				d.Rent = Rent{Frequency: SemiAnnual, StepUp: kernel.StepUp{EveryYears: 2, Percent: 5}}
			}), At: t0}, ReservePriceSet{ListingID: lid, At: t0})},
		{Name: "rule 25: an unknown basis is refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Basis = "PER_HECTARE" })}, WantCode: kernel.CodeInvalid},
		{Name: "rule 25: rent terms on a total price are refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Rent = Rent{Frequency: Annual} })}, WantCode: kernel.CodeInvalid},
		{Name: "rule 25: a step-up without its period is refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { annual(d); d.Rent = Rent{StepUp: kernel.StepUp{Percent: 5}} })}, WantCode: kernel.CodeInvalid},
		{Name: "rule 25: a step-up above 100 percent is refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { annual(d); d.Rent = Rent{StepUp: kernel.StepUp{EveryYears: 1, Percent: 101}} })}, WantCode: kernel.CodeInvalid},
		{Name: "rule 25: a rent whose term total overflows is refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) {
				annual(d)
				d.ListedPrice, d.StartingPrice, d.Deposit = kernel.Money(1<<62), kernel.Money(1<<62), kernel.Money(1<<62)
			})}, WantCode: kernel.CodeInvalid},
		{Name: "rule 25: a rent per mu needs an area", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Basis, d.Asset.Area = BasisRentPerMuYear, 0 })}, WantCode: kernel.CodeInvalid},
	})
}

func TestTermTotal(t *testing.T) {
	for _, c := range []struct {
		name  string
		f     func(*Details)
		price kernel.Money
		want  kernel.Money
		first kernel.Money
	}{
		{"a total is the total", func(*Details) {}, kernel.Yuan(100_000), kernel.Yuan(100_000), kernel.Yuan(100_000)},
		{"three years of 161,078.00 a year", func(d *Details) { d.Basis, d.TermMonths = BasisAnnualRent, 36 }, kernel.Yuan(161_078), kernel.Yuan(483_234), kernel.Yuan(161_078)},
		{"a partial last year counts by months", func(d *Details) { d.Basis, d.TermMonths = BasisAnnualRent, 30 }, kernel.Yuan(100_000), kernel.Yuan(250_000), kernel.Yuan(100_000)},
		{"a term under a year pays its months at once", func(d *Details) { d.Basis, d.TermMonths = BasisAnnualRent, 6 }, kernel.Yuan(100_000), kernel.Yuan(50_000), kernel.Yuan(50_000)},
		{"a rent per mu is times the 120 mu", func(d *Details) { d.Basis, d.TermMonths = BasisRentPerMuYear, 24 }, kernel.Yuan(800), kernel.Yuan(192_000), kernel.Yuan(96_000)},
		{"10 % more every 2 years, compounded", func(d *Details) {
			d.Basis, d.TermMonths, d.Rent = BasisAnnualRent, 60, Rent{StepUp: kernel.StepUp{EveryYears: 2, Percent: 10}}
		}, kernel.Yuan(100_000), kernel.Yuan(100_000 + 100_000 + 110_000 + 110_000 + 121_000), kernel.Yuan(100_000)},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := withDetails(c.f)
			got, err := d.TermTotal(c.price)
			first, err2 := d.FirstPayment(c.price)
			if err != nil || err2 != nil || got != c.want || first != c.first {
				t.Fatalf("TermTotal(%s) = %s, %v; FirstPayment %s, %v; want %s and %s", c.price, got, err, first, err2, c.want, c.first)
			}
		})
	}
}

func TestDeposits(t *testing.T) {
	least := kernel.Yuan(20_000) // 20 % of the listed 100,000.00
	fixed := func(amount kernel.Money) func(*Details) { return func(d *Details) { d.Deposit = amount } }
	withFixed := withListing(announced(), fixed(kernel.Yuan(25_000)))
	day1 := t0.Add(time.Hour)
	registered := cat(withFixed, ev(BidderRegistered{ListingID: lid, BidderID: alice, BidderNumber: 1, DepositDue: kernel.Yuan(25_000), At: day1}))
	run(t, cases{
		{Name: "rule 26: a fixed deposit of exactly the required least is accepted", When: CreateListing{ListingID: lid, Details: withDetails(fixed(least))},
			Then: ev(ListingCreated{ListingID: lid, Details: withDetails(fixed(least)), At: t0}, ReservePriceSet{ListingID: lid, At: t0})},
		{Name: "rule 26: a fixed deposit one fen below the required least is refused", When: CreateListing{ListingID: lid, Details: withDetails(fixed(least - 1))},
			WantCode: CodeDepositBelowRequired},
		{Name: "rule 26: a percentage below the required least is refused", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Settings.DepositPercent = 19 })}, WantCode: CodeDepositBelowRequired},
		{Name: "rule 26: the required least is a setting", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.Settings.DepositPercent, d.Settings.MinDepositPercent = 19, 19 })},
			Then: ev(ListingCreated{ListingID: lid, Details: withDetails(func(d *Details) { d.Settings.DepositPercent, d.Settings.MinDepositPercent = 19, 19 }), At: t0},
				ReservePriceSet{ListingID: lid, At: t0})},
		{Name: "rule 26: a bidder owes the fixed deposit", Given: withFixed, Now: day1, When: RegisterBidder{ListingID: lid, BidderID: alice},
			Then: registered[len(registered)-1:]},
		{Name: "rule 26: a percentage deposit of a rent per mu is of the whole lot's rent", Given: withListing(announced(), func(d *Details) {
			d.Basis, d.ListedPrice, d.StartingPrice, d.Increment = BasisRentPerMuYear, kernel.Yuan(800), kernel.Yuan(800), kernel.Yuan(10)
		}), Now: day1, When: RegisterBidder{ListingID: lid, BidderID: alice}, // 30 % of 800.00 × 120 mu
			Then: ev(BidderRegistered{ListingID: lid, BidderID: alice, BidderNumber: 1, DepositDue: kernel.Yuan(28_800), At: day1})},
		{Name: "rule 26: a deposit one fen below the fixed sum is refused", Given: registered, When: ConfirmDeposit{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(25_000) - 1},
			WantCode: CodeDepositTooLow},
	})
}

func TestAnnualAward(t *testing.T) {
	given := withListing(twoBids(), func(d *Details) { d.Basis, d.TermMonths = BasisAnnualRent, 36 })
	// bob's 110,000.00 a year leads; carol (member) lets the window pass.
	closed := play(t, given, at(closes, CloseAuction{ListingID: lid}))
	got := play(t, closed, at(priorityEnds, ClosePriorityWindow{ListingID: lid}))
	a := Decider.Fold(got).Award
	// The first year's rent less the deposit is paid through the exchange.
	if a.Price != kernel.Yuan(110_000) || a.DepositApplied != deposit || a.BalanceDue != kernel.Yuan(80_000) {
		t.Fatalf("award on an annual basis %+v", a)
	}
}

// sealed is a sealed-quote listing open for quotes from opens to quotesClose.
func sealed(revisable bool) []kernel.Event {
	return withListing(cat(announced(), bidders(), ev(
		RegistrationClosed{ListingID: lid, Qualified: 3, Outcome: OutcomeAuction, At: annEnds},
		AuctionScheduled{ListingID: lid, OpensAt: opens, FreeBiddingEnds: quotesClose, ClosesAt: quotesClose, At: annEnds},
		BiddingOpened{ListingID: lid, At: opens},
	)), func(d *Details) { d.Method, d.Revisable = MethodSealed, revisable })
}

var quotesClose = opens.Add(6 * time.Hour)

func quote(id uuid.UUID, n int, amount kernel.Money, seq int, revision bool, at time.Time) QuoteSubmitted {
	return QuoteSubmitted{ListingID: lid, BidderID: id, BidderNumber: n, Amount: amount, Seq: seq, Revision: revision, At: at}
}

func TestSealedQuotes(t *testing.T) {
	q1 := opens.Add(time.Hour)
	withAlice := cat(sealed(false), ev(quote(alice, 1, kernel.Yuan(120_000), 1, false, q1)))
	revisable := cat(sealed(true), ev(quote(alice, 1, kernel.Yuan(120_000), 1, false, q1)))
	announcedSealed := withListing(cat(announced(), bidders()), func(d *Details) { d.Method = MethodSealed })
	run(t, cases{
		{Name: "rule 27: sealed quotes are taken for the quote window, without a timed round", Given: announcedSealed, Now: annEnds,
			When: CloseRegistration{ListingID: lid}, Then: ev(
				RegistrationClosed{ListingID: lid, Qualified: 3, Outcome: OutcomeAuction, At: annEnds},
				AuctionScheduled{ListingID: lid, OpensAt: opens, FreeBiddingEnds: quotesClose, ClosesAt: quotesClose, At: annEnds})},
		{Name: "rule 27: a qualified bidder submits one quote", Given: sealed(false), Now: q1,
			When: SubmitQuote{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(120_000)}, Then: withAlice[len(withAlice)-1:]},
		{Name: "rule 27: a quote needs no increment grid", Given: sealed(false), Now: q1,
			When: SubmitQuote{ListingID: lid, BidderID: alice, Amount: listed + 1}, Then: ev(quote(alice, 1, listed+1, 1, false, q1))},
		{Name: "rule 27: a quote below the starting price is refused", Given: sealed(false), Now: q1,
			When: SubmitQuote{ListingID: lid, BidderID: alice, Amount: listed - 1}, WantCode: CodeBidBelowMinimum},
		{Name: "rule 27: a quote at the deadline is refused", Given: sealed(false), Now: quotesClose,
			When: SubmitQuote{ListingID: lid, BidderID: alice, Amount: listed}, WantCode: CodeAuctionClosed},
		{Name: "rule 27: a quote one nanosecond before the deadline is taken", Given: sealed(false), Now: quotesClose.Add(-time.Nanosecond),
			When: SubmitQuote{ListingID: lid, BidderID: alice, Amount: listed}, Then: ev(quote(alice, 1, listed, 1, false, quotesClose.Add(-time.Nanosecond)))},
		{Name: "rule 27: a second quote is refused where revisions are off", Given: withAlice, Now: q1.Add(time.Minute),
			When: SubmitQuote{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(130_000)}, WantCode: CodeQuoteAlreadySubmitted},
		{Name: "rule 27: a revision replaces the quote where the listing allows it", Given: revisable, Now: q1.Add(time.Minute),
			When: SubmitQuote{ListingID: lid, BidderID: alice, Amount: kernel.Yuan(90_000) + listed}, Then: ev(quote(alice, 1, kernel.Yuan(90_000)+listed, 2, true, q1.Add(time.Minute)))},
		{Name: "rule 27: an unqualified bidder's quote is refused", Given: sealed(false), Now: q1,
			When: SubmitQuote{ListingID: lid, BidderID: dave, Amount: listed}, WantCode: CodeBidderNotRegistered},
		{Name: "rule 27: a ladder bid on a sealed listing is refused", Given: sealed(false), Now: q1,
			When: PlaceBid{ListingID: lid, BidderID: alice, Amount: listed}, WantCode: CodeWrongSaleMethod},
		{Name: "rule 27: a sealed quote on a ladder listing is refused", Given: auctionOpen(), Now: q1,
			When: SubmitQuote{ListingID: lid, BidderID: alice, Amount: listed}, WantCode: CodeWrongSaleMethod},
		{Name: "rule 27: quotes are not opened before the deadline", Given: withAlice, Now: quotesClose.Add(-time.Nanosecond),
			When: CloseAuction{ListingID: lid}, WantCode: CodeNotDue},
	})
}

func TestSealedOpening(t *testing.T) {
	same := opens.Add(2 * time.Hour)
	given := cat(sealed(true), ev(
		quote(alice, 1, kernel.Yuan(130_000), 1, false, opens.Add(time.Hour)),
		quote(bob, 2, kernel.Yuan(125_000), 2, false, same),
		quote(alice, 1, kernel.Yuan(125_000), 3, true, same.Add(time.Minute)), // alice revises down: her final quote is later than bob's
		quote(carol, 3, kernel.Yuan(100_000), 4, false, same),
	))
	opened := QuotesOpened{ListingID: lid, At: quotesClose, Quotes: []OpenedQuote{
		{BidderID: bob, BidderNumber: 2, Amount: kernel.Yuan(125_000), SubmittedAt: same, Seq: 2},
		{BidderID: alice, BidderNumber: 1, Amount: kernel.Yuan(125_000), SubmittedAt: same.Add(time.Minute), Seq: 3},
		{BidderID: carol, BidderNumber: 3, Amount: kernel.Yuan(100_000), SubmittedAt: same, Seq: 4},
	}}
	closedAt := AuctionClosed{ListingID: lid, Bids: 3, Sold: true, WinnerID: bob, WinnerNumber: 2, Price: kernel.Yuan(125_000), At: quotesClose}
	window := PriorityWindowOpened{ListingID: lid, Right: RightMember, Price: kernel.Yuan(125_000), Ends: kernel.Calendar{}.AddWorkingDays(quotesClose, 1), At: quotesClose}
	run(t, cases{
		{Name: "rule 27: the highest final quote wins, the earlier final quote on ties, and every quote is published", Given: given, Now: quotesClose,
			When: CloseAuction{ListingID: lid}, Then: ev(opened, closedAt, window)},
		{Name: "rule 27: below the reserve there is no sale", Given: cat(sealed(false), ev(quote(alice, 1, reserve-1, 1, false, opens))), Now: quotesClose,
			When: CloseAuction{ListingID: lid}, Then: cat(ev(
				QuotesOpened{ListingID: lid, At: quotesClose, Quotes: []OpenedQuote{{BidderID: alice, BidderNumber: 1, Amount: reserve - 1, SubmittedAt: opens, Seq: 1}}}),
				noSale(quotesClose, "reserve price not met", r(alice, 1), r(bob, 2), r(carol, 3)))},
		{Name: "rule 27: a quote exactly at the reserve wins", Given: cat(sealed(false), ev(quote(alice, 1, reserve, 1, false, opens))), Now: quotesClose,
			When: CloseAuction{ListingID: lid}, Then: ev(
				QuotesOpened{ListingID: lid, At: quotesClose, Quotes: []OpenedQuote{{BidderID: alice, BidderNumber: 1, Amount: reserve, SubmittedAt: opens, Seq: 1}}},
				AuctionClosed{ListingID: lid, Bids: 1, Sold: true, WinnerID: alice, WinnerNumber: 1, Price: reserve, At: quotesClose},
				PriorityWindowOpened{ListingID: lid, Right: RightMember, Price: reserve, Ends: kernel.Calendar{}.AddWorkingDays(quotesClose, 1), At: quotesClose})},
		{Name: "rule 27: no quotes, no sale", Given: sealed(false), Now: quotesClose,
			When: CloseAuction{ListingID: lid}, Then: cat(ev(QuotesOpened{ListingID: lid, At: quotesClose}),
				noSale(quotesClose, "no bids", r(alice, 1), r(bob, 2), r(carol, 3)))},
	})
}

// lessee lists the plot again with dave, the sitting lessee, qualified as
// bidder 4; bob (outsider) leads at 110,000.00 when the auction closes.
func lessee(order PriorityOrder) []kernel.Event {
	given := withListing(cat(announced(), bidders(), ev(
		registeredEv(dave, 4, false), depositPaid(dave, 4), qualifiedEv(dave, 4),
		RegistrationClosed{ListingID: lid, Qualified: 4, Outcome: OutcomeAuction, At: annEnds},
		AuctionScheduled{ListingID: lid, OpensAt: opens, FreeBiddingEnds: freeEnds, ClosesAt: closes, At: annEnds},
		BiddingOpened{ListingID: lid, At: opens},
		bid(alice, 1, kernel.Yuan(100_000), 1, opens.Add(time.Minute)),
		bid(bob, 2, kernel.Yuan(110_000), 2, opens.Add(2*time.Minute)),
	)), func(d *Details) { d.Asset.SittingLessee, d.PriorityOrder = dave, order })
	return given
}

func TestSittingLesseePriority(t *testing.T) {
	closedTo := AuctionClosed{ListingID: lid, Bids: 2, Sold: true, WinnerID: bob, WinnerNumber: 2, Price: kernel.Yuan(110_000), At: closes}
	membersWindow := play(t, lessee(MembersFirst), at(closes, CloseAuction{ListingID: lid}))
	lesseeEnds := kernel.Calendar{}.AddWorkingDays(priorityEnds, 1)
	lesseeWindow := play(t, membersWindow, at(priorityEnds, ClosePriorityWindow{ListingID: lid}))
	lesseeFirst := play(t, lessee(LesseeFirst), at(closes, CloseAuction{ListingID: lid}))
	matched := lesseeEnds.Add(-time.Nanosecond)
	run(t, cases{
		{Name: "rule 28: with members first, the members' window opens first", Given: lessee(MembersFirst), Now: closes,
			When: CloseAuction{ListingID: lid}, Then: ev(closedTo, PriorityWindowOpened{ListingID: lid, Right: RightMember, Price: kernel.Yuan(110_000), Ends: priorityEnds, At: closes})},
		{Name: "rule 28: then the sitting lessee's window", Given: membersWindow, Now: priorityEnds,
			When: ClosePriorityWindow{ListingID: lid}, Then: ev(PriorityWindowOpened{ListingID: lid, Right: RightSittingLessee, Price: kernel.Yuan(110_000), Ends: lesseeEnds, At: priorityEnds})},
		{Name: "rule 28: with the lessee first, the lessee's window opens first", Given: lessee(LesseeFirst), Now: closes,
			When: CloseAuction{ListingID: lid}, Then: ev(closedTo, PriorityWindowOpened{ListingID: lid, Right: RightSittingLessee, Price: kernel.Yuan(110_000), Ends: priorityEnds, At: closes})},
		{Name: "rule 28: the sitting lessee matches the winning price in its window", Given: lesseeWindow, Now: matched,
			When: ExerciseLesseePriority{ListingID: lid, BidderID: dave}, Then: ev(
				LesseePriorityExercised{ListingID: lid, BidderID: dave, BidderNumber: 4, Price: kernel.Yuan(110_000), At: matched},
				AwardConfirmed{ListingID: lid, BidderID: dave, BidderNumber: 4, Price: kernel.Yuan(110_000), Via: ViaSittingLessee,
					DepositApplied: deposit, BalanceDue: kernel.Yuan(80_000), PaymentDue: payDue(matched), At: matched},
				released(matched, r(alice, 1), r(bob, 2), r(carol, 3)))},
		{Name: "rule 28: a sitting lessee's late match is refused", Given: lesseeWindow, Now: lesseeEnds,
			When: ExerciseLesseePriority{ListingID: lid, BidderID: dave}, WantCode: CodePriorityWindowClosed},
		{Name: "rule 28: the lessee may not match in the members' window", Given: membersWindow, Now: closes,
			When: ExerciseLesseePriority{ListingID: lid, BidderID: dave}, WantCode: CodePriorityNotOpen},
		{Name: "rule 28: a member may not match in the lessee's window", Given: lesseeFirst, Now: closes,
			When: ExerciseMemberPriority{ListingID: lid, BidderID: carol}, WantCode: CodePriorityNotOpen},
		{Name: "rule 28: only the sitting lessee uses its right", Given: lesseeWindow, Now: priorityEnds,
			When: ExerciseLesseePriority{ListingID: lid, BidderID: alice}, WantCode: CodeNotSittingLessee},
		{Name: "rule 28: a member's win still opens the lessee's window when the lessee ranks first", Given: cat(lessee(LesseeFirst),
			ev(bid(carol, 3, kernel.Yuan(120_000), 3, opens.Add(3*time.Minute)))), Now: closes, When: CloseAuction{ListingID: lid}, Then: ev(
			AuctionClosed{ListingID: lid, Bids: 3, Sold: true, WinnerID: carol, WinnerNumber: 3, Price: kernel.Yuan(120_000), At: closes},
			PriorityWindowOpened{ListingID: lid, Right: RightSittingLessee, Price: kernel.Yuan(120_000), Ends: priorityEnds, At: closes})},
		{Name: "rule 28: the sitting lessee's win opens no window when the lessee ranks first", Given: cat(lessee(LesseeFirst),
			ev(bid(dave, 4, kernel.Yuan(120_000), 3, opens.Add(3*time.Minute)))), Now: closes, When: CloseAuction{ListingID: lid}, Then: ev(
			AuctionClosed{ListingID: lid, Bids: 3, Sold: true, WinnerID: dave, WinnerNumber: 4, Price: kernel.Yuan(120_000), At: closes},
			AwardConfirmed{ListingID: lid, BidderID: dave, BidderNumber: 4, Price: kernel.Yuan(120_000), Via: ViaAuction,
				DepositApplied: deposit, BalanceDue: kernel.Yuan(90_000), PaymentDue: payDue(closes), At: closes},
			released(closes, r(alice, 1), r(bob, 2), r(carol, 3)))},
		{Name: "rule 28: after both windows the winner is confirmed", Given: lesseeWindow, Now: lesseeEnds,
			When: ClosePriorityWindow{ListingID: lid}, Then: ev(
				AwardConfirmed{ListingID: lid, BidderID: bob, BidderNumber: 2, Price: kernel.Yuan(110_000), Via: ViaAuction,
					DepositApplied: deposit, BalanceDue: kernel.Yuan(80_000), PaymentDue: payDue(lesseeEnds), At: lesseeEnds},
				released(lesseeEnds, r(alice, 1), r(carol, 3), r(dave, 4)))},
	})
}

// runnerUp: alice 106,000.00 (above the reserve), bob 110,000.00; the listing
// offers an unpaid lot to the runner-up; carol lets the members' window pass.
func runnerUp(tb testing.TB) []kernel.Event {
	given := withListing(cat(auctionOpen(), ev(
		bid(alice, 1, kernel.Yuan(106_000), 1, opens.Add(time.Minute)),
		bid(bob, 2, kernel.Yuan(110_000), 2, opens.Add(2*time.Minute)),
	)), func(d *Details) { d.Unpaid = UnpaidRunnerUp })
	return play(tb, given, at(closes, CloseAuction{ListingID: lid}), at(priorityEnds, ClosePriorityWindow{ListingID: lid}))
}

func TestUnpaidWinner(t *testing.T) {
	awarded := runnerUp(t)
	due := payDue(priorityEnds)
	if last, ok := awarded[len(awarded)-1].(DepositsReleased); !ok || len(last.Deposits) != 1 || last.Deposits[0].BidderID != carol {
		t.Fatalf("the runner-up's deposit must stay held with the buyer's: %v", awarded[len(awarded)-1])
	}
	offered := play(t, awarded, at(due, ForfeitDeposit{ListingID: lid}))
	dueAgain := payDue(due)
	run(t, cases{
		{Name: "an unpaid lot is offered to the runner-up at its own last bid", Given: awarded, Now: due,
			When: ForfeitDeposit{ListingID: lid}, Then: ev(
				DepositForfeited{ListingID: lid, BidderID: bob, BidderNumber: 2, Amount: deposit, To: ForfeitSeller, At: due},
				AwardConfirmed{ListingID: lid, BidderID: alice, BidderNumber: 1, Price: kernel.Yuan(106_000), Via: ViaRunnerUp,
					DepositApplied: deposit, BalanceDue: kernel.Yuan(76_000), PaymentDue: dueAgain, At: due})},
		{Name: "a runner-up that does not take the offer forfeits nothing", Given: offered, Now: dueAgain,
			When: ForfeitDeposit{ListingID: lid}, Then: ev(ListingUnsold{ListingID: lid, Reason: "the runner-up did not take the offer", At: dueAgain},
				released(dueAgain, r(alice, 1)))},
		{Name: "the runner-up's deposit goes back once the buyer pays", Given: awarded, Now: priorityEnds,
			When: ConfirmPayment{ListingID: lid, Amount: kernel.Yuan(80_000)}, Then: ev(
				PaymentConfirmed{ListingID: lid, BidderID: bob, Amount: kernel.Yuan(80_000), At: priorityEnds}, released(priorityEnds, r(alice, 1)))},
		{Name: "a disposal's forfeited deposit goes to the loans' recovery by default", Given: withListing(awardedToBob(), func(d *Details) {
			d.Seller, d.DisposalOf, d.Asset.Encumbrances = bank, mortgage, []Encumbrance{{RegistrationID: mortgage, SecuredParty: bank}}
		}), Now: payDue(priorityEnds), When: ForfeitDeposit{ListingID: lid}, Then: ev(
			DepositForfeited{ListingID: lid, BidderID: bob, BidderNumber: 2, Amount: deposit, To: ForfeitRecovery, At: due},
			ListingUnsold{ListingID: lid, Reason: "the buyer did not pay in time", At: due})},
		{Name: "a disposal is sold for a total price, not let", When: CreateListing{ListingID: lid, Details: withDetails(func(d *Details) {
			d.Seller, d.DisposalOf, d.Asset.Encumbrances = bank, mortgage, []Encumbrance{{RegistrationID: mortgage, SecuredParty: bank}}
			d.Basis = BasisAnnualRent
		})}, WantCode: kernel.CodeInvalid},
		{Name: "only a disposal's deposit may go to the loans' recovery", When: CreateListing{ListingID: lid,
			Details: withDetails(func(d *Details) { d.ForfeitTo = ForfeitRecovery })}, WantCode: kernel.CodeInvalid},
	})
}
