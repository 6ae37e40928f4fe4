package api

import (
	"strconv"
	"time"

	"github.com/graphql-go/graphql"
	"github.com/graphql-go/graphql/language/ast"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Scalars of the schema. Each is a string on the wire and a typed Go value in
// resolvers: Money → kernel.Money, Area → kernel.Area, DateTime → time.Time
// (UTC), Position → uint64. Input that does not parse is a validation error
// naming the argument, before any resolver runs.
var (
	Money = stringScalar("Money",
		"An amount of renminbi yuan as a decimal string with at most two decimals, e.g. \"1250.50\". Exact to the fen.",
		kernel.Money.String, kernel.ParseMoney)
	Area = stringScalar("Area",
		"A land area in mu (亩) as a decimal string with at most two decimals, e.g. \"12.50\".",
		kernel.Area.String, kernel.ParseArea)
	DateTime = stringScalar("DateTime",
		"An instant as an RFC 3339 string with its offset, e.g. \"2026-05-01T08:00:00+08:00\" or \"2026-05-01T00:00:00Z\". Output is UTC; business deadlines are computed in Asia/Shanghai.",
		formatTime, parseTime)
	Position = stringScalar("Position",
		"A global event-store position as a decimal string. Send it in the X-Nongjiao-After-Position header to read your own write.",
		func(p uint64) string { return strconv.FormatUint(p, 10) },
		func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 64) })
)

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t.UTC(), err
}

// stringScalar builds a scalar carried as a string and held as T. A zero
// time serialises as null.
func stringScalar[T any](name, description string, format func(T) string, parse func(string) (T, error)) *graphql.Scalar {
	fromString := func(s string) any {
		v, err := parse(s)
		if err != nil {
			return nil
		}
		return v
	}
	return graphql.NewScalar(graphql.ScalarConfig{
		Name:        name,
		Description: description,
		Serialize: func(v any) any {
			if p, ok := v.(*T); ok && p != nil {
				v = *p
			}
			if t, ok := v.(time.Time); ok && t.IsZero() {
				return nil
			}
			if t, ok := v.(T); ok {
				return format(t)
			}
			return nil
		},
		ParseValue: func(v any) any {
			if s, ok := v.(string); ok {
				return fromString(s)
			}
			return nil
		},
		ParseLiteral: func(v ast.Value) any {
			if s, ok := v.(*ast.StringValue); ok {
				return fromString(s.Value)
			}
			return nil
		},
	})
}
