package kernel

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Event is a fact an aggregate recorded, in the past tense. EventType returns
// its stable name with its version, "<context>.<Name>.v<N>", for example
// "listing.BidPlaced.v1". A stored event is never changed: a new shape gets a
// new version and an Upcaster from the old one.
type Event interface {
	EventType() string
}

// Command is an instruction to one aggregate, named by AggregateID.
type Command interface {
	AggregateID() uuid.UUID
}

// Decider describes one aggregate type as pure functions: Decide turns the
// current state and a command into new events (or a *Error), Evolve folds one
// event into the state. Both are deterministic and do no I/O; now is the
// command's time from the caller's clock. The zero S is the state of an
// aggregate with no events.
//
// Evolve must be copy-on-write: it returns a new state and never writes into
// maps or slices the given state can see. The application evolves states
// speculatively (several queued commands decided in a row before one append)
// and keeps the old state when the append fails; decidertest.CopyOnWrite
// checks a decider against a history.
type Decider[S any, C Command] struct {
	Category string // the stream category: streams are named "<Category>-<uuid>"
	Decide   func(state S, cmd C, now time.Time) ([]Event, error)
	Evolve   func(state S, e Event) S
}

// Fold replays events onto the zero state.
func (d Decider[S, C]) Fold(events []Event) S {
	var s S
	for _, e := range events {
		s = d.Evolve(s, e)
	}
	return s
}

// StreamName returns the stream "<category>-<id>".
func StreamName(category string, id uuid.UUID) string { return category + "-" + id.String() }

// Upcaster turns the JSON of an old event version into a newer type and JSON.
type Upcaster func(data []byte) (newType string, newData []byte, err error)

// Registry maps event type names to Go types so events can be stored as JSON
// and read back. Register every event type of a context once at start-up; the
// registry is then safe for concurrent use.
type Registry struct {
	mu        sync.RWMutex
	types     map[string]reflect.Type
	upcasters map[string]Upcaster
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
	return &Registry{types: map[string]reflect.Type{}, upcasters: map[string]Upcaster{}}
}

// Register adds event types by example value (a struct value, not a pointer).
// Registering two Go types under one name panics: that is a programming error.
func (r *Registry) Register(examples ...Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range examples {
		t := reflect.TypeOf(e)
		if t.Kind() == reflect.Pointer {
			panic(fmt.Sprintf("kernel: register %s by value, not by pointer", t))
		}
		if old, ok := r.types[e.EventType()]; ok && old != t {
			panic(fmt.Sprintf("kernel: event type %q registered twice (%s and %s)", e.EventType(), old, t))
		}
		r.types[e.EventType()] = t
	}
}

// RegisterUpcaster makes Decode convert events stored as oldType.
func (r *Registry) RegisterUpcaster(oldType string, up Upcaster) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.upcasters[oldType] = up
}

// RegisterRenamed makes Decode read events stored as oldType as newType with
// the same JSON: for a new version that only added fields whose zero values
// keep the old version's meaning.
func RegisterRenamed(r *Registry, oldType, newType string) {
	r.RegisterUpcaster(oldType, func(data []byte) (string, []byte, error) { return newType, data, nil })
}

// Encode returns the event's type name and JSON.
func (r *Registry) Encode(e Event) (string, []byte, error) {
	data, err := json.Marshal(e)
	if err != nil {
		return "", nil, fmt.Errorf("encode %s: %w", e.EventType(), err)
	}
	return e.EventType(), data, nil
}

// Decode returns the event stored as typ with JSON data, applying upcasters.
// Unknown types and malformed JSON are errors; Decode never panics on input.
// It reads JSON as encoding/json does, with unmarshal: every consumer
// decodes every event it reads (the projector, the live feed, a rebuild).
// The strings it returns are copies, never views of data.
func (r *Registry) Decode(typ string, data []byte) (Event, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for range 16 { // bounded: an upcaster cycle is an error, not a hang
		if up, ok := r.upcasters[typ]; ok {
			var err error
			if typ, data, err = up(data); err != nil {
				return nil, fmt.Errorf("upcast %s: %w", typ, err)
			}
			continue
		}
		t, ok := r.types[typ]
		if !ok {
			return nil, fmt.Errorf("unknown event type %q", typ)
		}
		p := reflect.New(t)
		if err := unmarshal(data, p.Interface()); err != nil {
			return nil, fmt.Errorf("decode %s: %w", typ, err)
		}
		return p.Elem().Interface().(Event), nil
	}
	return nil, fmt.Errorf("decode %s: too many upcasts", typ)
}

// Types returns the registered type names.
func (r *Registry) Types() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.types))
	for n := range r.types {
		names = append(names, n)
	}
	return names
}
