package memstore_test

import (
	"testing"

	"github.com/nongjiao/nongjiao/internal/eventstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/memstore"
	"github.com/nongjiao/nongjiao/internal/eventstore/storetest"
	"github.com/nongjiao/nongjiao/internal/kernel"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(testing.TB) eventstore.Store {
		return memstore.New(kernel.SystemClock{})
	})
}
