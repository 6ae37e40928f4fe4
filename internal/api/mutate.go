package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/gqlerrors"
	"github.com/graphql-go/graphql/language/ast"
)

// MutationRun executes a compiled mutation whose variables have been coerced. It
// appends the response's data as JSON to buf — null when an error reached
// the root — and returns the errors graphql-go would report, formatted as
// graphql-go formats them. It has no way to decline: once a run has started,
// a resolver may have sent its command, and its answer is the response.
type MutationRun = func(ctx context.Context, buf []byte) ([]byte, []gqlerrors.FormattedError)

// MutationPrepare coerces a request's variables for a compiled mutation and
// returns its run; false, before any resolver has run, when graphql-go must
// execute the request instead (a variable graphql-go might refuse, an
// argument that does not build plainly).
type MutationPrepare = func(vars map[string]any) (MutationRun, bool)

// CompileMutation returns the MutationPrepare of a mutation operation op of
// doc, which graphql-go has validated against schema: its root fields in
// the order graphql-go's executeFieldsSerially runs them (each response key
// at its first place in the document), each a field Builder added (a
// Mutations row, the clock's) or __typename, and their payloads' fields
// leaves read from the payload map (or __typename). A run calls the same
// resolvers graphql-go would, one after the other, each once, and writes
// the data as graphql-go's path encodes it; a root field's error (a
// resolver's error or panic, a null in a non-null payload field) ends the
// run with data null and that error alone, as graphql-go's does. It returns
// nil for anything else: graphql-go executes those mutations.
// (httpapi's Options.CompileMutation.)
func CompileMutation(schema *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition) MutationPrepare {
	if p := compileMutation(schema, doc, op); p != nil {
		return p.prepare
	}
	return nil
}

// mutationPlan is a compiled mutation.
type mutationPlan struct {
	variables []variable
	fields    []*selection            // the root fields in execution order
	order     []int                   // fields' indexes in the order of the data's keys
	at        map[*selection]*located // where each root and payload field's errors point
}

func compileMutation(schema *graphql.Schema, doc *ast.Document, op *ast.OperationDefinition) *mutationPlan {
	root := schema.MutationType()
	if op.Operation != ast.OperationTypeMutation || root == nil || root.IsTypeOf != nil {
		return nil
	}
	c, vars, ok := newCompiler(schema, doc, op)
	if !ok {
		return nil
	}
	byKey := map[string][]*ast.Field{}
	var keys []string
	if !c.collect(root, op.SelectionSet, byKey, &keys, map[string]bool{}) {
		return nil
	}
	p := &mutationPlan{variables: vars}
	first := map[*selection]int{}
	for _, key := range keys {
		s, ok := c.mutationField(root, key, byKey[key])
		if !ok {
			return nil
		}
		start := -1
		for _, f := range byKey[key] {
			if f.Loc == nil {
				return nil
			}
			if start < 0 || f.Loc.Start < start {
				start = f.Loc.Start
			}
		}
		first[s] = start
		p.fields = append(p.fields, s)
	}
	slices.SortFunc(p.fields, func(a, b *selection) int { return first[a] - first[b] })
	for i := range p.fields {
		p.order = append(p.order, i)
	}
	slices.SortFunc(p.order, func(a, b int) int { return strings.Compare(p.fields[a].key, p.fields[b].key) })
	p.at = map[*selection]*located{}
	for _, f := range p.fields {
		if f.def == nil {
			continue
		}
		p.at[f] = newLocated(f, []any{f.key})
		for _, s := range f.sub {
			if s.def != nil {
				p.at[s] = newLocated(s, []any{f.key, s.key})
			}
		}
	}
	return p
}

