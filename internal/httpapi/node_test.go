package httpapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/testenv"
)

const nodeDir = "testdata/node"

// needNode returns node with the npm packages of testdata/node, or skips (or
// fails under NONGJIAO_REQUIRE_SERVICES=1) when they are missing.
func needNode(t *testing.T) testenv.Node {
	t.Helper()
	return testenv.NeedNode(t, nodeDir, "graphql-http", "graphql-ws", "ws")
}

// runNode runs a script of testdata/node against the real server and returns
// its standard output.
func runNode(t *testing.T, node testenv.Node, script string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := node.Command(ctx, script, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, stderr.String())
	}
	return out
}

func startServer(t *testing.T, edit func(*Options)) string {
	t.Helper()
	testenv.Starting(t)
	s, _ := newTestServer(t, edit)
	srv := httptest.NewServer(s) // listens on 127.0.0.1:0
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestGraphQLHTTPAuditPassesWithoutErrorOrWarning(t *testing.T) {
	node := needNode(t)
	url := startServer(t, nil)
	var results []struct{ ID, Name, Status, Reason string }
	if err := json.Unmarshal(runNode(t, node, "audit.mjs", url+"/graphql"), &results); err != nil {
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
	t.Logf("graphql-http auditServer: %d audits run", len(results))
}

func TestGraphQLWSClientReceivesTheSubscription(t *testing.T) {
	node := needNode(t)
	url := startServer(t, nil)
	ws := "ws" + strings.TrimPrefix(url, "http") + "/graphql"

	lines := func(out []byte) []string {
		var got []string
		sc := bufio.NewScanner(bytes.NewReader(out))
		for sc.Scan() {
			got = append(got, sc.Text())
		}
		return got
	}
	got := lines(runNode(t, node, "subscribe.mjs", ws, testToken(t, auth.RoleBidder), `subscription { countdown(from: 3) }`))
	want := []string{
		`{"next":{"data":{"countdown":3}}}`,
		`{"next":{"data":{"countdown":2}}}`,
		`{"next":{"data":{"countdown":1}}}`,
		`{"complete":true}`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("subscription received\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	got = lines(runNode(t, node, "subscribe.mjs", ws, testToken(t, auth.RoleBidder), `{ me }`))
	want = []string{`{"next":{"data":{"me":"bidder:` + testParty.String() + `"}}}`, `{"complete":true}`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("query over WebSocket received\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	got = lines(runNode(t, node, "subscribe.mjs", ws, "", `subscription { nosuchfield }`))
	if len(got) != 1 || !strings.Contains(got[0], `"error":[`) || !strings.Contains(got[0], CodeValidationFailed) {
		t.Errorf("invalid subscription received %v; want one error message with %s", got, CodeValidationFailed)
	}
}

// On a machine without the npm packages the tests above skip.
func TestNodeTestsSkipWithoutTheirPackages(t *testing.T) {
	testenv.RequireSkipsWithoutPackages(t, "TestGraphQLHTTPAuditPassesWithoutErrorOrWarning", "TestGraphQLWSClientReceivesTheSubscription",
		"TestGraphiQLRunsAQueryAndASubscriptionInChromium")
}
