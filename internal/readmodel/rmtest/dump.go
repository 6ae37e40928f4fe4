package rmtest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// Dump returns the Rows of every table of a read-model database (on
// PostgreSQL, of its schema), the checkpoints included, so that two
// databases holding the same rows dump equal.
func Dump(tb testing.TB, db *readmodel.DB) map[string][]string {
	tb.Helper()
	ctx := context.Background()
	list := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if db.Dialect == readmodel.Postgres {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	}
	rows, err := db.QueryContext(ctx, list)
	if err != nil {
		tb.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			tb.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Close(); err != nil {
		tb.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		out[table] = Rows(tb, db, table)
	}
	return out
}

// Rows returns the rows of table, each printed as a Go value,
// sorted; it works on both backends.
func Rows(tb testing.TB, db *readmodel.DB, table string) []string {
	tb.Helper()
	rows, err := db.QueryContext(context.Background(), `SELECT * FROM "`+table+`"`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				vals[i] = string(b)
			}
		}
		out = append(out, fmt.Sprintf("%#v", vals))
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	slices.Sort(out)
	return out
}
