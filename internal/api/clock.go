package api

import (
	"context"
	"time"

	"github.com/graphql-go/graphql"

	"github.com/nongjiao/nongjiao/internal/app"
	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Sandbox moves a sandbox's clock (a *sandbox.Advancer): forward to a
// time, deciding everything due on the way, and answering with the new time
// and the position to read from.
type Sandbox interface {
	Advance(ctx context.Context, to time.Time) (now time.Time, position uint64, err error)
}

var clockType = graphql.NewObject(graphql.ObjectConfig{
	Name:        "Clock",
	Description: "The exchange's clock: the real time, or a sandbox's, which moves only with advanceClock.",
	Fields: graphql.Fields{
		"now":     {Type: NonNull(DateTime), Description: "The time every command is decided at now."},
		"sandbox": {Type: NonNull(graphql.Boolean), Description: "True on a sandbox, whose clock the exchange role moves with advanceClock."},
	},
})

// RegisterClock adds the public `clock` query on clock and, on a sandbox
// (sb not nil), the exchange role's `advanceClock` mutation.
func RegisterClock(b *Builder, clock kernel.Clock, sb Sandbox) {
	b.Query("clock", &graphql.Field{
		Type:        NonNull(clockType),
		Description: "The exchange's time, and whether it is a sandbox's. Anyone may read it.",
		Resolve: func(graphql.ResolveParams) (any, error) {
			return map[string]any{"now": clock.Now(), "sandbox": sb != nil}, nil
		},
	})
	if sb == nil {
		return
	}
	b.addMutation("advanceClock",
		"Sandbox only: moves the clock forward to `to`, stopping at every due time on the way so that each time-driven step "+
			"(an auction's close, a lapsed window, an overdue instalment) is decided at its own due time, and lets the workflows, "+
			"the read models and the live feeds settle between steps. It returns once everything due up to `to` is decided and "+
			"projected. A `to` before now is refused with CLOCK_BACKWARDS; `to` equal to now moves nothing.",
		[]auth.Role{auth.RoleExchange},
		graphql.InputObjectConfigFieldMap{"to": {Type: NonNull(DateTime), Description: "The time to move to: now or later."}},
		graphql.Fields{"now": {Type: NonNull(DateTime), Description: "The clock's time after the advance."}},
		func(ctx context.Context, c Call) (app.Result, map[string]any, error) {
			now, pos, err := sb.Advance(ctx, Arg[time.Time](c.Input, "to"))
			if err != nil {
				return app.Result{}, nil, err
			}
			return app.Result{Position: pos}, map[string]any{"now": now}, nil
		})
}
