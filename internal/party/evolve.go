package party

import (
	"slices"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Evolve folds one event into the party's state. It never fails, ignores
// events it does not know and copies the sign-ins before changing them.
func Evolve(s State, e kernel.Event) State {
	switch e := e.(type) {
	case PartyRegistered:
		return State{ID: e.Party, Kind: e.Kind, Name: e.Name, Identifier: e.Identifier}
	case PartySuspended:
		s.Suspended = true
	case PartyReinstated:
		s.Suspended = false
	case SignInLinked:
		s.SignIns = append(slices.Clip(s.SignIns), e.SignIn)
	case SignInUnlinked:
		s.SignIns = slices.DeleteFunc(slices.Clone(s.SignIns), func(in SignIn) bool { return in == e.SignIn })
	}
	return s
}
