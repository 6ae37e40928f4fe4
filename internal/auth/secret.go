package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/nongjiao/nongjiao/internal/durable"
)

// SecretFile is the name of the signing secret's file inside the data directory.
const SecretFile = "auth.secret"

// SecretSize is the length in bytes of the HS256 signing secret.
const SecretSize = 32

// ErrNoSecret is matched (errors.Is) by LoadSecret's error when the data
// directory holds no secret.
var ErrNoSecret = errors.New("no token secret")

// LoadSecret returns the signing secret kept in dataDir. It never creates
// one: a directory without a secret is an error matching ErrNoSecret, and a
// secret file of the wrong size is an error too.
func LoadSecret(dataDir string) ([]byte, error) {
	secret, err := os.ReadFile(filepath.Join(dataDir, SecretFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%w in %s", ErrNoSecret, dataDir)
	case err != nil:
		return nil, fmt.Errorf("auth: read secret: %w", err)
	case len(secret) != SecretSize:
		return nil, fmt.Errorf("auth: secret file %s holds %d bytes, want %d", filepath.Join(dataDir, SecretFile), len(secret), SecretSize)
	}
	return secret, nil
}

// CreateSecret returns the signing secret kept in dataDir, first creating the
// directory (0700) and a new random secret file (0600) durably, directory
// entries included, when there is none. It never replaces a secret, which
// would invalidate every token in circulation: concurrent first calls agree
// on one secret, and an existing file of the wrong size is an error.
func CreateSecret(dataDir string) ([]byte, error) {
	if err := durable.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("auth: create data directory: %w", err)
	}
	secret, err := LoadSecret(dataDir)
	if !errors.Is(err, ErrNoSecret) {
		return secret, err
	}
	secret = make([]byte, SecretSize)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("auth: generate secret: %w", err)
	}
	err = durable.CreateFile(filepath.Join(dataDir, SecretFile), secret, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process won the race
		return LoadSecret(dataDir)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: create secret: %w", err)
	}
	return secret, nil
}
