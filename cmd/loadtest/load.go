package main

import (
	"context"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/valyala/fasthttp"
	"golang.org/x/sync/errgroup"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/httpapi"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/listing"
	"github.com/nongjiao/nongjiao/internal/messaging"
	"github.com/nongjiao/nongjiao/internal/party"
	"github.com/nongjiao/nongjiao/internal/procstat"
	"github.com/nongjiao/nongjiao/internal/server"
)

// The GraphQL operations under load.
const (
	placeBidOp = `mutation($input: PlaceBidInput!) { placeBid(input: $input) { position } }`
	listingsOp = `query { listings(filter: {status: [AUCTION_OPEN], county: "寿光市", township: "稻田镇"}, first: 20) {
		edges { cursor node { id title status assetType region { county township village } listedPrice highestBid bidCount closingAt } }
		pageInfo { hasNextPage endCursor } } }`
)

var (
	seedStart = time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC) // a Monday, 09:00 Shanghai
	exchange  = uuid.NewSHA1(uuid.NameSpaceOID, []byte("loadtest/exchange"))
	start     = kernel.Yuan(100_000)
	increment = kernel.Yuan(100)
)

type load struct {
	cfg                        config
	s                          *server.Server
	clock                      *kernel.ManualClock
	url, plainURL, uncachedURL string
	written                    int64    // procstat.WrittenBytes when the server had opened
	phase                      progress // when the current bid load began
	device                     int64    // procstat.DeviceWrittenBytes of the data directory then
	after, head                uint64   // caughtUp's place in the log: the last event read, the last one projected
	hits, misses               int      // the result cache's, in the last query load through url

	bidders []uuid.UUID
	tokens  []string
	hot     []uuid.UUID // every bidder qualified
	deep    uuid.UUID   // every bidder qualified; gets the long bid history
	opensAt time.Time
	next    sync.Map // listing id → *atomic.Int64: bids handed out
	won     sync.Map // listing id → *accepted: what the server acknowledged
	out     []string // table rows
}

// registerBidder enters a bidder in the register, so its token may act.
func (l *load) registerBidder(ctx context.Context, id uuid.UUID) error {
	sum := sha1.Sum(id[:])
	cmd := party.RegisterParty{Party: id, Kind: party.FarmBusiness, Name: "load bidder " + id.String()[:8], Identifier: party.CreditCodeFrom(sum[:])}
	_, err := l.s.App.PartyCommands().Handle(ctx, cmd, app.Meta{CommandID: uuid.NewSHA1(id, []byte("register")), Actor: "system:loadtest"})
	return err
}

