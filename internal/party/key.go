package party

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// keyNamespace roots the ids of key streams.
var keyNamespace = uuid.MustParse("0f6a3c8e-51d4-4b8e-9c3a-7e2d9b1f4a60")

// IdentifierKey is the id of the key stream of an identifier.
func IdentifierKey(identifier string) uuid.UUID {
	return uuid.NewSHA1(keyNamespace, []byte("identifier\x00"+identifier))
}

// SignInKey is the id of the key stream of a sign-in.
func SignInKey(s SignIn) uuid.UUID {
	return uuid.NewSHA1(keyNamespace, []byte("sign-in\x00"+s.Issuer+"\x00"+s.Subject))
}

// KeyCommand is a command to a key (category "partykey").
type KeyCommand interface {
	kernel.Command
	isKeyCommand()
}

// ClaimIdentifier records that Party is registered with Identifier.
type ClaimIdentifier struct {
	Identifier string
	Party      uuid.UUID
}

// ClaimSignIn records that SignIn signs Party in.
type ClaimSignIn struct {
	SignIn SignIn
	Party  uuid.UUID
}

// ReleaseSignIn frees SignIn, which Party held.
type ReleaseSignIn struct {
	SignIn SignIn
	Party  uuid.UUID
}

// AggregateID implements kernel.Command: the identifier's key.
func (c ClaimIdentifier) AggregateID() uuid.UUID { return IdentifierKey(c.Identifier) }

// AggregateID implements kernel.Command: the sign-in's key.
func (c ClaimSignIn) AggregateID() uuid.UUID { return SignInKey(c.SignIn) }

// AggregateID implements kernel.Command: the sign-in's key.
func (c ReleaseSignIn) AggregateID() uuid.UUID { return SignInKey(c.SignIn) }

func (ClaimIdentifier) isKeyCommand() {}
func (ClaimSignIn) isKeyCommand()     {}
func (ReleaseSignIn) isKeyCommand()   {}

// Texts implements kernel.TextCommand.
func (c ClaimIdentifier) Texts() []kernel.Text {
	return []kernel.Text{{Field: "identifier", Kind: kernel.Reference, Value: c.Identifier}}
}

// Texts implements kernel.TextCommand.
func (c ClaimSignIn) Texts() []kernel.Text { return c.SignIn.texts() }

// Texts implements kernel.TextCommand.
func (c ReleaseSignIn) Texts() []kernel.Text { return c.SignIn.texts() }

// KeyState is who holds a key: uuid.Nil for no one.
type KeyState struct {
	Holder uuid.UUID
}

// KeyDecider is the key aggregate (category "partykey").
var KeyDecider = kernel.Decider[KeyState, KeyCommand]{Category: "partykey", Decide: DecideKey, Evolve: EvolveKey}

// DecideKey decides a key command at now. A claim by the key's holder again
// writes nothing; a claim of a key another party holds is refused.
func DecideKey(s KeyState, c KeyCommand, now time.Time) ([]kernel.Event, error) {
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	now = now.UTC()
	switch c := c.(type) {
	case ClaimIdentifier:
		return s.claim(c.AggregateID(), c.Party, now, "identifier", CodeIdentifierTaken, "another party is registered with this identifier")
	case ClaimSignIn:
		return s.claim(c.AggregateID(), c.Party, now, "subject", CodeSignInTaken, "this sign-in is linked to another party")
	case ReleaseSignIn:
		if s.Holder != c.Party {
			return nil, kernel.FieldErrorf(kernel.CodeNotFound, "subject", "the party has no such sign-in")
		}
		return []kernel.Event{KeyReleased{Key: c.AggregateID(), Party: c.Party, At: now}}, nil
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown key command %T", c)
}

// claim gives the key to party unless another party holds it: then the
// refusal names field with code.
func (s KeyState) claim(key, party uuid.UUID, now time.Time, field, code, message string) ([]kernel.Event, error) {
	switch s.Holder {
	case party:
		return nil, nil
	case uuid.Nil:
		return []kernel.Event{KeyClaimed{Key: key, Party: party, At: now}}, nil
	}
	return nil, kernel.FieldErrorf(code, field, "%s", message)
}

// EvolveKey folds one event into a key's state.
func EvolveKey(s KeyState, e kernel.Event) KeyState {
	switch e := e.(type) {
	case KeyClaimed:
		s.Holder = e.Party
	case KeyReleased:
		s.Holder = uuid.Nil
	}
	return s
}
