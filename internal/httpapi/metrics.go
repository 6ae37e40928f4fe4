package httpapi

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metricNamespace prefixes every series the server exports.
const metricNamespace = "nongjiao"

// metrics are the Prometheus series the server exports.
type metrics struct {
	requests      *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	subscriptions prometheus.Gauge
	results       *prometheus.CounterVec // result cache lookups by outcome
	compiled      *prometheus.CounterVec // compiled queries and mutations by outcome
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricNamespace, Subsystem: "graphql", Name: "requests_total",
			Help: "GraphQL HTTP requests by operation type (query, mutation, subscription, unknown) and HTTP status.",
		}, []string{"operation", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: metricNamespace, Subsystem: "graphql", Name: "request_duration_seconds",
			Help:    "Time to answer a GraphQL HTTP request, by operation type and HTTP status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"operation", "status"}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: metricNamespace, Subsystem: "graphql", Name: "websocket_operations",
			Help: "Operations running on WebSocket connections.",
		}),
		results: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricNamespace, Subsystem: "graphql", Name: "result_cache_lookups_total",
			Help: "Cacheable queries by outcome: hit (answered from the result cache) or miss (executed).",
		}, []string{"outcome"}),
		compiled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: metricNamespace, Subsystem: "graphql", Name: "compiled_executions_total",
			Help: "Queries and mutations with a compiled plan by outcome: answered (by the plan) or declined (answered by graphql-go).",
		}, []string{"outcome"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.latency, m.subscriptions, m.results, m.compiled} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) observe(operation string, status int, d time.Duration) {
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(operation, code).Inc()
	m.latency.WithLabelValues(operation, code).Observe(d.Seconds())
}
