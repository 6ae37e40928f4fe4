package auth

import (
	"context"

	"github.com/google/uuid"
)

// Principal is the verified caller: the role it acts in and the party (a
// collective, bidder, bank, ...) it acts for.
type Principal struct {
	Role  Role
	Party uuid.UUID
}

type principalKey struct{}

// WithPrincipal returns a copy of ctx that carries p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the Principal ctx carries, and false when the caller is
// anonymous.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}
