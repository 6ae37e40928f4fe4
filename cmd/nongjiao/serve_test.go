package main

import (
	"bytes"
	"context"
	"io"
	"testing"
)

// A signal that arrives while serve is still starting (opening the store,
// loading the demo) stops it cleanly: no error, exit status 0.
func TestServeStoppedWhileStartingExitsCleanly(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errOut bytes.Buffer
	if err := serve(ctx, []string{"--data-dir", t.TempDir(), "--demo", "--listen", "127.0.0.1:0"}, io.Discard, &errOut); err != nil {
		t.Fatalf("serve stopped while starting: %v\n%s", err, errOut.String())
	}
}
