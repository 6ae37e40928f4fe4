package partyview

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/party"
	"github.com/nongjiao/nongjiao/internal/readmodel"
)

// registerProjection projects the party register (party_party).
type registerProjection struct{}

// Name implements readmodel.Projection.
func (registerProjection) Name() string { return "party_register" }

// Version implements readmodel.Projection.
func (registerProjection) Version() int { return 1 }

// Tables implements readmodel.Projection.
func (registerProjection) Tables() []string { return []string{"party_party"} }

// Schema implements readmodel.Projection.
func (registerProjection) Schema(readmodel.Dialect) []string {
	return []string{
		`CREATE TABLE IF NOT EXISTS party_party (
			id TEXT PRIMARY KEY,
			kind TEXT NOT NULL,
			name TEXT NOT NULL,
			identifier TEXT NOT NULL,
			suspended INTEGER NOT NULL,
			registered_at BIGINT NOT NULL
		)`,
		`CREATE INDEX IF NOT EXISTS party_party_registered ON party_party (registered_at, id)`,
		`CREATE INDEX IF NOT EXISTS party_party_kind ON party_party (kind, registered_at, id)`,
	}
}

// Apply implements readmodel.Projection.
func (registerProjection) Apply(ctx context.Context, tx readmodel.Tx, env readmodel.Envelope) error {
	var err error
	switch e := env.Event.(type) {
	case party.PartyRegistered:
		_, err = tx.ExecContext(ctx, `INSERT INTO party_party (id, kind, name, identifier, suspended, registered_at) VALUES ($1, $2, $3, $4, 0, $5)`,
			e.Party.String(), string(e.Kind), e.Name, e.Identifier, readmodel.Micros(e.At))
	case party.PartySuspended:
		_, err = tx.ExecContext(ctx, `UPDATE party_party SET suspended = 1 WHERE id = $1`, e.Party.String())
	case party.PartyReinstated:
		_, err = tx.ExecContext(ctx, `UPDATE party_party SET suspended = 0 WHERE id = $1`, e.Party.String())
	}
	return err
}

// Party is one row of the register.
type Party struct {
	ID           uuid.UUID
	Kind         party.Kind
	Name         string
	Identifier   string
	Suspended    bool
	RegisteredAt time.Time
}

// Filter narrows Parties; zero fields match everything.
type Filter struct {
	Kind      party.Kind
	Suspended *bool
}

// oldestFirst orders parties by registration.
var oldestFirst = readmodel.Keyset{Columns: []readmodel.Column{readmodel.Int("registered_at"), readmodel.ID("id")}}

// Cursor returns the party's place in the Parties list.
func (p Party) Cursor() readmodel.Cursor {
	return readmodel.CursorOf(readmodel.Micros(p.RegisteredAt), p.ID)
}

// Parties returns a page of the parties f selects, in the order they were
// registered, and how many match in all.
func Parties(ctx context.Context, q readmodel.Querier, f Filter, p readmodel.Page) (readmodel.Result[Party], error) {
	l := readmodel.List{Columns: "id, kind, name, identifier, suspended, registered_at", From: "party_party", Order: oldestFirst}
	if f.Kind != "" {
		l.Where.Add("kind = ?", string(f.Kind))
	}
	if f.Suspended != nil {
		l.Where.Add("suspended = ?", readmodel.Bool(*f.Suspended))
	}
	return readmodel.Fetch(ctx, q, l, p, scan)
}

func scan(r readmodel.Scanner) (Party, error) {
	var (
		p                Party
		id, kind         string
		suspended        int
		registeredMicros int64
	)
	err := r.Scan(&id, &kind, &p.Name, &p.Identifier, &suspended, &registeredMicros)
	p.ID, p.Kind, p.Suspended, p.RegisteredAt = readmodel.ParseID(id), party.Kind(kind), suspended != 0, readmodel.Time(registeredMicros)
	return p, err
}
