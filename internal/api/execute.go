package api

import (
	"context"
	"math"
	"reflect"
	"strconv"
	"unicode/utf8"

	"github.com/graphql-go/graphql"
)

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
	coerced, ok := coerceVariables(p.variables, vars)
	if !ok {
		return buf, false
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
