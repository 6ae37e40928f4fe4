package listingview

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/procstat"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/assetview"
	"github.com/nongjiao/nongjiao/internal/readmodel/coopview"
	"github.com/nongjiao/nongjiao/internal/readmodel/creditview"
	"github.com/nongjiao/nongjiao/internal/readmodel/demandview"
	"github.com/nongjiao/nongjiao/internal/readmodel/partyview"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
)

// board fills db with n listings: 8 statuses, 8 asset types, 50 counties of
// 10 townships, prices from 10,000 to 1,000,000 yuan, one in 1,000 titled with
// 苹果园; the announced ones close over the next 60 days.
func board(tb testing.TB, db *readmodel.DB, n int) {
	tb.Helper()
	ctx := context.Background()
	if _, err := readmodel.NewProjector(ctx, db, kernel.NewRegistry(), Projections()...); err != nil { // creates the tables
		tb.Fatal(err)
	}
	types := kernel.AssetTypes()[:8]
	const batch = 5000
	for start := 0; start < n; start += batch {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			tb.Fatal(err)
		}
		for i := start; i < min(start+batch, n); i++ {
			id := uuid.New()
			at := t0.Add(time.Duration(i) * time.Second)
			title := fmt.Sprintf("%d号地块经营权流转", i)
			if i%1000 == 0 {
				title = fmt.Sprintf("王家庄苹果园土地经营权流转 %d", i)
			}
			evs := []kernel.Event{listing.ListingCreated{ListingID: id, At: at, Details: listing.Details{
				Title: title, Description: "水电到田，交通便利", Seller: uuid.New(),
				Asset: listing.AssetFacts{AssetIDs: []uuid.UUID{uuid.New()}, Type: types[i%8],
					Region: listing.Region{Province: "山东省", County: fmt.Sprintf("县%d", i%50), Township: fmt.Sprintf("镇%d", i%500), Village: fmt.Sprintf("村%d", i%5000)},
					Area:   kernel.Area(1000 + i%10000)},
				ListedPrice: kernel.Yuan(int64(10_000 + (i*7919)%990_000)), StartingPrice: kernel.Yuan(int64(10_000 + (i*7919)%990_000)),
				Increment: kernel.Yuan(100), TermMonths: 60,
			}}}
			if i%8 != 0 { // 7 in 8 announced
				ends := at.Add(time.Duration(i%(60*24)) * time.Hour)
				evs = append(evs, listing.ListingApproved{ListingID: id, AnnouncementEnds: ends, BiddingOpensAt: ends.Add(time.Hour), At: at})
			}
			for _, e := range evs {
				if err := (listingProjection{}).Apply(ctx, tx, readmodel.Envelope{Event: e}); err != nil {
					tb.Fatal(err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, "ANALYZE"); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkListings is one page of 20 (21 rows read) over 100,000 listings,
// per query shape, on SQLite and on PostgreSQL.
// go test -run X -bench Listings ./internal/readmodel/listingview/
func BenchmarkListings(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		db, err := readmodel.OpenSQLite(b.TempDir())
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		benchmarkBoard(b, db)
	})
	b.Run("postgres", func(b *testing.B) { benchmarkBoard(b, rmtest.Postgres(b)) })
}

func benchmarkBoard(b *testing.B, db *readmodel.DB) {
	board(b, db, 100_000)
	ctx := context.Background()
	announced := []listing.Status{listing.StatusAnnounced}
	for _, bc := range []struct {
		name string
		f    Filter
		s    Sort
	}{
		{"newest", Filter{}, SortCreatedDesc},
		{"status/closing", Filter{Statuses: announced}, SortClosingAsc},
		{"status+county/price", Filter{Statuses: announced, County: "县7"}, SortPriceAsc},
		{"type+price range/closing", Filter{AssetTypes: []kernel.AssetType{kernel.AssetForestRight}, MinPrice: kernel.Yuan(100_000), MaxPrice: kernel.Yuan(200_000)}, SortClosingAsc},
		{"text 苹果园/newest", Filter{Text: "苹果园"}, SortCreatedDesc},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				res, err := Listings(ctx, db, bc.f, bc.s, readmodel.Page{First: 20})
				if err != nil || len(res.Rows) == 0 {
					b.Fatal(len(res.Rows), err)
				}
			}
		})
	}
	b.Run("count status", func(b *testing.B) {
		for b.Loop() {
			if _, err := CountListings(ctx, db, Filter{Statuses: announced}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// auctionHistory stores, in a new memstore, the events of n listings taken
// through the real decider as the load test does: created, submitted,
// approved, bidders (at most 4) qualified, the auction opened, then bids on
// listings picked in turn, bids in all.
func auctionHistory(tb testing.TB, reg *kernel.Registry, n, bidders, bids int) eventstore.Store {
	tb.Helper()
	ctx := context.Background()
	store := memstore.New(kernel.SystemClock{})
	states := map[uuid.UUID]listing.State{}
	do := func(cmd listing.Command, at time.Time) {
		id := cmd.AggregateID()
		evs, err := listing.Decide(states[id], cmd, at)
		if err != nil {
			tb.Fatalf("%T: %v", cmd, err)
		}
		data := make([]eventstore.EventData, len(evs))
		for i, e := range evs {
			typ, b, err := reg.Encode(e)
			if err != nil {
				tb.Fatal(err)
			}
			data[i] = eventstore.EventData{ID: uuid.New(), Type: typ, Data: b}
			states[id] = listing.Evolve(states[id], e)
		}
		if _, err := store.Append(ctx, kernel.StreamName("listing", id), eventstore.Any, data...); err != nil {
			tb.Fatal(err)
		}
	}
	seller, everyBidder := uuid.New(), []uuid.UUID{uuid.New(), uuid.New(), uuid.New(), uuid.New()}
	ids := make([]uuid.UUID, n)
	registered := everyBidder[:bidders]
	var opens time.Time
	for i := range ids {
		ids[i] = uuid.New()
		id := ids[i]
		do(listing.CreateListing{ListingID: id, ReservePrice: kernel.Yuan(100_000), Details: listing.Details{
			Title: fmt.Sprintf("王家庄%d号苹果园土地经营权流转", i), Description: "平整水浇地，临县道，适合设施农业。", Seller: seller,
			Asset: listing.AssetFacts{AssetIDs: []uuid.UUID{uuid.New()}, Type: kernel.AssetLandManagementRight, OwningCollective: seller,
				Region: listing.Region{Province: "山东省", County: "寿光市", Township: fmt.Sprintf("镇%d", i%4), Village: fmt.Sprintf("%d村", i%300)}, Area: 12000},
			ListedPrice: kernel.Yuan(100_000), StartingPrice: kernel.Yuan(100_000), Increment: kernel.Yuan(100), TermMonths: 60,
			Settings: listing.DefaultSettings(),
		}}, t0)
		do(listing.SubmitListing{ListingID: id, Resolution: listing.Resolution{Body: "村民代表会议", VotesFor: 20, Total: 30, Date: t0}}, t0)
		ends := kernel.Calendar{}.AddWorkingDays(t0, 7)
		do(listing.ReviewListing{ListingID: id, Approve: true, AnnouncementEnds: ends, BiddingOpensAt: ends.Add(time.Hour)}, t0)
		for _, b := range registered {
			do(listing.RegisterBidder{ListingID: id, BidderID: b}, t0.Add(time.Hour))
			do(listing.ConfirmDeposit{ListingID: id, BidderID: b, Amount: kernel.Yuan(30_000)}, t0.Add(2*time.Hour))
			do(listing.QualifyBidder{ListingID: id, BidderID: b, Qualified: true}, t0.Add(3*time.Hour))
		}
		do(listing.CloseRegistration{ListingID: id}, ends)
		opens = states[id].OpensAt
	}
	for k := range bids {
		id := ids[k%n]
		do(listing.PlaceBid{ListingID: id, BidderID: registered[k%len(registered)], Amount: kernel.Yuan(100_000) + kernel.Money(k/n)*kernel.Yuan(100)},
			opens.Add(time.Minute))
	}
	return store
}

// recorded returns the events of auctionHistory(n, bids) as the store
// recorded them, the store and the registry that decodes them.
func recorded(b *testing.B, n, bids int) (*kernel.Registry, eventstore.Store, []eventstore.RecordedEvent) {
	reg := kernel.NewRegistry()
	listing.RegisterEvents(reg)
	store := auctionHistory(b, reg, n, 4, bids)
	recs, err := store.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	return reg, store, recs
}

// openProjector returns a projector of projs (the listing board when none)
// over a new embedded database, closed when b ends.
func openProjector(b *testing.B, reg *kernel.Registry, projs ...readmodel.Projection) *readmodel.Projector {
	db, err := readmodel.OpenSQLite(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if len(projs) == 0 {
		projs = Projections()
	}
	p, err := readmodel.NewProjector(context.Background(), db, reg, projs...)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkProject applies the events of 2,000 auctions (38,000 events, then
// 20,000 bids: 58,000) to the embedded read models: "live" in the projector's
// transactions of 16 events (what a loaded live projector commits at a
// time), "replay" as one rebuild. It reports events/s, the process's CPU
// time per event and the bytes written to the device per event (SQLite's
// WAL and its checkpoints).
// go test -run X -bench Project -benchtime 1x ./internal/readmodel/listingview/
func BenchmarkProject(b *testing.B) {
	reg, store, recs := recorded(b, 2000, 20_000)
	ctx := context.Background()
	// measure runs apply on a new projector per iteration and reports
	// events/s and bytes written per event.
	measure := func(b *testing.B, apply func(p *readmodel.Projector) int) {
		events, written, cpu := 0, int64(0), time.Duration(0)
		for b.Loop() {
			b.StopTimer()
			p := openProjector(b, reg)
			w0, c0 := procstat.WrittenBytes(), procstat.CPUTime()
			b.StartTimer()
			events += apply(p)
			written += procstat.WrittenBytes() - w0
			cpu += procstat.CPUTime() - c0
		}
		b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(events), "cpu-ns/event")
		if procstat.WrittenBytes() >= 0 {
			b.ReportMetric(float64(written)/float64(events), "written-B/event")
		}
	}
	b.Run("live", func(b *testing.B) {
		measure(b, func(p *readmodel.Projector) int {
			const bs = 16
			for i := 0; i < len(recs); i += bs {
				if err := p.Apply(ctx, recs[i:min(i+bs, len(recs))]...); err != nil {
					b.Fatal(err)
				}
			}
			return len(recs)
		})
	})
	b.Run("replay", func(b *testing.B) {
		measure(b, func(p *readmodel.Projector) int {
			n, err := p.Replay(ctx, store, 1024)
			if err != nil {
				b.Fatal(err)
			}
			return n
		})
	})
}

// BenchmarkReplay rebuilds every projection the server runs from the load
// test's kind of history: 10,000 listings with two qualified bidders each
// and their auctions opened (130,000 events), then 20,000 bids on 1,000 of
// them. It reports events/s, the process's CPU time per event and the Go
// heap's peak over the rebuild.
// go test -run X -bench 'Replay$' -benchtime 1x ./internal/readmodel/listingview/
func BenchmarkReplay(b *testing.B) {
	reg := kernel.NewRegistry()
	listing.RegisterEvents(reg)
	store := auctionHistory(b, reg, 10_000, 2, 0)
	bids := auctionHistory(b, reg, 1_000, 4, 20_000)
	recs, err := bids.ReadAll(context.Background(), 0, 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	for _, r := range recs {
		if _, err := store.Append(context.Background(), r.Stream, eventstore.Any, eventstore.EventData{ID: r.ID, Type: r.Type, Data: r.Data}); err != nil {
			b.Fatal(err)
		}
	}
	var projs []readmodel.Projection
	for _, area := range [][]readmodel.Projection{assetview.Projections(), Projections(), coopview.Projections(),
		creditview.Projections(), demandview.Projections(), partyview.Projections()} {
		projs = append(projs, area...)
	}
	events, peak, cpu := 0, uint64(0), time.Duration(0)
	for b.Loop() {
		b.StopTimer()
		p := openProjector(b, reg, projs...)
		runtime.GC()
		stop, sampled := make(chan struct{}), make(chan struct{})
		go func() { // the heap's peak, sampled until stop closes
			defer close(sampled)
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
				select {
				case <-stop:
					return
				case <-time.After(10 * time.Millisecond):
				}
			}
		}()
		c0 := procstat.CPUTime()
		b.StartTimer()
		n, err := p.Replay(context.Background(), store, 1024)
		b.StopTimer()
		cpu += procstat.CPUTime() - c0
		close(stop)
		<-sampled
		if err != nil {
			b.Fatal(err)
		}
		events += n
		b.StartTimer()
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(peak>>20), "peak-heap-MiB")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(events), "cpu-ns/event")
}

// BenchmarkProjectStream feeds the events of 200 auctions (5,200) and
// 2,000 bids to a running projector (ApplyQueued) at a steady 500 events/s,
// as the live feed does, with nobody waiting for them, and reports the bytes
// written per event and the projection lag: from an event's Enqueue to the
// projector's Position reaching it. It runs once with the projector
// committing whatever has arrived (linger=0) and once gathering events for
// DefaultLinger.
// go test -run X -bench ProjectStream -benchtime 1x ./internal/readmodel/listingview/
func BenchmarkProjectStream(b *testing.B) {
	reg, _, recs := recorded(b, 200, 2_000)
	const every = 2 * time.Millisecond
	for _, linger := range []time.Duration{0, readmodel.DefaultLinger} {
		b.Run(fmt.Sprintf("linger=%v", linger), func(b *testing.B) {
			projectStream(b, reg, recs, linger, every)
		})
	}
}

// projectStream is BenchmarkProjectStream with the projector's Linger.
func projectStream(b *testing.B, reg *kernel.Registry, recs []eventstore.RecordedEvent, linger, every time.Duration) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		p := openProjector(b, reg)
		p.Linger = linger
		runCtx, stop := context.WithCancel(ctx)
		go p.ApplyQueued(runCtx)
		lags := make([]time.Duration, len(recs))
		done := make(chan struct{})
		go func() { // one lag per event: Position reaching it
			defer close(done)
			for i, r := range recs {
				if err := p.Observe(ctx, r.Position); err != nil {
					b.Error(err)
					return
				}
				lags[i] = time.Duration(time.Now().UnixNano()) - lags[i]
			}
		}()
		w0 := procstat.WrittenBytes()
		b.StartTimer()
		next := time.Now()
		for i, r := range recs {
			time.Sleep(time.Until(next))
			next = next.Add(every)
			lags[i] = time.Duration(time.Now().UnixNano())
			if err := p.Enqueue(ctx, r); err != nil {
				b.Fatal(err)
			}
		}
		<-done
		b.StopTimer()
		written := procstat.WrittenBytes() - w0
		stop()
		slices.Sort(lags)
		b.ReportMetric(float64(written)/float64(len(recs)), "written-B/event")
		b.ReportMetric(float64(lags[len(lags)/2].Microseconds())/1000, "lag-p50-ms")
		b.ReportMetric(float64(lags[len(lags)*99/100].Microseconds())/1000, "lag-p99-ms")
		b.StartTimer()
	}
}

// BenchmarkDecode decodes the events of 2,000 auctions and 4,000 bids, as
// every consumer of the log does, with the registry's decoder and with
// encoding/json into the same types, and reports each one's time an event.
// go test -run X -bench 'Decode$' ./internal/readmodel/listingview/
func BenchmarkDecode(b *testing.B) {
	reg, _, recs := recorded(b, 2_000, 4_000)
	types := map[string]reflect.Type{}
	for _, r := range recs {
		e, err := reg.Decode(r.Type, r.Data)
		if err != nil {
			b.Fatal(err)
		}
		types[r.Type] = reflect.TypeOf(e)
	}
	for _, c := range []struct {
		name   string
		decode func(eventstore.RecordedEvent) error
	}{
		{"registry", func(r eventstore.RecordedEvent) error { _, err := reg.Decode(r.Type, r.Data); return err }},
		{"encoding-json", func(r eventstore.RecordedEvent) error {
			return json.Unmarshal(r.Data, reflect.New(types[r.Type]).Interface())
		}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				for _, r := range recs {
					if err := c.decode(r); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(recs)), "ns/event")
		})
	}
}
