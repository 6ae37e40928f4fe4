package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/demo"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/testenv"
)

// The npm clients the tests drive live with the transport's tests.
var nodeDir = filepath.Join("..", "httpapi", "testdata", "node")

func TestGraphQLHTTPAuditOfTheAssembledServer(t *testing.T) {
	node := testenv.NeedNode(t, nodeDir, "graphql-http")
	x := startServer(t, time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := node.Command(ctx, "audit.mjs", x.url).Output()
	if err != nil {
		t.Fatal(err)
	}
	var results []struct{ ID, Name, Status, Reason string }
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatal(err)
	}
	if len(results) < 40 {
		t.Fatalf("the audit ran only %d checks", len(results))
	}
	for _, r := range results {
		if r.Status != "ok" {
			t.Errorf("%s %s: %s %s", r.ID, r.Name, r.Status, r.Reason)
		}
	}
}

// The npm graphql-ws client follows the demo's live auction while a bid is placed over HTTP.
func TestGraphQLWSClientFollowsTheLiveAuction(t *testing.T) {
	node := testenv.NeedNode(t, nodeDir, "graphql-ws", "ws")
	now := time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
	x := startServer(t, now, seedDemo(t))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	live := demo.ListingLive.String()
	tok := x.token(auth.RoleExchange, demo.Exchange)
	cmd := node.Command(ctx, "subscribe.mjs",
		"ws"+strings.TrimPrefix(x.url, "http"), tok,
		fmt.Sprintf(`subscription { auctionFeed(listingId: %q) { kind amount bidderId } }`, live))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill() //nolint:errcheck // the subscription never completes by itself
	lines := bufio.NewScanner(stdout)
	next := func() map[string]any {
		t.Helper()
		if !lines.Scan() {
			t.Fatalf("graphql-ws client ended: %v", lines.Err())
		}
		var m struct {
			Next struct {
				Data map[string]map[string]any `json:"data"`
			} `json:"next"`
		}
		if err := json.Unmarshal(lines.Bytes(), &m); err != nil || m.Next.Data == nil {
			t.Fatalf("graphql-ws client printed %s", lines.Text())
		}
		return m.Next.Data["auctionFeed"]
	}
	if ev := next(); ev["kind"] != "SUBSCRIBED" {
		t.Fatalf("first event %v, want the SUBSCRIBED snapshot", ev)
	}
	l := x.query(tok, `query($id: ID!) { listing(id: $id) { highestBid increment bidders { bidderId qualified } } }`, map[string]any{"id": live}, "")["listing"].(map[string]any)
	highest, _ := kernel.ParseMoney(l["highestBid"].(string))
	inc, _ := kernel.ParseMoney(l["increment"].(string))
	amount := (highest + inc).String()
	var bidder string
	for _, b := range l["bidders"].([]any) {
		if b := b.(map[string]any); b["qualified"] == true {
			bidder = b["bidderId"].(string)
		}
	}
	x.mutate(x.token(auth.RoleBidder, mustUUID(t, bidder)), "placeBid", map[string]any{"listingId": live, "amount": amount}, "")
	if ev := next(); ev["kind"] != "BID" || ev["amount"] != amount || ev["bidderId"] != bidder {
		t.Fatalf("after a bid of %s: %v", amount, ev)
	}
}

// On a machine without the npm packages the tests above skip, before they
// start a server that a skip would stop while it starts.
func TestNodeTestsSkipWithoutTheirPackages(t *testing.T) {
	testenv.RequireSkipsWithoutPackages(t, "TestGraphQLHTTPAuditOfTheAssembledServer", "TestGraphQLWSClientFollowsTheLiveAuction")
}
