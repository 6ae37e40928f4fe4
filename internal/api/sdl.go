package api

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/graphql-go/graphql"
)

// PrintSDL prints schema in the GraphQL schema definition language, types in
// name order, so the output is stable and diffs read well. graphql-go has no
// printer of its own; this covers what nongjiao's schema uses (objects,
// interfaces, unions, enums, input objects, custom scalars, arguments with
// defaults, descriptions, deprecations).
func PrintSDL(schema graphql.Schema) string {
	var b strings.Builder
	b.WriteString("schema {\n  query: Query\n")
	if schema.MutationType() != nil {
		b.WriteString("  mutation: Mutation\n")
	}
	if schema.SubscriptionType() != nil {
		b.WriteString("  subscription: Subscription\n")
	}
	b.WriteString("}\n")
	types := schema.TypeMap()
	names := make([]string, 0, len(types))
	for name := range types {
		if strings.HasPrefix(name, "__") || builtinScalar[name] {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b.WriteString("\n")
		printType(&b, types[name])
	}
	return b.String()
}

var builtinScalar = map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}

func printType(b *strings.Builder, t graphql.Type) {
	printDescription(b, "", t.Description())
	switch t := t.(type) {
	case *graphql.Scalar:
		fmt.Fprintf(b, "scalar %s\n", t.Name())
	case *graphql.Enum:
		fmt.Fprintf(b, "enum %s {\n", t.Name())
		// graphql-go builds an enum's values from a map, in a different order
		// in every process: print them by name.
		values := append([]*graphql.EnumValueDefinition(nil), t.Values()...)
		sort.Slice(values, func(i, j int) bool { return values[i].Name < values[j].Name })
		for _, v := range values {
			printDescription(b, "  ", v.Description)
			fmt.Fprintf(b, "  %s%s\n", v.Name, deprecation(v.DeprecationReason))
		}
		b.WriteString("}\n")
	case *graphql.InputObject:
		fmt.Fprintf(b, "input %s {\n", t.Name())
		fields := t.Fields()
		for _, name := range sortedKeys(fields) {
			f := fields[name]
			printDescription(b, "  ", f.Description())
			fmt.Fprintf(b, "  %s: %s%s\n", name, f.Type, defaultValue(f.DefaultValue))
		}
		b.WriteString("}\n")
	case *graphql.Object:
		fmt.Fprintf(b, "type %s%s {\n", t.Name(), implements(t.Interfaces()))
		printFields(b, t.Fields())
		b.WriteString("}\n")
	case *graphql.Interface:
		fmt.Fprintf(b, "interface %s {\n", t.Name())
		printFields(b, t.Fields())
		b.WriteString("}\n")
	case *graphql.Union:
		members := make([]string, 0, len(t.Types()))
		for _, m := range t.Types() {
			members = append(members, m.Name())
		}
		sort.Strings(members)
		fmt.Fprintf(b, "union %s = %s\n", t.Name(), strings.Join(members, " | "))
	}
}

func printFields(b *strings.Builder, fields graphql.FieldDefinitionMap) {
	for _, name := range sortedKeys(fields) {
		f := fields[name]
		printDescription(b, "  ", f.Description)
		fmt.Fprintf(b, "  %s%s: %s%s\n", name, printArgs(f.Args), f.Type, deprecation(f.DeprecationReason))
	}
}

func printArgs(args []*graphql.Argument) string {
	if len(args) == 0 {
		return ""
	}
	sorted := append([]*graphql.Argument(nil), args...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name() < sorted[j].Name() })
	parts := make([]string, len(sorted))
	for i, a := range sorted {
		parts[i] = fmt.Sprintf("%s: %s%s", a.Name(), a.Type, defaultValue(a.DefaultValue))
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func implements(ifaces []*graphql.Interface) string {
	if len(ifaces) == 0 {
		return ""
	}
	names := make([]string, len(ifaces))
	for i, it := range ifaces {
		names[i] = it.Name()
	}
	sort.Strings(names)
	return " implements " + strings.Join(names, " & ")
}

func printDescription(b *strings.Builder, indent, desc string) {
	if desc == "" {
		return
	}
	if !strings.Contains(desc, "\n") && !strings.Contains(desc, `"`) {
		fmt.Fprintf(b, "%s\"%s\"\n", indent, desc)
		return
	}
	fmt.Fprintf(b, "%s\"\"\"\n", indent)
	for _, line := range strings.Split(desc, "\n") {
		fmt.Fprintf(b, "%s%s\n", indent, strings.ReplaceAll(line, `"""`, `\"""`))
	}
	fmt.Fprintf(b, "%s\"\"\"\n", indent)
}

func deprecation(reason string) string {
	if reason == "" {
		return ""
	}
	q, _ := json.Marshal(reason)
	return " @deprecated(reason: " + string(q) + ")"
}

func defaultValue(v any) string {
	if v == nil {
		return ""
	}
	q, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return " = " + string(q)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
