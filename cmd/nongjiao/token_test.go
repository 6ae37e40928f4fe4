package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nongjiao/nongjiao/internal/auth"
	"github.com/nongjiao/nongjiao/internal/kernel"
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

func TestTokenCreatesTheSecretWhenAsked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
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
