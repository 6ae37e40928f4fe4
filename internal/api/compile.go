package api

import (
	"context"
	"math"
	"reflect"
	"slices"
	"strconv"
	"unicode/utf8"

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
	c := compiler{schema: schema, op: op, fragments: map[string]ast.Definition{}}
	for _, d := range doc.Definitions {
		if f, ok := d.(*ast.FragmentDefinition); ok && f.Name != nil {
			c.fragments[f.Name.Value] = f
		}
	}
	p := &Plan{}
	for _, vd := range op.VariableDefinitions {
		t, ok := typeFromAST(schema, vd.Type).(graphql.Input)
		if !ok || vd.Variable == nil || vd.Variable.Name == nil {
			return nil
		}
		p.variables = append(p.variables, variable{name: vd.Variable.Name.Value, typ: t, def: vd.DefaultValue})
	}
	var ok bool
	if p.root, ok = c.selections(schema.QueryType(), []*ast.SelectionSet{op.SelectionSet}); !ok {
		return nil
	}
	return p
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
	if def == nil || (def.Resolve != nil && !isPlain(def.Resolve)) {
		return nil, false
	}
	s := &selection{key: key, def: def, info: graphql.ResolveInfo{
		FieldName: name, FieldASTs: asts, ReturnType: def.Type, ParentType: parent,
		Schema: *c.schema, Fragments: c.fragments, Operation: c.op,
	}}
	if s.dynamic = namesVariable(first.Arguments); !s.dynamic {
		s.args = argumentValues(def.Args, first.Arguments, nil)
	}
	switch t := named(def.Type).(type) {
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

// Execute appends the data of the response to query under vars, the
// request's variables, to buf as JSON. It reports false, having run only
// reads, when graphql-go must answer instead: a variable that does not
// coerce plainly, a resolver's error or panic, a null in a non-null field, a
// value graphql-go's default resolver or completion would treat otherwise
// than the plan does. The response of graphql-go's path is then
// `{"data":…,"errors":[…]}` or a request error, which the plan leaves to it.
func (p *Plan) Execute(ctx context.Context, vars map[string]any, buf []byte) (out []byte, ok bool) {
	defer func() {
		if recover() != nil {
			out, ok = buf, false
		}
	}()
	coerced := make(map[string]any, len(p.variables))
	for _, v := range p.variables {
		value, ok := coerceVariable(v, vars[v.name])
		if !ok {
			return buf, false
		}
		coerced[v.name] = value
	}
	x := execution{ctx: ctx, vars: coerced}
	return x.object(buf, nil, p.root)
}

// execution is one run of a Plan.
type execution struct {
	ctx  context.Context
	vars map[string]any
}

func (x *execution) object(buf []byte, source any, sels []*selection) ([]byte, bool) {
	buf = append(buf, '{')
	for i, s := range sels {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendString(buf, s.key)
		buf = append(buf, ':')
		if s.def == nil {
			buf = appendString(buf, s.typeName)
			continue
		}
		v, ok := x.resolve(s, source)
		if !ok {
			return buf, false
		}
		if buf, ok = x.complete(buf, s.def.Type, false, s, v); !ok {
			return buf, false
		}
	}
	return append(buf, '}'), true
}

// resolve runs s's resolver on source.
func (x *execution) resolve(s *selection, source any) (any, bool) {
	if s.def.Resolve == nil {
		return defaultResolve(source, s.info.FieldName)
	}
	args := s.args
	if s.dynamic {
		args = argumentValues(s.def.Args, s.info.FieldASTs[0].Arguments, x.vars)
	}
	info := s.info
	info.VariableValues = x.vars
	v, err := s.def.Resolve(graphql.ResolveParams{Source: source, Args: args, Info: info, Context: x.ctx})
	return v, err == nil
}

// defaultResolve is graphql-go's DefaultResolveFn for the sources a plan
// supports: a map[string]any holding the value itself.
func defaultResolve(source any, name string) (any, bool) {
	m, ok := source.(map[string]any)
	if !ok {
		return nil, false
	}
	v := m[name]
	if v != nil && reflect.TypeOf(v).Kind() == reflect.Func {
		return nil, false
	}
	return v, true
}

// complete writes v as a value of type t (graphql-go's completeValue);
// nonNull is set inside a NonNull.
func (x *execution) complete(buf []byte, t graphql.Type, nonNull bool, s *selection, v any) ([]byte, bool) {
	if t, ok := t.(*graphql.NonNull); ok {
		return x.complete(buf, t.OfType, true, s, v)
	}
	if v != nil && reflect.TypeOf(v).Kind() == reflect.Func {
		return buf, false // a thunk
	}
	if nullish(v) {
		return append(buf, "null"...), !nonNull
	}
	switch t := t.(type) {
	case *graphql.List:
		return x.list(buf, t.OfType, s, v)
	case graphql.Leaf:
		sv := t.Serialize(v)
		if nullish(sv) {
			return append(buf, "null"...), !nonNull
		}
		return appendLeaf(buf, sv)
	case *graphql.Object:
		return x.object(buf, v, s.sub)
	}
	return buf, false
}

func (x *execution) list(buf []byte, item graphql.Type, s *selection, v any) ([]byte, bool) {
	ok := true
	buf = append(buf, '[')
	each := func(i int, e any) {
		if !ok {
			return
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf, ok = x.complete(buf, item, false, s, e)
	}
	switch v := v.(type) {
	case []map[string]any:
		for i, e := range v {
			each(i, e)
		}
	case []any:
		for i, e := range v {
			each(i, e)
		}
	case []string:
		for i, e := range v {
			each(i, e)
		}
	default:
		rv := reflect.ValueOf(v)
		if rv.Kind() == reflect.Pointer {
			rv = rv.Elem()
		}
		if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
			return buf, false
		}
		for i := range rv.Len() {
			each(i, rv.Index(i).Interface())
		}
	}
	return append(buf, ']'), ok
}

// nullish is graphql-go's isNullish: nil, a nil pointer, NaN.
func nullish(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string, int, bool, map[string]any, []map[string]any:
		return false
	case float64:
		return math.IsNaN(v)
	case float32:
		return math.IsNaN(float64(v))
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return true
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Float32, reflect.Float64:
		return math.IsNaN(rv.Float())
	}
	return false
}

// appendLeaf writes a serialized scalar or enum value as encoding/json does;
// false for a value the plan does not write (graphql-go's path then does).
func appendLeaf(buf []byte, v any) ([]byte, bool) {
	switch v := v.(type) {
	case string:
		return appendString(buf, v), true
	case bool:
		return strconv.AppendBool(buf, v), true
	case int:
		return strconv.AppendInt(buf, int64(v), 10), true
	case int32:
		return strconv.AppendInt(buf, int64(v), 10), true
	case int64:
		return strconv.AppendInt(buf, v, 10), true
	case float64:
		return appendFloat(buf, v)
	}
	return buf, false
}

// appendFloat is encoding/json's float64 encoding; false for ±Inf, which it refuses.
func appendFloat(buf []byte, f float64) ([]byte, bool) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return buf, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	buf = strconv.AppendFloat(buf, f, format, -1, 64)
	if format == 'e' { // clean up e-09 to e-9
		if n := len(buf); n >= 4 && buf[n-4] == 'e' && buf[n-3] == '-' && buf[n-2] == '0' {
			buf[n-2] = buf[n-1]
			buf = buf[:n-1]
		}
	}
	return buf, true
}

