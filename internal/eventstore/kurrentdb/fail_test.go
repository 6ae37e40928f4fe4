package kurrentdb

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// A request whose connection ended under it (the client's error wraps
// io.EOF, with no gRPC status) failed for want of a server: it matches
// ErrUnavailable, so callers retry it as they do a refused connection. Any
// other error stays what it is.
func TestAConnectionEndedUnderARequestIsUnavailable(t *testing.T) {
	s := &Store{}
	eof := fmt.Errorf("could not send append request header. Reason: %w", io.EOF)
	if err := s.fail(context.Background(), "append to s-1", eof); !errors.Is(err, eventstore.ErrUnavailable) || !errors.Is(err, io.EOF) {
		t.Fatalf("fail(EOF) = %v; want ErrUnavailable wrapping the client's error", err)
	}
	other := errors.New("wrong expected version")
	if err := s.fail(context.Background(), "append to s-1", other); errors.Is(err, eventstore.ErrUnavailable) || !errors.Is(err, other) {
		t.Fatalf("fail(other) = %v; want the client's error alone", err)
	}
}
