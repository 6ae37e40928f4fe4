package party

import (
	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Command is a command to a party (category "party").
type Command interface {
	kernel.Command
	isPartyCommand()
}

// SignIn is an account at an OpenID Connect provider: the provider's issuer
// URL and the subject ("sub") it names the account by.
type SignIn struct {
	Issuer  string
	Subject string
}

// RegisterParty enters a party in the register. Identifier is a unified
// social credit code for an organisation or a resident identity number for
// a person (Kind.Person), in upper case; SignIn, when not zero, links the
// party's first sign-in.
type RegisterParty struct {
	Party      uuid.UUID
	Kind       Kind
	Name       string
	Identifier string
	SignIn     SignIn
}

// SuspendParty stops the party from acting until it is reinstated.
type SuspendParty struct {
	Party  uuid.UUID
	Reason string
}

// ReinstateParty lets a suspended party act again.
type ReinstateParty struct {
	Party  uuid.UUID
	Reason string
}

// LinkSignIn lets the party sign in with another provider account.
type LinkSignIn struct {
	Party  uuid.UUID
	SignIn SignIn
}

// UnlinkSignIn removes one of the party's sign-ins.
type UnlinkSignIn struct {
	Party  uuid.UUID
	SignIn SignIn
}

// AggregateID implements kernel.Command.
func (c RegisterParty) AggregateID() uuid.UUID { return c.Party }

// AggregateID implements kernel.Command.
func (c SuspendParty) AggregateID() uuid.UUID { return c.Party }

// AggregateID implements kernel.Command.
func (c ReinstateParty) AggregateID() uuid.UUID { return c.Party }

// AggregateID implements kernel.Command.
func (c LinkSignIn) AggregateID() uuid.UUID { return c.Party }

// AggregateID implements kernel.Command.
func (c UnlinkSignIn) AggregateID() uuid.UUID { return c.Party }

func (RegisterParty) isPartyCommand()  {}
func (SuspendParty) isPartyCommand()   {}
func (ReinstateParty) isPartyCommand() {}
func (LinkSignIn) isPartyCommand()     {}
func (UnlinkSignIn) isPartyCommand()   {}

// Texts implements kernel.TextCommand.
func (c RegisterParty) Texts() []kernel.Text {
	return append([]kernel.Text{{Field: "name", Kind: kernel.Name, Value: c.Name},
		{Field: "identifier", Kind: kernel.Reference, Value: c.Identifier}}, c.SignIn.texts()...)
}

// Texts implements kernel.TextCommand.
func (c SuspendParty) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }

// Texts implements kernel.TextCommand.
func (c ReinstateParty) Texts() []kernel.Text { return kernel.ReasonText(c.Reason) }

// Texts implements kernel.TextCommand.
func (c LinkSignIn) Texts() []kernel.Text { return c.SignIn.texts() }

// Texts implements kernel.TextCommand.
func (c UnlinkSignIn) Texts() []kernel.Text { return c.SignIn.texts() }

func (s SignIn) texts() []kernel.Text {
	return []kernel.Text{{Field: "issuer", Kind: kernel.Reference, Value: s.Issuer},
		{Field: "subject", Kind: kernel.Reference, Value: s.Subject}}
}

// IsZero reports whether s names no account.
func (s SignIn) IsZero() bool { return s == SignIn{} }

// check refuses a sign-in without issuer or subject.
func (s SignIn) check() error {
	if s.Issuer == "" {
		return kernel.FieldErrorf(kernel.CodeInvalid, "issuer", "a sign-in needs the provider's issuer URL")
	}
	if s.Subject == "" {
		return kernel.FieldErrorf(kernel.CodeInvalid, "subject", "a sign-in needs the subject the provider names the account by")
	}
	return nil
}
