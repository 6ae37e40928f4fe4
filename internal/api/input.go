package api

import (
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Readers of a mutation's input or a field's arguments. The schema has
// checked types and required fields before any resolver runs.

// ID reads a required ID field of input as a UUID.
func ID(in map[string]any, field string) (uuid.UUID, error) {
	s, _ := in[field].(string)
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, kernel.FieldErrorf(kernel.CodeInvalid, field, "%s must be a UUID such as %q, got %q", field, exampleUUID, s)
	}
	return id, nil
}

// exampleUUID shows the form of an id in error messages.
const exampleUUID = "6f1f3c2e-8a4e-4f7e-9a51-2d0c5b7e9a10"

// OptionalID reads an optional ID field: uuid.Nil when absent.
func OptionalID(in map[string]any, field string) (uuid.UUID, error) {
	if v, ok := in[field]; !ok || v == nil {
		return uuid.Nil, nil
	}
	return ID(in, field)
}

// IDs reads several required ID fields of input at once.
func IDs(in map[string]any, fields ...string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, len(fields))
	for i, f := range fields {
		id, err := ID(in, f)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

// Arg reads field of input (or of a field's arguments) as a T: the scalars'
// Go values (string, int, bool, kernel.Money, kernel.Area, time.Time), an
// enum's typed value, or map[string]any for an input object. The schema has
// checked types and required fields, so an absent optional field reads as
// the zero value.
func Arg[T any](in map[string]any, field string) T {
	v, _ := in[field].(T)
	return v
}

// Args reads a list field of input as []T (nil when absent or empty).
func Args[T any](in map[string]any, field string) []T {
	list, _ := in[field].([]any)
	if len(list) == 0 {
		return nil
	}
	out := make([]T, len(list))
	for i, v := range list {
		out[i], _ = v.(T)
	}
	return out
}
