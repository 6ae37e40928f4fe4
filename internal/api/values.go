package api

import (
	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"
)

// leafInput is an input type that parses values itself: graphql-go's Scalar
// and Enum.
type leafInput interface {
	ParseValue(value any) any
	ParseLiteral(value ast.Value) any
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
	case leafInput:
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

// coerceVariables is graphql-go's getVariableValues for the operation's
// variables defs and the request's input; ok is false when any variable
// does not coerce plainly (coerceVariable).
func coerceVariables(defs []variable, input map[string]any) (map[string]any, bool) {
	coerced := make(map[string]any, len(defs))
	for _, v := range defs {
		value, ok := coerceVariable(v, input[v.name])
		if !ok {
			return nil, false
		}
		coerced[v.name] = value
	}
	return coerced, true
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
	case leafInput:
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
	case leafInput:
		return t.ParseValue(v)
	}
	return nil
}
