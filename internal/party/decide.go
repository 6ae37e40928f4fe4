package party

import (
	"time"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Decider is the party aggregate (category "party").
var Decider = kernel.Decider[State, Command]{Category: "party", Decide: Decide, Evolve: Evolve}

// Check refuses what Decide would refuse of c on s, without making events:
// callers check before they claim the command's key.
func Check(s State, c Command) error {
	_, err := Decide(s, c, time.Time{})
	return err
}

// Decide decides a party command at now. It returns the new events or a
// *kernel.Error; a refused command emits nothing.
func Decide(s State, c Command, now time.Time) ([]kernel.Event, error) {
	now = now.UTC()
	if err := kernel.CheckCommandText(c); err != nil {
		return nil, err
	}
	if c, ok := c.(RegisterParty); ok {
		return register(s, c, now)
	}
	if !s.Registered() {
		return nil, notRegistered()
	}
	switch c := c.(type) {
	case SuspendParty:
		if s.Suspended {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "the party is suspended already")
		}
		if c.Reason == "" {
			return nil, kernel.FieldErrorf(kernel.CodeInvalid, "reason", "say why the party is suspended")
		}
		return []kernel.Event{PartySuspended{Party: s.ID, Reason: c.Reason, At: now}}, nil
	case ReinstateParty:
		if !s.Suspended {
			return nil, kernel.Errorf(kernel.CodeInvalidState, "the party is not suspended")
		}
		return []kernel.Event{PartyReinstated{Party: s.ID, Reason: c.Reason, At: now}}, nil
	case LinkSignIn:
		if err := c.SignIn.check(); err != nil {
			return nil, err
		}
		if s.HasSignIn(c.SignIn) {
			return nil, nil
		}
		return []kernel.Event{SignInLinked{Party: s.ID, SignIn: c.SignIn, At: now}}, nil
	case UnlinkSignIn:
		if !s.HasSignIn(c.SignIn) {
			return nil, kernel.FieldErrorf(kernel.CodeNotFound, "subject", "the party has no such sign-in")
		}
		return []kernel.Event{SignInUnlinked{Party: s.ID, SignIn: c.SignIn, At: now}}, nil
	}
	return nil, kernel.Errorf(kernel.CodeInvalid, "unknown party command %T", c)
}

func register(s State, c RegisterParty, now time.Time) ([]kernel.Event, error) {
	if s.Registered() {
		return nil, kernel.Errorf(CodeAlreadyRegistered, "party %s is registered already", s.ID)
	}
	if !c.Kind.Valid() {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "kind", "unknown kind of party %q", c.Kind)
	}
	if c.Name == "" {
		return nil, kernel.FieldErrorf(kernel.CodeInvalid, "name", "a party is registered under its legal name")
	}
	if err := c.Kind.CheckIdentifier(c.Identifier); err != nil {
		return nil, err
	}
	events := []kernel.Event{PartyRegistered{Party: c.Party, Kind: c.Kind, Name: c.Name, Identifier: c.Identifier, At: now}}
	if !c.SignIn.IsZero() {
		if err := c.SignIn.check(); err != nil {
			return nil, err
		}
		events = append(events, SignInLinked{Party: c.Party, SignIn: c.SignIn, At: now})
	}
	return events, nil
}

func notRegistered() error {
	return kernel.Errorf(CodeNotRegistered, "the party is not registered with the exchange")
}

func suspended() error {
	return kernel.Errorf(CodeSuspended, "the party is suspended: it may read but not act")
}
