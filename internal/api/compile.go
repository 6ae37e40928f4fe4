package api

import (
	"context"
	"slices"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// Plan is a query operation compiled once per document: the fields it
// selects, merged and ordered as graphql-go's executor would, each with its
// field definition, its arguments (computed once unless they name a
// variable) and its sub-selection. Execute runs the same resolvers graphql-go
// would and writes the response's data as JSON directly, with an object's
// keys in the order encoding/json gives graphql-go's result maps (sorted), so
// the bytes are the ones graphql-go's path produces. A Plan covers a query
// only while every step is plain; whatever it does not cover, it refuses
// (Compile returns nil, or Execute reports false), and the caller executes
// the operation with graphql-go instead.
type Plan struct {
	root      []*selection
	variables []variable
}

// selection is one response key of an object.
type selection struct {
	key      string
	typeName string // for __typename: the parent's name; def is nil
	def      *graphql.FieldDefinition
	args     map[string]any // the arguments, when none names a variable
	dynamic  bool           // an argument names a variable: computed per request
	info     graphql.ResolveInfo
	sub      []*selection // the selection of the object the field returns
}

// variable is a variable the operation defines, with its input type.
type variable struct {
	name string
	typ  graphql.Input
	def  ast.Value // its default, or nil
}

// compiler holds what compiling one operation needs.
type compiler struct {
	schema    *graphql.Schema
	op        *ast.OperationDefinition
	fragments map[string]ast.Definition
}

// Compile returns the Execute of a Plan for op, an operation of doc, which
// graphql-go has validated against schema; nil when op is not a query, or
// selects anything a Plan does not run exactly as graphql-go does: a field
// whose resolver is not Plain (nor graphql-go's default resolver),
// introspection, an interface or union, a directive whose condition is a
// variable, an object type with IsTypeOf. (httpapi's Options.Compile.)
func Compile(schema *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition) func(ctx context.Context, vars map[string]any, buf []byte) ([]byte, bool) {
	if p := compile(schema, doc, op); p != nil {
		return p.Execute
	}
	return nil
}

func compile(schema *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition) *Plan {
	if op.Operation != ast.OperationTypeQuery || schema.QueryType() == nil {
		return nil
	}
	c, vars, ok := newCompiler(schema, doc, op)
	if !ok {
		return nil
	}
	p := &Plan{variables: vars}
	if p.root, ok = c.selections(schema.QueryType(), []*ast.SelectionSet{op.SelectionSet}); !ok {
		return nil
	}
	return p
}

// newCompiler returns the compiler of op, an operation of doc, and the
// variables op defines; false when a variable's type is not an input type
// of schema.
func newCompiler(schema *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition) (*compiler, []variable, bool) {
	c := &compiler{schema: schema, op: op, fragments: map[string]ast.Definition{}}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			c.fragments[f.Name.Value] = f
		}
	}
	var vars []variable
	for _, vd := range op.VariableDefinitions {
		t, ok := typeFromAST(schema, vd.Type).(graphql.Input)
		if !ok || vd.Variable == nil || vd.Variable.Name == nil {
			return nil, nil, false
		}
		vars = append(vars, variable{name: vd.Variable.Name.Value, typ: t, def: vd.DefaultValue})
	}
	return c, vars, true
}

