package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/party"
)

func TestPartyCommandsClaimTheIdentifierAndTheSignInOnce(t *testing.T) {
	ctx := context.Background()
	clock := kernel.NewManualClock(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	store := memstore.New(clock)
	a := app.New(store, clock, nil, app.Options{})
	send := a.PartyCommands()
	in := party.SignIn{Issuer: "https://id.example", Subject: "ops"}
	first, second := uuid.New(), uuid.New()
	register := party.RegisterParty{Party: first, Kind: party.Bank, Name: "银行", Identifier: "91350100M000100Y43", SignIn: in}
	meta := app.Meta{CommandID: uuid.New(), Actor: "test"}
	if _, err := send.Handle(ctx, register, meta); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := a.SignedIn(ctx, in); err != nil || !ok || got != first {
		t.Fatalf("the sign-in finds %s, %v, %v; want %s", got, ok, err, first)
	}
	if res, err := send.Handle(ctx, register, meta); err != nil || !res.Duplicate {
		t.Fatalf("a retry: %+v, %v; want a duplicate", res, err)
	}
	head := func() int {
		all, err := store.ReadAll(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		return len(all)
	}
	before := head()

	again := register
	again.Party, again.SignIn = second, party.SignIn{}
	if _, err := send.Handle(ctx, again, app.Meta{CommandID: uuid.New(), Actor: "test"}); kernel.ErrorCode(err) != party.CodeIdentifierTaken {
		t.Fatalf("the same identifier for another party: %v; want IDENTIFIER_TAKEN", err)
	}
	bad := again
	bad.Identifier = "91350100M000100Y44"
	if _, err := send.Handle(ctx, bad, app.Meta{CommandID: uuid.New(), Actor: "test"}); kernel.ErrorCode(err) != party.CodeInvalidIdentifier {
		t.Fatalf("a wrong check character: %v; want INVALID_IDENTIFIER", err)
	}
	if _, err := send.Handle(ctx, party.LinkSignIn{Party: second, SignIn: in}, app.Meta{CommandID: uuid.New(), Actor: "test"}); kernel.ErrorCode(err) != party.CodeNotRegistered {
		t.Fatalf("linking a sign-in to an unregistered party: %v; want PARTY_NOT_REGISTERED", err)
	}
	if after := head(); after != before {
		t.Fatalf("refused commands wrote %d events", after-before)
	}

	// Once unlinked, the sign-in is free for another party.
	if _, err := send.Handle(ctx, party.UnlinkSignIn{Party: first, SignIn: in}, app.Meta{CommandID: uuid.New(), Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := a.SignedIn(ctx, in); ok {
		t.Fatal("an unlinked sign-in still finds its party")
	}
	other := party.RegisterParty{Party: second, Kind: party.Individual, Name: "王立新", Identifier: "11010519491231002X", SignIn: in}
	if _, err := send.Handle(ctx, other, app.Meta{CommandID: uuid.New(), Actor: "test"}); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := a.SignedIn(ctx, in); got != second {
		t.Fatalf("the sign-in finds %s; want %s", got, second)
	}
}

// BenchmarkPartyStanding is the read every API mutation adds before it
// decodes its input: the caller's party, caught up from its stream, on the
// embedded store.
func BenchmarkPartyStanding(b *testing.B) {
	store, err := filestore.Open(filestore.Options{Dir: b.TempDir(), Clock: kernel.SystemClock{}})
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	a := app.New(store, kernel.SystemClock{}, nil, app.Options{})
	id := uuid.New()
	cmd := party.RegisterParty{Party: id, Kind: party.Bank, Name: "银行", Identifier: "91350100M000100Y43"}
	if _, err := a.PartyCommands().Handle(ctx, cmd, app.Meta{CommandID: uuid.New()}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if s, err := a.Party(ctx, id); err != nil || s.CanAct() != nil {
			b.Fatal(s, err)
		}
	}
}
