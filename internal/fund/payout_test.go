package fund_test

import (
	"math/big"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/fund"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// TestPayoutIsTheShareRoundedDown is the payout's property test: for any net
// loss and share, the payout p satisfies p × 10000 ≤ loss × share < (p+1) × 10000,
// checked in exact big-integer arithmetic.
func TestPayoutIsTheShareRoundedDown(t *testing.T) {
	rng := rand.New(rand.NewPCG(2015, 20))
	for range 20000 {
		loss := kernel.Money(rng.Int64N(1 << 50))
		if rng.IntN(4) == 0 {
			loss = kernel.Money(rng.Int64N(100000))
		}
		share := 1 + rng.IntN(10000)
		p := fund.Payout(loss, share)
		exact := new(big.Int).Mul(big.NewInt(int64(loss)), big.NewInt(int64(share)))
		low := new(big.Int).Mul(big.NewInt(int64(p)), big.NewInt(10000))
		high := new(big.Int).Add(low, big.NewInt(10000))
		if low.Cmp(exact) > 0 || exact.Cmp(high) >= 0 {
			t.Fatalf("Payout(%d, %d) = %d, not floor(%d × %d / 10000)", loss, share, p, loss, share)
		}
	}
	if got := fund.Payout(-5, 2000); got != 0 {
		t.Errorf("a negative loss pays %d", got)
	}
	if got := fund.Payout(kernel.Yuan(1000), 2000); got != kernel.Yuan(200) {
		t.Errorf("20 %% of 1000 yuan is %s", got)
	}
}

// TestCapitalNeverGoesNegative drives a small fund with random claims, advances
// and purchases: whatever is accepted, the capital stays non-negative and equals
// what came in minus what went out, and the stored history replays to the same state.
func TestCapitalNeverGoesNegative(t *testing.T) {
	rng := rand.New(rand.NewPCG(24, 24))
	for range 200 {
		all := history(small)
		s := fund.Decider.Fold(all)
		in, out := small.Settings.InitialCapital, kernel.Money(0)
		for range 30 {
			id := newID(rng)
			amount := kernel.Money(1 + rng.Int64N(int64(kernel.Yuan(600))))
			var cmds []fund.Command
			switch rng.IntN(3) {
			case 0:
				l := loan
				l.LoanID, l.PrincipalOutstanding, l.PrincipalRecovered = newID(rng), 5*amount, 0
				cmds = []fund.Command{
					fund.FileFundClaim{FundID: fundID, ClaimID: id, By: bank, Loan: l},
					fund.ApproveFundClaim{FundID: fundID, ClaimID: id, By: operator},
					fund.PayFundClaim{FundID: fundID, ClaimID: id, By: operator},
				}
			case 1:
				cmds = []fund.Command{fund.AdvanceRent{FundID: fundID, AdvanceID: id, By: operator, Amount: amount,
					Contract: fund.RentContract{ContractID: contractID, Transferor: farmer, Transferee: tenant, InForce: true, Arrears: amount}}}
			default:
				l := loan
				l.AssetID, l.CollateralInForce = newID(rng), true
				cmds = []fund.Command{fund.BuyCollateral{FundID: fundID, PurchaseID: id, By: operator, Loan: l,
					Unsold: []fund.DisposalStage{fund.StageListing, fund.StageNegotiated}, Price: amount}}
			}
			for _, c := range cmds {
				events, err := fund.Decide(s, c, t0)
				if err != nil {
					if code := kernel.ErrorCode(err); code != fund.CodeInsufficientCapital {
						t.Fatalf("%T refused with %v", c, err)
					}
					break
				}
				for _, e := range events {
					switch e := e.(type) {
					case fund.FundClaimPaid:
						out += e.Amount
					case fund.RentAdvanced:
						out += e.Amount
					case fund.CollateralBought:
						out += e.Price
					}
					s = fund.Evolve(s, e)
				}
				all = append(all, events...)
			}
			if s.Capital < 0 || s.Capital != in-out {
				t.Fatalf("capital %s, want %s", s.Capital, in-out)
			}
		}
		if replayed := fund.Decider.Fold(stored(t, all)); !reflect.DeepEqual(replayed, s) {
			t.Fatalf("replay differs\n got: %+v\nwant: %+v", replayed, s)
		}
	}
}

// stored returns the events as read back from the registry's JSON.
func stored(t *testing.T, events []kernel.Event) []kernel.Event {
	t.Helper()
	reg := registry()
	out := make([]kernel.Event, len(events))
	for k, e := range events {
		typ, data, err := reg.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		if out[k], err = reg.Decode(typ, data); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func newID(rng *rand.Rand) uuid.UUID {
	var id uuid.UUID
	for k := range id {
		id[k] = byte(rng.UintN(256))
	}
	return id
}
