package httpapi

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/graphql-go/graphql/language/ast"
)

// costArgument is the argument whose value multiplies the cost of a list
// field's selections.
const costArgument = "first"

// measure returns the depth and the cost of a selection set of a valid
// document. Depth counts nested fields (a root field is depth 1; fragments add
// none). Cost counts every field once, and multiplies the cost of a field's
// selections by its "first" argument when it has one (a literal or a
// variable), so `listings(first: 20) { id title }` costs 1 + 20×2 = 41.
// Validation has ruled out fragment cycles, so the walk ends.
func measure(set *ast.SelectionSet, fragments map[string]*ast.FragmentDefinition, vars map[string]any) (depth, cost int) {
	if set == nil {
		return 0, 0
	}
	for _, sel := range set.Selections {
		var d, c int
		switch sel := sel.(type) {
		case *ast.Field:
			d, c = measure(sel.SelectionSet, fragments, vars)
			d++
			c = satAdd(1, satMul(firstArgument(sel, vars), c))
		case *ast.InlineFragment:
			d, c = measure(sel.SelectionSet, fragments, vars)
		case *ast.FragmentSpread:
			if f := fragments[sel.Name.Value]; f != nil {
				d, c = measure(f.SelectionSet, fragments, vars)
			}
		}
		depth = max(depth, d)
		cost = satAdd(cost, c)
	}
	return depth, cost
}

// firstArgument returns the field's "first" argument, 1 when it has none or
// its value is not a whole number, and 0 for negative values.
func firstArgument(f *ast.Field, vars map[string]any) int {
	for _, arg := range f.Arguments {
		if arg.Name == nil || arg.Name.Value != costArgument {
			continue
		}
		var n int64
		var err error
		switch v := arg.Value.(type) {
		case *ast.IntValue:
			n, err = strconv.ParseInt(v.Value, 10, 64)
		case *ast.Variable:
			n, err = wholeNumber(vars[v.Name.Value])
		default:
			return 1
		}
		if err != nil {
			return 1
		}
		return int(max(0, min(n, math.MaxInt32)))
	}
	return 1
}

func wholeNumber(v any) (int64, error) {
	switch v := v.(type) {
	case float64:
		if v != math.Trunc(v) || math.IsInf(v, 0) {
			return 0, strconv.ErrSyntax
		}
		return int64(max(min(v, math.MaxInt32), math.MinInt32)), nil
	case json.Number:
		return v.Int64()
	case int:
		return int64(v), nil
	}
	return 0, strconv.ErrSyntax
}

func satAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

func satMul(a, b int) int {
	if a != 0 && b > math.MaxInt/a {
		return math.MaxInt
	}
	return a * b
}
