package eventstore

import (
	"container/heap"
	"context"
	"sync"
)

// Progress tracks how far a consumer of $all (a projector, a watcher) has
// got, and lets others wait until it reaches a position. The zero value is at
// position 0 and ready to use; it is safe for concurrent use.
//
// Each waiter is woken once, when the position reaches the one it waits for:
// thousands waiting on positions far ahead (a bid's writer waiting to read
// it back, say) cost an advance nothing until it reaches them.
type Progress struct {
	mu      sync.Mutex
	pos     uint64
	waiters waiters // by the position each waits for, lowest first
}

// Position returns the last position reached.
func (p *Progress) Position() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pos
}

// Advance moves the position to pos if it is further, waking the waiters it
// reaches.
func (p *Progress) Advance(pos uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pos <= p.pos {
		return
	}
	p.pos = pos
	p.wake()
}

// Reset sets the position to pos (after a rebuild), waking the waiters it
// reaches.
func (p *Progress) Reset(pos uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pos = pos
	p.wake()
}

// wake closes the channels of the waiters the position has reached.
func (p *Progress) wake() {
	for len(p.waiters) > 0 && p.waiters[0].pos <= p.pos {
		close(heap.Pop(&p.waiters).(*waiter).reached)
	}
}

// WaitFor blocks until the position is at least pos, or ctx ends.
func (p *Progress) WaitFor(ctx context.Context, pos uint64) error {
	p.mu.Lock()
	if p.pos >= pos {
		p.mu.Unlock()
		return nil
	}
	w := &waiter{pos: pos, reached: make(chan struct{})}
	heap.Push(&p.waiters, w)
	p.mu.Unlock()
	select {
	case <-w.reached:
		return nil
	case <-ctx.Done():
		p.mu.Lock()
		defer p.mu.Unlock()
		if w.index < 0 { // woken while ctx ended
			return nil
		}
		heap.Remove(&p.waiters, w.index)
		return ctx.Err()
	}
}

// waiter is one WaitFor in progress: its position, the channel Advance
// closes and its place in the heap (-1 once out of it).
type waiter struct {
	pos     uint64
	reached chan struct{}
	index   int
}

// waiters is a heap of waiters by position (container/heap).
type waiters []*waiter

func (h waiters) Len() int           { return len(h) }
func (h waiters) Less(i, j int) bool { return h[i].pos < h[j].pos }
func (h waiters) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *waiters) Push(x any) {
	w := x.(*waiter)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *waiters) Pop() any {
	old := *h
	w := old[len(old)-1]
	old[len(old)-1] = nil
	w.index = -1
	*h = old[:len(old)-1]
	return w
}
