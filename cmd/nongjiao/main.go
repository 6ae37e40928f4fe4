// Command nongjiao runs the rural property rights exchange.
//
//	nongjiao serve   [--listen ADDR] [--data-dir DIR] [--demo] [--sandbox] [--worker=true] [--max-projection-lag N] [--log-format text|json] [backend flags]
//	nongjiao seed    [--data-dir DIR] [--sandbox] [--log-format text|json] [backend flags]
//	nongjiao calendar import [--file FILE] [--data-dir DIR] [--sandbox] [backend flags]
//	nongjiao replay  [--data-dir DIR] [--sandbox] [--log-format text|json] [backend flags]
//	nongjiao token   --role ROLE --party UUID [--data-dir DIR] [--ttl 24h] [--create]
//	nongjiao register --kind KIND --name NAME --identifier CODE [--party UUID] [--issuer URL --subject SUB] [backend flags]
//	nongjiao schema
//	nongjiao backup  --to DIR [--data-dir DIR]
//	nongjiao restore --from BACKUP [--data-dir DIR] [--force]
//	nongjiao version
//	nongjiao help    [COMMAND]
//
// "nongjiao help COMMAND" and "nongjiao COMMAND -h" print a command's flags.
// Help exits 0, an unknown command 2, a failed command (or a misused flag) 1.
//
// Settings also come from the environment: NONGJIAO_LISTEN, NONGJIAO_DATA_DIR,
// NONGJIAO_STORE, NONGJIAO_KURRENTDB_URL, NONGJIAO_READMODEL, NONGJIAO_POSTGRES_URL,
// NONGJIAO_POSTGRES_SCHEMA, NONGJIAO_LOG_FORMAT, NONGJIAO_OIDC_ISSUER, NONGJIAO_OIDC_CLIENT_ID.
// Flags win over the environment.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/demo"
	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/party"
	"github.com/nongjiao/nongjiao/internal/server"
)

// A command is one subcommand: its name, its arguments and summary for the
// usage text, and what runs it. run parses its flags with newFlagSet, so
// -h and --help print its usage and return flag.ErrHelp.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands returns the subcommands in the order the usage lists them.
func commands() []command {
	return []command{
		{"serve", "[flags]", "serve the exchange: the board at /, GraphQL at /graphql, GraphiQL at /graphiql", serve},
		{"seed", "[flags]", "load the demo data into an empty store, without serving", seed},
		{"calendar", "import [--file FILE] [flags]", "import the official working-day calendar: a CSV file, or the notices built in", calendarCmd},
		{"replay", "[flags]", "rebuild the read models from the events", replay},
		{"token", "--role ROLE --party UUID [flags]", "print an API token for a registered party, for development and the sandbox", token},
		{"register", "--kind KIND --name NAME --identifier CODE [flags]", "enter a party in the register: the first exchange operator, before the server runs", register},
		{"schema", "", "print the GraphQL schema (SDL) the server serves", schema},
		{"backup", "--to DIR [flags]", "copy a data directory consistently, while the server runs", backupCmd},
		{"restore", "--from BACKUP [flags]", "restore a data directory from a backup", restoreCmd},
		{"version", "", "print the version, VCS revision and Go version", version},
		{"help", "[COMMAND]", "print this usage, or a command's", help},
	}
}

// lookup returns the command called name.
func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// unknownCommandError is a command name that is not in the table.
type unknownCommandError string

func (e unknownCommandError) Error() string { return fmt.Sprintf("unknown command %q", string(e)) }

