package httpapi

import (
	"regexp"
	"slices"
	"strings"

	"github.com/graphql-go/graphql"
)

// CodeInvalidScalar is the extensions.code of a document or variables that
// give a scalar or enum a value it does not accept; the message says what
// form the type expects. It is stable.
const CodeInvalidScalar = "INVALID_SCALAR"

// builtinForms are the expected forms of GraphQL's own scalars.
var builtinForms = map[string]string{
	"Int":     "a whole number from -2147483648 to 2147483647",
	"Float":   "a number",
	"String":  "a string",
	"Boolean": "true or false",
	"ID":      "a string such as \"6f1f3c2e-8a4e-4f7e-9a51-2d0c5b7e9a10\" (ids are UUIDs)",
}

// expectedType matches graphql-go's report of a value a type refused, one per
// line: `In field "amount": Expected type "Money", found "1.005".`
var expectedType = regexp.MustCompile(`Expected type "(\w+)", found .*\.$`)

// explainScalars adds to each line of a coercion error that names a refused
// type what that type expects, and reports whether it did: a scalar's form is
// the first sentence of its description (for a custom scalar) or builtinForms,
// an enum's its values.
func explainScalars(schema *graphql.Schema, message string) (string, bool) {
	lines := strings.Split(message, "\n")
	explained := false
	for i, line := range lines {
		m := expectedType.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if form := expectedForm(schema, m[1]); form != "" {
			lines[i] = line + " " + m[1] + " is " + form + "."
			explained = true
		}
	}
	return strings.Join(lines, "\n"), explained
}

func expectedForm(schema *graphql.Schema, name string) string {
	if form, ok := builtinForms[name]; ok {
		return form
	}
	switch t := schema.Type(name).(type) {
	case *graphql.Scalar:
		return firstSentence(t.Description())
	case *graphql.Enum:
		names := make([]string, 0, len(t.Values()))
		for _, v := range t.Values() {
			names = append(names, v.Name)
		}
		slices.Sort(names)
		return "one of " + strings.Join(names, ", ")
	}
	return ""
}

// firstSentence is s up to its first full stop that ends a sentence (not the
// one of "e.g."), lower-cased at the start and without the stop.
func firstSentence(s string) string {
	end := len(s)
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '.' && s[i+1] == ' ' && !strings.HasSuffix(s[:i], "e.g") {
			end = i
			break
		}
	}
	s = strings.TrimSuffix(s[:end], ".")
	if s == "" {
		return ""
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// withScalarForms returns a validation or variables error that is about a
// refused value under CodeInvalidScalar with the expected forms, and any
// other error as it is.
func (s *Server) withScalarForms(e gqlError) gqlError {
	if msg, ok := explainScalars(s.schema, e.Message); ok {
		e.Message = msg
		e.Extensions[extensionCode] = CodeInvalidScalar
	}
	return e
}
