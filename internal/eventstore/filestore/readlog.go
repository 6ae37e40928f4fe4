package filestore

import (
	"errors"
	"io/fs"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// ReadLog calls each with every event of the log in dir, in order, reading
// as ScanLog does: without the lock, beside a store that has dir open, up to
// the end its recovery would find. A directory that does not exist holds no
// events. An error from each ends the read and is returned.
func ReadLog(dir string, each func(eventstore.RecordedEvent) error) error {
	_, err := ScanLog(dir, func(_ string, records []byte) error {
		for b := records; ; {
			r, size, ok, _ := parse(b)
			if !ok {
				return nil
			}
			if err := each(r.event()); err != nil {
				return err
			}
			b = b[size:]
		}
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}
