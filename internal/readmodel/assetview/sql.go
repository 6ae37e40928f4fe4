package assetview

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Times are stored as BIGINT unix microseconds (0 for a zero time), ids as
// TEXT, money and area as BIGINT fen and hundredths of a mu, flags as 0/1.

func us(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromUS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

func idText(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

func parseID(s string) uuid.UUID {
	id, _ := uuid.Parse(s) // "" (none) reads as uuid.Nil
	return id
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// where builds a WHERE clause with numbered placeholders.
type where struct {
	conds []string
	args  []any
}

// add appends a condition; each "?" in cond becomes the next placeholder.
func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

// in appends "column IN (...)" over ids.
func (w *where) in(column string, ids []string) {
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "?", id
	}
	w.add(fmt.Sprintf("%s IN (%s)", column, strings.Join(marks, ", ")), args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// keyset adds the keyset condition (sortCol, id) > (after) for a cursor made
// by cursorOf; nil after is the first page.
func (w *where) keyset(sortCol, idCol string, after []string) error {
	if after == nil {
		return nil
	}
	v, err := strconv.ParseInt(after[0], 10, 64)
	if err != nil {
		return err
	}
	w.add(fmt.Sprintf("(%s > ? OR (%s = ? AND %s > ?))", sortCol, sortCol, idCol), v, v, after[1])
	return nil
}

func cursorOf(t time.Time, id uuid.UUID) []string {
	return []string{strconv.FormatInt(us(t), 10), id.String()}
}

// Page asks for one page of a list: at most First items after the cursor
// After (nil for the first page), as made by the list's Cursor method.
type Page struct {
	First int
	After []string
}

func splitScope(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