func (l *load) run(ctx context.Context) error {
	issuer := l.s.Issuer
	for i := range l.cfg.bidders {
		id := uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "loadtest/bidder/%d", i))
		if err := l.registerBidder(ctx, id); err != nil {
			return err
		}
		tok, err := issuer.Issue(auth.Principal{Role: auth.RoleBidder, Party: id}, 365*24*time.Hour) // the clock jumps ahead while seeding
		if err != nil {
			return err
		}
		l.bidders, l.tokens = append(l.bidders, id), append(l.tokens, tok)
	}
	t0 := time.Now()
	events, err := l.seed(ctx)
	if err != nil {
		return err
	}
	seeded := time.Since(t0)
	fmt.Fprintf(os.Stderr, "seeded %d listings (%d events) in %s\n", l.cfg.listings+l.cfg.hot+1, events, seeded.Round(time.Millisecond))
	l.row("seed through the command side", fmt.Sprintf("%d events", events), rate(events, seeded)+" events/s", "", "")
	if err := l.caughtUp(ctx); err != nil {
		return err
	}
	l.row("read models caught up with the seeding", fmt.Sprintf("%s after the start", time.Since(t0).Round(time.Second)), rate(events, time.Since(t0))+" events/s", "", "")
	if err := l.writes("bytes written to the device, seeding and projecting it"); err != nil {
		return err
	}
	settle() // the store releases sealed segments' pages every few seconds
	if l.cfg.memprofile != "" {
		if f, err := os.Create(l.cfg.memprofile); err == nil {
			pprof.WriteHeapProfile(f) //nolint:errcheck // profiling is best effort
			f.Close()
		}
	}
	l.row("resident memory, all listings loaded", fmt.Sprintf("%d listings", l.cfg.listings+l.cfg.hot+1), memory(), "", "")

	l.startPhase()
	one := l.bidLoad(ctx, []uuid.UUID{l.hot[0]}, l.cfg.duration)
	l.caughtUp(ctx) //nolint:errcheck // best effort between measurements
	l.report(fmt.Sprintf("placeBid, %d bidders, one listing", l.cfg.bidders), one)
	l.phaseWrites()
	many := l.bidLoad(ctx, l.hot, l.cfg.duration)
	l.caughtUp(ctx) //nolint:errcheck // best effort between measurements
	l.report(fmt.Sprintf("placeBid, %d bidders, %d listings", l.cfg.bidders, len(l.hot)), many)
	l.phaseWrites()

	if err := l.deepHistory(ctx); err != nil {
		return err
	}

	if err := l.verify(ctx); err != nil {
		return err
	}
	l.caughtUp(ctx) //nolint:errcheck // best effort between measurements
	ours := l.queryLoad(ctx, l.url, l.cfg.duration)
	l.report(fmt.Sprintf("listings(first: 20, filter), %d clients, nongjiao handler", l.cfg.clients), ours)
	l.cacheRow()
	uncached := l.queryLoad(ctx, l.uncachedURL, l.cfg.duration)
	l.report("the same query, nongjiao handler without the result cache", uncached)
	theirs := l.queryLoad(ctx, l.plainURL, l.cfg.duration)
	l.report(fmt.Sprintf("the same query, %d clients, graphql-go/handler v0.2.4", l.cfg.clients), theirs)
	l.row("ratio nongjiao / graphql-go/handler", "", fmt.Sprintf("%.2f× (%.2f× without the result cache)",
		ours.perSecond()/theirs.perSecond(), uncached.perSecond()/theirs.perSecond()), "", "")
	// The same comparison while bids keep the read models moving: the result
	// cache keeps a page until a listing on it (or the board's membership) changes.
	busy := func(url string) *stats {
		l.caughtUp(ctx) //nolint:errcheck // best effort between measurements
		done := make(chan struct{})
		go func() { l.bidLoad(ctx, l.hot, l.cfg.duration); close(done) }()
		st := l.queryLoad(ctx, url, l.cfg.duration)
		<-done
		return st
	}
	oursBusy := busy(l.url)
	l.report("the same query during the 1,000-listing bid load, nongjiao handler", oursBusy)
	l.cacheRow()
	uncachedBusy := busy(l.uncachedURL)
	l.report("the same query during the 1,000-listing bid load, nongjiao handler without the result cache", uncachedBusy)
	theirsBusy := busy(l.plainURL)
	l.report("the same query during the 1,000-listing bid load, graphql-go/handler", theirsBusy)
	l.row("ratio during the bid load", "", fmt.Sprintf("%.2f× (%.2f× without the result cache)",
		oursBusy.perSecond()/theirsBusy.perSecond(), uncachedBusy.perSecond()/theirsBusy.perSecond()), "", "")
	l.caughtUp(ctx) //nolint:errcheck // best effort: the last bids' projection is part of the writes
	if err := l.writes("bytes written to the device, the whole run"); err != nil {
		return err
	}
	l.row("peak resident memory over the whole run (VmHWM)", "", peakMemory(), "", "")
	settle()
	l.row("resident memory after the loads", "", memory(), "", "")

	fmt.Println("| measurement | n | throughput | p50 | p99 |")
	fmt.Println("| --- | --- | --- | --- | --- |")
	for _, r := range l.out {
		fmt.Println(r)
	}
	return nil
}

