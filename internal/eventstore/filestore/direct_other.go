//go:build !linux

package filestore

import (
	"errors"
	"os"
)

// directAlign reports that direct I/O is not used here: 0.
func directAlign(*os.File) int64 { return 0 }

// openDirect is never called where directAlign is 0.
func openDirect(string) (*os.File, error) { return nil, errors.ErrUnsupported }

// preallocate is never called where directAlign is 0.
func preallocate(*os.File, int64) error { return errors.ErrUnsupported }
