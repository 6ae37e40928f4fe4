package auth

import (
	"strings"

	"github.com/nongjiao/nongjiao/internal/kernel"
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
