package httpapi

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/graphql-go/graphql/language/ast"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/readmodel/changes"
)

// resultCache keeps the encoded responses of queries whose every root
// field is one the schema owner declared cacheable (its resolvers read read
// models only, never the clock or the event store). Such a result depends
// only on the document, the variables, the caller (masking) and what it read
// from the read models, so it answers the same request until the read
// models' change log reports a change to something it read (a listing on a
// page, the board's membership), not merely a move of the global position:
// while an auction runs, a page of listings nobody bids on stays cached.
type resultCache struct {
	max int
	log *changes.Log

	mu    sync.Mutex
	entry map[string]result
}

// result is one cached response: its body, the change log's Now before it
// was computed, and what it read.
type result struct {
	body  []byte
	since uint64
	reads *changes.Reads
}

func newResultCache(max int, log *changes.Log) *resultCache {
	return &resultCache{max: max, log: log, entry: map[string]result{}}
}

// key returns the cache key of op for the caller, and false when op may not
// be cached: not a query, a root selection that is not a plain field, or a
// root field not in cacheable.
func resultKey(op *operation, cacheable map[string]bool, p auth.Principal, hasPrincipal bool) (string, bool) {
	if op.kind != ast.OperationTypeQuery || op.def.SelectionSet == nil {
		return "", false
	}
	for _, sel := range op.def.SelectionSet.Selections {
		f, ok := sel.(*ast.Field)
		if !ok || f.Name == nil || !cacheable[f.Name.Value] {
			return "", false
		}
	}
	vars, err := json.Marshal(op.p.Variables) // map keys are sorted: a stable encoding
	if err != nil {
		return "", false
	}
	who := "anonymous"
	if hasPrincipal {
		who = p.Role.String() + ":" + p.Party.String()
	}
	return strings.Join([]string{who, op.p.OperationName, string(vars), op.p.Query}, "\x00"), true
}

// get returns the cached body for key while nothing it read has changed.
func (c *resultCache) get(key string) ([]byte, bool) {
	c.mu.Lock()
	r, ok := c.entry[key]
	c.mu.Unlock()
	if !ok || !c.log.Fresh(r.reads, r.since) {
		return nil, false
	}
	return r.body, true
}

// put keeps a body computed under reads, started when the log's Now was
// since. When the cache is full, stale entries go first, then any.
func (c *resultCache) put(key string, body []byte, since uint64, reads *changes.Reads) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entry[key]; !ok && len(c.entry) >= c.max {
		for k, r := range c.entry {
			if !c.log.Fresh(r.reads, r.since) {
				delete(c.entry, k)
			}
		}
		for k := range c.entry {
			if len(c.entry) < c.max {
				break
			}
			delete(c.entry, k)
		}
	}
	c.entry[key] = result{body: body, since: since, reads: reads}
}
