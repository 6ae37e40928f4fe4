package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/httpapi"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// bid is the command of the bidding fixture's placeBid.
type bid struct {
	ListingID uuid.UUID
	Amount    kernel.Money
}

func (c bid) AggregateID() uuid.UUID { return c.ListingID }

// Amounts (in yuan) that make the fixture's placeBid misbehave; any other
// amount of at least minimumBid is sent and answered plainly.
const (
	minimumBid    = "1000.00" // below: BID_BELOW_MINIMUM, nothing sent
	panicsBid     = "6666.00" // the decoder panics, nothing sent
	badMoodBid    = "7777.00" // sent; the nullable mood cannot be serialised
	noCloseBid    = "8888.00" // sent; the non-null closesAt is null
	waitsBid      = "9999.00" // the decoder waits for the request's deadline
	suspendedNote = "PARTY_SUSPENDED"
)

// mood is the enum of the fixture's payload.
type mood string

// ledger records one server's side effects: every call of the party gate
// (once per resolver call that passed the role check), of the decoder, and
// every command sent. A quiet ledger only counts them (for benchmarks).
type ledger struct {
	quiet   bool
	mu      sync.Mutex
	n       int
	entries []string
	keys    map[uuid.UUID]bool // command ids seen
}

func (l *ledger) add(format string, args ...any) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if !l.quiet {
		l.entries = append(l.entries, fmt.Sprintf(format, args...))
	}
	return l.n
}

func (l *ledger) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.entries, "\n")
}

// Handle implements Sender: a command id seen before is a duplicate.
func (l *ledger) Handle(_ context.Context, cmd bid, meta app.Meta) (app.Result, error) {
	id := "random"
	if meta.CommandID.Version() == 5 {
		id = meta.CommandID.String()
	}
	l.mu.Lock()
	dup := l.keys[meta.CommandID]
	if !l.quiet {
		l.keys[meta.CommandID] = true
	}
	l.mu.Unlock()
	pos := l.add("send %s %s by %s, command %s, duplicate %v", cmd.ListingID, cmd.Amount, meta.Actor, id, dup)
	return app.Result{Position: uint64(pos), Duplicate: dup}, nil
}

var (
	fixtureSecret = bytes.Repeat([]byte{9}, auth.SecretSize)
	fixtureNow    = time.Date(2026, 11, 25, 8, 0, 0, 0, time.UTC)
	suspended     = uuid.MustParse("5a1b2c3d-0000-4000-8000-000000000001")
	auctionID     = uuid.MustParse("5a1b2c3d-0000-4000-8000-0000000000aa")
)

// biddingSchema is a schema with one Mutations table, placeBid, whose
// decoder, sender and party gate write to l.
func biddingSchema(t testing.TB, l *ledger) *graphql.Schema {
	t.Helper()
	b := api.NewBuilder()
	b.Query("ping", &graphql.Field{Type: graphql.String})
	b.SetStanding(func(_ context.Context, p auth.Principal) error {
		l.add("standing %s", p.Party)
		if p.Party == suspended {
			return kernel.Errorf(suspendedNote, "your party is suspended")
		}
		return nil
	})
	minimum, _ := kernel.ParseMoney(minimumBid)
	api.Mutations[bid]{Handler: l, ID: "listingId", Rows: []api.Mutation[bid]{{
		Name:  "placeBid",
		Roles: []auth.Role{auth.RoleBidder},
		Input: graphql.InputObjectConfigFieldMap{"listingId": {Type: api.NonNull(graphql.ID)}, "amount": {Type: api.NonNull(api.Money)}},
		Output: graphql.Fields{
			"seq":      {Type: graphql.Int},
			"mood":     {Type: api.Enum("Mood", "", mood("KEEN"), mood("CALM"))},
			"closesAt": {Type: api.NonNull(api.DateTime)},
			"note": {Type: graphql.String, Resolve: func(graphql.ResolveParams) (any, error) {
				return "a payload field with its own resolver", nil
			}},
		},
		Decode: api.On("listingId", func(ctx context.Context, c api.Call, id uuid.UUID) (bid, error) {
			amount := api.Arg[kernel.Money](c.Input, "amount")
			l.add("decode %s", amount)
			switch amount.String() {
			case panicsBid:
				panic("the decoder panics")
			case waitsBid:
				<-ctx.Done()
				return bid{}, fmt.Errorf("reading the listing: %w", ctx.Err())
			}
			if amount < minimum {
				return bid{}, kernel.FieldErrorf("BID_BELOW_MINIMUM", "amount", "must be at least %s", minimum)
			}
			return bid{ListingID: id, Amount: amount}, nil
		}),
		Payload: func(cmd bid, res app.Result) map[string]any {
			out := map[string]any{"seq": int(res.Position), "mood": mood("KEEN"), "closesAt": fixtureNow.Add(time.Hour)}
			switch cmd.Amount.String() {
			case badMoodBid:
				out["mood"] = []int{1} // an enum looks values up in a map: this panics
			case noCloseBid:
				out["closesAt"] = nil
			}
			return out
		},
	}}}.Register(b)
	s, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	return &s
}

