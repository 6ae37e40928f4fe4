package httpapi

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/graphql-go/graphql/language/ast"

	"github.com/nongjiao/nongjiao/internal/auth"
)

// resultCache keeps the encoded responses of queries computed at the read
// models' current position. A result depends only on the document, the
// variables, the caller (masking) and the read models' contents when every
// root field is one the schema owner declared cacheable (its resolvers read
// read models only, never the clock or the event store), so a response
// computed at position P answers the same request at P. Entries of older
// positions are dropped as soon as the position moves: on a live exchange the
// cache serves bursts of identical board queries between two writes.
type resultCache struct {
	max int

	mu   sync.Mutex
	pos  uint64
	body map[string][]byte
}

func newResultCache(max int) *resultCache {
	return &resultCache{max: max, body: map[string][]byte{}}
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

func (c *resultCache) get(pos uint64, key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if pos != c.pos {
		return nil, false
	}
	b, ok := c.body[key]
	return b, ok
}

func (c *resultCache) put(pos uint64, key string, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case pos > c.pos:
		c.pos, c.body = pos, map[string][]byte{}
	case pos < c.pos:
		return
	}
	if len(c.body) < c.max {
		c.body[key] = body
	}
}