const hexDigits = "0123456789abcdef"

// appendString writes s as encoding/json does by default: quoted, with <, >
// and & escaped for HTML, invalid UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	valid := utf8.ValidString(s) // then only U+2028 and U+2029 (E2 80 A8/A9) need a look among the multi-byte runes
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&' {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '\\', '"':
				buf = append(buf, '\\', b)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		if valid && s[i] != 0xE2 {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
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

// named strips NonNull and List off t.
func named(t graphql.Type) graphql.Type {
	for {
		switch u := t.(type) {
		case *graphql.NonNull:
			t = u.OfType
		case *graphql.List:
			t = u.OfType
		default:
			return t
		}
	}
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

// argumentValues is graphql-go's getArgumentValues: each argument's value
// from the document (or a variable), else its default, nulls left out.
func argumentValues(defs []*graphql.Argument, asts []*ast.Argument, vars map[string]any) map[string]any {
	out := make(map[string]any, len(defs))
	for _, def := range defs {
		var value ast.Value
		for _, a := range asts {
			if a != nil && a.Name != nil && a.Name.Value == def.PrivateName {
				value = a.Value
			}
		}
		v := valueFromAST(value, def.Type, vars)
		if nullish(v) {
			v = def.DefaultValue
		}
		if !nullish(v) {
			out[def.PrivateName] = v
		}
	}
	return out
}

// valueFromAST is graphql-go's valueFromAST: a literal of a valid document
// as type t, a variable's coerced value as is.
func valueFromAST(value ast.Value, t graphql.Input, vars map[string]any) any {
	if value == nil {
		return nil
	}
	if v, ok := value.(*ast.Variable); ok {
		if v.Name == nil || vars == nil {
			return nil
		}
		return vars[v.Name.Value]
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return valueFromAST(value, t.OfType, vars)
	case *graphql.List:
		values := []any{}
		if list, ok := value.(*ast.ListValue); ok {
			for _, item := range list.Values {
				values = append(values, valueFromAST(item, t.OfType, vars))
			}
			return values
		}
		return append(values, valueFromAST(value, t.OfType, vars))
	case *graphql.InputObject:
		obj, ok := value.(*ast.ObjectValue)
		if !ok {
			return nil
		}
		given := map[string]*ast.ObjectField{}
		for _, f := range obj.Fields {
			if f != nil && f.Name != nil {
				given[f.Name.Value] = f
			}
		}
		return inputObject(t, func(name string, field *graphql.InputObjectField) any {
			if f, ok := given[name]; ok {
				return valueFromAST(f.Value, field.Type, vars)
			}
			return field.DefaultValue
		})
	case *graphql.Scalar:
		return t.ParseLiteral(value)
	case *graphql.Enum:
		return t.ParseLiteral(value)
	}
	return nil
}

// inputObject is an input object's value as graphql-go builds one: each
// field's value, nulls left out.
func inputObject(t *graphql.InputObject, value func(name string, f *graphql.InputObjectField) any) map[string]any {
	out := map[string]any{}
	for name, f := range t.Fields() {
		if v := value(name, f); !nullish(v) {
			out[name] = v
		}
	}
	return out
}

// coerceVariable is graphql-go's getVariableValue for an input it finds
// valid; ok is false for any input it might refuse (its error is then its
// own to report).
func coerceVariable(v variable, input any) (any, bool) {
	if !validInput(v.typ, input) {
		return nil, false
	}
	if input == nil && v.def != nil {
		return valueFromAST(v.def, v.typ, nil), true
	}
	return coerce(v.typ, input), true
}

// validInput is graphql-go's isValidInputValue, or stricter.
func validInput(t graphql.Input, v any) bool {
	if nn, ok := t.(*graphql.NonNull); ok {
		return v != nil && validInput(nn.OfType, v)
	}
	if v == nil {
		return true
	}
	switch t := t.(type) {
	case *graphql.List:
		if items, ok := v.([]any); ok {
			for _, item := range items {
				if !validInput(t.OfType, item) {
					return false
				}
			}
			return true
		}
		return validInput(t.OfType, v)
	case *graphql.InputObject:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		fields := t.Fields()
		for name := range m {
			if fields[name] == nil {
				return false
			}
		}
		for name, f := range fields {
			if !validInput(f.Type, m[name]) {
				return false
			}
		}
		return true
	case *graphql.Scalar:
		return !nullish(t.ParseValue(v))
	case *graphql.Enum:
		return !nullish(t.ParseValue(v))
	}
	return false
}

// coerce is graphql-go's coerceValue for a valid input.
func coerce(t graphql.Input, v any) any {
	if nullish(v) {
		return nil
	}
	switch t := t.(type) {
	case *graphql.NonNull:
		return coerce(t.OfType, v)
	case *graphql.List:
		values := []any{}
		if items, ok := v.([]any); ok {
			for _, item := range items {
				values = append(values, coerce(t.OfType, item))
			}
			return values
		}
		return append(values, coerce(t.OfType, v))
	case *graphql.InputObject:
		m, _ := v.(map[string]any)
		return inputObject(t, func(name string, f *graphql.InputObjectField) any {
			if fv := coerce(f.Type, m[name]); !nullish(fv) {
				return fv
			}
			return f.DefaultValue
		})
	case *graphql.Scalar:
		return t.ParseValue(v)
	case *graphql.Enum:
		return t.ParseValue(v)
	}
	return nil
}
