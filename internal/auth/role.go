package auth

import (
	"slices"
	"strings"

	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/party"
)

// Role is what a party acts as. The zero Role is no role; the valid roles are
// the package variables below, obtained from text only through ParseRole.
type Role struct{ name string }

// The roles a token can carry.
var (
	RoleExchange   = Role{"exchange"}   // the exchange operator (交易中心)
	RoleCollective = Role{"collective"} // a village collective economic organisation
	RoleBidder     = Role{"bidder"}     // a buyer registered to bid
	RoleBank       = Role{"bank"}       // a lending financial institution
	RoleFund       = Role{"fund"}       // the rural property operation fund
)

// Roles lists every valid role, in a stable order.
func Roles() []Role {
	return []Role{RoleExchange, RoleCollective, RoleBidder, RoleBank, RoleFund}
}

// ParseRole returns the Role named s (exactly as String prints it). Any other
// text is a *kernel.Error with code kernel.CodeInvalid on field "role".
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if r.name == s {
			return r, nil
		}
	}
	names := make([]string, 0, len(Roles()))
	for _, r := range Roles() {
		names = append(names, r.name)
	}
	return Role{}, kernel.FieldErrorf(kernel.CodeInvalid, "role",
		"unknown role %q; valid roles are %s", s, strings.Join(names, ", "))
}

// String returns the role's name, "" for the zero Role.
func (r Role) String() string { return r.name }

// IsZero reports whether r is the zero Role (no role).
func (r Role) IsZero() bool { return r.name == "" }

// RolesFor returns the roles a party of kind k may act in, its main role
// first: the exchange operator runs the operation fund too; collectives act
// as collectives; banks as banks; a fund as the fund; people, households and
// farm businesses or cooperatives buy, so they act as bidders.
func RolesFor(k party.Kind) []Role {
	switch k {
	case party.ExchangeOwner:
		return []Role{RoleExchange, RoleFund}
	case party.Collective:
		return []Role{RoleCollective}
	case party.Bank:
		return []Role{RoleBank}
	case party.Fund:
		return []Role{RoleFund}
	case party.Individual, party.Household, party.FarmBusiness:
		return []Role{RoleBidder}
	}
	return nil
}

// MayAct refuses a party of kind k acting in role r: a *kernel.Error with
// code kernel.CodeForbidden.
func MayAct(k party.Kind, r Role) error {
	if slices.Contains(RolesFor(k), r) {
		return nil
	}
	return kernel.Errorf(kernel.CodeForbidden, "a party registered as %s acts as %s, not as %s", k, joinRoles(RolesFor(k)), r)
}

func joinRoles(roles []Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = r.name
	}
	return strings.Join(names, " or ")
}
