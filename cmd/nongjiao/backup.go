package main

import (
	"context"
	"errors"
	"io"
)

// backup is a placeholder until the backup command is built.
func backup(_ context.Context, args []string, _, stderr io.Writer) error {
	if err := newFlagSet("backup", stderr).Parse(args); err != nil {
		return err
	}
	return errors.New("not built yet")
}

// restore is a placeholder until the restore command is built.
func restore(_ context.Context, args []string, _, stderr io.Writer) error {
	if err := newFlagSet("restore", stderr).Parse(args); err != nil {
		return err
	}
	return errors.New("not built yet")
}
