package eventstore

import (
	"context"
	"sync"
)

// Progress tracks how far a consumer of $all (a projector, a watcher) has
// got, and lets others wait until it reaches a position. The zero value is at
// position 0 and ready to use; it is safe for concurrent use.
type Progress struct {
	mu      sync.Mutex
	pos     uint64
	reached chan struct{} // closed and replaced whenever pos advances
}

// Position returns the last position reached.
func (p *Progress) Position() uint64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pos
}

// Advance moves the position to pos if it is further, waking waiters.
func (p *Progress) Advance(pos uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pos <= p.pos {
		return
	}
	p.pos = pos
	if p.reached != nil {
		close(p.reached)
		p.reached = nil
	}
}

// Reset sets the position back to pos (after a rebuild).
func (p *Progress) Reset(pos uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pos = pos
}

// WaitFor blocks until the position is at least pos, or ctx ends.
func (p *Progress) WaitFor(ctx context.Context, pos uint64) error {
	for {
		p.mu.Lock()
		if p.pos >= pos {
			p.mu.Unlock()
			return nil
		}
		if p.reached == nil {
			p.reached = make(chan struct{})
		}
		ch := p.reached
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
