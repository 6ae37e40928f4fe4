package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nongjiao/nongjiao/internal/backup"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// backupCmd is `nongjiao backup --to DIR [--data-dir DIR]`: a consistent copy
// of a data directory, taken while a server may be running on it.
func backupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", stderr)
	dataDir := fs.String("data-dir", env("NONGJIAO_DATA_DIR", "./data"), "data directory to back up; the server may be running on it")
	to := fs.String("to", "", "backup directory to create (must not exist)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return errors.New("backup: --to is required")
	}
	start := time.Now()
	m, err := backup.Backup(ctx, backup.Options{DataDir: *dataDir, To: *to, Clock: kernel.SystemClock{}})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s: %d events in %d streams, read models at position %d, %d files, %d bytes, in %s\n",
		*dataDir, *to, m.LastPosition, m.Streams, m.ReadModelPosition, len(m.Files), m.Bytes(), time.Since(start).Round(time.Millisecond))
	return nil
}

// restoreCmd is `nongjiao restore --from BACKUP [--data-dir DIR] [--force]`.
func restoreCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("restore", stderr)
	dataDir := fs.String("data-dir", env("NONGJIAO_DATA_DIR", "./data"), "data directory to restore into; the server must be stopped")
	from := fs.String("from", "", "backup directory made by nongjiao backup")
	force := fs.Bool("force", false, "replace what a non-empty data directory holds")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("restore: --from is required")
	}
	m, err := backup.Restore(ctx, backup.RestoreOptions{From: *from, DataDir: *dataDir, Force: *force})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s (taken %s) into %s: %d events in %d streams; serve catches the read models up from position %d\n",
		*from, m.Created.Format(time.RFC3339), *dataDir, m.LastPosition, m.Streams, m.ReadModelPosition)
	return nil
}
