package server_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// walkthrough is the GraphQL operations of docs/sandbox.md, run by name with
// the variables written under each, so the walkthrough cannot drift from what
// TestSandboxStoryThroughTheBuiltBinary proves. Placeholders (<name>) in the
// variables take the values the test sets in vals; every mutation's position
// is sent back with the next request (read-your-writes).
type walkthrough struct {
	t    *testing.T
	x    *exchangeServer
	ops  map[string]walkOp
	vals map[string]string
	ran  map[string]bool
	pos  string // the last mutation's position
}

// walkOp is one operation of the walkthrough.
type walkOp struct {
	doc  string
	vars string // the JSON block under the operation, if any
	root string // the operation's one root field
}

var (
	fenceRE       = regexp.MustCompile("(?s)```(graphql|json)\n(.*?)```")
	operationRE   = regexp.MustCompile(`^(query|mutation|subscription)\s+(\w+)[^{]*\{\s*(\w+)`)
	placeholderRE = regexp.MustCompile(`<[^<>"]+>`)
)

// loadWalkthrough reads the operations of the markdown file at path: each
// ```graphql block is one named operation, and a ```json block after it and
// before the next operation is its variables.
func loadWalkthrough(t *testing.T, path string) *walkthrough {
	t.Helper()
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	w := &walkthrough{t: t, ops: map[string]walkOp{}, vals: map[string]string{}, ran: map[string]bool{}}
	last := ""
	for _, m := range fenceRE.FindAllStringSubmatch(string(text), -1) {
		switch m[1] {
		case "graphql":
			op := operationRE.FindStringSubmatch(m[2])
			if op == nil {
				t.Fatalf("%s: an unnamed operation: %s", path, m[2])
			}
			if _, dup := w.ops[op[2]]; dup {
				t.Fatalf("%s: two operations named %s", path, op[2])
			}
			w.ops[op[2]], last = walkOp{doc: m[2], root: op[3]}, op[2]
		case "json":
			op, ok := w.ops[last]
			if !ok || op.vars != "" {
				t.Fatalf("%s: variables that follow no operation: %s", path, m[2])
			}
			op.vars = m[2]
			w.ops[last] = op
		}
	}
	if len(w.ops) == 0 {
		t.Fatalf("%s has no operations", path)
	}
	return w
}

// op returns the named operation, marking it run.
func (w *walkthrough) op(name string) walkOp {
	w.t.Helper()
	op, ok := w.ops[name]
	if !ok {
		w.t.Fatalf("the walkthrough has no operation %s", name)
	}
	w.ran[name] = true
	return op
}

// vars returns the walkthrough's variables of name with the placeholders
// filled in from w.vals.
func (w *walkthrough) vars(name string) map[string]any {
	w.t.Helper()
	op := w.op(name)
	if op.vars == "" {
		return nil
	}
	filled := placeholderRE.ReplaceAllStringFunc(op.vars, func(p string) string {
		v, ok := w.vals[p[1:len(p)-1]]
		if !ok {
			w.t.Fatalf("%s: no value for %s", name, p)
		}
		return v
	})
	var vars map[string]any
	if err := json.Unmarshal([]byte(filled), &vars); err != nil {
		w.t.Fatalf("%s: variables: %v\n%s", name, err, filled)
	}
	return vars
}

// set records values for the placeholders, in pairs: name, value, ….
func (w *walkthrough) set(kv ...string) {
	for i := 0; i+1 < len(kv); i += 2 {
		w.vals[kv[i]] = kv[i+1]
	}
}

// mutate runs mutation name, which must succeed, and returns its payload.
func (w *walkthrough) mutate(token, name string) map[string]any {
	w.t.Helper()
	vars := w.vars(name)
	op := w.op(name)
	r := w.x.do(token, op.doc, vars, w.pos)
	if len(r.Errors) > 0 {
		w.t.Fatalf("%s: %+v", name, r.Errors)
	}
	payload := r.Data[op.root].(map[string]any)
	w.pos = payload["position"].(string)
	return payload
}

// refused runs operation name with vars (the walkthrough's own when nil),
// requires it to fail with one of code, and returns the error's message.
func (w *walkthrough) refused(token, name string, vars map[string]any, code ...string) string {
	w.t.Helper()
	if vars == nil {
		vars = w.vars(name)
	}
	r := w.x.do(token, w.op(name).doc, vars, w.pos)
	if len(r.Errors) == 0 || !slices.Contains(code, fmt.Sprint(r.Errors[0].Extensions["code"])) {
		w.t.Fatalf("%s with %v: got %+v, want %v", name, vars, r, code)
	}
	return r.Errors[0].Message
}

// query runs query name, which must succeed, as of the last mutation, and
// returns its root field.
func (w *walkthrough) query(token, name string) map[string]any {
	w.t.Helper()
	vars := w.vars(name)
	op := w.op(name)
	data := w.x.query(token, op.doc, vars, w.pos)
	root, _ := data[op.root].(map[string]any)
	if root == nil {
		w.t.Fatalf("%s: %v", name, data)
	}
	return root
}

// list runs query name and returns its root field, a list.
func (w *walkthrough) list(token, name string) []any {
	w.t.Helper()
	vars := w.vars(name)
	op := w.op(name)
	return w.x.query(token, op.doc, vars, w.pos)[op.root].([]any)
}

// subscribe starts subscription name.
func (w *walkthrough) subscribe(token, name string) *feed {
	w.t.Helper()
	vars := w.vars(name)
	return w.x.subscribe(token, w.op(name).doc, vars)
}

// unrun lists the walkthrough's operations no step ran.
func (w *walkthrough) unrun() []string {
	var out []string
	for name := range w.ops {
		if !w.ran[name] {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// edges returns the nodes of a connection.
func edges(conn map[string]any) []map[string]any {
	var out []map[string]any
	for _, e := range conn["edges"].([]any) {
		out = append(out, e.(map[string]any)["node"].(map[string]any))
	}
	return out
}

func TestWalkthroughPairsOperationsWithTheirVariables(t *testing.T) {
	dir := t.TempDir()
	doc := "# t\n\n```graphql\nquery Clock { clock { now } }\n```\n\n```graphql\nmutation Bid($input: PlaceBidInput!) { placeBid(input: $input) { position } }\n```\n\n" +
		"```json\n{\"input\": {\"listingId\": \"<listingId>\", \"amount\": \"<amount>\"}}\n```\n\n```sh\necho not an operation\n```\n"
	if err := os.WriteFile(dir+"/w.md", []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	w := loadWalkthrough(t, dir+"/w.md")
	if len(w.ops) != 2 || w.ops["Clock"].vars != "" || w.ops["Clock"].root != "clock" || w.ops["Bid"].root != "placeBid" {
		t.Fatalf("operations %+v", w.ops)
	}
	w.set("listingId", "L-1", "amount", "100.00")
	in := w.vars("Bid")["input"].(map[string]any)
	if in["listingId"] != "L-1" || in["amount"] != "100.00" {
		t.Fatalf("filled variables %v", in)
	}
	if got := w.unrun(); !slices.Equal(got, []string{"Clock"}) || !strings.Contains(w.ops["Bid"].doc, "placeBid") {
		t.Fatalf("unrun %v", got)
	}
}
