// Package durable creates files and directories that survive a crash: a file
// is durable once its data is synced and the directory entry naming it is
// synced too. A file synced but never named durably can vanish with the power,
// and with it, say, the token secret every issued token was signed with.
//
// Callers must:
//   - create every file and directory that a restart relies on through
//     CreateFile or MkdirAll, or call SyncDir on the directory after creating,
//     renaming or removing an entry in it themselves.
//
// Errors: CreateFile returns an error matching fs.ErrExist when the file is
// there already (it never replaces one); the others return the I/O error.
package durable

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// syncDir is the directory sync every function here uses; HookSyncDir
// wraps it.
var syncDir = syncDirOS

// HookSyncDir makes every directory sync call hook with the directory
// first, until the returned function undoes it. Tests use it to prove that a
// directory is synced, and when; it must not be used while other goroutines
// sync directories.
func HookSyncDir(hook func(dir string)) (undo func()) {
	syncDir = func(dir string) error {
		hook(dir)
		return syncDirOS(dir)
	}
	return func() { syncDir = syncDirOS }
}

// SyncDir makes dir's entries (files created, renamed or removed in it)
// durable. On Windows, where a directory cannot be synced and NTFS journals
// its entries, it does nothing.
func SyncDir(dir string) error { return syncDir(dir) }

func syncDirOS(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}

// CreateFile creates path holding data with mode perm, all at once and
// durably: the data goes to a temporary file in the same directory, is synced,
// is linked to path (which fails if path exists, so nobody ever sees a partial
// file and a concurrent creator cannot be overwritten), and the directory is
// synced. It returns an error matching fs.ErrExist if path exists.
func CreateFile(path string, data []byte, perm fs.FileMode) error {
	return install(path, data, perm, os.Link)
}

// install writes data with mode perm to a synced temporary file beside path,
// puts it at path with place (os.Link or os.Rename) and syncs the directory.
func install(path string, data []byte, perm fs.FileMode, place func(tmp, path string) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(perm)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err = errors.Join(err, tmp.Close()); err != nil {
		return fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	if err := place(tmp.Name(), path); err != nil {
		return err
	}
	return SyncDir(dir)
}

// MkdirAll creates dir and any missing parents with mode perm, like
// os.MkdirAll, and syncs the parent of every directory it created, so that
// the whole path survives a crash.
func MkdirAll(dir string, perm fs.FileMode) error {
	dir = filepath.Clean(dir)
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: errors.New("not a directory")}
		}
		return nil
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := MkdirAll(parent, perm); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, perm); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return SyncDir(filepath.Dir(dir))
}

// ReplaceFile writes data to path with mode perm, all at once and durably,
// replacing the file there if any: the data goes to a temporary file in the
// same directory, is synced and renamed over path, and the directory is
// synced. A reader sees the old contents or the new, never a mix.
func ReplaceFile(path string, data []byte, perm fs.FileMode) error {
	return install(path, data, perm, os.Rename)
}
