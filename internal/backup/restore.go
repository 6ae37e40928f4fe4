package backup

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/nongjiao/nongjiao/internal/durable"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
)

// Verify checks the backup in dir against its manifest, reading every file,
// and returns the manifest. It fails with ErrDamaged when a file's size or
// checksum differs, when the log's records do not end where the manifest says
// or the read models fail SQLite's quick_check or do not sit at the
// manifest's checkpoint.
func Verify(ctx context.Context, dir string) (Manifest, error) {
	m, err := readManifest(dir)
	if err != nil {
		return Manifest{}, err
	}
	for _, want := range m.Files {
		if err := ctx.Err(); err != nil {
			return Manifest{}, err
		}
		got, err := checksum(filepath.Join(dir, filepath.FromSlash(want.Path)), want.Path)
		if err != nil {
			return Manifest{}, fmt.Errorf("%w: %v", ErrDamaged, err)
		}
		if got != want {
			return Manifest{}, fmt.Errorf("%w: %s has %d bytes with SHA-256 %s, the manifest says %d bytes with %s",
				ErrDamaged, want.Path, got.Size, got.SHA256, want.Size, want.SHA256)
		}
	}
	if err := checkLog(filepath.Join(dir, eventsDir), m); err != nil {
		return Manifest{}, err
	}
	if _, ok := m.file(readModelsFile); ok {
		pos, err := checkReadModels(ctx, filepath.Join(dir, readModelsFile))
		if err != nil {
			return Manifest{}, err
		}
		if pos != m.ReadModelPosition || pos > m.LastPosition {
			return Manifest{}, fmt.Errorf("%w: the read models are at position %d, the manifest says %d of %d", ErrDamaged, pos, m.ReadModelPosition, m.LastPosition)
		}
	}
	return m, nil
}

// checkLog scans the log in dir as a store would recover it and checks that
// every listed segment is records to its last byte and that the log ends at
// the manifest's position.
func checkLog(dir string, m Manifest) error {
	st, err := filestore.ScanLog(dir, func(name string, records []byte) error {
		f, ok := m.file(eventsDir + "/" + name)
		if !ok || f.Size != int64(len(records)) {
			return fmt.Errorf("%w: %s holds %d bytes of records, the manifest lists %d", ErrDamaged, name, len(records), f.Size)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if st.Last != m.LastPosition || st.Streams != m.Streams || st.Segments != m.Segments {
		return fmt.Errorf("%w: the log holds %d events in %d streams and %d segments, the manifest says %d in %d and %d",
			ErrDamaged, st.Last, st.Streams, st.Segments, m.LastPosition, m.Streams, m.Segments)
	}
	return nil
}

// RestoreOptions configure Restore.
type RestoreOptions struct {
	From    string // the backup directory
	DataDir string // the data directory to restore into; created if missing
	// Force replaces what a non-empty DataDir holds. Even forced, Restore
	// fails while a server has DataDir open.
	Force bool
}

// Restore verifies the backup opts.From and installs it into opts.DataDir,
// durably, so that the next serve starts from it; the server's projector
// then catches the read models up to the end of the log. It fails with
// ErrDamaged for a damaged backup (leaving DataDir as it was), ErrNotEmpty
// for a data directory holding anything unless opts.Force, and
// filestore.ErrLocked while a server has the data directory open.
func Restore(ctx context.Context, opts RestoreOptions) (Manifest, error) {
	m, err := Verify(ctx, opts.From)
	if err != nil {
		return Manifest{}, err
	}
	target := opts.DataDir
	lock, err := filestore.Lock(filepath.Join(target, eventsDir))
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: restore into %s: %w", target, err)
	}
	defer lock.Close() // Lock created the target, if new, durably
	if !opts.Force {
		if err := checkEmpty(target); err != nil {
			return Manifest{}, err
		}
	}
	stage, err := os.MkdirTemp(target, ".restore-")
	if err != nil {
		return Manifest{}, err
	}
	if err := install(ctx, m, opts.From, stage, target); err != nil {
		if _, serr := os.Stat(filepath.Join(stage, replacedDir)); serr == nil {
			return Manifest{}, fmt.Errorf("%w (the data directory's previous log is kept in %s)", err, stage)
		}
		return Manifest{}, errors.Join(err, os.RemoveAll(stage))
	}
	return m, errors.Join(os.RemoveAll(stage), durable.SyncDir(target))
}

// replacedDir is where, inside the staging directory, the log that a forced
// restore replaces waits until the restore has finished.
const replacedDir = "replaced-" + eventsDir

// checkEmpty fails with ErrNotEmpty if dir holds anything but an event
// directory with nothing but its lock file.
func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == eventsDir {
			inner, err := os.ReadDir(filepath.Join(dir, eventsDir))
			if err != nil {
				return err
			}
			if len(inner) == 1 && inner[0].Name() == "LOCK" {
				continue
			}
		}
		return fmt.Errorf("%w: %s holds %s (restore with force to replace it)", ErrNotEmpty, dir, e.Name())
	}
	return nil
}

// install copies the backup's files into stage, checking them against m
// again, then moves them into target, replacing what target held.
func install(ctx context.Context, m Manifest, from, stage, target string) error {
	if err := os.Mkdir(filepath.Join(stage, eventsDir), 0o755); err != nil {
		return err
	}
	for _, want := range m.Files {
		if err := ctx.Err(); err != nil {
			return err
		}
		rel := filepath.FromSlash(want.Path)
		got, err := copyFile(filepath.Join(from, rel), filepath.Join(stage, rel), want.Path, 0o600)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("%w: %s changed while it was restored", ErrDamaged, want.Path)
		}
	}
	// The new log is locked before it is in place, so no server opens it
	// before the read models that belong to it are there too.
	newLock, err := filestore.Lock(filepath.Join(stage, eventsDir))
	if err != nil {
		return err
	}
	defer newLock.Close()
	if err := errors.Join(durable.SyncDir(filepath.Join(stage, eventsDir)), durable.SyncDir(stage)); err != nil {
		return err
	}

	// Old read models and small files go first: a log without read models is
	// consistent (serve rebuilds them), read models with another log are not.
	old := []string{readModelsFile, readModelsFile + "-wal", readModelsFile + "-shm"}
	for _, small := range smallFiles {
		old = append(old, small.name)
	}
	for _, name := range old {
		if err := os.Remove(filepath.Join(target, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if err := durable.SyncDir(target); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(target, eventsDir), filepath.Join(stage, replacedDir)); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(stage, eventsDir), filepath.Join(target, eventsDir)); err != nil {
		// Put the old log back rather than lose it with the stage.
		return errors.Join(err, os.Rename(filepath.Join(stage, replacedDir), filepath.Join(target, eventsDir)))
	}
	if err := errors.Join(durable.SyncDir(target), durable.SyncDir(stage)); err != nil {
		return err
	}
	for _, f := range m.Files {
		if strings.HasPrefix(f.Path, eventsDir+"/") {
			continue
		}
		if err := os.Rename(filepath.Join(stage, f.Path), filepath.Join(target, f.Path)); err != nil {
			return err
		}
	}
	return durable.SyncDir(target)
}
