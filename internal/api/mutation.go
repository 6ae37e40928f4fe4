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
		b.addMutation(row.Name, row.Description, row.Roles, row.Input, out, func(ctx context.Context, c Call) (app.Result, map[string]any, error) {
			cmd, err := row.Decode(ctx, c)
			if err != nil {
				return app.Result{}, nil, err
			}
			res, err := t.Handler.Handle(ctx, cmd, c.Meta)
			if err != nil {
				return app.Result{}, nil, err
			}
			fields := map[string]any{}
			if row.Payload != nil {
				for k, v := range row.Payload(cmd, res) {
					fields[k] = v
				}
			}
			if t.ID != "" {
				fields[t.ID] = cmd.AggregateID().String()
			}
			return res, fields, nil
		})
	}
}

// Created is a Payload that names, in field, the id of what a command of
// type T creates besides its aggregate (a consent, a member, a claim).
func Created[C kernel.Command, T any](field string, id func(T) uuid.UUID) func(C, app.Result) map[string]any {
	return func(cmd C, _ app.Result) map[string]any {
		return map[string]any{field: id(any(cmd).(T)).String()}
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

// idempotencyNamespace scopes command ids derived from idempotency keys.
var idempotencyNamespace = uuid.MustParse("6f1f3c2e-8a4e-4f7e-9a51-2d0c5b7e9a10")

// addMutation adds the Relay-style mutation name: its input object (input
// plus idempotencyKey and clientMutationId), its payload object (output plus
// clientMutationId, position and duplicate) and a resolver that checks roles,
// then the caller's standing (the Builder's Standing), makes the Call and
// answers with what run wrote and the output fields.
func (b *Builder) addMutation(name, description string, roles []auth.Role, input graphql.InputObjectConfigFieldMap, output graphql.Fields,
	run func(ctx context.Context, c Call) (app.Result, map[string]any, error)) {
	typeName := upperFirst(name)
	inFields := Inputs(graphql.InputObjectConfigFieldMap{
		"idempotencyKey":   {Type: graphql.String, Description: "Makes a retry safe: the same caller sending the same key gets the first result and nothing new is written."},
		"clientMutationId": {Type: graphql.String, Description: "Echoed in the payload."},
	}, input)
	outFields := graphql.Fields{
		"clientMutationId": {Type: graphql.String},
		"position":         {Type: NonNull(Position), Description: "The event-store position this mutation wrote (or first wrote, for a duplicate)."},
		"duplicate":        {Type: NonNull(graphql.Boolean), Description: "True when this was a retry of an earlier call with the same idempotency key: nothing new was written."},
	}
	for k, v := range output {
		outFields[k] = v
	}
	in := graphql.NewInputObject(graphql.InputObjectConfig{Name: typeName + "Input", Fields: inFields})
	out := graphql.NewObject(graphql.ObjectConfig{Name: typeName + "Payload", Fields: outFields})
	names := &fieldNames{input: in}
	add(b.mutation, "mutation", name, &graphql.Field{
		Type:        NonNull(out),
		Description: description,
		Args:        graphql.FieldConfigArgument{"input": {Type: NonNull(in)}},
		// A compiled mutation (CompileMutation) calls this resolver: it reads
		// of its graphql.ResolveParams only Context and Args, and answers a
		// map[string]any of values that are not functions, or an error.
		Resolve: mutationResolvers.mark(func(p graphql.ResolveParams) (any, error) {
			principal, err := Require(p.Context, roles...)
			if err != nil {
				return nil, err
			}
			if err := b.standing(p.Context, principal); err != nil {
				return nil, err
			}
			input, _ := p.Args["input"].(map[string]any)
			if err := checkKeys(input); err != nil {
				return nil, err
			}
			res, fields, err := run(p.Context, Call{Principal: principal, Input: input, Meta: app.Meta{
				CommandID: commandID(principal, name, input),
				Actor:     principal.Role.String() + ":" + principal.Party.String(),
			}})
			if err != nil {
				return nil, names.translate(err)
			}
			answer := map[string]any{
				"clientMutationId": input["clientMutationId"],
				"position":         res.Position,
				"duplicate":        res.Duplicate,
			}
			for k, v := range fields {
				answer[k] = v
			}
			return answer, nil
		}),
	})
}

// checkKeys refuses an idempotencyKey or clientMutationId that is not one
// line of at most kernel.MaxReferenceRunes characters.
func checkKeys(in map[string]any) error {
	key, _ := in["idempotencyKey"].(string)
	echo, _ := in["clientMutationId"].(string)
	return kernel.CheckText(
		kernel.Text{Field: "idempotencyKey", Kind: kernel.Reference, Value: key},
		kernel.Text{Field: "clientMutationId", Kind: kernel.Reference, Value: echo})
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
