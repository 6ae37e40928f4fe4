package backup

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/nongjiao/nongjiao/internal/durable"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

// Options configure Backup.
type Options struct {
	DataDir string       // the data directory of a server, running or stopped
	To      string       // the backup directory to create; it must not exist
	Clock   kernel.Clock // stamps the manifest; kernel.SystemClock when nil
}

// Backup copies the data directory opts.DataDir into a new backup directory
// opts.To, without stopping a server that runs on it, and returns the
// backup's manifest. See the package documentation for what is copied and
// why it is consistent.
func Backup(ctx context.Context, opts Options) (Manifest, error) {
	if opts.Clock == nil {
		opts.Clock = kernel.SystemClock{}
	}
	if _, err := os.Stat(filepath.Join(opts.DataDir, eventsDir)); err != nil {
		return Manifest{}, fmt.Errorf("backup: no event log in %s: %w", opts.DataDir, err)
	}
	if _, err := os.Lstat(opts.To); err == nil {
		return Manifest{}, fmt.Errorf("%w: %s", ErrExists, opts.To)
	}
	parent := filepath.Dir(filepath.Clean(opts.To))
	if err := durable.MkdirAll(parent, 0o755); err != nil {
		return Manifest{}, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(opts.To)+".tmp-")
	if err != nil {
		return Manifest{}, err
	}
	m, err := write(ctx, opts.DataDir, tmp, opts.Clock)
	if err == nil {
		err = os.Rename(tmp, opts.To)
	}
	if err == nil {
		return m, durable.SyncDir(parent)
	}
	return Manifest{}, errors.Join(err, os.RemoveAll(tmp))
}

// write fills the empty directory dst with a backup of dataDir.
func write(ctx context.Context, dataDir, dst string, clock kernel.Clock) (Manifest, error) {
	m := Manifest{Format: Format}
	// The read models first: the log copied after them reaches their checkpoints.
	src := filepath.Join(dataDir, readModelsFile)
	if _, err := os.Stat(src); err == nil {
		f, pos, err := copyReadModels(ctx, src, filepath.Join(dst, readModelsFile))
		if err != nil {
			return Manifest{}, err
		}
		m.Files, m.ReadModelPosition = append(m.Files, f), pos
	} else if !errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, err
	}
	if err := ctx.Err(); err != nil {
		return Manifest{}, err
	}

	events := filepath.Join(dst, eventsDir)
	if err := os.Mkdir(events, 0o700); err != nil {
		return Manifest{}, err
	}
	st, err := filestore.ScanLog(filepath.Join(dataDir, eventsDir), func(name string, records []byte) error {
		f, err := writeFile(filepath.Join(events, name), eventsDir+"/"+name, 0o600, func(w io.Writer) error {
			_, err := w.Write(records)
			return err
		})
		m.Files = append(m.Files, f)
		return errors.Join(err, ctx.Err())
	})
	if err != nil {
		return Manifest{}, fmt.Errorf("backup: copy the event log: %w", err)
	}
	// The copy may hold records the server has written but not yet synced:
	// syncing the source makes them durable there too.
	for _, f := range m.Files {
		if name, ok := strings.CutPrefix(f.Path, eventsDir+"/"); ok {
			if err := syncFile(filepath.Join(dataDir, eventsDir, name)); err != nil {
				return Manifest{}, fmt.Errorf("backup: sync the source log: %w", err)
			}
		}
	}
	if m.ReadModelPosition > st.Last {
		return Manifest{}, fmt.Errorf("backup: the read models are at position %d, after the log's end %d", m.ReadModelPosition, st.Last)
	}
	m.LastPosition, m.Streams, m.Segments = st.Last, st.Streams, st.Segments
	if err := durable.SyncDir(events); err != nil {
		return Manifest{}, err
	}

	for _, small := range smallFiles {
		src = filepath.Join(dataDir, small.name)
		if _, err := os.Stat(src); err == nil {
			f, err := copyFile(src, filepath.Join(dst, small.name), small.name, small.perm)
			if err != nil {
				return Manifest{}, err
			}
			m.Files = append(m.Files, f)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return Manifest{}, err
		}
	}

	m.Created = clock.Now().UTC()
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return Manifest{}, err
	}
	if _, err := writeFile(filepath.Join(dst, manifestFile), manifestFile, 0o600, func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return Manifest{}, err
	}
	return m, durable.SyncDir(dst)
}

// copyReadModels copies the SQLite database src to the new file dst in one
// read transaction (VACUUM INTO), makes it durable, and returns it with its
// highest projection checkpoint.
func copyReadModels(ctx context.Context, src, dst string) (File, uint64, error) {
	db, err := openSQLite(src, false)
	if err != nil {
		return File{}, 0, err
	}
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, dst)
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, 0, fmt.Errorf("backup: copy the read models: %w", err)
	}
	pos, err := checkReadModels(ctx, dst)
	if err != nil {
		return File{}, 0, err
	}
	f, err := os.OpenFile(dst, os.O_RDWR, 0)
	if err != nil {
		return File{}, 0, err
	}
	err = errors.Join(f.Chmod(0o600), f.Sync(), f.Close())
	if err != nil {
		return File{}, 0, err
	}
	sum, err := checksum(dst, readModelsFile)
	return sum, pos, err
}

// checkReadModels runs SQLite's quick_check on the database at path, read
// only, and returns its highest projection checkpoint (0 when the projector
// never ran on it).
func checkReadModels(ctx context.Context, path string) (uint64, error) {
	db, err := openSQLite(path, true)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var check string
	if err := db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&check); err != nil {
		return 0, fmt.Errorf("%w: read models: %v", ErrDamaged, err)
	}
	if check != "ok" {
		return 0, fmt.Errorf("%w: read models: %s", ErrDamaged, check)
	}
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'projection_checkpoints'`).Scan(&tables); err != nil || tables == 0 {
		return 0, err
	}
	var pos uint64
	err = db.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) FROM projection_checkpoints`).Scan(&pos)
	return pos, err
}

// openSQLite opens the database file at path, which must exist.
func openSQLite(path string, readOnly bool) (*sql.DB, error) {
	q := url.Values{"_pragma": {"busy_timeout(10000)"}}
	if readOnly {
		q.Set("mode", "ro")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}
