package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/nongjiao/nongjiao/internal/httpapi"
)

// DefaultMaxProjectionLag is Config.MaxProjectionLag's default: about a
// second of a busy auction day's events.
const DefaultMaxProjectionLag = 1000

// NewLogger returns the logger of every component: slog lines to w, as
// "text" (key=value) or "json" (one object a line).
func NewLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	default:
		return nil, fmt.Errorf("unknown log format %q: want text or json", format)
	}
}

// healthReporter is a store that knows whether it accepts appends.
type healthReporter interface {
	Health() error
}

// readiness lists the checks of /readyz: the store accepts appends (when it
// can tell), and the read models trail it by at most MaxProjectionLag events.
func (s *Server) readiness() []httpapi.Check {
	var checks []httpapi.Check
	if h, ok := s.backend.(healthReporter); ok {
		checks = append(checks, httpapi.Check{Name: "store", Check: func(context.Context) error { return h.Health() }})
	}
	return append(checks, httpapi.Check{Name: "projections", Check: s.projectionsCaughtUp})
}

// projectionsCaughtUp fails when more than MaxProjectionLag events of the
// store lie beyond what the projector has received (the events it gathers
// for a transaction while nobody waits are not behind: Projector.Received).
// It reads at most that many events and one more.
func (s *Server) projectionsCaughtUp(ctx context.Context) error {
	at, limit := s.Projector.Received(), s.Config.MaxProjectionLag
	ahead, err := s.Store.ReadAll(ctx, at, int(limit)+1)
	if err != nil {
		return fmt.Errorf("reading the store after position %d: %w", at, err)
	}
	if n := uint64(len(ahead)); n > limit {
		return fmt.Errorf("the read models at position %d trail the store by more than %d events", at, limit)
	}
	return nil
}