// cacheRow adds a row with the result cache's hits and misses in the last
// query load through nongjiao's handler.
func (l *load) cacheRow() {
	l.row("… answered from the result cache", fmt.Sprintf("%d hits, %d misses", l.hits, l.misses),
		fmt.Sprintf("%.1f %% hits", 100*float64(l.hits)/float64(max(1, l.hits+l.misses))), "", "")
}

// writes adds a row with the bytes the process has written to the device
// since the server opened, per stored event and against the event log's own
// bytes (every record in the log, the bridge's checkpoints included).
func (l *load) writes(what string) error {
	if l.written < 0 { // the platform counts no bytes written: nothing to compare the log with
		return nil
	}
	events, logged, err := logBytes(l.cfg.dir)
	if err != nil {
		return err
	}
	w := procstat.WrittenBytes() - l.written
	if events == 0 {
		return nil
	}
	l.row(what, fmt.Sprintf("%d events, log %d MiB (%d B/event)", events, logged>>20, logged/int64(events)),
		fmt.Sprintf("%d MiB written, %d B/event: %.1f× the log", w>>20, w/int64(events), float64(w)/float64(logged)), "", "")
	if d := procstat.DeviceWrittenBytes(l.cfg.dir); d >= 0 && l.device >= 0 {
		d -= l.device
		l.row("… reaching the device (every process's writes and the file system's journal)", "",
			fmt.Sprintf("%d MiB written, %d B/event: %.1f× the log", d>>20, d/int64(events), float64(d)/float64(logged)), "", "")
	}
	return nil
}

// progress is how far a run has got: the bytes the process has written and
// the event log's own bytes (-1 when the log could not be read).
type progress struct{ written, logged int64 }

// progressNow reads the process's written bytes and the log's bytes.
func (l *load) progressNow() progress {
	_, logged, err := logBytes(l.cfg.dir)
	if err != nil {
		logged = -1
	}
	return progress{written: procstat.WrittenBytes(), logged: logged}
}

// startPhase notes the bytes written and logged so far: where the first
// phase phaseWrites reports begins.
func (l *load) startPhase() {
	if l.written >= 0 {
		l.phase = l.progressNow()
	}
}

// phaseWrites adds a row with the bytes written since the phase began, the
// bid load's and its projection's, against the log bytes it added: each
// load's own share of the whole run's ratio. The next phase begins where
// this one ends, without reading the log again.
func (l *load) phaseWrites() {
	if l.written < 0 {
		return
	}
	begun, now := l.phase, l.progressNow()
	l.phase = now
	if begun.logged < 0 || now.logged <= begun.logged {
		return
	}
	w, lb := now.written-begun.written, now.logged-begun.logged
	l.row("… bytes written by this load and its projection", fmt.Sprintf("log %d MiB", lb>>20),
		fmt.Sprintf("%d MiB written: %.1f× the log", w>>20, float64(w)/float64(lb)), "", "")
}

// settle lets memory reach its steady state before it is measured: a
// garbage collection, and time for the event store to release the pages of
// sealed segments (filestore does so every 5 s).
func settle() {
	runtime.GC()
	time.Sleep(6 * time.Second)
	runtime.GC()
}

func (l *load) row(what, n, throughput, p50, p99 string) {
	l.out = append(l.out, fmt.Sprintf("| %s | %s | %s | %s | %s |", what, n, throughput, p50, p99))
	fmt.Fprintln(os.Stderr, l.out[len(l.out)-1])
}

func rate(n int, d time.Duration) string { return strconv.Itoa(int(float64(n) / d.Seconds())) }

