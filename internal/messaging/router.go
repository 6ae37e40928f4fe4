package messaging

import (
	"time"

	"github.com/ThreeDotsLabs/watermill"
	"github.com/ThreeDotsLabs/watermill/components/metrics"
	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultRetry is the retry policy NewRouter uses when RouterConfig.Retry is
// nil: five retries, 100 ms doubling to at most 10 s.
var DefaultRetry = middleware.Retry{
	MaxRetries:      5,
	InitialInterval: 100 * time.Millisecond,
	MaxInterval:     10 * time.Second,
	Multiplier:      2,
}

// RouterConfig configures NewRouter.
type RouterConfig struct {
	// Logger is the router's and the middleware's logger; nil discards.
	Logger watermill.LoggerAdapter
	// Retry retries a failing handler in place, with backoff; nil means DefaultRetry.
	Retry *middleware.Retry
	// PoisonPublisher receives the messages whose handler still fails after
	// the retries, on PoisonTopic, and the subscription moves on. Nil: no
	// poison queue, the message is Nacked and redelivered, and its group
	// does not advance until the handler succeeds.
	PoisonPublisher message.Publisher
	// PoisonTopic is where poisoned messages go; "" means PoisonTopic.
	PoisonTopic string
	// Metrics, when set, registers watermill's Prometheus metrics (handler
	// execution time, publish time, received messages) for every handler.
	Metrics prometheus.Registerer
	// MetricsNamespace prefixes the metric names ("" for none).
	MetricsNamespace string
}

// NewRouter returns a watermill router for projections and process
// managers, with this middleware, outermost first: Prometheus metrics
// (optional), poison queue (optional), retry with exponential backoff, and
// a recoverer that turns a handler's panic into an error (so it is retried
// and, in the end, poisoned like any failure). Add handlers with
// AddConsumerHandler, each with its own Subscriber (its own consumer group).
func NewRouter(cfg RouterConfig) (*message.Router, error) {
	if cfg.Logger == nil {
		cfg.Logger = watermill.NopLogger{}
	}
	retry := DefaultRetry
	if cfg.Retry != nil {
		retry = *cfg.Retry
	}
	if retry.Logger == nil {
		retry.Logger = cfg.Logger
	}
	r, err := message.NewRouter(message.RouterConfig{}, cfg.Logger)
	if err != nil {
		return nil, err
	}
	if cfg.Metrics != nil {
		metrics.NewPrometheusMetricsBuilder(cfg.Metrics, cfg.MetricsNamespace, "").AddPrometheusRouterMetrics(r)
	}
	if cfg.PoisonPublisher != nil {
		topic := cfg.PoisonTopic
		if topic == "" {
			topic = PoisonTopic
		}
		poison, err := middleware.PoisonQueue(cfg.PoisonPublisher, topic)
		if err != nil {
			return nil, err
		}
		r.AddMiddleware(poison)
	}
	r.AddMiddleware(retry.Middleware, middleware.Recoverer)
	return r, nil
}
