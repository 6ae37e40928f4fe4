package eventstore

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitAsync starts WaitFor(pos) and returns the channel its result arrives on.
func waitAsync(ctx context.Context, p *Progress, pos uint64) <-chan error {
	done := make(chan error, 1)
	go func() { done <- p.WaitFor(ctx, pos) }()
	return done
}

// settled waits until p holds n waiters.
func settled(t *testing.T, p *Progress, n int) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		p.mu.Lock()
		got := len(p.waiters)
		p.mu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d waiters, want %d", got, n)
		}
	}
}

// returned reports whether done has a result, and fails t if it is an error.
func returned(t *testing.T, done <-chan error) bool {
	t.Helper()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
		return true
	default:
		return false
	}
}

func TestWaitForReturnsOnceThePositionReachesIt(t *testing.T) {
	var p Progress
	ctx := context.Background()
	at3, at5, alsoAt5, at9 := waitAsync(ctx, &p, 3), waitAsync(ctx, &p, 5), waitAsync(ctx, &p, 5), waitAsync(ctx, &p, 9)
	settled(t, &p, 4)
	p.Advance(2)
	settled(t, &p, 4) // nobody reached
	p.Advance(4)
	settled(t, &p, 3)
	if err := <-at3; err != nil {
		t.Fatal(err)
	}
	if returned(t, at5) || returned(t, alsoAt5) || returned(t, at9) {
		t.Fatal("Advance(4) woke others than the waiter at 3")
	}
	p.Advance(4) // not further: nothing happens
	p.Advance(5)
	settled(t, &p, 1)
	for _, w := range []<-chan error{at5, alsoAt5} {
		if err := <-w; err != nil {
			t.Fatal(err)
		}
	}
	if returned(t, at9) {
		t.Fatal("Advance(5) woke the waiter at 9")
	}
	p.Advance(100)
	settled(t, &p, 0)
	if err := <-at9; err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(ctx, 100); err != nil { // already reached: at once
		t.Fatal(err)
	}
}

func TestResetWakesTheWaitersItReaches(t *testing.T) {
	var p Progress
	p.Advance(10)
	at12, at13 := waitAsync(context.Background(), &p, 12), waitAsync(context.Background(), &p, 13)
	settled(t, &p, 2)
	p.Reset(3) // back, after a rebuild began
	settled(t, &p, 2)
	p.Reset(12)
	settled(t, &p, 1)
	if err := <-at12; err != nil {
		t.Fatal(err)
	}
	if returned(t, at13) {
		t.Fatal("Reset(12) woke the waiter at 13")
	}
	if got := p.Position(); got != 12 {
		t.Fatalf("Position() = %d after Reset(12)", got)
	}
}

func TestACancelledWaitIsForgotten(t *testing.T) {
	var p Progress
	ctx, cancel := context.WithCancel(context.Background())
	var waits []<-chan error
	for pos := range uint64(100) {
		waits = append(waits, waitAsync(ctx, &p, 1+pos%7))
	}
	settled(t, &p, 100)
	cancel()
	for _, w := range waits {
		if err := <-w; err != context.Canceled {
			t.Fatalf("a cancelled WaitFor returned %v", err)
		}
	}
	settled(t, &p, 0)
}

// BenchmarkAdvanceWithWaitersAhead: 2,000 goroutines wait on positions 1 to
// 2,000 (each a bid's writer waiting to read it back, as the load test's
// do), and the position moves 100 at a time (a projector's commit), each
// step once the waiters it reached have returned.
// go test -run X -bench AdvanceWithWaitersAhead ./internal/eventstore/
func BenchmarkAdvanceWithWaitersAhead(b *testing.B) {
	const n, step = 2000, 100
	for b.Loop() {
		var p Progress
		var started, done sync.WaitGroup
		var back atomic.Int64
		for pos := range uint64(n) {
			started.Add(1)
			done.Go(func() {
				started.Done()
				if err := p.WaitFor(context.Background(), pos+1); err != nil {
					b.Error(err)
				}
				back.Add(1)
			})
		}
		started.Wait()
		for pos := step; pos <= n; pos += step {
			p.Advance(uint64(pos))
			for back.Load() < int64(pos) {
				runtime.Gosched()
			}
		}
		done.Wait()
	}
}
