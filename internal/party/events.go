package party

import (
	"time"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/kernel"
)

// PartyRegistered: the exchange entered the party in the register.
type PartyRegistered struct {
	Party      uuid.UUID
	Kind       Kind
	Name       string
	Identifier string
	At         time.Time
}

// PartySuspended: the party may no longer act.
type PartySuspended struct {
	Party  uuid.UUID
	Reason string
	At     time.Time
}

// PartyReinstated: the suspended party may act again.
type PartyReinstated struct {
	Party  uuid.UUID
	Reason string
	At     time.Time
}

// SignInLinked: the party may sign in with the provider account.
type SignInLinked struct {
	Party  uuid.UUID
	SignIn SignIn
	At     time.Time
}

// SignInUnlinked: the provider account no longer signs the party in.
type SignInUnlinked struct {
	Party  uuid.UUID
	SignIn SignIn
	At     time.Time
}

// KeyClaimed: the identifier or sign-in the key names is the party's.
type KeyClaimed struct {
	Key   uuid.UUID
	Party uuid.UUID
	At    time.Time
}

// KeyReleased: the key is free again.
type KeyReleased struct {
	Key   uuid.UUID
	Party uuid.UUID
	At    time.Time
}

// EventType implements kernel.Event.
func (PartyRegistered) EventType() string { return "party.PartyRegistered.v1" }

// EventType implements kernel.Event.
func (PartySuspended) EventType() string { return "party.PartySuspended.v1" }

// EventType implements kernel.Event.
func (PartyReinstated) EventType() string { return "party.PartyReinstated.v1" }

// EventType implements kernel.Event.
func (SignInLinked) EventType() string { return "party.SignInLinked.v1" }

// EventType implements kernel.Event.
func (SignInUnlinked) EventType() string { return "party.SignInUnlinked.v1" }

// EventType implements kernel.Event.
func (KeyClaimed) EventType() string { return "party.KeyClaimed.v1" }

// EventType implements kernel.Event.
func (KeyReleased) EventType() string { return "party.KeyReleased.v1" }

// RegisterEvents adds the context's event types to r.
func RegisterEvents(r *kernel.Registry) {
	r.Register(PartyRegistered{}, PartySuspended{}, PartyReinstated{}, SignInLinked{}, SignInUnlinked{}, KeyClaimed{}, KeyReleased{})
}