// seed creates the listings through the command side and moves the clock
// until their auctions are open; it returns the number of events written.
func (l *load) seed(ctx context.Context) (int, error) {
	a := l.s.App
	cal, err := a.Facts().Calendar(ctx)
	if err != nil {
		return 0, err
	}
	annEnds := cal.AddWorkingDays(seedStart, 7)
	l.opensAt = annEnds.Add(time.Hour)
	var written atomic.Int64
	var top atomic.Uint64 // the highest position a seeding command wrote
	send := func(c listing.Command, actor string) error {
		res, err := a.Listings.Handle(ctx, c, app.Meta{CommandID: uuid.New(), Actor: actor})
		written.Add(int64(len(res.Events)))
		for p := top.Load(); res.Position > p && !top.CompareAndSwap(p, res.Position); p = top.Load() {
		}
		return err
	}
	create := func(i int, id uuid.UUID, bidders []uuid.UUID) error {
		coll := uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "loadtest/collective/%d", i%500))
		d := details(i, coll)
		steps := []listing.Command{
			listing.CreateListing{ListingID: id, Details: d, ReservePrice: start},
			listing.SubmitListing{ListingID: id, Resolution: listing.Resolution{Body: "村民代表会议", VotesFor: 30, Total: 40, Date: seedStart}},
			listing.ReviewListing{ListingID: id, Approve: true, AnnouncementEnds: annEnds, BiddingOpensAt: l.opensAt},
		}
		for _, b := range bidders {
			steps = append(steps,
				listing.RegisterBidder{ListingID: id, BidderID: b},
				listing.ConfirmDeposit{ListingID: id, BidderID: b, Amount: d.ListedPrice.MulRatio(30, 100)},
				listing.QualifyBidder{ListingID: id, BidderID: b, Qualified: true})
		}
		for _, c := range steps {
			if err := send(c, "system:loadtest"); err != nil {
				return fmt.Errorf("listing %d: %T: %w", i, c, err)
			}
		}
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(256)
	total := l.cfg.listings + l.cfg.hot + 1
	for i := range total {
		id := uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "loadtest/listing/%d", i))
		bidders := l.bidders[:2]
		switch {
		case i < l.cfg.hot:
			l.hot, bidders = append(l.hot, id), l.bidders
		case i == l.cfg.hot:
			l.deep, bidders = id, l.bidders
		}
		g.Go(func() error {
			if gctx.Err() != nil {
				return gctx.Err()
			}
			return create(i, id, bidders)
		})
	}
	if err := g.Wait(); err != nil {
		return 0, err
	}
	l.after, l.head = top.Load(), top.Load() // caughtUp reads on from here, not the whole log again
	// Time passes: the scheduler closes registration and opens bidding everywhere.
	l.clock.Set(l.opensAt.Add(time.Minute))
	for _, id := range append(slices.Clone(l.hot), l.deep) {
		if err := l.awaitStatus(ctx, id, listing.StatusAuctionOpen, listing.StatusAuctionScheduled); err != nil {
			return 0, err
		}
	}
	last := uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "loadtest/listing/%d", total-1))
	if err := l.awaitStatus(ctx, last, listing.StatusAuctionOpen, listing.StatusAuctionScheduled); err != nil {
		return 0, err
	}
	return int(written.Load()) + 2*total, nil // plus what the scheduler wrote, about two events a listing
}

func details(i int, coll uuid.UUID) listing.Details {
	s := listing.DefaultSettings()
	s.FreeBidding = 90 * 24 * time.Hour // the auctions stay in free bidding while the clock stands still
	towns := []string{"稻田镇", "古城街道", "洛城街道", "孙家集街道"}
	return listing.Details{
		Title:       fmt.Sprintf("王家庄%d号苹果园土地经营权流转", i),
		Description: "平整水浇地，临县道，适合设施农业。",
		Seller:      coll,
		Asset: listing.AssetFacts{
			AssetIDs:         []uuid.UUID{uuid.NewSHA1(uuid.NameSpaceOID, fmt.Appendf(nil, "loadtest/asset/%d", i))},
			Type:             kernel.AssetLandManagementRight,
			OwningCollective: coll,
			Region:           listing.Region{Province: "山东省", County: "寿光市", Township: towns[i%len(towns)], Village: fmt.Sprintf("%d村", i%300)},
			Area:             kernel.Area(5000 + i%7000),
			RightsEnd:        time.Date(2040, 12, 31, 0, 0, 0, 0, time.UTC),
		},
		ListedPrice: start, StartingPrice: start, Increment: increment, TermMonths: 60, Settings: s,
	}
}

