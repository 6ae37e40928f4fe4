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

// MutationSpec describes one Relay-style mutation.
type MutationSpec struct {
	Name        string // e.g. "placeBid"; types are named PlaceBidInput and PlaceBidPayload
	Description string
	Roles       []auth.Role                       // who may call it at all
	Input       graphql.InputObjectConfigFieldMap // the input's fields, without idempotencyKey and clientMutationId
	Output      graphql.Fields                    // the payload's fields besides clientMutationId, position and duplicate
	// Run decodes the input, checks the party, sends the command and returns
	// what it wrote; Payload.Fields resolve Output by name.
	Run func(ctx context.Context, call Call) (Payload, error)
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

// Payload is what a mutation returns.
type Payload struct {
	Result app.Result
	Fields map[string]any
}

// idempotencyNamespace scopes command ids derived from idempotency keys.
var idempotencyNamespace = uuid.MustParse("6f1f3c2e-8a4e-4f7e-9a51-2d0c5b7e9a10")

// Mutation adds a mutation built from spec.
func (b *Builder) Mutation(spec MutationSpec) {
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
	names := &fieldNames{input: input}
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
			if err := checkKeys(in); err != nil {
				return nil, err
			}
			call := Call{Principal: principal, Input: in, Meta: app.Meta{
				CommandID: commandID(principal, spec.Name, in),
				Actor:     principal.Role.String() + ":" + principal.Party.String(),
			}}
			out, err := spec.Run(p.Context, call)
			if err != nil {
				return nil, names.translate(err)
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

// ID reads a required ID field of input as a UUID.
func ID(in map[string]any, field string) (uuid.UUID, error) {
	s, _ := in[field].(string)
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, kernel.FieldErrorf(kernel.CodeInvalid, field, "%s must be a UUID such as %q, got %q", field, exampleUUID, s)
	}
	return id, nil
}

// exampleUUID shows the form of an id in error messages.
const exampleUUID = "6f1f3c2e-8a4e-4f7e-9a51-2d0c5b7e9a10"

// OptionalID reads an optional ID field: uuid.Nil when absent.
func OptionalID(in map[string]any, field string) (uuid.UUID, error) {
	if v, ok := in[field]; !ok || v == nil {
		return uuid.Nil, nil
	}
	return ID(in, field)
}
