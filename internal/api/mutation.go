package api

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// mutationSpec describes one Relay-style mutation; Mutations tables make them.
type mutationSpec struct {
	Name        string // e.g. "placeBid"; types are named PlaceBidInput and PlaceBidPayload
	Description string
	Roles       []auth.Role                       // who may call it at all
	Input       graphql.InputObjectConfigFieldMap // the input's fields, without idempotencyKey and clientMutationId
	Output      graphql.Fields                    // the payload's fields besides clientMutationId, position and duplicate
	// Run decodes the input, checks the party, sends the command and returns
	// what it wrote; payload.Fields resolve Output by name.
	Run func(ctx context.Context, call Call) (payload, error)
}

// Call is one invocation of a mutation.
type Call struct {
	Principal auth.Principal
	Input     map[string]any
	Meta      app.Meta
}

// NewID returns the id of an aggregate the mutation creates. It derives from
// the command id, so a retry with the same idempotency key addresses the same
// aggregate and is recognised as a duplicate instead of creating another.
func (c Call) NewID(purpose string) uuid.UUID {
	return uuid.NewSHA1(c.Meta.CommandID, []byte(purpose))
}

// payload is what a mutation returns.
type payload struct {
	Result app.Result
	Fields map[string]any
}

// idempotencyNamespace scopes command ids derived from idempotency keys.
var idempotencyNamespace = uuid.MustParse("6f1f3c2e-8a4e-4f7e-9a51-2d0c5b7e9a10")

// addMutation adds a mutation built from spec.
func (b *Builder) addMutation(spec mutationSpec) {
	typeName := upperFirst(spec.Name)
	inFields := graphql.InputObjectConfigFieldMap{
		"idempotencyKey":   {Type: graphql.String, Description: "Makes a retry safe: the same caller sending the same key gets the first result and nothing new is written."},
		"clientMutationId": {Type: graphql.String, Description: "Echoed in the payload."},
	}
	for k, v := range spec.Input {
		inFields[k] = v
	}
	outFields := graphql.Fields{
		"clientMutationId": {Type: graphql.String},
		"position":         {Type: graphql.NewNonNull(Position), Description: "The event-store position this mutation wrote (or first wrote, for a duplicate)."},
		"duplicate":        {Type: graphql.NewNonNull(graphql.Boolean), Description: "True when this was a retry of an earlier call with the same idempotency key: nothing new was written."},
	}
	for k, v := range spec.Output {
		outFields[k] = v
	}
	input := graphql.NewInputObject(graphql.InputObjectConfig{Name: typeName + "Input", Fields: inFields})
	payload := graphql.NewObject(graphql.ObjectConfig{Name: typeName + "Payload", Fields: outFields})
	add(b.mutation, "mutation", spec.Name, &graphql.Field{
		Type:        graphql.NewNonNull(payload),
		Description: spec.Description,
		Args:        graphql.FieldConfigArgument{"input": {Type: graphql.NewNonNull(input)}},
		Resolve: func(p graphql.ResolveParams) (any, error) {
			principal, err := Require(p.Context, spec.Roles...)
			if err != nil {
				return nil, err
			}
			in, _ := p.Args["input"].(map[string]any)
			call := Call{Principal: principal, Input: in, Meta: app.Meta{
				CommandID: commandID(principal, spec.Name, in),
				Actor:     principal.Role.String() + ":" + principal.Party.String(),
			}}
			out, err := spec.Run(p.Context, call)
			if err != nil {
				return nil, err
			}
			fields := map[string]any{
				"clientMutationId": in["clientMutationId"],
				"position":         out.Result.Position,
				"duplicate":        out.Result.Duplicate,
			}
			for k, v := range out.Fields {
				fields[k] = v
			}
			return fields, nil
		},
	})
}

func commandID(p auth.Principal, mutation string, in map[string]any) uuid.UUID {
	key, _ := in["idempotencyKey"].(string)
	if key == "" {
		return uuid.New()
	}
	return uuid.NewSHA1(idempotencyNamespace, fmt.Appendf(nil, "%s/%s/%s/%s", p.Role, p.Party, mutation, key))
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ID reads a required ID field of input as a UUID.
func ID(in map[string]any, field string) (uuid.UUID, error) {
	s, _ := in[field].(string)
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, kernel.FieldErrorf(kernel.CodeInvalid, field, "%s must be a UUID, got %q", field, s)
	}
	return id, nil
}

