package assetview

import (
	"strings"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// The lists' orders: assets by registration, packages and contracts by
// creation, an asset's history by version; ids break ties.
var (
	byRegistration = readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("registered_at"), readmodel.ID("id")}}
	byCreation     = readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("created_at"), readmodel.ID("id")}}
	byVersion      = readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("version")}}
)

// one loads the row with id through load, or returns NOT_FOUND naming what.
func one[T any](id uuid.UUID, what string, load func(w *readmodel.Where, limit int) ([]T, error)) (T, error) {
	var w readmodel.Where
	w.Add("id = ?", id.String())
	rows, err := load(&w, 1)
	if err != nil || len(rows) == 0 {
		var zero T
		if err == nil {
			err = kernel.Errorf(kernel.CodeNotFound, "no %s %s", what, id)
		}
		return zero, err
	}
	return rows[0], nil
}

func splitScope(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
