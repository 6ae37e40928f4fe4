package filestore_test

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/filestore"
	"github.com/nongjiao/nongjiao/internal/eventstore/storetest"
)

// testSegmentSize is small so that the suite also crosses segments.
const testSegmentSize = 256 << 10

func TestContract(t *testing.T) {
	storetest.Run(t, func(t testing.TB) eventstore.Store {
		return open(t, t.TempDir())
	})
}

// open opens a store in dir with small segments.
func open(t testing.TB, dir string) *filestore.Store {
	t.Helper()
	s, err := filestore.Open(filestore.Options{Dir: dir, SegmentSize: testSegmentSize})
	if err != nil {
		t.Fatal(err)
	}
	return s
}
