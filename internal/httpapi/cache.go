package httpapi

import (
	"container/list"
	"sync"
	"sync/atomic"

	"github.com/graphql-go/graphql/language/ast"
)

// document is a parsed document and the outcome of validating it against the
// server's schema. Validation depends only on the schema and the document, so
// both are computed once per distinct query text.
type document struct {
	ast        *ast.Document
	invalid    []gqlError // validation errors; nil when the document is valid
	operations []*ast.OperationDefinition
	fragments  map[string]*ast.FragmentDefinition
	plans      map[*ast.OperationDefinition]compiled // compiled operations of a valid document
}

// compiled is an operation's compiled form: a query's Plan or a mutation's
// MutationPlan, and the length of the query's last response, which the next
// one's buffer starts at (a board page is some 10 KB: growing from
// planBuffer, each response allocated three buffers).
type compiled struct {
	query    Plan
	mutation MutationPlan
	size     *atomic.Int64
}

// compilers compile a valid document's operations (Options.Compile and
// Options.CompileMutation); either may be nil.
type compilers struct {
	query    func(*ast.Document, *ast.OperationDefinition) Plan
	mutation func(*ast.Document, *ast.OperationDefinition) MutationPlan
}

// newDocument indexes a parsed document's operations and fragments and,
// when it is valid, compiles its operations with compile.
func newDocument(doc *ast.Document, invalid []gqlError, compile compilers) *document {
	d := &document{ast: doc, invalid: invalid, fragments: map[string]*ast.FragmentDefinition{}}
	for _, def := range doc.Definitions {
		switch def := def.(type) {
		case *ast.OperationDefinition:
			d.operations = append(d.operations, def)
		case *ast.FragmentDefinition:
			d.fragments[def.Name.Value] = def
		}
	}
	if invalid != nil {
		return d
	}
	for _, op := range d.operations {
		var c compiled
		if compile.query != nil {
			if c.query = compile.query(doc, op); c.query != nil {
				c.size = new(atomic.Int64)
			}
		}
		if compile.mutation != nil {
			c.mutation = compile.mutation(doc, op)
		}
		if c.query != nil || c.mutation != nil {
			if d.plans == nil {
				d.plans = map[*ast.OperationDefinition]compiled{}
			}
			d.plans[op] = c
		}
	}
	return d
}

// operation returns the operation named name, or the only one when name is "".
func (d *document) operation(name string) (*ast.OperationDefinition, bool) {
	if name == "" {
		if len(d.operations) == 1 {
			return d.operations[0], true
		}
		return nil, false
	}
	for _, op := range d.operations {
		if op.Name != nil && op.Name.Value == name {
			return op, true
		}
	}
	return nil, false
}

// documentCache is a least-recently-used map from query text to its
// document, bounded both in entries and in the total length of the query
// texts (a parsed document's size grows with its text). It is safe for
// concurrent use.
type documentCache struct {
	mu       sync.Mutex
	limit    int // entries
	maxBytes int // total query text
	bytes    int
	order    *list.List // of *cacheEntry, most recently used first
	byKey    map[string]*list.Element
}

type cacheEntry struct {
	query string
	doc   *document
}

func newDocumentCache(limit, maxBytes int) *documentCache {
	return &documentCache{limit: limit, maxBytes: maxBytes, order: list.New(), byKey: make(map[string]*list.Element, limit)}
}

func (c *documentCache) get(query string) (*document, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byKey[query]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).doc, true
}

func (c *documentCache) put(query string, doc *document) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byKey[query]; ok {
		c.order.MoveToFront(el)
		return
	}
	if len(query) > c.maxBytes {
		return
	}
	c.byKey[query] = c.order.PushFront(&cacheEntry{query: query, doc: doc})
	c.bytes += len(query)
	for c.order.Len() > c.limit || c.bytes > c.maxBytes {
		oldest := c.order.Back()
		c.order.Remove(oldest)
		q := oldest.Value.(*cacheEntry).query
		delete(c.byKey, q)
		c.bytes -= len(q)
	}
}

func (c *documentCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