// OptionalID reads an optional ID field: uuid.Nil when absent.
func OptionalID(in map[string]any, field string) (uuid.UUID, error) {
	if v, ok := in[field]; !ok || v == nil {
		return uuid.Nil, nil
	}
	return ID(in, field)
}

// IDs reads several required ID fields of input at once.
func IDs(in map[string]any, fields ...string) ([]uuid.UUID, error) {
	out := make([]uuid.UUID, len(fields))
	for i, f := range fields {
		id, err := ID(in, f)
		if err != nil {
			return nil, err
		}
		out[i] = id
	}
	return out, nil
}

// Arg reads field of input (or of a field's arguments) as a T: the scalars'
// Go values (string, int, bool, kernel.Money, kernel.Area, time.Time), an
// enum's typed value, or map[string]any for an input object. The schema has
// checked types and required fields, so an absent optional field reads as
// the zero value.
func Arg[T any](in map[string]any, field string) T {
	v, _ := in[field].(T)
	return v
}

// Args reads a list field of input as []T (nil when absent or empty).
func Args[T any](in map[string]any, field string) []T {
	list, _ := in[field].([]any)
	if len(list) == 0 {
		return nil
	}
	out := make([]T, len(list))
	for i, v := range list {
		out[i], _ = v.(T)
	}
	return out
}

// Sender sends commands of one aggregate type: an *app.Handler.
type Sender[C kernel.Command] interface {
	Handle(ctx context.Context, cmd C, meta app.Meta) (app.Result, error)
}

// Mutations is an area's table of mutations whose commands go to one
// aggregate type: each row says who may call it, what its input is and how
// the input becomes a command; the table sends the command through Handler
// and answers with the payload.
type Mutations[C kernel.Command] struct {
	Handler Sender[C]
	// ID is the payload field that carries the command's aggregate id
	// (e.g. "listingId"); empty for none.
	ID            string
	IDDescription string
	Rows          []Mutation[C]
}

// Mutation is one row of a Mutations table.
type Mutation[C kernel.Command] struct {
	Name        string // e.g. "placeBid"; types are named PlaceBidInput and PlaceBidPayload
	Description string
	Roles       []auth.Role                       // who may call it at all
	Input       graphql.InputObjectConfigFieldMap // the input's fields, without idempotencyKey and clientMutationId
	Output      graphql.Fields                    // the payload's fields besides the table's ID
	// Decode turns the call into the command: it reads the input, gathers
	// the facts the command needs from aggregates and checks the caller's
	// party. The command is not sent when it returns an error.
	Decode func(ctx context.Context, c Call) (C, error)
	// Payload returns the Output fields of what the command wrote; nil for
	// a row whose Output is empty.
	Payload func(cmd C, res app.Result) map[string]any
}

// Register adds the table's mutations to b.
func (t Mutations[C]) Register(b *Builder) {
	for _, row := range t.Rows {
		out := graphql.Fields{}
		if t.ID != "" {
			out[t.ID] = &graphql.Field{Type: NonNull(graphql.ID), Description: t.IDDescription}
		}
		for k, v := range row.Output {
			out[k] = v
		}
		b.addMutation(mutationSpec{
			Name: row.Name, Description: row.Description, Roles: row.Roles, Input: row.Input, Output: out,
			Run: func(ctx context.Context, c Call) (payload, error) {
				cmd, err := row.Decode(ctx, c)
				if err != nil {
					return payload{}, err
				}
				res, err := t.Handler.Handle(ctx, cmd, c.Meta)
				if err != nil {
					return payload{}, err
				}
				var fields map[string]any
				if row.Payload != nil {
					fields = row.Payload(cmd, res)
				}
				if fields == nil {
					fields = map[string]any{}
				}
				if t.ID != "" {
					fields[t.ID] = cmd.AggregateID().String()
				}
				return payload{Result: res, Fields: fields}, nil
			},
		})
	}
}

// On decodes a mutation on the existing aggregate named by the required ID
// field of the input: build makes the command for that id.
func On[C kernel.Command](field string, build func(ctx context.Context, c Call, id uuid.UUID) (C, error)) func(context.Context, Call) (C, error) {
	return func(ctx context.Context, c Call) (C, error) {
		id, err := ID(c.Input, field)
		if err != nil {
			var none C
			return none, err
		}
		return build(ctx, c, id)
	}
}

// Inputs merges input field maps into a new one: a row's own fields with
// fields several rows share.
func Inputs(maps ...graphql.InputObjectConfigFieldMap) graphql.InputObjectConfigFieldMap {
	out := graphql.InputObjectConfigFieldMap{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
