package readmodel_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
	"github.com/nongjiao/nongjiao/internal/readmodel/rmtest"
)

// row is one row of the test table: a sort value k with ties, a unique id,
// and two columns to filter on.
type row struct {
	K      int64
	ID     string
	Colour string
	N      int64
}

func (r row) cursor() readmodel.Cursor { return readmodel.CursorOf(r.K, r.ID) }

var byK = readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("k"), readmodel.ID("id")}}

// table creates and fills the test table; rows come back in (k, id) order.
func table(t *testing.T, db *readmodel.DB) []row {
	t.Helper()
	ctx := context.Background()
	if _, err := db.ExecContext(ctx, `CREATE TABLE keyset_rows (k BIGINT NOT NULL, id TEXT PRIMARY KEY, colour TEXT NOT NULL, n BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	var rows []row
	colours := []string{"red", "green", "blue"}
	for i := range 9 {
		r := row{K: int64(i / 3), ID: fmt.Sprintf("00000000-0000-0000-0000-%012d", i), Colour: colours[i%3], N: int64(i)} // three rows per k
		rows = append(rows, r)
		if _, err := db.ExecContext(ctx, `INSERT INTO keyset_rows (k, id, colour, n) VALUES ($1, $2, $3, $4)`, r.K, r.ID, r.Colour, r.N); err != nil {
			t.Fatal(err)
		}
	}
	return rows
}

func scanRow(s readmodel.Scanner) (row, error) {
	var r row
	return r, s.Scan(&r.K, &r.ID, &r.Colour, &r.N)
}

func list(w readmodel.Where, order readmodel.Keyset) readmodel.List {
	return readmodel.List{Columns: "k, id, colour, n", From: "keyset_rows", Where: w, Order: order}
}

func ids(rows []row) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

func TestKeyset(t *testing.T) {
	rmtest.Both(t, func(t *testing.T, db *readmodel.DB) {
		rows := table(t, db)
		ctx := context.Background()

		t.Run("a page starts after the cursor's row, excluding it and including the next", func(t *testing.T) {
			for _, desc := range []bool{false, true} {
				order := readmodel.Keyset{Columns: byK.Columns, Desc: desc}
				want := slices.Clone(rows)
				if desc {
					slices.Reverse(want)
				}
				for i := range len(want) - 1 { // every boundary, ties on k included
					res, err := readmodel.Fetch(ctx, db, list(readmodel.Where{}, order), readmodel.Page{First: 1, After: want[i].cursor()}, scanRow)
					if err != nil {
						t.Fatal(err)
					}
					if len(res.Rows) != 1 || res.Rows[0] != want[i+1] {
						t.Fatalf("desc %v: after %s got %v, want %s", desc, want[i].ID, ids(res.Rows), want[i+1].ID)
					}
					if res.HasNext != (i+2 < len(want)) || res.Total != len(want) {
						t.Fatalf("desc %v: after %s: hasNext %v, total %d", desc, want[i].ID, res.HasNext, res.Total)
					}
				}
				last, err := readmodel.Fetch(ctx, db, list(readmodel.Where{}, order), readmodel.Page{First: 5, After: want[len(want)-1].cursor()}, scanRow)
				if err != nil || len(last.Rows) != 0 || last.HasNext {
					t.Fatalf("desc %v: after the last row: %+v, %v", desc, last, err)
				}
			}
		})

		t.Run("paging from the start reads every row once, in order", func(t *testing.T) {
			var got []row
			p := readmodel.Page{First: 2}
			for {
				res, err := readmodel.Fetch(ctx, db, list(readmodel.Where{}, byK), p, scanRow)
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, res.Rows...)
				if !res.HasNext {
					break
				}
				p.After = res.Rows[len(res.Rows)-1].cursor()
			}
			if !slices.Equal(got, rows) {
				t.Fatalf("got %v, want %v", ids(got), ids(rows))
			}
		})

		t.Run("filters combine with each other and with the cursor", func(t *testing.T) {
			var w readmodel.Where
			w.In("colour", []string{"red", "blue"})
			w.Add("n >= ? AND n <= ?", 1, 7)
			var want []row
			for _, r := range rows {
				if (r.Colour == "red" || r.Colour == "blue") && r.N >= 1 && r.N <= 7 {
					want = append(want, r)
				}
			}
			all, err := readmodel.Fetch(ctx, db, list(w, byK), readmodel.Page{First: 100}, scanRow)
			if err != nil || !slices.Equal(all.Rows, want) || all.Total != len(want) {
				t.Fatalf("got %v (total %d, err %v), want %v", ids(all.Rows), all.Total, err, ids(want))
			}
			rest, err := readmodel.Fetch(ctx, db, list(w, byK), readmodel.Page{First: 100, After: want[0].cursor()}, scanRow)
			if err != nil || !slices.Equal(rest.Rows, want[1:]) || rest.Total != len(want) {
				t.Fatalf("after %s: got %v (total %d, err %v), want %v", want[0].ID, ids(rest.Rows), rest.Total, err, ids(want[1:]))
			}
			if n, err := readmodel.Count(ctx, db, "keyset_rows", &w); err != nil || n != len(want) {
				t.Fatalf("count %d, %v; want %d", n, err, len(want))
			}
		})
	})
}

func TestCursorRoundTrip(t *testing.T) {
	id := uuid.MustParse("b1e5c0de-0000-4000-8000-000000000001")
	c := readmodel.CursorOf(int64(1764057600000000), id, uint64(7), 3)
	if want := (readmodel.Cursor{"1764057600000000", id.String(), "7", "3"}); !slices.Equal(c, want) {
		t.Fatalf("cursor %q, want %q", c, want)
	}
	order := readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("at"), readmodel.ID("id"), readmodel.Int("v"), readmodel.Int("seq")}, Desc: true}
	var w readmodel.Where
	w.Add("kind = ?", "x")
	if err := order.After(&w, c); err != nil {
		t.Fatal(err)
	}
	if got, want := w.String(), " WHERE kind = $1 AND (at, id, v, seq) < ($2, $3, $4, $5)"; got != want {
		t.Fatalf("where %q, want %q", got, want)
	}
	if got, want := fmt.Sprint(w.Args()), fmt.Sprint([]any{"x", int64(1764057600000000), id.String(), int64(7), int64(3)}); got != want {
		t.Fatalf("args %s, want %s", got, want)
	}
	if got, want := order.OrderBy(), "at DESC, id DESC, v DESC, seq DESC"; got != want {
		t.Fatalf("order %q, want %q", got, want)
	}
}

func TestKeysetRefusesForeignCursors(t *testing.T) {
	id := "b1e5c0de-0000-4000-8000-000000000001"
	for _, c := range []readmodel.Cursor{{"12"}, {"12", id, "b"}, {"not a number", id}, {"12", "not an id"}} {
		var w readmodel.Where
		if err := byK.After(&w, c); kernel.ErrorCode(err) != kernel.CodeInvalid || w.String() != "" {
			t.Errorf("cursor %q: err %v, where %q", c, err, w.String())
		}
	}
	var w readmodel.Where
	if err := byK.After(&w, nil); err != nil || w.String() != "" {
		t.Fatalf("no cursor: err %v, where %q", err, w.String())
	}
}
