package kurrentdb

import (
	"container/list"
	"context"
	"sync"

	"github.com/google/uuid"

	"github.com/nongjiao/nongjiao/internal/eventstore"
)

// knownStreams remembers, for the most recently appended-to streams, which
// event ids each holds up to some version, so that an append reads only what
// was appended since. It keeps at most capacity streams, dropping the least
// recently used.
type knownStreams struct {
	capacity int

	mu      sync.Mutex
	streams map[string]*list.Element // of *known
	lru     list.List                // front: most recently used
}

// known is what the Store knows of one stream: the events of versions
// 1..version, by id. An append holds the stream's lock throughout, so
// in-process appends to one stream take turns instead of failing each
// other's expected revision.
type known struct {
	stream  string
	lockCh  chan struct{} // a one-slot semaphore: held while full
	version uint64
	ids     map[uuid.UUID]eventstore.AppendResult // where each event is: its version and position
}

func newKnownStreams(capacity int) *knownStreams {
	return &knownStreams{capacity: capacity, streams: map[string]*list.Element{}}
}

// lock returns the stream's entry, locked, or the context's error.
func (ks *knownStreams) lock(ctx context.Context, stream string) (*known, error) {
	ks.mu.Lock()
	el, ok := ks.streams[stream]
	if ok {
		ks.lru.MoveToFront(el)
	} else {
		el = ks.lru.PushFront(&known{stream: stream, lockCh: make(chan struct{}, 1), ids: map[uuid.UUID]eventstore.AppendResult{}})
		ks.streams[stream] = el
		if ks.lru.Len() > ks.capacity {
			oldest := ks.lru.Back()
			ks.lru.Remove(oldest)
			delete(ks.streams, oldest.Value.(*known).stream)
		}
	}
	k := el.Value.(*known)
	ks.mu.Unlock()
	select {
	case k.lockCh <- struct{}{}:
		return k, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (k *known) unlock() { <-k.lockCh }

// catchUpPage is how many events one read of catchUp asks for.
const catchUpPage = 1024

// catchUp reads the events appended to the stream since k.version.
func (k *known) catchUp(ctx context.Context, s *Store, stream string) error {
	for {
		got, err := s.ReadStream(ctx, stream, eventstore.Forwards, k.version+1, catchUpPage)
		if err != nil {
			return err
		}
		for _, e := range got {
			k.ids[e.ID] = eventstore.AppendResult{Version: e.Version, Position: e.Position}
			k.version = e.Version
		}
		if len(got) < catchUpPage {
			return nil
		}
	}
}

// written reports whether every event of the batch is already in the stream,
// and if so the result of the write that stored them: the version and
// position of the last of them.
func (k *known) written(events []eventstore.EventData) (eventstore.AppendResult, bool) {
	var last eventstore.AppendResult
	for _, e := range events {
		at, ok := k.ids[e.ID]
		if !ok {
			return eventstore.AppendResult{}, false
		}
		if at.Version > last.Version {
			last = at
		}
	}
	return last, true
}