// selections compiles the selection sets of the fields merged under one
// response key on an object of type parent.
func (c *compiler) selections(parent *graphql.Object, sets []*ast.SelectionSet) ([]*selection, bool) {
	if parent.IsTypeOf != nil {
		return nil, false
	}
	byKey := map[string][]*ast.Field{}
	var keys []string
	visited := map[string]bool{}
	for _, set := range sets {
		if !c.collect(parent, set, byKey, &keys, visited) {
			return nil, false
		}
	}
	slices.Sort(keys)
	out := make([]*selection, 0, len(keys))
	for _, key := range keys {
		s, ok := c.field(parent, key, byKey[key])
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// collect gathers set's fields by response key as graphql-go's collectFields
// does: directives first, fragments once each, type conditions matched.
func (c *compiler) collect(parent *graphql.Object, set *ast.SelectionSet, byKey map[string][]*ast.Field, keys *[]string, visited map[string]bool) bool {
	if set == nil {
		return true
	}
	for _, sel := range set.Selections {
		switch sel := sel.(type) {
		case *ast.Field:
			include, ok := included(sel.Directives)
			if !ok {
				return false
			}
			if !include {
				continue
			}
			key := responseKey(sel)
			if _, seen := byKey[key]; !seen {
				*keys = append(*keys, key)
			}
			byKey[key] = append(byKey[key], sel)
		case *ast.InlineFragment:
			include, ok := included(sel.Directives)
			if !ok {
				return false
			}
			if !include || !c.matches(sel.TypeCondition, parent) {
				continue
			}
			if !c.collect(parent, sel.SelectionSet, byKey, keys, visited) {
				return false
			}
		case *ast.FragmentSpread:
			name := ""
			if sel.Name != nil {
				name = sel.Name.Value
			}
			include, ok := included(sel.Directives)
			if !ok {
				return false
			}
			if visited[name] || !include {
				continue
			}
			visited[name] = true
			f, isDef := c.fragments[name].(*ast.FragmentDefinition)
			if !isDef || !c.matches(f.TypeCondition, parent) {
				continue
			}
			if !c.collect(parent, f.SelectionSet, byKey, keys, visited) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// matches reports whether a fragment with condition applies to parent.
func (c *compiler) matches(condition *ast.Named, parent *graphql.Object) bool {
	if condition == nil {
		return true
	}
	switch t := typeFromAST(c.schema, condition).(type) {
	case nil:
		return false
	case *graphql.Interface:
		return c.schema.IsPossibleType(t, parent)
	case *graphql.Union:
		return c.schema.IsPossibleType(t, parent)
	default:
		return t.Name() == parent.Name()
	}
}

// field compiles the fields merged under key.
func (c *compiler) field(parent *graphql.Object, key string, asts []*ast.Field) (*selection, bool) {
	first := asts[0]
	if first.Name == nil {
		return nil, false
	}
	name := first.Name.Value
	switch {
	case name == graphql.TypeNameMetaFieldDef.Name:
		return &selection{key: key, typeName: parent.Name()}, true
	case name == graphql.SchemaMetaFieldDef.Name || name == graphql.TypeMetaFieldDef.Name:
		return nil, false
	}
	def := parent.Fields()[name]
	if def == nil || (def.Resolve != nil && !plainResolvers.has(def.Resolve)) {
		return nil, false
	}
	s := &selection{key: key, def: def, info: graphql.ResolveInfo{
		FieldName: name, FieldASTs: asts, ReturnType: def.Type, ParentType: parent,
		Schema: *c.schema, Fragments: c.fragments, Operation: c.op,
	}}
	if s.dynamic = namesVariable(first.Arguments); !s.dynamic {
		s.args = argumentValues(def.Args, first.Arguments, nil)
	}
	switch t := graphql.GetNamed(def.Type).(type) {
	case *graphql.Object:
		sets := make([]*ast.SelectionSet, 0, len(asts))
		for _, f := range asts {
			sets = append(sets, f.SelectionSet)
		}
		var ok bool
		if s.sub, ok = c.selections(t, sets); !ok {
			return nil, false
		}
	case *graphql.Scalar, *graphql.Enum:
	default:
		return nil, false
	}
	return s, true
}

// responseKey is a field's alias, else its name.
func responseKey(f *ast.Field) string {
	if f.Alias != nil && f.Alias.Value != "" {
		return f.Alias.Value
	}
	if f.Name != nil {
		return f.Name.Value
	}
	return ""
}

// included evaluates @skip and @include as graphql-go does (skip first);
// ok is false when a condition names a variable.
func included(directives []*ast.Directive) (include, ok bool) {
	include = true
	for _, d := range directives {
		if d == nil || d.Name == nil {
			continue
		}
		var directive *graphql.Directive
		switch d.Name.Value {
		case graphql.SkipDirective.Name:
			directive = graphql.SkipDirective
		case graphql.IncludeDirective.Name:
			directive = graphql.IncludeDirective
		default:
			continue
		}
		if namesVariable(d.Arguments) {
			return false, false
		}
		// @skip(if: true) and @include(if: false) leave the node out.
		if cond, isBool := argumentValues(directive.Args, d.Arguments, nil)["if"].(bool); isBool && cond == (directive == graphql.SkipDirective) {
			include = false
		}
	}
	return include, true
}

// namesVariable reports whether any argument's value uses a variable.
func namesVariable(args []*ast.Argument) bool {
	for _, a := range args {
		if a != nil && hasVariable(a.Value) {
			return true
		}
	}
	return false
}

func hasVariable(v ast.Value) bool {
	switch v := v.(type) {
	case *ast.Variable:
		return true
	case *ast.ListValue:
		return slices.ContainsFunc(v.Values, hasVariable)
	case *ast.ObjectValue:
		return slices.ContainsFunc(v.Fields, func(f *ast.ObjectField) bool { return f != nil && hasVariable(f.Value) })
	}
	return false
}

// typeFromAST resolves a type reference of the document; nil when the schema
// has no such type.
func typeFromAST(schema *graphql.Schema, t ast.Type) graphql.Type {
	switch t := t.(type) {
	case *ast.Named:
		if t.Name == nil {
			return nil
		}
		if named := schema.Type(t.Name.Value); named != nil {
			return named
		}
	case *ast.List:
		if inner := typeFromAST(schema, t.Type); inner != nil {
			return graphql.NewList(inner)
		}
	case *ast.NonNull:
		if inner := typeFromAST(schema, t.Type); inner != nil {
			return graphql.NewNonNull(inner)
		}
	}
	return nil
}
