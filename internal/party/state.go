package party

import (
	"slices"

	"github.com/google/uuid"
)

// State is one party as the register holds it. The zero State is a party
// that is not registered.
type State struct {
	ID         uuid.UUID
	Kind       Kind
	Name       string
	Identifier string
	Suspended  bool
	SignIns    []SignIn // in the order they were linked
}

// Registered reports whether the party is in the register.
func (s State) Registered() bool { return s.ID != uuid.Nil }

// CanAct refuses a party that is not registered (PARTY_NOT_REGISTERED) or is
// suspended (PARTY_SUSPENDED).
func (s State) CanAct() error {
	if !s.Registered() {
		return notRegistered()
	}
	if s.Suspended {
		return suspended()
	}
	return nil
}

// HasSignIn reports whether in signs the party in.
func (s State) HasSignIn(in SignIn) bool { return slices.Contains(s.SignIns, in) }