// biddingServer is a fresh bidding schema served by httpapi, with compiled
// operations or without, and its ledger and metrics registry.
func biddingServer(t testing.TB, compiled bool) (*httpapi.Server, *ledger, *prometheus.Registry) {
	t.Helper()
	_, quiet := t.(*testing.B)
	l := &ledger{quiet: quiet, keys: map[uuid.UUID]bool{}}
	reg := prometheus.NewRegistry()
	opts := httpapi.Options{
		Schema:   biddingSchema(t, l),
		Verifier: auth.NewVerifier(fixtureSecret, kernel.NewManualClock(fixtureNow)),
		Timeout:  300 * time.Millisecond,
		Registry: reg,
		Logger:   slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if compiled {
		opts.Compile, opts.CompileMutation = api.Compile, api.CompileMutation
	}
	s, err := httpapi.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return s, l, reg
}

func fixtureToken(t testing.TB, role auth.Role, party uuid.UUID) string {
	t.Helper()
	tok, err := auth.NewIssuer(fixtureSecret, kernel.NewManualClock(fixtureNow)).Issue(auth.Principal{Role: role, Party: party}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestCompiledMutationsAnswerAsGraphQLGo sends each mutation shape to two
// fresh servers, one compiling operations and one leaving them to
// graphql-go, and requires the same status, media type and bytes, the same
// side effects (party gate, decoder and sender calls, in order), each
// resolver called once per root field that runs, and the compiled path's
// expected outcome.
func TestCompiledMutationsAnswerAsGraphQLGo(t *testing.T) {
	alice := uuid.MustParse("5a1b2c3d-0000-4000-8000-00000000a11c")
	bidder := fixtureToken(t, auth.RoleBidder, alice)
	exchange := fixtureToken(t, auth.RoleExchange, uuid.MustParse("5a1b2c3d-0000-4000-8000-0000000000ee"))
	suspendedBidder := fixtureToken(t, auth.RoleBidder, suspended)
	in := func(amount string, more ...string) string {
		return `{listingId: "` + auctionID.String() + `", amount: "` + amount + `"` + strings.Join(more, "") + `}`
	}
	vin := func(amount string) map[string]any {
		return map[string]any{"listingId": auctionID.String(), "amount": amount}
	}
	const (
		answers  = "answered"
		declines = "declined"
		notPlan  = ""
	)
	cases := []struct {
		name, token, method, query string
		vars                       map[string]any
		outcome                    string
		gates                      int // party gate calls: resolver calls that passed the role check
	}{
		{"a bid with variables", bidder, "", `mutation($in: PlaceBidInput!) { placeBid(input: $in) { listingId position duplicate clientMutationId seq mood closesAt } }`,
			map[string]any{"in": map[string]any{"listingId": auctionID.String(), "amount": "1200.00", "clientMutationId": "c<1>"}}, answers, 1},
		{"inline arguments, aliases, __typename", bidder, "", `mutation { __typename a: placeBid(input: ` + in("1100.00") + `) { __typename p: position s: seq listingId } }`,
			nil, answers, 1},
		{"fragments, merged", bidder, "", `mutation M { ...bids placeBid(input: ` + in("1300.00") + `) { duplicate } }
			fragment bids on Mutation { placeBid(input: ` + in("1300.00") + `) { ...pay } }
			fragment pay on PlaceBidPayload { position listingId ... on PlaceBidPayload { seq } }`, nil, answers, 1},
		{"several bids run in document order, keys sorted", bidder, "", `mutation { z: placeBid(input: ` + in("1000.00") + `) { seq }
			a: placeBid(input: ` + in("1500.00") + `) { seq } m: placeBid(input: ` + in("2000.00") + `) { seq position } }`, nil, answers, 3},
		{"a fragment's field runs where the fragment stands", bidder, "", `mutation { ...late first: placeBid(input: ` + in("1000.00") + `) { seq } }
			fragment late on Mutation { second: placeBid(input: ` + in("1100.00") + `) { seq } }`, nil, answers, 2},
		{"a variable's default and one variable in two bids", bidder, "", `mutation($amount: Money = "1400.00", $id: ID!) {
			a: placeBid(input: {listingId: $id, amount: $amount}) { seq } b: placeBid(input: {listingId: $id, amount: "1500.00"}) { seq } }`,
			map[string]any{"id": auctionID.String()}, answers, 2},
		{"a retry with the same idempotency key", bidder, "", `mutation { a: placeBid(input: ` + in("1200.00", `, idempotencyKey: "k1"`) + `) { duplicate position }
			b: placeBid(input: ` + in("1200.00", `, idempotencyKey: "k1"`) + `) { duplicate position } }`, nil, answers, 2},
		{"a bid below the minimum", bidder, "", `mutation($in: PlaceBidInput!) { placeBid(input: $in) { position } }`,
			map[string]any{"in": vin("500.00")}, answers, 1},
		{"a refusal stops the bids after it", bidder, "", `mutation { a: placeBid(input: ` + in("1200.00") + `) { seq }
			b: placeBid(input: ` + in("10.00") + `) { seq } c: placeBid(input: ` + in("1300.00") + `) { seq } }`, nil, answers, 2},
		{"an id that is not one", bidder, "", `mutation { placeBid(input: {listingId: "not-an-id", amount: "1200.00"}) { position } }`, nil, answers, 1},
		{"the decoder panics", bidder, "", `mutation { placeBid(input: ` + in(panicsBid) + `) { position } }`, nil, answers, 1},
		{"a nullable payload field fails after the send", bidder, "", `mutation { placeBid(input: ` + in(badMoodBid) + `) { seq mood position } }`, nil, answers, 1},
		{"a non-null payload field is null after the send", bidder, "", `mutation { a: placeBid(input: ` + in("1200.00") + `) { mood }
			b: placeBid(input: ` + in(noCloseBid) + `) { seq closesAt } c: placeBid(input: ` + in("1300.00") + `) { seq } }`, nil, answers, 2},
		{"the request's deadline passes", bidder, "", `mutation { placeBid(input: ` + in(waitsBid) + `) { position } }`, nil, answers, 1},
		{"an anonymous caller", "", "", `mutation { placeBid(input: ` + in("1200.00") + `) { position } }`, nil, answers, 0},
		{"a caller in another role", exchange, "", `mutation { placeBid(input: ` + in("1200.00") + `) { position } }`, nil, answers, 0},
		{"a suspended party", suspendedBidder, "", `mutation { placeBid(input: ` + in("1200.00") + `) { position } }`, nil, answers, 1},

		{"a required variable missing", bidder, "", `mutation($in: PlaceBidInput!) { placeBid(input: $in) { position } }`, nil, declines, 0},
		{"an amount that is not money", bidder, "", `mutation($in: PlaceBidInput!) { placeBid(input: $in) { position } }`,
			map[string]any{"in": vin("12.345")}, declines, 0},
		{"an unknown input field", bidder, "", `mutation($in: PlaceBidInput!) { placeBid(input: $in) { position } }`,
			map[string]any{"in": map[string]any{"listingId": auctionID.String(), "amount": "1200.00", "colour": "red"}}, declines, 0},
		{"a variable of the wrong type", bidder, "", `mutation($a: Money!) { placeBid(input: {listingId: "` + auctionID.String() + `", amount: $a}) { position } }`,
			map[string]any{"a": 1200}, declines, 0},

		{"a payload field with its own resolver", bidder, "", `mutation { placeBid(input: ` + in("1200.00") + `) { position note } }`, nil, notPlan, 1},
		{"a mutation over GET", bidder, http.MethodGet, `mutation { placeBid(input: ` + in("1200.00") + `) { position } }`, nil, notPlan, 0},
	}
	t.Run("one plan run by many requests at once", func(t *testing.T) {
		compiled, l, reg := biddingServer(t, true)
		query := `mutation($in: PlaceBidInput!) { placeBid(input: $in) { position duplicate } }`
		positions := make([]string, 8)
		var wg sync.WaitGroup
		for i := range positions {
			wg.Go(func() {
				var answer struct {
					Data struct{ PlaceBid struct{ Position string } }
				}
				body := serveFixture(t, compiled, "", bidder, query, map[string]any{"in": vin(fmt.Sprintf("%d.00", 1000+i))}).Body.Bytes()
				if err := json.Unmarshal(body, &answer); err != nil {
					t.Error(err)
				}
				positions[i] = answer.Data.PlaceBid.Position
			})
		}
		wg.Wait()
		slices.Sort(positions)
		if distinct := slices.Compact(slices.Clone(positions)); len(distinct) != 8 || positions[0] == "" ||
			strings.Count(l.String(), "send ") != 8 || apitest.CompiledOutcome(t, reg, answers) != 8 {
			t.Fatalf("positions %v, want 8 distinct ones; compiled answered %v\n%s", positions, apitest.CompiledOutcome(t, reg, answers), l)
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			compiled, cl, reg := biddingServer(t, true)
			plain, pl, _ := biddingServer(t, false)
			got := serveFixture(t, compiled, c.method, c.token, c.query, c.vars)
			want := serveFixture(t, plain, c.method, c.token, c.query, c.vars)
			if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") ||
				!bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
				t.Fatalf("compiled: %d %s\n%s\ngraphql-go: %d %s\n%s", got.Code, got.Header().Get("Content-Type"), got.Body,
					want.Code, want.Header().Get("Content-Type"), want.Body)
			}
			if cl.String() != pl.String() {
				t.Fatalf("side effects differ:\ncompiled:\n%s\ngraphql-go:\n%s", cl, pl)
			}
			if gates := strings.Count(cl.String(), "standing "); gates != c.gates {
				t.Fatalf("the party gate ran %d times, want %d (a resolver ran again?):\n%s", gates, c.gates, cl)
			}
			a, d := apitest.CompiledOutcome(t, reg, answers), apitest.CompiledOutcome(t, reg, declines)
			if outcome := map[[2]float64]string{{1, 0}: answers, {0, 1}: declines, {0, 0}: notPlan}[[2]float64{a, d}]; outcome != c.outcome {
				t.Fatalf("compiled outcome %q (answered %v, declined %v), want %q; response %s", outcome, a, d, c.outcome, got.Body)
			}
		})
	}
}

// serveFixture sends query to h as token's caller, by POST unless method
// says otherwise.
func serveFixture(t testing.TB, h http.Handler, method, token, query string, vars map[string]any) *httptest.ResponseRecorder {
	t.Helper()
	if method == http.MethodGet {
		return apitest.Send(h, token, httptest.NewRequest(http.MethodGet, "/graphql?"+url.Values{"query": {query}}.Encode(), nil))
	}
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return apitest.Post(h, token, body)
}

// BenchmarkPlaceBid places bids through httpapi's handler (in process, no
// network) on the bidding fixture, whose sender does nothing: the figures
// are the transport's and the executor's cost of a bid, with the mutation
// compiled and executed by graphql-go.
// go test -run '^$' -bench PlaceBid -count 3 ./internal/api/
func BenchmarkPlaceBid(b *testing.B) {
	token := fixtureToken(b, auth.RoleBidder, uuid.MustParse("5a1b2c3d-0000-4000-8000-00000000a11c"))
	for _, bid := range []struct{ name, amount string }{{"accepted", "1200.00"}, {"refused", "500.00"}} {
		body, err := json.Marshal(map[string]any{
			"query": `mutation($in: PlaceBidInput!) {
				placeBid(input: $in) { listingId position duplicate seq auctionClosesAt: closesAt } }`,
			"variables": map[string]any{"in": map[string]any{"listingId": auctionID.String(), "amount": bid.amount}},
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, mode := range []struct {
			name     string
			compiled bool
		}{{"graphql-go", false}, {"compiled", true}} {
			b.Run(bid.name+"/"+mode.name, func(b *testing.B) {
				h, _, _ := biddingServer(b, mode.compiled)
				for b.Loop() {
					w := apitest.Post(h, token, body)
					if w.Code != http.StatusOK || bytes.Contains(w.Body.Bytes(), []byte(`"errors"`)) != (bid.name == "refused") {
						b.Fatalf("%d %s", w.Code, w.Body)
					}
				}
			})
		}
	}
}
