package listings_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/api/apitest"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/httpapi"
)

// listingFields selects every Listing field a compiled plan answers.
var listingFields = []string{"id", "title", "status", "assetType", "region { province county township village }", "listedPrice",
	"highestBid", "bidCount", "closingAt", "leadingBidderNumber", "leadingBidderId", "round", "description", "sellerId", "assetIds",
	"owningCollectiveId", "area", "startingPrice", "increment", "termMonths", "depositDue", "listedTotal",
	"resolution { body votesFor total }", "rejectReason", "suspendReason", "unsoldReason", "registrationClosesAt", "biddingOpensAt",
	"negotiationEndsAt", "auctionOpensAt", "freeBiddingEndsAt", "auctionClosesAt", "bidderCount", "priorityEndsAt",
	"award { bidderNumber bidderId price via balanceDue paymentDue }", "awardTotal", "contractId", "certificateNumber",
	"createdAt", "updatedAt", "sale { basis rentFrequency stepUpEveryYears stepUpPercent fixedDeposit method revisable quoteCount " +
		"priorityOrder priorityRight unpaidWinner forfeitTo }"}

// boardFields is a connection selection over every field a compiled plan
// answers on the board.
var boardFields = "edges { cursor node { " + strings.Join(listingFields, " ") + " } } pageInfo { hasNextPage endCursor }"

// boardWithAuction is an exchange with five listings (titles with
// characters JSON escapes): two drafts, and three announced, of which one
// has an open auction with bids by alice and bob. It returns the tokens of
// alice and bob and the auction's id.
func boardWithAuction(t *testing.T) (x *exchange, aliceTok, bobTok, auction string) {
	x = newExchange(t)
	alice, bob := uuid.New(), uuid.New()
	aliceTok, bobTok = x.Token(auth.RoleBidder, alice), x.Token(auth.RoleBidder, bob)
	titles := []string{`<苹果园> & "南坡" \ 地块`, "王家庄荒山 经营权", "东岭 林地", "西洼地", "北沟"}
	var ids []string
	for i, title := range titles {
		ids = append(ids, x.list(x.asset(x.coll, title), title, []string{"100000.00", "250000.50", "90000.00", "120000.00", "80000.00"}[i]))
	}
	for _, id := range ids[:3] {
		x.announce(id)
	}
	auction = ids[0]
	for _, b := range []uuid.UUID{alice, bob} {
		tok := map[uuid.UUID]string{alice: aliceTok, bob: bobTok}[b]
		x.MustDo(tok, `mutation($id: ID!) { registerBidder(input: {listingId: $id}) { position } }`, map[string]any{"id": auction})
		x.must(x.exTok, "confirmDeposit", map[string]any{"listingId": auction, "bidderId": b.String(), "amount": "30000.00"})
		x.must(x.exTok, "qualifyBidder", map[string]any{"listingId": auction, "bidderId": b.String(), "qualified": true})
	}
	x.advanceTo(announcementEnds)
	x.advanceTo(biddingOpens)
	x.must(aliceTok, "placeBid", map[string]any{"listingId": auction, "amount": "100000.00"})
	x.must(bobTok, "placeBid", map[string]any{"listingId": auction, "amount": "101000.00"})

	return x, aliceTok, bobTok, auction
}

// TestListingsReadOnlyWhatTheySelect reads each Listing field of every
// listing through listings (from the card columns when the field is on a
// card, from whole rows otherwise) and through listing (always whole rows):
// the values must agree, for every caller.
func TestListingsReadOnlyWhatTheySelect(t *testing.T) {
	x, aliceTok, _, _ := boardWithAuction(t)
	for _, field := range listingFields {
		// Two of the five are drafts: the public sees the three announced.
		for token, want := range map[string]int{"": 3, aliceTok: 3, x.collTok: 5, x.exTok: 5} {
			page := x.MustDo(token, `{ listings(first: 10) { edges { node { id `+field+` } } } }`, nil)
			edges := get(page, "listings", "edges").([]any)
			if len(edges) != want {
				t.Fatalf("%d listings, want %d", len(edges), want)
			}
			for _, e := range edges {
				node := get(e, "node")
				one := x.MustDo(token, `query($id: ID!) { listing(id: $id) { id `+field+` } }`, map[string]any{"id": get(node, "id")})
				got, _ := json.Marshal(node)
				want, _ := json.Marshal(get(one, "listing"))
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: listings gave %s, listing %s", field, got, want)
				}
			}
		}
	}
}

