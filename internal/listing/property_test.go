package listing

import (
	"fmt"
	"reflect"
	"testing"
	"testing/quick"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// step is one move of a random auction script: wait, then either bid or tick
// (send CloseAuction). Amounts are chosen around the current minimum so that
// refusals (below minimum, equal, off the grid) are common.
type step struct {
	Wait   uint16 // seconds, mod 150
	Kind   uint8  // mod 8: 0 tick, 1 off-grid bid, else an on-grid bid
	Bidder uint8  // mod 4: alice, bob, carol (member), dave (not registered)
	Raise  uint8  // mod 6: increments relative to the leader, -1 … +4
}

var scriptBidders = []uuid.UUID{alice, bob, carol, dave}

// checkAuction plays steps from 5 minutes before the timed round and checks the
// auction's properties; it returns the first violation.
func checkAuction(steps []step) error {
	given := auctionOpen()
	s := Decider.Fold(given)
	all := cat(given)
	states, lens := []State{s}, []int{len(all)}
	st := s.Details.Settings
	now := freeEnds.Add(-5 * time.Minute)

	close, closed := s.ClosesAt, false
	var best Bid // oracle: the first bid with the highest amount among bids valid on their own
	apply := func(cmd Command) error {
		evs, err := Decide(s, cmd, now)
		if err != nil && len(evs) > 0 {
			return fmt.Errorf("refused %T emitted events", cmd)
		}
		for i, e := range evs {
			switch e := e.(type) {
			case AuctionExtended: // the close moves only forward, only by the extension rule
				b, ok := evs[i-1].(BidPlaced)
				switch {
				case !ok || !b.At.Equal(e.At):
					return fmt.Errorf("extension without a bid: %+v", e)
				case !e.PreviousClose.Equal(close) || !e.NewClose.Equal(e.At.Add(st.Extension)) || !e.NewClose.After(close):
					return fmt.Errorf("extension %+v from close %s", e, close)
				case e.At.Before(freeEnds) || close.Sub(e.At) >= st.Extension:
					return fmt.Errorf("extension outside the last %s of the timed round: %+v", st.Extension, e)
				}
				close = e.NewClose
			case BidPlaced: // every bid in the last minutes of the timed round extends
				wantExt := !e.At.Before(freeEnds) && close.Sub(e.At) < st.Extension
				if gotExt := i+1 < len(evs) && reflect.TypeOf(evs[i+1]) == reflect.TypeOf(AuctionExtended{}); gotExt != wantExt {
					return fmt.Errorf("bid at %s with close %s: extended %v, want %v", e.At, close, gotExt, wantExt)
				}
			case AuctionClosed:
				if now.Before(close) {
					return fmt.Errorf("closed at %s before the close %s", now, close)
				}
				closed = true
				sold := best.Amount >= s.ReservePrice && best.Amount > 0
				if e.Sold != sold || (sold && (e.WinnerID != best.BidderID || e.Price != best.Amount)) {
					return fmt.Errorf("closed %+v, oracle's best %+v", e, best)
				}
			}
			s = Evolve(s, e)
			all = append(all, e)
		}
		if _, ok := cmd.(CloseAuction); ok && err != nil && !closed && !now.Before(close) {
			return fmt.Errorf("close refused when due: %v", err)
		}
		states, lens = append(states, s), append(lens, len(all))
		return nil
	}

	for _, sp := range steps {
		now = now.Add(time.Duration(sp.Wait%150) * time.Second)
		if sp.Kind%8 == 0 {
			if err := apply(CloseAuction{ListingID: lid}); err != nil {
				return err
			}
			continue
		}
		base := s.Details.StartingPrice
		if s.BidCount > 0 {
			base = s.Leader.Amount
		}
		amount := base + kernel.Money(int(sp.Raise%6)-1)*increment
		if sp.Kind%8 == 1 {
			amount += increment / 3
		}
		who := scriptBidders[sp.Bidder%4]
		onOwn := who != dave && !closed && now.Before(close) && amount >= s.Details.StartingPrice &&
			(amount-s.Details.StartingPrice)%increment == 0
		if onOwn && amount > best.Amount {
			best = Bid{BidderID: who, Amount: amount, At: now}
		}
		if err := apply(PlaceBid{ListingID: lid, BidderID: who, Amount: amount}); err != nil {
			return err
		}
	}
	if !closed {
		now = close
		if err := apply(CloseAuction{ListingID: lid}); err != nil {
			return err
		}
		if !closed {
			return fmt.Errorf("the auction did not close at %s", close)
		}
	}
	// The leader is the oracle's best bid.
	if s.BidCount > 0 && (s.Leader.BidderID != best.BidderID || s.Leader.Amount != best.Amount || !s.Leader.At.Equal(best.At)) {
		return fmt.Errorf("leader %+v, oracle's best %+v", s.Leader, best)
	}
	// Replaying the events rebuilds every intermediate state: Evolve never
	// changes an earlier state behind its back.
	for i, st := range states {
		if re := Decider.Fold(all[:lens[i]]); !reflect.DeepEqual(re, st) {
			return fmt.Errorf("replaying %d events gives a different state", lens[i])
		}
	}
	return nil
}

func TestAuctionProperties(t *testing.T) {
	prop := func(steps []step) bool {
		if err := checkAuction(steps); err != nil {
			t.Log(err)
			return false
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 400}); err != nil {
		t.Fatal(err)
	}
}

// FuzzAuction runs the same properties on scripts decoded from fuzzer bytes
// (4 bytes a step); `go test` runs the seeds, `go test -fuzz FuzzAuction` explores.
func FuzzAuction(f *testing.F) {
	f.Add([]byte{60, 2, 0, 1, 60, 3, 1, 2, 200, 4, 2, 1, 0, 0, 0, 0})
	f.Add([]byte{255, 5, 1, 5, 40, 6, 0, 2, 40, 7, 1, 2, 40, 2, 2, 2, 30, 3, 0, 1, 250, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		var steps []step
		for ; len(b) >= 4 && len(steps) < 200; b = b[4:] {
			steps = append(steps, step{Wait: uint16(b[0]), Kind: b[1], Bidder: b[2], Raise: b[3]})
		}
		if err := checkAuction(steps); err != nil {
			t.Fatal(err)
		}
	})
}

// BenchmarkPlaceBid shows that deciding a bid costs the same after 10 or
// 10 000 earlier bids: the state keeps the leader, not the list.
func BenchmarkPlaceBid(b *testing.B) {
	for _, prior := range []int{10, 10_000} {
		b.Run(fmt.Sprintf("prior=%d", prior), func(b *testing.B) {
			es := auctionOpen()
			for i := range prior {
				es = append(es, bid(scriptBidders[i%3], i%3+1, listed+kernel.Money(i)*increment, i+1, opens))
			}
			s := Decider.Fold(es)
			cmd := PlaceBid{ListingID: lid, BidderID: alice, Amount: s.Leader.Amount + increment}
			b.ResetTimer()
			for range b.N {
				if _, err := Decide(s, cmd, opens.Add(time.Minute)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// quoteStep is one move of a random sealed-quote script: wait, then a bidder
// quotes an amount around the reserve (some below the starting price).
type quoteStep struct {
	Wait   uint16 // minutes, mod 90: the 6-hour window closes after about 8 steps
	Bidder uint8  // mod 4: alice, bob, carol (member), dave (not registered)
	Amount uint8  // mod 9: the reserve −4 … +4 thousand yuan
}

// checkSealed plays a sealed-quote script and closes at the deadline: the
// winner must be the highest final quote at or above the reserve, the earlier
// final quote on ties; every final quote is published; replaying the events
// rebuilds every state.
func checkSealed(revisable bool, steps []quoteStep) error {
	given := withListing(sealed(revisable), func(d *Details) {
		d.Method, d.Revisable, d.StartingPrice, d.ListedPrice = MethodSealed, revisable, reserve-kernel.Yuan(3_000), reserve-kernel.Yuan(3_000)
	})
	s := Decider.Fold(given)
	all := cat(given)
	states, lens := []State{s}, []int{len(all)}
	type final struct {
		amount kernel.Money
		at     time.Time
		order  int
	}
	finals := map[uuid.UUID]final{} // the oracle's own record of accepted quotes
	now, order := opens, 0
	apply := func(cmd Command) ([]kernel.Event, error) {
		evs, err := Decide(s, cmd, now)
		if err != nil && len(evs) > 0 {
			return nil, fmt.Errorf("refused %T emitted events", cmd)
		}
		for _, e := range evs {
			s = Evolve(s, e)
			all = append(all, e)
		}
		states, lens = append(states, s), append(lens, len(all))
		return evs, nil
	}
	for _, sp := range steps {
		now = now.Add(time.Duration(sp.Wait%90) * time.Minute)
		who := scriptBidders[sp.Bidder%4]
		amount := reserve + kernel.Money(int(sp.Amount%9)-4)*kernel.Yuan(1_000)
		_, had := finals[who]
		valid := who != dave && now.Before(quotesClose) && amount >= s.Details.StartingPrice && (revisable || !had)
		evs, err := apply(SubmitQuote{ListingID: lid, BidderID: who, Amount: amount})
		if err != nil {
			return err
		}
		if valid != (len(evs) > 0) {
			return fmt.Errorf("quote %s by %s at %s: taken %v, want %v", amount, who, now, len(evs) > 0, valid)
		}
		if valid {
			order++
			finals[who] = final{amount, now, order}
		}
	}
	if now.Before(quotesClose) {
		now = quotesClose
	}
	evs, err := apply(CloseAuction{ListingID: lid})
	if err != nil {
		return err
	}
	var want uuid.UUID
	for id, f := range finals {
		best, ok := finals[want]
		if f.amount >= reserve && (!ok || f.amount > best.amount || (f.amount == best.amount && (f.at.Before(best.at) || f.at.Equal(best.at) && f.order < best.order))) {
			want = id
		}
	}
	var opened QuotesOpened
	var closed AuctionClosed
	for _, e := range evs {
		switch e := e.(type) {
		case QuotesOpened:
			opened = e
		case AuctionClosed:
			closed = e
		}
	}
	if len(opened.Quotes) != len(finals) {
		return fmt.Errorf("published %d quotes, %d bidders quoted", len(opened.Quotes), len(finals))
	}
	for _, q := range opened.Quotes {
		if f := finals[q.BidderID]; f.amount != q.Amount || !f.at.Equal(q.SubmittedAt) {
			return fmt.Errorf("published %+v, final quote %+v", q, f)
		}
	}
	if closed.Sold != (want != uuid.Nil) || closed.WinnerID != want || (want != uuid.Nil && closed.Price != finals[want].amount) {
		return fmt.Errorf("closed %+v, oracle's winner %s with %+v", closed, want, finals[want])
	}
	for i, st := range states {
		if re := Decider.Fold(all[:lens[i]]); !reflect.DeepEqual(re, st) {
			return fmt.Errorf("replaying %d events gives a different state", lens[i])
		}
	}
	return nil
}

func TestSealedQuoteProperties(t *testing.T) {
	prop := func(revisable bool, steps []quoteStep) bool {
		if err := checkSealed(revisable, steps); err != nil {
			t.Log(err)
			return false
		}
		return true
	}
	if err := quick.Check(prop, &quick.Config{MaxCount: 400}); err != nil {
		t.Fatal(err)
	}
}
