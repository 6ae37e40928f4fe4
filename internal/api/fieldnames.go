package api

import (
	"errors"
	"strings"
	"sync"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// InputPaths returns the dotted path of every field of the input type t,
// through nested input objects and lists: "title", "resolution",
// "resolution.body", "consents.document".
func InputPaths(t graphql.Input) map[string]bool {
	paths := map[string]bool{}
	addInputPaths(paths, "", t)
	return paths
}

func addInputPaths(paths map[string]bool, prefix string, t graphql.Input) {
	switch t := t.(type) {
	case *graphql.NonNull:
		addInputPaths(paths, prefix, t.OfType)
	case *graphql.List:
		addInputPaths(paths, prefix, t.OfType)
	case *graphql.InputObject:
		for name, f := range t.Fields() {
			path := prefix + name
			if paths[path] {
				continue // a recursive input type: each path once
			}
			paths[path] = true
			addInputPaths(paths, path+".", f.Type)
		}
	}
}

// IsInputPath reports whether field names a field of paths (InputPaths),
// list indexes allowed: "plots.0.assetId" and "allocations[0].member" name
// "plots.assetId" and "allocations.member".
func IsInputPath(paths map[string]bool, field string) bool {
	var kept []string
	for _, seg := range strings.Split(field, ".") {
		if i := strings.IndexByte(seg, '['); i > 0 && strings.HasSuffix(seg, "]") {
			seg = seg[:i]
		}
		if seg != "" && strings.Trim(seg, "0123456789") == "" {
			continue
		}
		kept = append(kept, seg)
	}
	return paths[strings.Join(kept, ".")]
}

// fieldNames turns the field a domain error names into a field of the
// mutation's input, so that extensions.field always names something the
// caller sent or could send.
type fieldNames struct {
	input graphql.Input
	once  sync.Once
	paths map[string]bool
}

// translate returns err with its *kernel.Error's Field resolved (resolve).
func (f *fieldNames) translate(err error) error {
	var kerr *kernel.Error
	if !errors.As(err, &kerr) || kerr.Field == "" {
		return err
	}
	field := f.resolve(kerr.Field)
	if field == kerr.Field {
		return err
	}
	return &kernel.Error{Code: kerr.Code, Message: kerr.Message, Field: field}
}

// resolve maps a domain field name to an input path: the name itself or its
// longest tail that is an input path
// ("asset.assetIds" → "assetIds"), or is one with "Id" added (the domain's
// "contractor" is the input's "contractorId"), else "" (the caller sent no
// such field: the error names none rather than a wrong one).
func (f *fieldNames) resolve(field string) string {
	f.once.Do(func() { f.paths = InputPaths(f.input) })
	for name := field; ; {
		if IsInputPath(f.paths, name) {
			return name
		}
		if IsInputPath(f.paths, name+"Id") {
			return name + "Id"
		}
		_, rest, ok := strings.Cut(name, ".")
		if !ok {
			return ""
		}
		name = rest
	}
}
