package apitest

import (
	"context"
	"crypto/sha1"
	"testing"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/party"
)

// kindFor is the kind a test party acting in role is registered as.
var kindFor = map[auth.Role]party.Kind{
	auth.RoleExchange:   party.ExchangeOwner,
	auth.RoleFund:       party.Fund,
	auth.RoleCollective: party.Collective,
	auth.RoleBank:       party.Bank,
	auth.RoleBidder:     party.FarmBusiness,
}

// CreditCode returns a valid unified social credit code made from id, so
// test parties registered for different ids have different identifiers.
func CreditCode(id uuid.UUID) string {
	sum := sha1.Sum(id[:])
	return party.CreditCodeFrom(sum[:])
}

// Register enters id in a's party register as a kind that acts in role,
// unless it is registered already, through the same handler the API uses.
// It fails tb when id is registered as a kind that does not act in role.
func Register(tb testing.TB, a *app.App, role auth.Role, id uuid.UUID) {
	tb.Helper()
	ctx := context.Background()
	s, err := a.Party(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	if s.Registered() {
		if err := auth.MayAct(s.Kind, role); err != nil {
			tb.Fatalf("test party %s: %v", id, err)
		}
		return
	}
	cmd := party.RegisterParty{Party: id, Kind: kindFor[role], Name: "test party " + id.String()[:8], Identifier: CreditCode(id)}
	meta := app.Meta{CommandID: uuid.NewSHA1(id, []byte("register")), Actor: "system:test"}
	if _, err := a.PartyCommands().Handle(ctx, cmd, meta); err != nil {
		tb.Fatalf("register test party %s: %v", id, err)
	}
}

// Suspend suspends the registered party id.
func Suspend(tb testing.TB, a *app.App, id uuid.UUID) {
	tb.Helper()
	meta := app.Meta{CommandID: uuid.New(), Actor: "system:test"}
	if _, err := a.PartyCommands().Handle(context.Background(), party.SuspendParty{Party: id, Reason: "test"}, meta); err != nil {
		tb.Fatalf("suspend test party %s: %v", id, err)
	}
}
