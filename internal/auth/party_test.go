package auth_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	register "github.com/nongjiao/nongjiao/internal/party"
)

func TestEveryKindActsInItsRolesOnly(t *testing.T) {
	acting := map[auth.Role]bool{}
	for _, k := range register.Kinds() {
		roles := auth.RolesFor(k)
		if len(roles) == 0 {
			t.Errorf("%s acts in no role", k)
		}
		for _, r := range auth.Roles() {
			err := auth.MayAct(k, r)
			if want := slices.Contains(roles, r); (err == nil) != want {
				t.Errorf("MayAct(%s, %s) = %v; want allowed %v", k, r, err, want)
			}
			var kerr *kernel.Error
			if err != nil && (!errors.As(err, &kerr) || kerr.Code != kernel.CodeForbidden) {
				t.Errorf("MayAct(%s, %s) = %v; want FORBIDDEN", k, r, err)
			}
			acting[r] = acting[r] || err == nil
		}
	}
	for _, r := range auth.Roles() {
		if !acting[r] {
			t.Errorf("no kind of party acts as %s", r)
		}
	}
	if got := auth.RolesFor(register.ExchangeOwner); !slices.Equal(got, []auth.Role{auth.RoleExchange, auth.RoleFund}) {
		t.Errorf("the exchange acts as %v; want exchange first, then fund", got)
	}
}

func TestVerifiersSendBuiltInTokensToTheBuiltInVerifier(t *testing.T) {
	clock := kernel.NewManualClock(t0)
	p := auth.Principal{Role: auth.RoleBank, Party: party}
	token, err := auth.NewIssuer(secret, clock).Issue(p, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	v := auth.Verifiers{Local: auth.NewVerifier(secret, clock)}
	if got, err := v.Verify(token); err != nil || got != p {
		t.Fatalf("Verify = %v, %v; want %v", got, err, p)
	}
	if _, err := v.Verify("not-a-token"); kernel.ErrorCode(err) != kernel.CodeUnauthenticated {
		t.Fatalf("garbage: %v; want UNAUTHENTICATED", err)
	}
}