func (l *load) awaitStatus(ctx context.Context, id uuid.UUID, want ...listing.Status) error {
	deadline := time.Now().Add(5 * time.Minute)
	for time.Now().Before(deadline) {
		var st listing.Status
		if err := l.s.App.Listings.Inspect(ctx, id, func(s listing.State, _ uint64) { st = s.Status }); err != nil {
			return err
		}
		if slices.Contains(want, st) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("listing %s never reached %v", id, want)
}

// caughtUp waits until the read models have applied everything in the store
// and nothing new has arrived for a moment (the scheduler may still be
// writing), so one measurement's backlog does not spill into the next. It
// reads the log on from where it last stopped: reading the whole log would
// map all of it into memory, which is the load test's doing, not the
// server's.
func (l *load) caughtUp(ctx context.Context) error {
	head, after := l.head, l.after
	defer func() { l.head, l.after = head, after }()
	for {
		recs, err := l.s.Store.ReadAll(ctx, after, 65536)
		if err != nil {
			return err
		}
		if len(recs) > 0 {
			after = recs[len(recs)-1].Position
			for _, r := range recs { // the bridge's checkpoints and the workflows' records never reach the projector
				if !messaging.Internal(r.Stream) {
					head = r.Position
				}
			}
			continue
		}
		wctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
		err = l.s.Projector.WaitFor(wctx, head)
		cancel()
		if err != nil {
			return err
		}
		time.Sleep(500 * time.Millisecond)
		more, err := l.s.Store.ReadAll(ctx, after, 65536)
		if err != nil {
			return err
		}
		quiet := true
		for _, r := range more {
			quiet = quiet && messaging.Internal(r.Stream)
		}
		if quiet {
			return nil
		}
	}
}

// outcome is how the server answered one request.
type outcome int

const (
	// accepted: the operation succeeded (a bid was appended and acknowledged).
	accepted outcome = iota
	// refused: a GraphQL error with a rule's code (BID_BELOW_MINIMUM, say),
	// decided by the command side without an append.
	refused
	// failed: no answer that counts: a transport error, a body that is not
	// a GraphQL response, or an error with an outage's code (failures).
	failed
)

// failures are the codes of errors that are not a rule's refusal.
var failures = map[string]bool{
	kernel.CodeInternal: true, kernel.CodeConflict: true, kernel.CodeUnauthenticated: true,
	httpapi.CodeTimeout: true, httpapi.CodeStoreUnavailable: true, httpapi.CodeReadModelTimeout: true,
	httpapi.CodeBadRequest: true, httpapi.CodeParseFailed: true, httpapi.CodeValidationFailed: true,
}

// classify turns a response's errors (or a transport or decode error) into an outcome.
func classify(err error, errs []gqlError) outcome {
	switch {
	case err != nil:
		return failed
	case len(errs) == 0:
		return accepted
	}
	for _, e := range errs {
		if code := e.Extensions.Code; code == "" || failures[code] {
			return failed
		}
	}
	return refused
}

// gqlError is the part of a GraphQL error the load reads.
type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code string `json:"code"`
	} `json:"extensions"`
}

// stats collects one load's outcomes: latencies of every answered request
// (accepted or refused) and, apart, of the accepted ones.
type stats struct {
	ok, refused, failed int
	took                time.Duration
	latency             []time.Duration // accepted and refused
	accepted            []time.Duration
	lag                 []time.Duration
	firstFailure        string
	cpu                 time.Duration // the process's CPU time over the load (bid loads only; 0: not measured)
}

