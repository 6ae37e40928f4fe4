package changes

import (
	"context"
	"testing"
)

func record(l *Log, keys ...Key) {
	ctx, s := Collect(context.Background())
	Changed(ctx, keys...)
	l.Record(s)
}

// reading returns the Reads of a computation that read keys.
func reading(keys ...Key) *Reads {
	ctx, r := Track(context.Background())
	Read(Depend(ctx, keys...))
	return r
}

func TestALogPastItsBoundForgetsItsKeysAndCallsEarlierResultsStale(t *testing.T) {
	l := NewLog(2)
	record(l, "a")
	since := l.Now()
	r := reading("b")
	record(l, "c") // two keys: within the bound
	if !l.Fresh(r, since) {
		t.Fatal("a result that read b went stale when c changed")
	}
	record(l, "d") // three keys: past the bound
	if l.Fresh(r, since) {
		t.Fatal("a result computed before the log forgot its keys was called fresh")
	}
	if now := l.Now(); !l.Fresh(reading("b"), now) {
		t.Fatal("a result computed after the log forgot its keys was called stale")
	}
}

func TestAReadUnderDependNamesItsKeysAndAnyOtherReadDependsOnEverything(t *testing.T) {
	l := NewLog(10)
	since := l.Now()
	ctx, undeclared := Track(context.Background())
	Read(ctx)
	declared := reading("a")
	record(l) // a commit that changes no key
	if l.Fresh(undeclared, since) {
		t.Fatal("a read no Depend covered survived a commit")
	}
	if !l.Fresh(declared, since) {
		t.Fatal("a read of a went stale at a commit that did not change a")
	}
	Read(context.Background()) // untracked reads are not recorded anywhere
	if Depend(context.Background(), "a") != context.Background() {
		t.Fatal("Depend without Track changed the context")
	}
}
