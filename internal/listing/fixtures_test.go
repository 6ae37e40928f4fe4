package listing

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// The story: the collective lists a 120-mu plot on Monday 2 March 2026, 10:00
// Shanghai; the exchange approves it at once; the announcement runs 7 working
// days to Wednesday 11 March; bidding opens on Friday 13 March, 10:00 Shanghai.
var (
	lid       = uuid.MustParse("00000000-0000-0000-0000-0000000000a1")
	coll      = uuid.MustParse("00000000-0000-0000-0000-0000000000c1")
	plot      = uuid.MustParse("00000000-0000-0000-0000-0000000000f1")
	bank      = uuid.MustParse("00000000-0000-0000-0000-0000000000b9")
	mortgage  = uuid.MustParse("00000000-0000-0000-0000-0000000000e1")
	contract  = uuid.MustParse("00000000-0000-0000-0000-0000000000d1")
	alice     = uuid.MustParse("00000000-0000-0000-0000-000000000011") // outsider
	bob       = uuid.MustParse("00000000-0000-0000-0000-000000000012") // outsider
	carol     = uuid.MustParse("00000000-0000-0000-0000-000000000013") // member of the collective
	dave      = uuid.MustParse("00000000-0000-0000-0000-000000000014") // never registers
	t0        = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)
	annEnds   = time.Date(2026, 3, 11, 15, 59, 59, 999999999, time.UTC) // end of Wed 11 March, Shanghai
	opens     = time.Date(2026, 3, 13, 2, 0, 0, 0, time.UTC)
	freeEnds  = opens.Add(30 * time.Minute)
	closes    = freeEnds.Add(5 * time.Minute)
	reserve   = kernel.Money(10_512_300) // distinctive, so a leak is easy to find
	listed    = kernel.Yuan(100_000)
	increment = kernel.Yuan(1_000)
	deposit   = kernel.Yuan(30_000)
)

func details() Details {
	return Details{
		Title:       "120 mu of irrigated farmland, Dongguan village",
		Description: "Flat, irrigated, next to the county road.",
		Seller:      coll,
		Asset: AssetFacts{
			AssetIDs:         []uuid.UUID{plot},
			Type:             kernel.AssetLandManagementRight,
			OwningCollective: coll,
			Region:           Region{Province: "Shandong", County: "Shouguang", Township: "Daotian", Village: "Dongguan"},
			Area:             12000,
			RightsEnd:        time.Date(2038, 12, 31, 0, 0, 0, 0, time.UTC),
		},
		ListedPrice:   listed,
		StartingPrice: listed,
		Increment:     increment,
		TermMonths:    60,
		Settings:      DefaultSettings(),
	}
}

func cat(lists ...[]kernel.Event) []kernel.Event { return slices.Concat(lists...) }

func ev(es ...kernel.Event) []kernel.Event { return es }

func created() []kernel.Event {
	return ev(ListingCreated{ListingID: lid, Details: details(), At: t0},
		ReservePriceSet{ListingID: lid, ReservePrice: reserve, At: t0})
}

var resolution = Resolution{Body: "villagers' assembly", VotesFor: 40, Total: 60, Date: t0.AddDate(0, 0, -3)}

func submitted() []kernel.Event {
	return cat(created(), ev(ListingSubmitted{ListingID: lid, Resolution: resolution, At: t0}))
}

func announced() []kernel.Event {
	return cat(submitted(), ev(ListingApproved{ListingID: lid, AnnouncementEnds: annEnds, BiddingOpensAt: opens, At: t0}))
}

// registeredEv is a bidder's registration with number n, at day 1 of the announcement.
func registeredEv(id uuid.UUID, n int, member bool) kernel.Event {
	return BidderRegistered{ListingID: lid, BidderID: id, BidderNumber: n, IsMember: member, DepositDue: deposit, At: t0.Add(time.Hour)}
}

func depositPaid(id uuid.UUID, n int) kernel.Event {
	return DepositConfirmed{ListingID: lid, BidderID: id, BidderNumber: n, Amount: deposit, At: t0.Add(2 * time.Hour)}
}

func qualifiedEv(id uuid.UUID, n int) kernel.Event {
	return BidderQualified{ListingID: lid, BidderID: id, BidderNumber: n, At: t0.Add(3 * time.Hour)}
}

// bidders registers, pays and qualifies alice (1), bob (2) and carol (3, member).
func bidders() []kernel.Event {
	return ev(
		registeredEv(alice, 1, false), depositPaid(alice, 1), qualifiedEv(alice, 1),
		registeredEv(bob, 2, false), depositPaid(bob, 2), qualifiedEv(bob, 2),
		registeredEv(carol, 3, true), depositPaid(carol, 3), qualifiedEv(carol, 3),
	)
}

func auctionOpen() []kernel.Event {
	return cat(announced(), bidders(), ev(
		RegistrationClosed{ListingID: lid, Qualified: 3, Outcome: OutcomeAuction, At: annEnds},
		AuctionScheduled{ListingID: lid, OpensAt: opens, FreeBiddingEnds: freeEnds, ClosesAt: closes, At: annEnds},
		BiddingOpened{ListingID: lid, At: opens},
	))
}

func bid(id uuid.UUID, n int, amount kernel.Money, seq int, at time.Time) BidPlaced {
	return BidPlaced{ListingID: lid, BidderID: id, BidderNumber: n, Amount: amount, Seq: seq, At: at}
}

// twoBids: alice bids the starting price, bob one increment more, both in the free period.
func twoBids() []kernel.Event {
	return cat(auctionOpen(), ev(
		bid(alice, 1, kernel.Yuan(100_000), 1, opens.Add(time.Minute)),
		bid(bob, 2, kernel.Yuan(110_000), 2, opens.Add(2*time.Minute)),
	))
}

func refundDue(at time.Time) time.Time { return kernel.Calendar{}.AddWorkingDays(at, 7) }

func payDue(at time.Time) time.Time { return kernel.Calendar{}.AddWorkingDays(at, 3) }

func registry() *kernel.Registry {
	r := kernel.NewRegistry()
	RegisterEvents(r)
	return r
}

// released is the release of the given deposits at at.
func released(at time.Time, bs ...ReleasedDeposit) DepositsReleased {
	return DepositsReleased{ListingID: lid, Deposits: bs, Due: refundDue(at), At: at}
}

// r is a released deposit of bidder n.
func r(id uuid.UUID, n int) ReleasedDeposit {
	return ReleasedDeposit{BidderID: id, BidderNumber: n, Amount: deposit}
}
