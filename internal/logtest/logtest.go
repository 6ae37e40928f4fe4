// Package logtest records what code under test logs, so that tests can count
// and inspect log records: New returns a Recorder (JSON records) and the
// *slog.Logger that writes to it; a Buffer keeps slog's text lines.
package logtest

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// output is log output kept for a test; it is safe for concurrent use, so
// background goroutines may log into it while a test reads it.
type output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write implements io.Writer for the logger's handler.
func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

// String returns everything logged so far.
func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// Recorder holds the JSON log records of a logger from New. It is safe for
// concurrent use.
type Recorder struct{ output }

// New returns a Recorder and a logger, at level Info and above, that writes to it.
func New() (*Recorder, *slog.Logger) {
	r := &Recorder{}
	return r, slog.New(slog.NewJSONHandler(r, nil))
}

// Records returns every record logged so far, each as its JSON object
// ("level", "msg" and the attributes).
func (r *Recorder) Records(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(strings.NewReader(r.String()))
	for dec.More() {
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("log record: %v", err)
		}
		out = append(out, rec)
	}
	return out
}

// With returns the records whose message is msg.
func (r *Recorder) With(t testing.TB, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, rec := range r.Records(t) {
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// Counts returns how many records were logged of each level and message,
// keyed "LEVEL message".
func (r *Recorder) Counts(t testing.TB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, rec := range r.Records(t) {
		out[rec["level"].(string)+" "+rec["msg"].(string)]++
	}
	return out
}

// Buffer collects slog's text lines; it is safe for concurrent use, so
// background goroutines may log into it while a test reads it.
type Buffer struct{ output }

// Logger returns a text logger writing into b at every level.
func (b *Buffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Lines returns the lines logged at level, as slog's text handler names it
// ("DEBUG", "INFO", "WARN", "ERROR").
func (b *Buffer) Lines(level slog.Level) []string {
	var out []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, " level="+level.String()+" ") {
			out = append(out, l)
		}
	}
	return out
}