// mutationField compiles the root fields merged under key: __typename, or a
// field whose resolver is addMutation's, returning a non-null payload object
// whose selected fields are leaves a run writes exactly.
func (c *compiler) mutationField(root *graphql.Object, key string, asts []*ast.Field) (*selection, bool) {
	name := ""
	if asts[0].Name != nil {
		name = asts[0].Name.Value
	}
	if name == graphql.TypeNameMetaFieldDef.Name {
		return &selection{key: key, typeName: root.Name()}, true
	}
	def := root.Fields()[name]
	if def == nil || def.Resolve == nil || !mutationResolvers.has(def.Resolve) {
		return nil, false
	}
	nn, ok := def.Type.(*graphql.NonNull)
	if !ok {
		return nil, false
	}
	payload, ok := nn.OfType.(*graphql.Object)
	if !ok {
		return nil, false
	}
	s := &selection{key: key, def: def, info: graphql.ResolveInfo{
		FieldName: name, FieldASTs: asts, ReturnType: def.Type, ParentType: root,
		Schema: *c.schema, Fragments: c.fragments, Operation: c.op,
	}}
	sets := make([]*ast.SelectionSet, 0, len(asts))
	for _, f := range asts {
		sets = append(sets, f.SelectionSet)
	}
	if s.sub, ok = c.selections(payload, sets); !ok {
		return nil, false
	}
	for _, f := range s.sub {
		if f.def != nil && (f.def.Resolve != nil || !writtenLeaf(f.def.Type)) {
			return nil, false
		}
	}
	return s, true
}

// writtenLeaf reports whether t, or the type t makes non-null, is a leaf
// whose serialized values appendLeaf always writes: a string, a boolean or
// an int (graphql-go's String, ID, Boolean and Int, this package's scalars,
// enums).
func writtenLeaf(t graphql.Type) bool {
	if nn, ok := t.(*graphql.NonNull); ok {
		t = nn.OfType
	}
	switch t := t.(type) {
	case *graphql.Enum:
		return true
	case *graphql.Scalar:
		return slices.Contains([]*graphql.Scalar{graphql.String, graphql.ID, graphql.Boolean, graphql.Int, Money, Area, DateTime, Position}, t)
	}
	return false
}

// prepare coerces vars and builds each root field's arguments, as graphql-go
// does before its first resolver; false when graphql-go must execute the
// request (nothing has run).
func (p *mutationPlan) prepare(vars map[string]any) (run MutationRun, ok bool) {
	defer func() {
		if recover() != nil {
			run, ok = nil, false
		}
	}()
	coerced, ok := coerceVariables(p.variables, vars)
	if !ok {
		return nil, false
	}
	m := &mutation{plan: p, vars: coerced, args: make([]map[string]any, len(p.fields))}
	for i, f := range p.fields {
		if f.def != nil {
			m.args[i] = argumentValues(f.def.Args, f.info.FieldASTs[0].Arguments, coerced)
		}
	}
	return m.run, true
}

// mutation is one request's run of a mutationPlan.
type mutation struct {
	plan *mutationPlan
	vars map[string]any
	args []map[string]any // each root field's arguments
	errs []gqlerrors.FormattedError
}

// run executes the root fields one after the other, as graphql-go's
// executeFieldsSerially does, then writes their payloads in key order.
func (m *mutation) run(ctx context.Context, buf []byte) ([]byte, []gqlerrors.FormattedError) {
	values := make([]byte, 0, 256) // each root field's value, in execution order
	ends := make([]int, len(m.plan.fields))
	for i, f := range m.plan.fields {
		var err *gqlerrors.Error
		if values, err = m.field(ctx, values, f, m.args[i]); err != nil {
			// graphql-go's executor unwinds to its root on a non-null
			// field's error and keeps that error alone.
			return append(buf, "null"...), []gqlerrors.FormattedError{gqlerrors.FormatError(err)}
		}
		ends[i] = len(values)
	}
	buf = append(buf, '{')
	for j, i := range m.plan.order {
		if j > 0 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, m.plan.fields[i].key)
		buf = append(buf, ':')
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		buf = append(buf, values[start:ends[i]]...)
	}
	return append(buf, '}'), m.errs
}