// printUsage writes the list of commands to w.
func printUsage(w io.Writer) {
	fmt.Fprint(w, "nongjiao runs the rural property rights exchange.\n\nusage: nongjiao COMMAND [flags]\n\ncommands:\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	fmt.Fprint(w, `
"nongjiao help COMMAND" or "nongjiao COMMAND -h" prints a command's flags.
Settings also come from the environment (NONGJIAO_LISTEN, NONGJIAO_DATA_DIR, NONGJIAO_STORE,
NONGJIAO_KURRENTDB_URL, NONGJIAO_READMODEL, NONGJIAO_POSTGRES_URL, NONGJIAO_POSTGRES_SCHEMA,
NONGJIAO_LOG_FORMAT, NONGJIAO_OIDC_ISSUER, NONGJIAO_OIDC_CLIENT_ID); flags win over it.
`)
}

// newFlagSet returns the flag set of the command called name, which prints
// the command's usage and its flags to w.
func newFlagSet(name string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		c, _ := lookup(name)
		fmt.Fprintf(w, "usage: nongjiao %s %s\n\n%s\n", name, c.args, c.summary)
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprint(w, "\nflags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

func main() {
	os.Exit(exitStatus(run(os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// run runs the command line args until it is done or the process is
// interrupted. Help is not an error: it returns nil.
func run(args []string, stdout, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	name := "help"
	if len(args) > 0 {
		name, args = args[0], args[1:]
	}
	if name == "-h" || name == "-help" || name == "--help" {
		name = "help"
	}
	c, ok := lookup(name)
	if !ok {
		return unknownCommandError(name)
	}
	if err := c.run(ctx, args, stdout, stderr); !errors.Is(err, flag.ErrHelp) {
		return err
	}
	return nil
}

// exitStatus reports run's error on stderr and returns the exit status: 0
// after success or help, 2 for an unknown command (with the usage), 1 for a
// failed one.
func exitStatus(err error, stderr io.Writer) int {
	var unknown unknownCommandError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &unknown):
		fmt.Fprintf(stderr, "nongjiao: %v\n\n", err)
		printUsage(stderr)
		return 2
	default:
		fmt.Fprintln(stderr, "nongjiao:", err)
		return 1
	}
}

// help prints the usage, or with a command's name that command's usage and
// flags, to stdout.
func help(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("help", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		printUsage(stdout)
		return nil
	}
	c, ok := lookup(fs.Arg(0))
	if !ok {
		return unknownCommandError(fs.Arg(0))
	}
	return c.run(ctx, []string{"-h"}, stdout, stdout)
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
	fs.StringVar(&cfg.Store, "store", env("NONGJIAO_STORE", "file"), "event store: file (embedded), postgres (at --postgres-url) or kurrentdb")
	fs.StringVar(&cfg.KurrentDBURL, "kurrentdb-url", env("NONGJIAO_KURRENTDB_URL", ""), "KurrentDB connection string, e.g. esdb://127.0.0.1:2113?tls=false")
	fs.StringVar(&cfg.ReadModel, "readmodel", env("NONGJIAO_READMODEL", "sqlite"), "read models: sqlite (embedded) or postgres")
	fs.StringVar(&cfg.PostgresURL, "postgres-url", env("NONGJIAO_POSTGRES_URL", ""), "PostgreSQL URL for --store postgres and --readmodel postgres")
	fs.StringVar(&cfg.PostgresSchema, "postgres-schema", env("NONGJIAO_POSTGRES_SCHEMA", "nongjiao"), "PostgreSQL schema of the events and read models")
	fs.BoolVar(&cfg.Sandbox, "sandbox", false, "a sandbox: a clock that moves only with the advanceClock mutation, in a data directory of its own")
}

// logFormatFlag adds the flag that chooses the log lines' format.
func logFormatFlag(fs *flag.FlagSet) *string {
	return fs.String("log-format", env("NONGJIAO_LOG_FORMAT", "text"), "log lines as text (key=value) or json")
}

// openServer adds the backend and log flags to fs, parses args, and opens
// the server they name without running it, logging to stderr.
func openServer(ctx context.Context, fs *flag.FlagSet, args []string, stderr io.Writer) (*server.Server, *slog.Logger, error) {
	return openServerWith(ctx, fs, args, stderr, &server.Config{})
}

// openServerWith is openServer onto cfg, whose own flags the caller has
// added to fs. The logger it returns is nil unless the flags were valid;
// then an error is server.Open's.
func openServerWith(ctx context.Context, fs *flag.FlagSet, args []string, stderr io.Writer, cfg *server.Config) (*server.Server, *slog.Logger, error) {
	backendFlags(fs, cfg)
	logFormat := logFormatFlag(fs)
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	log, err := server.NewLogger(stderr, *logFormat)
	if err != nil {
		return nil, nil, err
	}
	cfg.Log = log
	s, err := server.Open(ctx, *cfg)
	return s, log, err
}

// serve serves the exchange until ctx ends.
func serve(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	var cfg server.Config
	listen := fs.String("listen", env("NONGJIAO_LISTEN", ":8080"), "address to serve HTTP on")
	withDemo := fs.Bool("demo", false, "load the demo data into an empty store")
	fs.BoolVar(&cfg.Worker, "worker", true, "run projections, workflows and the scheduler in this process: with PostgreSQL any number compete for one lease, otherwise exactly one per deployment")
	fs.Uint64Var(&cfg.MaxProjectionLag, "max-projection-lag", server.DefaultMaxProjectionLag, "events the read models may trail the store by while /readyz answers ready")
	fs.StringVar(&cfg.OIDCIssuer, "oidc-issuer", env("NONGJIAO_OIDC_ISSUER", ""), "OpenID Connect provider whose ID and access tokens sign parties in (its issuer URL); none by default")
	fs.StringVar(&cfg.OIDCClientID, "oidc-client-id", env("NONGJIAO_OIDC_CLIENT_ID", ""), "the audience the provider's tokens must name: this exchange's client id at the provider")
	s, log, err := openServerWith(ctx, fs, args, stderr, &cfg)
	if err != nil {
		if log == nil { // the flags were refused
			return err
		}
		return stoppedWhileStarting(ctx, log, err)
	}
	defer s.Close()
	if *withDemo {
		if _, err := loadDemo(ctx, s, log); err != nil {
			return stoppedWhileStarting(ctx, log, err)
		}
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	log.Info("nongjiao serving", "graphql", "http://"+displayAddr(ln.Addr())+"/graphql", "board", "http://"+displayAddr(ln.Addr())+"/", "graphiql", "http://"+displayAddr(ln.Addr())+"/graphiql", "data", cfg.DataDir,
		"sandbox", cfg.Sandbox, "now", s.Config.Clock.Now())
	return s.Run(ctx, ln)
}

// stoppedWhileStarting returns err, unless ctx ended (a signal arrived while
// the server was starting): then the failure is the stop the operator asked
// for, and serve ends cleanly.
func stoppedWhileStarting(ctx context.Context, log *slog.Logger, err error) error {
	if ctx.Err() == nil {
		return err
	}
	log.Info("stopped while starting", "err", err)
	return nil
}

// loadDemo writes the demo's story into s's store if the store is empty,
// logs it, and returns how many events it wrote.
func loadDemo(ctx context.Context, s *server.Server, log *slog.Logger) (int, error) {
	n, err := demo.Seed(ctx, s.Store, s.Config.Clock.Now(), log)
	if err != nil {
		return 0, fmt.Errorf("demo data: %w", err)
	}
	if n > 0 {
		log.Info("demo data loaded", "events", n)
	}
	return n, nil
}

// seed writes the demo data into an empty store; a store already holding
// events is left as it is. The server's projector reads the events into the
// read models when it starts.
func seed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	s, log, err := openServer(ctx, newFlagSet("seed", stderr), args, stderr)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := loadDemo(ctx, s, log)
	if err != nil {
		return err
	}
	if n == 0 {
		_, err = fmt.Fprintln(stdout, "the store already holds events: the demo was not written")
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote the demo's %d events\n", n)
	return err
}

// schema prints the GraphQL schema in the schema definition language.
func schema(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("schema", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	sdl, err := server.SDL()
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, sdl)
	return err
}

// version prints the module version and VCS revision the binary was built
// from, and the Go version and platform it was built with.
func version(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	v, rev := "(devel)", "unknown"
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" {
			v = info.Main.Version
		}
		vcs := map[string]string{}
		for _, s := range info.Settings {
			vcs[s.Key] = s.Value
		}
		if r := vcs["vcs.revision"]; r != "" {
			rev = r
			if t := vcs["vcs.time"]; t != "" {
				rev += " " + t
			}
			if vcs["vcs.modified"] == "true" {
				rev += " (modified)"
			}
		}
	}
	_, err := fmt.Fprintf(stdout, "nongjiao %s\nrevision %s\n%s %s/%s\n", v, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}

func displayAddr(a net.Addr) string {
	if tcp, ok := a.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("localhost:%d", tcp.Port)
	}
	return a.String()
}

// token prints a token signed with the data directory's secret.
func token(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("token", stderr)
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
	if err := mayAct(*dataDir, party, role); err != nil {
		return err
	}
	tok, err := auth.NewIssuer(secret, kernel.SystemClock{}).Issue(auth.Principal{Role: role, Party: party}, *ttl)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}

// replay rebuilds the read models from the events.
func replay(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	s, _, err := openServer(ctx, newFlagSet("replay", stderr), args, stderr)
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

// mayAct refuses a token for a party that the register in the embedded
// store of dataDir does not hold, holds suspended, or holds as a kind that
// does not act in role. It reads the log without its lock, so it works
// beside a running server.
func mayAct(dataDir string, id uuid.UUID, role auth.Role) error {
	reg := app.Registry()
	stream := kernel.StreamName(party.Decider.Category, id)
	var s party.State
	err := filestore.ReadLog(filepath.Join(dataDir, "events"), func(e eventstore.RecordedEvent) error {
		if e.Stream != stream {
			return nil
		}
		ev, err := reg.Decode(e.Type, e.Data)
		if err != nil {
			return err
		}
		s = party.Evolve(s, ev)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read the party register in %s: %w", dataDir, err)
	}
	if err := s.CanAct(); err != nil {
		return fmt.Errorf("party %s: %w (the exchange registers parties: registerParty, or nongjiao register before the first start)", id, err)
	}
	return auth.MayAct(s.Kind, role)
}

// register enters a party in the register through the store the backend
// flags name, as the exchange's registerParty does. With the embedded store
// the server must not be running (it holds the store's lock): this is how
// the first exchange operator is registered.
func register(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("register", stderr)
	kind := fs.String("kind", "", "INDIVIDUAL, HOUSEHOLD, FARM_BUSINESS, COLLECTIVE, BANK, FUND or EXCHANGE")
	name := fs.String("name", "", "the legal name")
	identifier := fs.String("identifier", "", "unified social credit code (organisations) or resident identity number (people)")
	partyText := fs.String("party", "", "the party's UUID; a new one by default")
	issuer := fs.String("issuer", "", "with --subject: the OpenID Connect issuer of the party's first sign-in")
	subject := fs.String("subject", "", "with --issuer: the subject the provider names the party's account by")
	s, _, err := openServer(ctx, fs, args, stderr)
	if err != nil {
		return err
	}
	defer s.Close()
	id := uuid.New()
	if *partyText != "" {
		if id, err = uuid.Parse(*partyText); err != nil {
			return fmt.Errorf("--party must be a UUID: %w", err)
		}
	}
	cmd := party.RegisterParty{Party: id, Kind: party.Kind(strings.ToUpper(*kind)), Name: *name,
		Identifier: strings.ToUpper(strings.TrimSpace(*identifier)), SignIn: party.SignIn{Issuer: *issuer, Subject: *subject}}
	meta := app.Meta{CommandID: uuid.NewSHA1(id, []byte("register")), Actor: "system:register"}
	if _, err := s.App.PartyCommands().Handle(ctx, cmd, meta); err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, id)
	return err
}
