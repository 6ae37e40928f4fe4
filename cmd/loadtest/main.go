// Command loadtest measures the exchange end to end over real HTTP on
// loopback: it starts the server in-process on the embedded store and read
// models (a manual clock holds every auction open), seeds listings through the
// command side, and then drives GraphQL:
//
//   - placeBid with 64 concurrent bidders on one listing, and on 1,000 listings;
//   - bids per second around the 1,000th and the 100,000th bid of one listing;
//   - listings(first: 20) with a filter over all listings, through nongjiao's
//     handler (with its result cache, and a second instance without it) and
//     through github.com/graphql-go/handler on the same schema;
//   - projection lag: from a bid's acknowledgement to its visibility in the
//     read models (the projector's committed position);
//   - the process's resident memory once all listings are loaded and its
//     peak over the whole run, and the bytes it wrote to the device per
//     stored event against the event log's own bytes.
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
	_ "net/http/pprof" // served on -pprof only
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"time"

	gqlhandler "github.com/graphql-go/handler"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/httpapi"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/procstat"
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
	flag.DurationVar(&cfg.linger, "linger", 0, "how long the projector gathers events nobody waits for (server.Config.ProjectionLinger; 0: its default)")
	flag.StringVar(&cfg.dir, "dir", "", "data directory (default: a new temporary one, removed afterwards)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.StringVar(&cfg.memprofile, "memprofile", "", "write a heap profile, once all listings are loaded, to this file")
	pprofAddr := flag.String("pprof", "", "serve net/http/pprof on this address (e.g. 127.0.0.1:6060), to profile one phase: go tool pprof http://ADDR/debug/pprof/profile?seconds=4")
	memLimit := flag.Int64("memlimit", 768, "soft limit of the Go heap in MiB (debug.SetMemoryLimit), as GOMEMLIMIT sets it for serve; 0: none; ignored when GOMEMLIMIT is set")
	flag.Parse()
	if *memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(*memLimit << 20)
	}
	if *pprofAddr != "" {
		go http.ListenAndServe(*pprofAddr, nil) //nolint:errcheck // profiling is best effort
	}
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
	duration, linger                          time.Duration
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
		ProjectionLinger: cfg.linger,
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
	// nongjiao's handler on the same schema without the result cache (no
	// Position), for the uncached figure.
	uncachedHandler, err := httpapi.New(httpapi.Options{Schema: &s.Schema, Compile: api.Compile, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	uncached := &http.Server{Handler: uncachedHandler}
	uncachedLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go uncached.Serve(uncachedLn) //nolint:errcheck // ends with the process
	defer uncached.Close()

	l := &load{cfg: cfg, s: s, clock: clock, written: procstat.WrittenBytes(), device: procstat.DeviceWrittenBytes(cfg.dir),
		url: "http://" + ln.Addr().String() + "/graphql", plainURL: "http://" + plainLn.Addr().String() + "/",
		uncachedURL: "http://" + uncachedLn.Addr().String() + "/graphql"}
	return l.run(ctx)
}

// peakMemory is the process's peak resident memory so far (VmHWM): the
// server, its read models' SQLite page cache and the load generator together.
func peakMemory() string {
	return fmt.Sprintf("peak RSS %d MiB", procstat.Memory()["VmHWM"]>>10)
}

// logBytes returns the events stored in the event log of the data directory
// dir and the bytes of their records.
func logBytes(dir string) (events uint64, bytes int64, err error) {
	st, err := filestore.ScanLog(filepath.Join(dir, "events"), func(_ string, records []byte) error {
		bytes += int64(len(records))
		return nil
	})
	return st.Last, bytes, err
}

// memory describes the process's resident memory from /proc: anonymous
// (heap, stacks) and file-backed (the event log's memory-mapped segments,
// which the kernel can drop and re-read at will), and the Go heap in use.
func memory() string {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	kb := procstat.Memory()
	return fmt.Sprintf("RSS %d MiB (anonymous %d MiB, mapped event log %d MiB); Go heap in use %d MiB; peak RSS so far %d MiB",
		kb["VmRSS"]>>10, kb["RssAnon"]>>10, kb["RssFile"]>>10, m.HeapInuse>>20, kb["VmHWM"]>>10)
}
