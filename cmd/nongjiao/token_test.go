package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
	"github.com/nongjiao/nongjiao/internal/party"
)

const bankParty = "6f1c1f0e-8a53-4d43-9a4e-5a1c9d1b2e01"

func TestTokenRefusesADirectoryWithoutASecret(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	err := run([]string{"token", "--role", "bank", "--party", bankParty, "--data-dir", dir}, &out, &out)
	want := "no token secret in " + dir + ": start the server there first, or pass --create"
	if err == nil || err.Error() != want {
		t.Fatalf("token = %v; want %q", err, want)
	}
	if _, err := os.Stat(filepath.Join(dir, auth.SecretFile)); !os.IsNotExist(err) {
		t.Fatalf("token created a secret: %v", err)
	}
}

// registerBank enters bankParty in the register of dir as a bank.
func registerBank(t *testing.T, dir string) {
	t.Helper()
	var out, log bytes.Buffer
	err := run([]string{"register", "--data-dir", dir, "--kind", "bank", "--name", "寿光农村商业银行", "--identifier", "91350100m000100y43", "--party", bankParty}, &out, &log)
	if err != nil || strings.TrimSpace(out.String()) != bankParty {
		t.Fatalf("register = %q, %v; want the party's id", out.String(), err)
	}
}

func TestTokenCreatesTheSecretWhenAsked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	registerBank(t, dir)
	if err := os.Remove(filepath.Join(dir, auth.SecretFile)); err != nil { // the store opened by register made one
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"token", "--role", "bank", "--party", bankParty, "--data-dir", dir, "--create"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	secret, err := auth.LoadSecret(dir)
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(out.String())
	if p, err := auth.NewVerifier(secret, kernel.SystemClock{}).Verify(tok); err != nil || p.Role != auth.RoleBank {
		t.Fatalf("the token does not verify under the created secret: %v, %v", p, err)
	}
}

func TestTokenRefusesAPartyTheRegisterDoesNotLetAct(t *testing.T) {
	dir := t.TempDir()
	registerBank(t, dir)
	for _, c := range []struct{ role, party, code string }{
		{"bank", "7a1c1f0e-8a53-4d43-9a4e-5a1c9d1b2e02", party.CodeNotRegistered},
		{"bidder", bankParty, kernel.CodeForbidden},
	} {
		var out bytes.Buffer
		err := run([]string{"token", "--role", c.role, "--party", c.party, "--data-dir", dir}, &out, &out)
		if kernel.ErrorCode(err) != c.code || out.Len() != 0 {
			t.Errorf("token for %s as %s = %q, %v; want %s and no token", c.party, c.role, out.String(), err, c.code)
		}
	}
	var out bytes.Buffer
	if err := run([]string{"token", "--role", "bank", "--party", bankParty, "--data-dir", dir}, &out, &out); err != nil || out.Len() == 0 {
		t.Fatalf("token for the registered bank = %v", err)
	}
}
