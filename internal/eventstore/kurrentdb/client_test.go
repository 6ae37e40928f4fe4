package kurrentdb

import (
	"testing"
	"time"
)

func TestInflightCloseWaitsForCalls(t *testing.T) {
	var f inflight
	if !f.enter() {
		t.Fatal("enter refused before close")
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		f.leave()
	}()
	if !f.close(5 * time.Second) {
		t.Fatal("close did not see the call end")
	}
	if f.enter() {
		t.Fatal("enter accepted after close")
	}
}

func TestInflightCloseGivesUpOnAStuckCall(t *testing.T) {
	var f inflight
	f.enter()
	start := time.Now()
	if f.close(30 * time.Millisecond) {
		t.Fatal("close reported idle with a call in flight")
	}
	if waited := time.Since(start); waited < 30*time.Millisecond {
		t.Fatalf("close gave up after %s, before its wait", waited)
	}
	f.leave() // a late call still ends cleanly
}
