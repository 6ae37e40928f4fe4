package server

import "github.com/nongjiao/nongjiao/internal/eventstore"

// WithBackendWrapper returns cfg with every embedded store backend it opens
// wrapped by wrap, for tests to inject faults.
func WithBackendWrapper(cfg Config, wrap func(eventstore.Store) eventstore.Store) Config {
	cfg.wrapBackend = wrap
	return cfg
}
