package credit

import (
	"github.com/nongjiao/nongjiao/internal/api"
	"github.com/nongjiao/nongjiao/internal/auth"
)

// Register adds the area's queries and mutations to b.
func Register(b *api.Builder, d api.Deps) {
	a := area{d}
	a.collateralQueries(b)
	a.lendingQueries(b)
	a.fundQueries(b)
	a.collateralMutations().Register(b)
	a.productMutations().Register(b)
	a.loanMutations().Register(b)
	a.claimMutations().Register(b)
	a.fundMutations().Register(b)
}

// area is the credit area's resolvers over their dependencies.
type area struct{ api.Deps }

// Who calls the area's mutations; party checks come on top (see the package doc).
var (
	bank     = []auth.Role{auth.RoleBank}
	fundRole = []auth.Role{auth.RoleFund}
)
