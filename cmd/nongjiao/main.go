// Command nongjiao runs the rural property rights exchange.
//
//	nongjiao serve  [--listen ADDR] [--data-dir DIR] [--demo] [--worker=true] [backend flags]
//	nongjiao token  --role ROLE --party UUID [--data-dir DIR] [--ttl 24h] [--create]
//	nongjiao replay [--data-dir DIR] [backend flags]
//
// Settings also come from the environment: NONGJIAO_LISTEN, NONGJIAO_DATA_DIR,
// NONGJIAO_STORE, NONGJIAO_KURRENTDB_URL, NONGJIAO_READMODEL, NONGJIAO_POSTGRES_URL.
// Flags win over the environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/demo"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/server"
)

const usage = `usage:
  nongjiao serve  [--listen ADDR] [--data-dir DIR] [--demo] [--worker=true] [--max-projection-lag N] [--log-format text|json] [backend flags]
  nongjiao token  --role ROLE --party UUID [--data-dir DIR] [--ttl 24h] [--create]
  nongjiao replay [--data-dir DIR] [--log-format text|json] [backend flags]
run "nongjiao COMMAND -h" for the flags of a command`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "nongjiao:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], stderr)
	case "token":
		return token(args[1:], stdout, stderr)
	case "replay":
		return replay(ctx, args[1:], stdout, stderr)
	case "backup":
		return backupCmd(ctx, args[1:], stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], stdout, stderr)
	default:
		return fmt.Errorf("unknown command %q\n%s", args[0], usage)
	}
}

func env(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// backendFlags adds the flags that choose and locate the store and read models.
func backendFlags(fs *flag.FlagSet, cfg *server.Config) {
	fs.StringVar(&cfg.DataDir, "data-dir", env("NONGJIAO_DATA_DIR", "./data"), "data directory: embedded store, read models, token secret")
	fs.StringVar(&cfg.Store, "store", env("NONGJIAO_STORE", "file"), "event store: file (embedded) or kurrentdb")
	fs.StringVar(&cfg.KurrentDBURL, "kurrentdb-url", env("NONGJIAO_KURRENTDB_URL", ""), "KurrentDB connection string, e.g. esdb://127.0.0.1:2113?tls=false")
	fs.StringVar(&cfg.ReadModel, "readmodel", env("NONGJIAO_READMODEL", "sqlite"), "read models: sqlite (embedded) or postgres")
	fs.StringVar(&cfg.PostgresURL, "postgres-url", env("NONGJIAO_POSTGRES_URL", ""), "PostgreSQL URL for --readmodel postgres")
}

// logFormatFlag adds the flag that chooses the log lines' format.
func logFormatFlag(fs *flag.FlagSet) *string {
	return fs.String("log-format", env("NONGJIAO_LOG_FORMAT", "text"), "log lines as text (key=value) or json")
}

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg server.Config
	backendFlags(fs, &cfg)
	listen := fs.String("listen", env("NONGJIAO_LISTEN", ":8080"), "address to serve HTTP on")
	withDemo := fs.Bool("demo", false, "load the demo data into an empty store")
	fs.BoolVar(&cfg.Worker, "worker", true, "run projections, process managers and the scheduler in this process (exactly one per deployment)")
	fs.Uint64Var(&cfg.MaxProjectionLag, "max-projection-lag", server.DefaultMaxProjectionLag, "events the read models may trail the store by while /readyz answers ready")
	logFormat := logFormatFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := server.NewLogger(stderr, *logFormat)
	if err != nil {
		return err
	}
	cfg.Log = log
	s, err := server.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if *withDemo {
		n, err := demo.Seed(ctx, s.Store, s.Config.Clock.Now(), log)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		if n > 0 {
			log.Info("demo data loaded", "events", n)
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	log.Info("nongjiao serving", "graphql", "http://"+displayAddr(ln.Addr())+"/graphql", "graphiql", "http://"+displayAddr(ln.Addr())+"/", "data", cfg.DataDir)
	return s.Run(ctx, ln)
}

func displayAddr(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return a.String()
}

func token(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", env("NONGJIAO_DATA_DIR", "./data"), "data directory holding the server's token secret")
	roleName := fs.String("role", "", "exchange, collective, bidder, bank or fund")
	partyText := fs.String("party", "", "the UUID of the party the token acts for")
	ttl := fs.Duration("ttl", 24*time.Hour, "how long the token is valid")
	create := fs.Bool("create", false, "create the token secret when the data directory has none (the server will then use it)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	role, err := auth.ParseRole(*roleName)
	if err != nil {
		return err
	}
	party, err := uuid.Parse(*partyText)
	if err != nil {
		return fmt.Errorf("--party must be a UUID: %w", err)
	}
	load := auth.LoadSecret
	if *create {
		load = auth.CreateSecret
	}
	secret, err := load(*dataDir)
	if errors.Is(err, auth.ErrNoSecret) {
		return fmt.Errorf("%w: start the server there first, or pass --create", err)
	}
	if err != nil {
		return err
	}
	tok, err := auth.NewIssuer(secret, kernel.SystemClock{}).Issue(auth.Principal{Role: role, Party: party}, *ttl)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}

func replay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg server.Config
	backendFlags(fs, &cfg)
	logFormat := logFormatFlag(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log, err := server.NewLogger(stderr, *logFormat)
	if err != nil {
		return err
	}
	cfg.Log = log
	s, err := server.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	start := time.Now()
	n, err := s.Replay(ctx)
	if err != nil {
		return err
	}
	took := time.Since(start)
	_, err = fmt.Fprintf(stdout, "replayed %d events into the read models in %s (%.0f events/s)\n", n, took.Round(time.Millisecond), float64(n)/took.Seconds())
	return err
}
