package readmodel

import (
	"database/sql"
	"time"

	"github.com/google/uuid"
)

// How projections store values: times as BIGINT unix microseconds, ids as
// TEXT, money as BIGINT fen, areas as BIGINT hundredths of a mu, flags as
// INTEGER 0/1. A projection stores an absent time either as 0 (Micros, Time)
// or as NULL (NullMicros, NullTime), whichever its tables were made with.

// Micros returns t as unix microseconds, 0 for the zero time.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// Time reads what Micros stored: 0 is the zero time.
func Time(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

// NullMicros returns t as unix microseconds, nil (SQL NULL) for the zero time.
func NullMicros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

// NullTime reads what NullMicros stored: NULL is the zero time.
func NullTime(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// Bool returns b as INTEGER 0/1.
func Bool(b bool) int {
	if b {
		return 1
	}
	return 0
}

// IDText returns id as TEXT, "" for uuid.Nil.
func IDText(id uuid.UUID) string {
	if id == uuid.Nil {
		return ""
	}
	return id.String()
}

// ParseID reads a TEXT id; "" (none) or a malformed one reads as uuid.Nil.
func ParseID(s string) uuid.UUID {
	id, _ := uuid.Parse(s)
	return id
}