func (s *stats) perSecond() float64 { return float64(s.ok) / s.took.Seconds() }

// add records one request's outcome and latency.
func (s *stats) add(o outcome, took time.Duration, why string) {
	switch o {
	case accepted:
		s.ok++
		s.accepted = append(s.accepted, took)
		s.latency = append(s.latency, took)
	case refused:
		s.refused++
		s.latency = append(s.latency, took)
	case failed:
		s.failed++
		if s.firstFailure == "" {
			s.firstFailure = why
		}
	}
}

func pct(d []time.Duration, p float64) string {
	if len(d) == 0 {
		return "–"
	}
	slices.Sort(d)
	v := d[min(len(d)-1, int(float64(len(d))*p))]
	return fmt.Sprintf("%.2f ms", float64(v.Microseconds())/1000)
}

// report adds a load's rows: every answered request, then (for a load with
// refusals) the accepted ones on their own, then the projection lag.
func (l *load) report(what string, s *stats) {
	n := fmt.Sprintf("%d ok", s.ok)
	throughput := fmt.Sprintf("%.0f/s", s.perSecond())
	if s.refused > 0 {
		n += fmt.Sprintf(", %d refused by rule", s.refused)
		throughput = fmt.Sprintf("%.0f/s answered", float64(s.ok+s.refused)/s.took.Seconds())
	}
	if s.failed > 0 {
		n += fmt.Sprintf(", %d failed (first: %s)", s.failed, s.firstFailure)
	}
	l.row(what, n, throughput, pct(s.latency, 0.50), pct(s.latency, 0.99))
	if s.refused > 0 {
		l.row("… accepted bids alone (append + fsync)", fmt.Sprintf("%d accepted", s.ok), fmt.Sprintf("%.0f/s", s.perSecond()),
			pct(s.accepted, 0.50), pct(s.accepted, 0.99))
	}
	if len(s.lag) > 0 {
		l.row("… projection lag, ack → visible in read models", fmt.Sprintf("%d bids", len(s.lag)), "", pct(s.lag, 0.50), pct(s.lag, 0.99))
	}
	if answered := s.ok + s.refused; s.cpu > 0 && answered > 0 {
		cores := runtime.GOMAXPROCS(0)
		l.row("… CPU of the process (server and load generator)", "",
			fmt.Sprintf("%.0f %% of %d cores, %.0f µs an answered bid", 100*s.cpu.Seconds()/s.took.Seconds()/float64(cores), cores,
				float64(s.cpu.Microseconds())/float64(answered)), "", "")
	}
}

// bidLoad runs the bidders against the listings for d and measures each bid
// and its projection lag.
func (l *load) bidLoad(ctx context.Context, listings []uuid.UUID, d time.Duration) *stats {
	var mu sync.Mutex
	st := &stats{}
	var lagWG sync.WaitGroup
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	client := newClient(len(l.bidders))
	defer client.CloseIdleConnections()
	begin, cpu0 := time.Now(), procstat.CPUTime()
	for i := range l.bidders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				id := listings[rand.IntN(len(listings))]
				t0 := time.Now()
				pos, o, why := l.bid(client, i, id)
				took := time.Since(t0)
				if o == accepted {
					lagWG.Add(1)
					go func() {
						defer lagWG.Done()
						if l.s.Projector.Observe(ctx, pos) == nil { // no hurry: the lag a reader who does not wait sees
							mu.Lock()
							st.lag = append(st.lag, time.Since(t0)-took)
							mu.Unlock()
						}
					}()
				}
				mu.Lock()
				st.add(o, took, why)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	st.took = time.Since(begin)
	if cpu0 >= 0 {
		st.cpu = procstat.CPUTime() - cpu0
	}
	lagWG.Wait()
	return st
}

// acknowledged is what the server acknowledged on one listing: the check that no
// acknowledged bid is lost and the winner is the highest accepted bid.
type acknowledged struct {
	mu      sync.Mutex
	n       int
	highest kernel.Money
}

