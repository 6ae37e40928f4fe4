package backup

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"time"
)

// Format is the version of the backup layout this package writes and reads.
const Format = 1

// Names inside a data directory and a backup.
const (
	eventsDir      = "events"             // as internal/server opens the file store
	readModelsFile = "readmodels.db"      // as readmodel.OpenSQLite names it
	secretFile     = "auth.secret"        // auth.SecretFile
	markerFile     = "mode.json"          // sandbox.MarkerFile
	clockFile      = "sandbox-clock.json" // sandbox.ClockFile
	manifestFile   = "manifest.json"
)

// smallFiles are the data directory's small files a backup copies whole
// when the source has them, with their modes: the token secret, and the
// marker of a sandbox's or a real exchange's directory with a sandbox's
// saved time, so a restored sandbox opens as a sandbox.
var smallFiles = []struct {
	name string
	perm os.FileMode
}{{secretFile, 0o600}, {markerFile, 0o644}, {clockFile, 0o644}}

// Errors of Backup, Verify and Restore.
var (
	ErrExists   = errors.New("backup: the backup directory already exists")
	ErrDamaged  = errors.New("backup: the backup is damaged")
	ErrNotEmpty = errors.New("backup: the data directory is not empty")
)

// Manifest describes a backup; Restore checks the backup against it.
type Manifest struct {
	Format  int       `json:"format"`
	Created time.Time `json:"created"`
	// LastPosition is the position of the log's last event; positions are
	// dense, so it is also the number of events.
	LastPosition uint64 `json:"lastPosition"`
	Streams      int    `json:"streams"`
	Segments     int    `json:"segments"`
	// ReadModelPosition is the highest projection checkpoint in the copied
	// read models, at most LastPosition.
	ReadModelPosition uint64 `json:"readModelPosition"`
	Files             []File `json:"files"`
}

// File is one file of a backup.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the backup
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Bytes is the total size of the backup's files.
func (m Manifest) Bytes() int64 {
	var n int64
	for _, f := range m.Files {
		n += f.Size
	}
	return n
}

// file returns the entry for path, if the backup has one.
func (m Manifest) file(path string) (File, bool) {
	for _, f := range m.Files {
		if f.Path == path {
			return f, true
		}
	}
	return File{}, false
}

// backupPath matches the paths a backup may hold, so that a doctored manifest
// cannot make Restore write anywhere else.
var backupPath = regexp.MustCompile(`^(` + regexp.QuoteMeta(readModelsFile) + `|` + regexp.QuoteMeta(secretFile) + `|` +
	regexp.QuoteMeta(markerFile) + `|` + regexp.QuoteMeta(clockFile) + `|` + eventsDir + `/[0-9]{8}\.seg)$`)

func readManifest(dir string) (Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if err != nil {
		return Manifest{}, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return Manifest{}, fmt.Errorf("%w: %s: %v", ErrDamaged, manifestFile, err)
	}
	if m.Format != Format {
		return Manifest{}, fmt.Errorf("%w: format %d, this program reads format %d", ErrDamaged, m.Format, Format)
	}
	for _, f := range m.Files {
		if !backupPath.MatchString(f.Path) {
			return Manifest{}, fmt.Errorf("%w: unexpected file %q in %s", ErrDamaged, f.Path, manifestFile)
		}
	}
	return m, nil
}

// writeFile creates path (which must not exist) with mode, fills it through
// fill, and makes it durable, returning its size and checksum under name.
func writeFile(path, name string, mode os.FileMode, fill func(io.Writer) error) (File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return File{}, err
	}
	h := sha256.New()
	w := &counter{w: io.MultiWriter(f, h)}
	err = fill(w)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return File{}, fmt.Errorf("backup: write %s: %w", path, err)
	}
	return File{Path: name, Size: w.n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// copyFile copies src to a new file dst, durably.
func copyFile(src, dst, name string, mode os.FileMode) (File, error) {
	in, err := os.Open(src)
	if err != nil {
		return File{}, err
	}
	defer in.Close()
	return writeFile(dst, name, mode, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// checksum returns the size and SHA-256 of the file at path under name.
func checksum(path, name string) (File, error) {
	f, err := os.Open(path)
	if err != nil {
		return File{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return File{}, err
	}
	return File{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// counter counts the bytes written through it.
type counter struct {
	w io.Writer
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// syncFile makes the file at path durable, whoever wrote it.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
