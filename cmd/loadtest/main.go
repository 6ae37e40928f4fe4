// Command loadtest measures the exchange end to end over real HTTP on
// loopback: it starts the server in-process on the embedded store and read
// models (a manual clock holds every auction open), seeds listings through the
// command side, and then drives GraphQL:
//
//   - placeBid with 64 concurrent bidders on one listing, and on 1,000 listings;
//   - bids per second around the 1,000th and the 100,000th bid of one listing;
//   - listings(first: 20) with a filter over all listings, through nongjiao's
//     handler and through github.com/graphql-go/handler on the same schema;
//   - projection lag: from a bid's acknowledgement to its visibility in the
//     read models (the projector's committed position);
//   - the process's resident memory once all listings are loaded.
//
// It prints a Markdown table. Run it with `make load` (or go run ./cmd/loadtest -h).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	gqlhandler "github.com/graphql-go/handler"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/server"
)

func main() {
	cfg := config{}
	flag.IntVar(&cfg.listings, "listings", 100_000, "listings with two qualified bidders each (the query load's data)")
	flag.IntVar(&cfg.hot, "hot", 1_000, "listings with every bidder qualified (the 1,000-listing bid load)")
	flag.IntVar(&cfg.bidders, "bidders", 64, "concurrent bidders")
	flag.IntVar(&cfg.clients, "clients", 32, "concurrent query clients")
	flag.IntVar(&cfg.deepBids, "deep", 100_000, "bids on one listing before the deep-history measurement")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "length of each timed load")
	flag.StringVar(&cfg.dir, "dir", "", "data directory (default: a new temporary one, removed afterwards)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.StringVar(&cfg.memprofile, "memprofile", "", "write a heap profile, once all listings are loaded, to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			pprof.StartCPUProfile(f) //nolint:errcheck // profiling is best effort
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(cfg); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type config struct {
	listings, hot, bidders, clients, deepBids int
	duration                                  time.Duration
	dir, memprofile                           string
}

func run(cfg config) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if cfg.dir == "" {
		dir, err := os.MkdirTemp("", "nongjiao-load-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.dir = dir
	}
	clock := kernel.NewManualClock(seedStart)
	s, err := server.Open(ctx, server.Config{
		DataDir: cfg.dir, Clock: clock, Worker: true,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), SchedulerTick: 50 * time.Millisecond,
	})
	if err != nil {
		return err
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go s.Run(ctx, ln) //nolint:errcheck // ends with ctx
	// The plain graphql-go handler on the same schema, for the comparison.
	plain := &http.Server{Handler: gqlhandler.New(&gqlhandler.Config{Schema: &s.Schema})}
	plainLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go plain.Serve(plainLn) //nolint:errcheck // ends with the process
	defer plain.Close()

	l := &load{cfg: cfg, s: s, clock: clock,
		url: "http://" + ln.Addr().String() + "/graphql", plainURL: "http://" + plainLn.Addr().String() + "/"}
	return l.run(ctx)
}

// rss returns the process's resident set size in bytes, from /proc.
func rss() uint64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, resident uint64
	fmt.Sscan(string(data), &size, &resident) //nolint:errcheck // zero on failure
	return resident * uint64(os.Getpagesize())
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}
