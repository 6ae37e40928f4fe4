package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestLogFormatJSONReachesEveryComponent(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run([]string{"replay", "--data-dir", t.TempDir(), "--log-format", "json"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	msgs := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
		var r struct{ Msg string }
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		msgs[r.Msg] = true
	}
	if !msgs["filestore: opened"] {
		t.Fatalf("the event store's start-up line is missing from %v", msgs)
	}
}

func TestLogFormatRefusesUnknownFormats(t *testing.T) {
	t.Setenv("NONGJIAO_LOG_FORMAT", "yaml")
	var out bytes.Buffer
	err := run([]string{"replay", "--data-dir", t.TempDir()}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), `unknown log format "yaml"`) {
		t.Fatalf("replay with NONGJIAO_LOG_FORMAT=yaml = %v; want an unknown log format error", err)
	}
}
