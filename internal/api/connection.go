package api

import (
	"encoding/base64"
	"strings"
	"sync"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// MaxPageSize bounds a connection's `first` argument.
const MaxPageSize = 100

// PageInfo is the Relay PageInfo type.
var PageInfo = graphql.NewObject(graphql.ObjectConfig{
	Name: "PageInfo",
	Fields: graphql.Fields{
		"hasNextPage": {Type: graphql.NewNonNull(graphql.Boolean)},
		"endCursor":   {Type: graphql.String},
	},
})

// ConnectionArgs returns the Relay pagination arguments plus extra ones.
func ConnectionArgs(extra graphql.FieldConfigArgument) graphql.FieldConfigArgument {
	args := graphql.FieldConfigArgument{
		"first": {Type: graphql.Int, DefaultValue: 20, Description: "At most this many items (1–100)."},
		"after": {Type: graphql.String, Description: "The endCursor of the previous page."},
	}
	for k, v := range extra {
		args[k] = v
	}
	return args
}

// page is one page of a connection: the nodes with their cursors.
type page struct {
	Nodes      []any
	Cursors    []string
	HasNext    bool
	TotalCount int
}

var connections sync.Map // node type name → connection type

// Connection returns the <Node>Connection type for node (one per node type).
func Connection(node *graphql.Object) *graphql.Object {
	if c, ok := connections.Load(node.Name()); ok {
		return c.(*graphql.Object)
	}
	edge := graphql.NewObject(graphql.ObjectConfig{
		Name: node.Name() + "Edge",
		Fields: graphql.Fields{
			"cursor": {Type: graphql.NewNonNull(graphql.String)},
			"node":   {Type: graphql.NewNonNull(node)},
		},
	})
	conn := graphql.NewObject(graphql.ObjectConfig{
		Name: node.Name() + "Connection",
		Fields: graphql.Fields{
			"edges":      {Type: graphql.NewNonNull(graphql.NewList(graphql.NewNonNull(edge)))},
			"pageInfo":   {Type: graphql.NewNonNull(PageInfo)},
			"totalCount": {Type: graphql.NewNonNull(graphql.Int), Description: "How many items match, over all pages."},
		},
	})
	actual, _ := connections.LoadOrStore(node.Name(), conn)
	return actual.(*graphql.Object)
}

// resolve turns a page into the value a connection field returns.
func (p page) resolve() map[string]any {
	edges := make([]map[string]any, len(p.Nodes))
	var end any
	for i, n := range p.Nodes {
		edges[i] = map[string]any{"cursor": p.Cursors[i], "node": n}
		end = p.Cursors[i]
	}
	return map[string]any{
		"edges":      edges,
		"pageInfo":   map[string]any{"hasNextPage": p.HasNext, "endCursor": end},
		"totalCount": p.TotalCount,
	}
}

// Connect answers a connection field from its arguments: it checks first,
// decodes after (a cursor of parts parts that this connection made; nil on
// the first page), loads the page and encodes each row's cursor.
func Connect[T any](args map[string]any, parts int, load func(readmodel.Page) (readmodel.Result[T], error),
	cursor func(T) readmodel.Cursor, node func(T) any) (any, error) {
	first, err := pageSize(args)
	if err != nil {
		return nil, err
	}
	after, err := decodeCursor(args, parts)
	if err != nil {
		return nil, err
	}
	res, err := load(readmodel.Page{First: first, After: after})
	if err != nil {
		return nil, err
	}
	pg := page{HasNext: res.HasNext, TotalCount: res.Total}
	for _, it := range res.Rows {
		pg.Nodes = append(pg.Nodes, node(it))
		pg.Cursors = append(pg.Cursors, encodeCursor(cursor(it)...))
	}
	return pg.resolve(), nil
}

// pageSize reads and checks the `first` argument.
func pageSize(args map[string]any) (int, error) {
	n, _ := args["first"].(int)
	if n < 1 || n > MaxPageSize {
		return 0, kernel.FieldErrorf(kernel.CodeInvalid, "first", "first must be between 1 and %d", MaxPageSize)
	}
	return n, nil
}

// encodeCursor makes an opaque cursor from the sort key parts of an item.
func encodeCursor(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x1f")))
}

// decodeCursor reads the `after` argument: nil when absent, INVALID_INPUT on
// a cursor this server did not make with want parts.
func decodeCursor(args map[string]any, want int) ([]string, error) {
	s, _ := args["after"].(string)
	if s == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	parts := strings.Split(string(raw), "\x1f")
	if err != nil || len(parts) != want {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "after", "after is not a cursor from this connection")
	}
	return parts, nil
}
