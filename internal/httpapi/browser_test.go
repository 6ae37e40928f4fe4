package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/testenv"
)

// In headless Chromium, GraphiQL served by the server runs a query over HTTP
// and a subscription over WebSocket and shows their answers, and the page
// sends no request anywhere but the server.
func TestGraphiQLRunsAQueryAndASubscriptionInChromium(t *testing.T) {
	node := testenv.NeedNode(t, "testdata/browser", "playwright-core")
	chromium := testenv.NeedChromium(t)
	url := startServer(t, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := node.Command(ctx, "graphiql.mjs", url+"/graphiql", chromium,
		`{ hello(name: "农交") }`, `subscription { countdown(from: 3) }`)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		t.Fatalf("graphiql.mjs: %v\n%s", err, stderr.String())
	}
	var got struct{ Results, Outside, Errors []string }
	if err := json.Unmarshal(stdout, &got); err != nil {
		t.Fatalf("graphiql.mjs printed %s: %v", stdout, err)
	}
	if len(got.Outside) > 0 {
		t.Errorf("the page sent requests outside the server: %q", got.Outside)
	}
	if len(got.Errors) > 0 {
		t.Errorf("the page reported errors: %q", got.Errors)
	}
	want := []string{`"hello": "hello 农交"`, `"countdown": 1`}
	if len(got.Results) != len(want) {
		t.Fatalf("result pane after each query: %q, want %d", got.Results, len(want))
	}
	for i, w := range want {
		if !strings.Contains(got.Results[i], w) {
			t.Errorf("result pane after query %d:\n%s\nwant it to contain %s", i+1, got.Results[i], w)
		}
	}
}
