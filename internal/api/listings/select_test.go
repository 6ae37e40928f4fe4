package listings

import (
	"testing"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
	"github.com/graphql-go/graphql/language/parser"
)

// TestCardSelections: a page is read from the card columns exactly when its
// nodes select card fields only, whether directly or through fragments.
func TestCardSelections(t *testing.T) {
	for _, c := range []struct {
		query string
		cards bool
	}{
		{`{ listings { edges { cursor node { id title status region { county village } highestBid leadingBidderId } } pageInfo { endCursor } totalCount } }`, true},
		{`{ listings { ...page } } fragment page on ListingConnection { edges { node { ... on Listing { id } ...card } } }
			fragment card on Listing { closingAt bidCount }`, true},
		{`{ listings { edges { node { id description } } } }`, false},
		{`{ listings { edges { node { ...card } } } } fragment card on Listing { id ... { sale { method } } }`, false},
		{`{ listings { edges { node { id bids(first: 1) { totalCount } } } } }`, false},
		{`{ listings { ...page } } fragment page on ListingConnection { edges { node { award { price } } } }`, false},
	} {
		doc, err := parser.Parse(parser.ParseParams{Source: c.query})
		if err != nil {
			t.Fatal(err)
		}
		p := graphql.ResolveParams{Info: graphql.ResolveInfo{Fragments: map[string]ast.Definition{}}}
		for _, d := range doc.Definitions {
			switch d := d.(type) {
			case *ast.OperationDefinition:
				p.Info.FieldASTs = []*ast.Field{d.SelectionSet.Selections[0].(*ast.Field)}
			case *ast.FragmentDefinition:
				p.Info.Fragments[d.Name.Value] = d
			}
		}
		if got := nodesSelectOnly(p, cardFields); got != c.cards {
			t.Errorf("%s: cards = %v, want %v", c.query, got, c.cards)
		}
	}
}
