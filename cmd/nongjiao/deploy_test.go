package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	gotoken "go/token"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// TestDeployManifestsUseOnlyFlagsAndVariablesTheBinaryHas parses every YAML
// manifest under deploy/ and checks that each nongjiao command line in it
// (a compose command or a Kubernetes container's args starting with a
// subcommand) uses only flags of that subcommand, and that each NONGJIAO_*
// variable it sets is one the binary reads.
func TestDeployManifestsUseOnlyFlagsAndVariablesTheBinaryHas(t *testing.T) {
	vars := envVars(t)
	var files []string
	err := filepath.WalkDir(filepath.Join("..", "..", "deploy"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 4 {
		t.Fatalf("found only %d manifests under deploy/: %v", len(files), files)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		u, err := manifestUses(data)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		for _, problem := range u.check(t, vars) {
			t.Errorf("%s: %s", path, problem)
		}
		t.Logf("%s: %d command lines, %d NONGJIAO_* variables checked", path, len(u.commands), len(u.vars))
	}
}

// The check itself refuses what the binary does not have.
func TestManifestCheckRefusesUnknownFlagsAndVariables(t *testing.T) {
	u, err := manifestUses([]byte(`
services:
  api:
    command: ["serve", "--listen", ":8080", "--no-such-flag", "--worker=false"]
    environment: {NONGJIAO_NO_SUCH_VARIABLE: "1", NONGJIAO_STORE: postgres}
`))
	if err != nil {
		t.Fatal(err)
	}
	problems := strings.Join(u.check(t, envVars(t)), "\n")
	for _, want := range []string{"--no-such-flag", "NONGJIAO_NO_SUCH_VARIABLE"} {
		if !strings.Contains(problems, want) {
			t.Errorf("the check did not refuse %s: %q", want, problems)
		}
	}
	for _, fine := range []string{"--listen", "--worker", "NONGJIAO_STORE"} {
		if strings.Contains(problems, fine) {
			t.Errorf("the check refused %s, which the binary has: %q", fine, problems)
		}
	}
}

// uses are the nongjiao command lines and NONGJIAO_* variables of a manifest.
type uses struct {
	commands [][]string
	vars     []string
}

var nongjiaoVar = regexp.MustCompile(`^NONGJIAO_[A-Z0-9_]+$`)

// manifestUses decodes every document of a manifest (compose's merge keys
// resolved) and collects what it uses.
func manifestUses(data []byte) (uses, error) {
	var u uses
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return u, nil
		}
		if err != nil {
			return u, err
		}
		u.walk(doc)
	}
}

func (u *uses) walk(node any) {
	switch n := node.(type) {
	case map[string]any:
		for k, v := range n {
			if nongjiaoVar.MatchString(k) { // compose environment: {NAME: value}
				u.vars = append(u.vars, k)
			}
			if name, ok := v.(string); ok && k == "name" && nongjiaoVar.MatchString(name) { // Kubernetes env: [{name, value}]
				u.vars = append(u.vars, name)
			}
			if k == "command" || k == "args" {
				if line := strings.Fields(fmt.Sprint(v)); len(line) > 0 {
					if list, ok := v.([]any); ok {
						line = line[:0]
						for _, a := range list {
							line = append(line, fmt.Sprint(a))
						}
					}
					if _, ok := lookup(line[0]); ok {
						u.commands = append(u.commands, line)
					}
				}
			}
			u.walk(v)
		}
	case []any:
		for _, v := range n {
			u.walk(v)
		}
	}
}

// check returns what u uses that the binary does not have.
func (u uses) check(t *testing.T, vars map[string]bool) []string {
	var problems []string
	for _, line := range u.commands {
		flags := flagsOf(t, line[0])
		for _, arg := range line[1:] {
			if !strings.HasPrefix(arg, "-") {
				continue
			}
			name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
			if !flags[name] {
				problems = append(problems, fmt.Sprintf("nongjiao %s has no flag %s", line[0], arg))
			}
		}
	}
	for _, v := range u.vars {
		if !vars[v] {
			problems = append(problems, "the binary does not read "+v)
		}
	}
	return problems
}

// flagsOf returns the flags of a subcommand, as its -h prints them.
func flagsOf(t *testing.T, name string) map[string]bool {
	t.Helper()
	c, _ := lookup(name)
	var out bytes.Buffer
	c.run(context.Background(), []string{"-h"}, &out, &out) //nolint:errcheck // -h returns flag.ErrHelp
	flags := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^  -(\S+)`).FindAllStringSubmatch(out.String(), -1) {
		flags[m[1]] = true
	}
	if len(flags) == 0 {
		t.Fatalf("nongjiao %s -h listed no flags:\n%s", name, out.String())
	}
	return flags
}

// envVars returns the NONGJIAO_* variables the binary reads: the first
// argument of every env(…) call in this package's sources.
func envVars(t *testing.T) map[string]bool {
	t.Helper()
	fset := gotoken.NewFileSet()
	sources, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]bool{}
	for _, path := range sources {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			if fn, ok := call.Fun.(*ast.Ident); ok && fn.Name == "env" {
				if lit, ok := call.Args[0].(*ast.BasicLit); ok {
					if name, err := strconv.Unquote(lit.Value); err == nil {
						vars[name] = true
					}
				}
			}
			return true
		})
	}
	if !vars["NONGJIAO_STORE"] || !vars["NONGJIAO_POSTGRES_URL"] {
		t.Fatalf("found only %v in env(…) calls", slices.Sorted(maps.Keys(vars)))
	}
	return vars
}