func (l *load) accept(id uuid.UUID, amount kernel.Money) {
	v, _ := l.won.LoadOrStore(id, &acknowledged{})
	a := v.(*acknowledged)
	a.mu.Lock()
	a.n++
	a.highest = max(a.highest, amount)
	a.mu.Unlock()
}

// verify checks every listing that took bids over HTTP: the aggregate holds
// at least as many bids as were acknowledged and leads with the highest one.
func (l *load) verify(ctx context.Context) error {
	var bad error
	checked := 0
	l.won.Range(func(k, v any) bool {
		id, a := k.(uuid.UUID), v.(*acknowledged)
		var st listing.State
		if err := l.s.App.Listings.Inspect(ctx, id, func(s listing.State, _ uint64) { st = s }); err != nil {
			bad = err
			return false
		}
		if st.BidCount < a.n || st.Leader.Amount != a.highest {
			bad = fmt.Errorf("listing %s: %d bids stored, leader %s; %d acknowledged, highest %s", id, st.BidCount, st.Leader.Amount, a.n, a.highest)
			return false
		}
		checked++
		return true
	})
	if bad == nil {
		l.row("acknowledged bids all stored, winner = highest acknowledged bid", fmt.Sprintf("%d listings checked", checked), "yes", "", "")
	}
	return bad
}

// bid places bidder i's next bid on a listing: the next free increment. It
// returns the acknowledged position of an accepted bid, and for a failure
// what went wrong.
func (l *load) bid(client *fasthttp.Client, i int, id uuid.UUID) (uint64, outcome, string) {
	c, _ := l.next.LoadOrStore(id, new(atomic.Int64))
	n := c.(*atomic.Int64).Add(1) - 1
	amount := start + kernel.Money(n)*increment
	var resp struct {
		Data   map[string]struct{ Position string } `json:"data"`
		Errors []gqlError                           `json:"errors"`
	}
	err := l.post(client, l.url, l.tokens[i], bidBody(id, amount), &resp)
	var pos uint64
	if err == nil && len(resp.Errors) == 0 {
		pos, err = strconv.ParseUint(resp.Data["placeBid"].Position, 10, 64)
	}
	o := classify(err, resp.Errors)
	switch {
	case o == accepted:
		l.accept(id, amount)
	case err != nil:
		return 0, o, err.Error()
	case o == failed:
		return 0, o, resp.Errors[0].Extensions.Code + ": " + resp.Errors[0].Message
	}
	return pos, o, ""
}

// newClient returns an HTTP client that keeps a connection open for each of
// n concurrent callers, so that a load measures requests, not connection
// set-up. It is fasthttp's client: net/http's spends two goroutines and
// their hand-offs on every connection and allocates each request's headers,
// and on two shared cores the load generator's CPU is the server's loss.
func newClient(n int) *fasthttp.Client {
	return &fasthttp.Client{MaxConnsPerHost: n}
}

// post sends a GraphQL request body and decodes its response into out; the
// error is a transport error, or a body that does not decode (a status other
// than 200 without a GraphQL body).
func (l *load) post(client *fasthttp.Client, url, token string, body []byte, out any) error {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.SetRequestURI(url)
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.SetBodyRaw(body)
	if err := client.Do(req, res); err != nil {
		return err
	}
	if err := json.Unmarshal(res.Body(), out); err != nil {
		return fmt.Errorf("HTTP %d: decode: %w", res.StatusCode(), err)
	}
	return nil
}

// graphQLBody is the JSON body of a GraphQL request.
func graphQLBody(query string, vars map[string]any) []byte {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return b
}

// bidBody is the body of a placeBid request, as graphQLBody would write it,
// without a map and a reflective encoding for every bid.
func bidBody(id uuid.UUID, amount kernel.Money) []byte {
	b := make([]byte, 0, len(placeBidBody)+96)
	b = append(b, placeBidBody...)
	b = append(b, `,"variables":{"input":{"amount":"`...)
	b = append(b, amount.String()...)
	b = append(b, `","listingId":"`...)
	b = append(b, id.String()...)
	return append(b, `"}}}`...)
}