// TestCompiledQueriesAnswerAsGraphQLGo sends many query shapes, as several
// callers, to a server with compiled plans and to one without, and requires
// the same status and bytes from both, and that the plans answered the
// shapes they cover (and declined, or were never made for, the others).
func TestCompiledQueriesAnswerAsGraphQLGo(t *testing.T) {
	x, aliceTok, bobTok, auction := boardWithAuction(t)
	reg := prometheus.NewRegistry()
	compiled, err := httpapi.New(httpapi.Options{Schema: &x.Schema, Verifier: x.Verifier, Compile: api.Compile, CompileMutation: api.CompileMutation, Registry: reg})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := httpapi.New(httpapi.Options{Schema: &x.Schema, Verifier: x.Verifier})
	if err != nil {
		t.Fatal(err)
	}
	answered := func() float64 { return apitest.CompiledOutcome(t, reg, "answered") }
	declined := func() float64 { return apitest.CompiledOutcome(t, reg, "declined") }

	first := x.MustDo("", `{ listings(first: 2) { pageInfo { endCursor } } }`, nil)
	cursor := get(first, "listings", "pageInfo", "endCursor").(string)

	const (
		answers  = "answered"
		declines = "declined"
		notPlan  = "" // never compiled
	)
	cases := []struct {
		name, query string
		vars        map[string]any
		opName      string
		want        string
	}{
		{"the load test's board query", `query { listings(filter: {status: [AUCTION_OPEN], county: "寿光市", township: "田柳镇"}, first: 20) {
			edges { cursor node { id title status assetType region {county township village} listedPrice highestBid bidCount closingAt } }
			pageInfo { hasNextPage endCursor } } }`, nil, "", answers},
		{"every board field", `{ listings(first: 10) { ` + boardFields + ` } }`, nil, "", answers},
		{"totalCount and sorts", `{ a: listings(sort: PRICE_ASC, first: 3) { totalCount ` + boardFields + ` }
			b: listings(sort: CLOSING_AT_DESC) { totalCount edges { cursor } } }`, nil, "", answers},
		{"variables", `query($f: ListingFilter, $n: Int, $s: ListingSort) { listings(filter: $f, first: $n, sort: $s) { ` + boardFields + ` } }`,
			map[string]any{"f": map[string]any{"status": []any{"ANNOUNCED", "AUCTION_OPEN", "DRAFT"}, "minPrice": "85000.00"}, "n": 3, "s": "PRICE_DESC"}, "", answers},
		{"a variable inside a literal list", `query($st: ListingStatus!) { listings(filter: {status: [$st]}) { edges { node { id status } } } }`,
			map[string]any{"st": "DRAFT"}, "", answers},
		{"a variable's default", `query($n: Int = 2) { listings(first: $n) { edges { node { id } } } }`, nil, "", answers},
		{"a single value for a list variable", `query($st: [ListingStatus!]) { listings(filter: {status: $st}) { edges { node { id } } } }`,
			map[string]any{"st": "DRAFT"}, "", answers},
		{"null variables", `query($f: ListingFilter, $after: String) { listings(filter: $f, after: $after) { edges { node { id } } } }`,
			map[string]any{"f": nil, "after": nil}, "", answers},
		{"the next page by cursor", `query($after: String) { listings(first: 2, after: $after) { ` + boardFields + ` } }`,
			map[string]any{"after": cursor}, "", answers},
		{"aliases", `{ one: listings(first: 1) { e: edges { c: cursor n: node { i: id t: title id } } p: pageInfo { more: hasNextPage } } }`, nil, "", answers},
		{"__typename everywhere", `{ __typename listings(first: 2) { __typename edges { __typename node { __typename id region { __typename } } } } }`, nil, "", answers},
		{"fragments, merged and repeated", `query Q { listings(first: 3) { ...conn edges { node { ...card } } ...conn } }
			fragment conn on ListingConnection { edges { cursor node { id } } pageInfo { endCursor } }
			fragment card on Listing { title ... on Listing { status } region { village } region { county } }`, nil, "", answers},
		{"inline fragments", `query($id: ID!) { listing(id: $id) { ... { id } ... @include(if: true) { title } ... @skip(if: true) { status }
			... on Listing { bidCount } } }`, map[string]any{"id": auction}, "", answers},
		{"literal directives", `{ listings(first: 2) { edges { node { id @skip(if: false) title @include(if: false) status @skip(if: true) bidCount @include(if: true) } } } }`, nil, "", answers},
		{"one listing", `query($id: ID!) { listing(id: $id) { id title highestBid leadingBidderNumber leadingBidderId bidCount
			award { price } sale { method basis } resolution { votesFor } } }`, map[string]any{"id": auction}, "", answers},
		{"a listing that does not exist", `{ listing(id: "` + uuid.NewString() + `") { id } }`, nil, "", answers},
		{"several operations, one named", `query A { listings(first: 1) { edges { node { id } } } } query B { listings(first: 2) { edges { node { title } } } }`, nil, "B", answers},

		{"a directive on a variable", `query($yes: Boolean!) { listings(first: 2) { edges { node { id title @include(if: $yes) } } } }`,
			map[string]any{"yes": false}, "", notPlan},
		{"a field with its own loader", `{ listings(first: 2) { edges { node { id bidders { number } } } } }`, nil, "", notPlan},
		{"introspection", `{ __schema { queryType { name } } listings(first: 1) { edges { cursor } } }`, nil, "", notPlan},
		{"another area's root", `{ me { role } listings(first: 1) { edges { cursor } } }`, nil, "", notPlan},

		{"first out of range", `{ listings(first: 0) { edges { cursor } } }`, nil, "", declines},
		{"first too large, as a variable", `query($n: Int) { listings(first: $n) { edges { cursor } } }`, map[string]any{"n": 1000}, "", declines},
		{"a cursor from elsewhere", `{ listings(after: "bm90LWEtY3Vyc29y") { edges { cursor } } }`, nil, "", declines},
		{"a text filter too long", `query($f: ListingFilter) { listings(filter: $f) { edges { cursor } } }`,
			map[string]any{"f": map[string]any{"text": string(bytes.Repeat([]byte("地"), 101))}}, "", declines},
		{"a variable of the wrong type", `query($n: Int) { listings(first: $n) { edges { cursor } } }`, map[string]any{"n": "three"}, "", declines},
		{"a required variable missing", `query($id: ID!) { listing(id: $id) { id } }`, nil, "", declines},
		{"an unknown enum value", `query($s: ListingSort) { listings(sort: $s) { edges { cursor } } }`, map[string]any{"s": "BY_MOOD"}, "", declines},
		{"an unknown input field", `query($f: ListingFilter) { listings(filter: $f) { edges { cursor } } }`,
			map[string]any{"f": map[string]any{"colour": "red"}}, "", declines},
		{"an id that is not one", `{ listing(id: "not-an-id") { id } }`, nil, "", declines},

		// Refused bids write nothing, so both servers may answer them on
		// one exchange (the mutations' own test, in package api, compares
		// bids that write).
		{"a refused bid, by variables", `mutation($in: PlaceBidInput!) { placeBid(input: $in) { position seq } }`,
			map[string]any{"in": map[string]any{"listingId": auction, "amount": "100500.00"}}, "", answers},
		{"a bid off the increment grid, aliased, inline", `mutation { __typename b: placeBid(input: {listingId: "` + auction + `", amount: "101050.00"}) { __typename p: position } }`,
			nil, "", answers},
		{"a bid on a listing that does not exist", `mutation { placeBid(input: {listingId: "` + uuid.NewString() + `", amount: "1000.00"}) { position } }`, nil, "", answers},
		{"a bid whose amount is not money", `mutation($in: PlaceBidInput!) { placeBid(input: $in) { position } }`,
			map[string]any{"in": map[string]any{"listingId": auction, "amount": "1000.001"}}, "", declines},
	}
	t.Run("one plan run by many requests at once", func(t *testing.T) {
		body, _ := json.Marshal(map[string]any{"query": `query($n: Int) { listings(first: $n) { ` + boardFields + ` } }`, "variables": map[string]any{"n": 4}})
		want := apitest.Post(plain, x.exTok, body).Body.String()
		var wg sync.WaitGroup
		got := make([]string, 8)
		for i := range got {
			wg.Go(func() { got[i] = apitest.Post(compiled, x.exTok, body).Body.String() })
		}
		wg.Wait()
		for _, g := range got {
			if g != want {
				t.Fatalf("concurrent plan gave %s, want %s", g, want)
			}
		}
	})
	callers := []struct{ name, token string }{{"anonymous", ""}, {"alice", aliceTok}, {"bob", bobTok}, {"the exchange", x.exTok}}
	for _, c := range cases {
		for _, who := range callers {
			t.Run(c.name+"/"+who.name, func(t *testing.T) {
				body, err := json.Marshal(map[string]any{"query": c.query, "variables": c.vars, "operationName": c.opName})
				if err != nil {
					t.Fatal(err)
				}
				a0, d0 := answered(), declined()
				got := apitest.Post(compiled, who.token, body)
				a1, d1 := answered(), declined()
				want := apitest.Post(plain, who.token, body)
				if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") ||
					!bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
					t.Fatalf("compiled: %d %s\n%s\ngraphql-go: %d %s\n%s", got.Code, got.Header().Get("Content-Type"), got.Body,
						want.Code, want.Header().Get("Content-Type"), want.Body)
				}
				if outcome := map[[2]bool]string{{true, false}: answers, {false, true}: declines, {false, false}: notPlan}[[2]bool{a1 > a0, d1 > d0}]; outcome != c.want {
					t.Fatalf("plan outcome %q, want %q (response %s)", outcome, c.want, got.Body)
				}
			})
		}
	}
}
