package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// Check is one readiness check of /readyz: Check returns nil when the
// server is ready as far as it goes, and otherwise why not. Name labels it in
// the answer.
type Check struct {
	Name  string
	Check func(ctx context.Context) error
}

// readyTimeout bounds one run of the readiness checks.
const readyTimeout = 2 * time.Second

// readiness is /readyz's answer: every check's result, "ok" or why not.
type readiness struct {
	Ready  bool              `json:"ready"`
	Checks map[string]string `json:"checks"`
}

// serveHealth answers /healthz: the process lives and serves HTTP.
func serveHealth(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}

// serveReady answers /readyz: 200 when every check passes, 503 otherwise,
// with each check's result.
func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	out := readiness{Ready: true, Checks: map[string]string{}}
	for _, c := range s.opts.Readiness {
		if err := c.Check(ctx); err != nil {
			out.Ready = false
			out.Checks[c.Name] = err.Error()
			continue
		}
		out.Checks[c.Name] = "ok"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !out.Ready {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(out)
}
