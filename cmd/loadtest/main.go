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
	"strings"
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

// memory describes the process's resident memory from /proc: anonymous
// (heap, stacks) and file-backed (the event log's memory-mapped segments,
// which the kernel can drop and re-read at will), and the Go heap in use.
func memory() string {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	status, _ := os.ReadFile("/proc/self/status")
	kb := map[string]int{}
	for _, line := range strings.Split(string(status), "\n") {
		var v int
		if name, rest, ok := strings.Cut(line, ":"); ok {
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &v); err == nil {
				kb[name] = v
			}
		}
	}
	return fmt.Sprintf("RSS %d MiB (anonymous %d MiB, mapped event log %d MiB); Go heap in use %d MiB",
		kb["VmRSS"]>>10, kb["RssAnon"]>>10, kb["RssFile"]>>10, m.HeapInuse>>20)
}
