package auth

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// SecretFile is the name of the signing secret's file inside the data directory.
const SecretFile = "auth.secret"

// SecretSize is the length in bytes of the HS256 signing secret.
const SecretSize = 32

// LoadOrCreateSecret returns the signing secret kept in dataDir, creating the
// directory (0700) and a new random secret file (0600) when there is none.
// Concurrent first calls agree on one secret. A secret file of the wrong size
// is an error, never silently replaced: replacing it would invalidate every
// token in circulation.
func LoadOrCreateSecret(dataDir string) ([]byte, error) {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("auth: create data directory: %w", err)
	}
	path := filepath.Join(dataDir, SecretFile)
	secret, err := readSecret(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return secret, err
	}
	secret = make([]byte, SecretSize)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("auth: generate secret: %w", err)
	}
	// Write to a private temporary file, then link it into place: the link
	// fails if another process won the race, and nobody ever sees a partial file.
	tmp, err := os.CreateTemp(dataDir, SecretFile+".*")
	if err != nil {
		return nil, fmt.Errorf("auth: create secret: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("auth: create secret: %w", err)
	}
	if _, err := tmp.Write(secret); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("auth: write secret: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readSecret(path)
		}
		return nil, fmt.Errorf("auth: install secret: %w", err)
	}
	return secret, nil
}

func readSecret(path string) ([]byte, error) {
	secret, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("auth: read secret: %w", err)
	}
	if len(secret) != SecretSize {
		return nil, fmt.Errorf("auth: secret file %s holds %d bytes, want %d", path, len(secret), SecretSize)
	}
	return secret, nil
}
