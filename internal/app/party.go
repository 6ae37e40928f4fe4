package app

import (
	"context"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/party"
)

// PartyCommands sends party commands, first claiming the identifier or
// sign-in a command takes (the key aggregates of package party), so no two
// parties share one. It is what the API, the demo and `nongjiao register`
// send party commands through.
type PartyCommands struct{ app *App }

// PartyCommands returns the App's sender of party commands.
func (a *App) PartyCommands() PartyCommands { return PartyCommands{a} }

// Handle checks cmd against the party's state, claims its key (an
// identifier for RegisterParty, plus the sign-in when it links one; the
// sign-in of LinkSignIn), sends it, and for UnlinkSignIn releases the
// sign-in afterwards. A refused claim (IDENTIFIER_TAKEN, SIGN_IN_TAKEN)
// sends nothing. A retry of a command the party's stream holds is answered
// as a duplicate; the claims' command ids derive from meta.CommandID, so a
// retry after a failure in between completes.
func (p PartyCommands) Handle(ctx context.Context, cmd party.Command, meta Meta) (Result, error) {
	retry, err := p.app.Parties.Handled(ctx, cmd.AggregateID(), meta.CommandID)
	if err != nil {
		return Result{}, err
	}
	if retry {
		return p.app.Parties.Handle(ctx, cmd, meta) // answered as a duplicate
	}
	s, err := p.app.Party(ctx, cmd.AggregateID())
	if err != nil {
		return Result{}, err
	}
	if err := party.Check(s, cmd); err != nil {
		return Result{}, err
	}
	var claims []party.KeyCommand
	switch c := cmd.(type) {
	case party.RegisterParty:
		claims = append(claims, party.ClaimIdentifier{Identifier: c.Identifier, Party: c.Party})
		if !c.SignIn.IsZero() {
			claims = append(claims, party.ClaimSignIn{SignIn: c.SignIn, Party: c.Party})
		}
	case party.LinkSignIn:
		claims = append(claims, party.ClaimSignIn{SignIn: c.SignIn, Party: c.Party})
	}
	for i, claim := range claims {
		if _, err := p.app.PartyKeys.Handle(ctx, claim, keyMeta(meta, i)); err != nil {
			return Result{}, err
		}
	}
	res, err := p.app.Parties.Handle(ctx, cmd, meta)
	if c, ok := cmd.(party.UnlinkSignIn); ok && err == nil {
		if _, err := p.app.PartyKeys.Handle(ctx, party.ReleaseSignIn{SignIn: c.SignIn, Party: c.Party}, keyMeta(meta, 0)); err != nil {
			return Result{}, err
		}
	}
	return res, err
}

// keyMeta is the meta of the i-th key command sent for a party command.
func keyMeta(meta Meta, i int) Meta {
	meta.CausationID = meta.CommandID.String()
	meta.CommandID = uuid.NewSHA1(meta.CommandID, []byte{'k', byte(i)})
	return meta
}

// Party returns the party's state in the register: the authoritative
// state, not a read model. An unregistered party is the zero State.
func (a *App) Party(ctx context.Context, id uuid.UUID) (party.State, error) {
	return state(ctx, a.Parties, id)
}

// SignedIn returns the party a sign-in is linked to, and false when it is
// linked to none.
func (a *App) SignedIn(ctx context.Context, in party.SignIn) (uuid.UUID, bool, error) {
	var holder uuid.UUID
	err := a.PartyKeys.Inspect(ctx, party.SignInKey(in), func(st party.KeyState, _ uint64) { holder = st.Holder })
	return holder, holder != uuid.Nil, err
}