// placeBidBody opens every placeBid request's body.
var placeBidBody = func() string {
	q, _ := json.Marshal(placeBidOp)
	return `{"query":` + string(q)
}()

// deepHistory measures bids per second around the 1,000th and the 100,000th
// bid of one listing: the cost of a bid must not grow with its history.
func (l *load) deepHistory(ctx context.Context) error {
	measure := func(label string) {
		l.caughtUp(ctx) //nolint:errcheck // best effort between measurements
		st := l.bidLoad(ctx, []uuid.UUID{l.deep}, l.cfg.duration/2)
		l.report(label, st)
	}
	if err := l.fill(ctx, 1_000); err != nil {
		return err
	}
	measure("placeBid around the 1,000th bid of one listing")
	if err := l.fill(ctx, l.cfg.deepBids); err != nil {
		return err
	}
	measure(fmt.Sprintf("placeBid around the %d th bid of one listing", l.cfg.deepBids))
	return nil
}

// fill places bids on the deep listing through the command side until it has n.
func (l *load) fill(ctx context.Context, n int) error {
	c, _ := l.next.LoadOrStore(l.deep, new(atomic.Int64))
	counter := c.(*atomic.Int64)
	g, gctx := errgroup.WithContext(ctx)
	for i := range l.bidders {
		g.Go(func() error {
			for {
				k := counter.Add(1) - 1
				if k >= int64(n) {
					return nil
				}
				cmd := listing.PlaceBid{ListingID: l.deep, BidderID: l.bidders[i], Amount: start + kernel.Money(k)*increment}
				if _, err := l.s.App.Listings.Handle(gctx, cmd, app.Meta{CommandID: uuid.New(), Actor: "bidder"}); err != nil && kernel.ErrorCode(err) == kernel.CodeInternal {
					return err
				}
			}
		})
	}
	return g.Wait()
}

// cacheLookups returns the server's result cache hits and misses so far,
// from its /metrics.
func (l *load) cacheLookups() (hits, misses int) {
	res, err := http.Get(strings.TrimSuffix(l.url, "/graphql") + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(b), "\n") {
		for outcome, n := range map[string]*int{"hit": &hits, "miss": &misses} {
			if v, ok := strings.CutPrefix(line, `nongjiao_graphql_result_cache_lookups_total{outcome="`+outcome+`"} `); ok {
				f, _ := strconv.ParseFloat(v, 64)
				*n = int(f)
			}
		}
	}
	return hits, misses
}

// queryLoad runs the listings query from the clients for d.
func (l *load) queryLoad(ctx context.Context, url string, d time.Duration) *stats {
	if url == l.url {
		h0, m0 := l.cacheLookups()
		defer func() {
			h1, m1 := l.cacheLookups()
			l.hits, l.misses = h1-h0, m1-m0
		}()
	}
	var mu sync.Mutex
	st := &stats{}
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	client := newClient(l.cfg.clients)
	defer client.CloseIdleConnections()
	body := graphQLBody(listingsOp, nil)
	begin := time.Now()
	for range l.cfg.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				var resp struct {
					Data   json.RawMessage `json:"data"`
					Errors []gqlError      `json:"errors"`
				}
				err := l.post(client, url, "", body, &resp)
				took := time.Since(t0)
				why := ""
				if err != nil {
					why = err.Error()
				} else if len(resp.Errors) > 0 {
					why = resp.Errors[0].Extensions.Code + ": " + resp.Errors[0].Message
				}
				o := classify(err, resp.Errors)
				if o == refused { // a query has no rule to refuse it: any error is a failure
					o = failed
				}
				mu.Lock()
				st.add(o, took, why)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	st.took = time.Since(begin)
	return st
}