// field runs root field f and appends its payload to out, or returns the
// error that nulls the data.
func (m *mutation) field(ctx context.Context, out []byte, f *selection, args map[string]any) ([]byte, *gqlerrors.Error) {
	if f.def == nil {
		return appendString(out, f.typeName), nil
	}
	v, failure := m.resolve(ctx, f, args)
	switch {
	case failure != nil:
		return out, m.plan.at[f].wrap(failure)
	case nullish(v):
		return out, m.plan.at[f].nonNull(f)
	}
	source, _ := v.(map[string]any)
	out = append(out, '{')
	for i, s := range f.sub {
		if i > 0 {
			out = append(out, ',')
		}
		out = appendString(out, s.key)
		out = append(out, ':')
		if s.def == nil {
			out = appendString(out, s.typeName)
			continue
		}
		var err *gqlerrors.Error
		if out, err = m.leaf(out, s, source[s.info.FieldName]); err != nil {
			return out, err
		}
	}
	return append(out, '}'), nil
}

// resolve calls f's resolver; failure is its error or what it panicked with.
func (m *mutation) resolve(ctx context.Context, f *selection, args map[string]any) (v, failure any) {
	defer func() {
		if r := recover(); r != nil {
			v, failure = nil, r
		}
	}()
	info := f.info
	info.VariableValues = m.vars
	v, err := f.def.Resolve(graphql.ResolveParams{Args: args, Info: info, Context: ctx})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// leaf appends payload field s's value v as graphql-go completes a leaf: a
// nullable field that fails is null and its error is kept; a non-null one
// returns the error.
func (m *mutation) leaf(out []byte, s *selection, v any) ([]byte, *gqlerrors.Error) {
	t, nonNull := s.def.Type, false
	if nn, ok := t.(*graphql.NonNull); ok {
		t, nonNull = nn.OfType, true
	}
	var failure any
	if !nullish(v) {
		var sv any
		if sv, failure = serialize(t.(graphql.Leaf), v); failure == nil && !nullish(sv) {
			if written, ok := appendLeaf(out, sv); ok {
				return written, nil
			}
			failure = fmt.Errorf("api: a compiled mutation does not write %T", sv)
		}
	}
	switch {
	case failure != nil:
		err := m.plan.at[s].wrap(failure)
		if nonNull {
			return out, err
		}
		m.errs = append(m.errs, gqlerrors.FormatError(err))
	case nonNull:
		return out, m.plan.at[s].nonNull(s)
	}
	return append(out, "null"...), nil
}

// serialize is t.Serialize(v); failure is what it panicked with.
func serialize(t graphql.Leaf, v any) (sv, failure any) {
	defer func() {
		if r := recover(); r != nil {
			sv, failure = nil, r
		}
	}()
	return t.Serialize(v), nil
}

// located makes the errors graphql-go raises at one field, with the
// field's nodes, source, positions and locations computed once (graphql-go
// compiles a regular expression and scans the document for every error).
type located struct{ template gqlerrors.Error }

func newLocated(s *selection, path []any) *located {
	return &located{template: *graphql.NewLocatedErrorWithPath("", graphql.FieldASTsToNodeASTs(s.info.FieldASTs), path)}
}

// wrap is graphql-go's NewLocatedErrorWithPath(failure, nodes, path) at the
// field: failure is what a resolver returned or panicked with.
func (l *located) wrap(failure any) *gqlerrors.Error {
	if err, ok := failure.(*gqlerrors.Error); ok {
		return err
	}
	e := l.template
	e.Message, e.OriginalError = "An unknown error occurred.", nil
	switch f := failure.(type) {
	case error:
		e.Message, e.OriginalError = f.Error(), f
	case string:
		e.Message, e.OriginalError = f, errors.New(f)
	}
	e.Stack = e.Message
	return &e
}

// nonNull is the error graphql-go's completeValue raises for a null in
// non-null field s, as the field's handler wraps it.
func (l *located) nonNull(s *selection) *gqlerrors.Error {
	return l.wrap(gqlerrors.FormatError(l.wrap(fmt.Sprintf("Cannot return null for non-nullable field %v.%v.", s.info.ParentType, s.info.FieldName))))
}
